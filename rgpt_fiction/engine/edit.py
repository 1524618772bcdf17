"""The reader's edit of a paragraph: a new version of that turn, and what becomes of the turns after it.

An edit makes a sibling of the edited turn (same parent and plan, as a retry does; the tree keeps
the old one; `Node.edited_from` names it) whose paragraph is the reader's text, and whose plans,
short-term memory and facts the model writes again for it: the update step of the pipeline, with
the edited paragraph as the paragraph written (a TurnRequest with the text as its `seed`). Its
paragraph gets its own row in long-term memory, so the old one is no longer recalled on this path
and still is on a branch that kept it.

The turns after an edited turn are either copied under the new version as they were ("keep": each
copy with its own memory row, `Node.copied_from` naming the original) or written again from their
plans, in order ("rewrite": each a normal turn). Undo right after an edit goes back to the turn that
was current before it (`Game.edits`), text and memory both.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Literal

from ..errors import ReaderError
from .request import TurnRequest
from .state import Game, Node
from .text import clean, word_count

Later = Literal["keep", "rewrite"]
MAX_PARAGRAPH_WORDS = 1000


class EditError(ReaderError, ValueError):
    """An edit that cannot be made as it is (empty, unchanged, too long, not on the story); the message says why."""


def edited_text(text: str, old: str) -> str:
    """The reader's paragraph as the story keeps it (control characters stripped, spaces and blank lines
    folded); EditError when it is empty, too long, or the paragraph as it was."""
    paragraph = re.sub(r"\n\s*\n\s*", "\n\n", re.sub(r"[ \t]+", " ", clean(text or ""))).strip()
    if not paragraph:
        raise EditError("an empty paragraph cannot be saved: write the paragraph, or cancel to keep it as it was")
    words = word_count(paragraph)
    if words > MAX_PARAGRAPH_WORDS:
        raise EditError(f"a paragraph is at most {MAX_PARAGRAPH_WORDS} words (this one has {words}): "
                        "shorten it, or tell the rest in the next turns")
    if paragraph == old.strip():
        raise EditError("the paragraph is unchanged: nothing to save")
    return paragraph


def turn_to_edit(game: Game, node_id: int) -> Node:
    """The turn `node_id`, which must be on the path the reader is on."""
    if node_id not in game.nodes or node_id not in game.path_ids():
        raise EditError(f"turn id {node_id} is not on the story you are reading: only its paragraphs can be edited")
    return game.nodes[node_id]


def later_turns(game: Game, node: Node) -> list[Node]:
    """The turns after `node` on the path the reader is on (empty when it is the last one)."""
    ids = game.path_ids()
    return [game.nodes[i] for i in ids[ids.index(node.id) + 1:]]


def edit_request(node: Node, text: str) -> TurnRequest:
    """The new version of `node` with the reader's paragraph: the model writes only its update. It is
    recalled for as the old one was (its recalls are kept) and keeps its pinned facts."""
    return TurnRequest(node.parent, node.plan, own=node.own_plan, seed=text, recalls=tuple(node.retrieved),
                       pinned=tuple(node.pinned), edited_from=node.id)


def copies(first_id: int, version: Node, later: list[Node]) -> list[Node]:
    """The turns `later` copied as they were under `version` (the new version of the turn before them),
    with ids from `first_id` on."""
    out: list[Node] = []
    parent = version
    for i, node in enumerate(later):
        copy = replace(node, id=first_id + i, parent=parent.id, depth=parent.depth + 1, plans=list(node.plans),
                       facts=list(node.facts), settings=dict(node.settings), retrieved=list(node.retrieved),
                       pinned=list(node.pinned), edited_from=None, copied_from=node.id)
        out.append(copy)
        parent = copy
    return out
