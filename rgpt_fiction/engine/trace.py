"""What the storyteller saw: the record of one turn's model calls, kept in the slot for inspecting.

For every call of a turn (the paragraph, the update, each attempt of either) the record holds the
exact messages sent, cut into labelled parts (the narrator's instructions, the world brief, the
short-term memory, the facts, the pinned facts, the last paragraph, the recalls, the plan, the
instruction...), each with its tokens (the model's own tokenizer where it has one, else an estimate,
and which) and its words against its word budget; the prompt tokens the backend reported for the
whole call (or an estimate, saying so); the model's raw answer. For the turn: the memories recalled
with their scores and why they came, and every repair made.

A record is plain JSON, written to the slot (a `TraceLog`, handed in like the save) before the turn
is committed, and read only when someone inspects a turn: loading a story never reads it. It holds
what the game built and what the model answered, never a call's options (no API key can reach it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol, Sequence

from ..llm.base import Usage
from ..memory.rows import Recall
from .prompts import BUDGET, HEADING, NARRATOR
from .state import Node
from .text import estimate_tokens, word_count

VERSION = 1
ESTIMATE = "estimate (about 4 characters a token)"
TOKENIZER = "the model's own tokenizer"

# The parts of a prompt, by the words each begins with at the start of a line (as prompts.py writes
# them): (words, label, the BUDGET key of its word budget). The recalls' budget is per recall.
HEADERS: tuple[tuple[str, str, str], ...] = (
    (HEADING["memory"], "short-term memory", "memory"),
    (HEADING["facts"], "facts", "facts"),
    (HEADING["pinned"], "pinned facts", "pinned"),
    (HEADING["last_ended"], "last paragraph", "last"),
    (HEADING["last"], "last paragraph", "last"),
    (HEADING["recalls"], "recalls", "recall_each"),
    (HEADING["plan"], "plan", "plan"),
    (HEADING["instruction"], "instruction", ""),
    (HEADING["update"], "update instruction", ""),
    # the update asked in a prompt of its own (TurnOptions.cache_layout off)
    (HEADING["memory_before"], "short-term memory", "memory"),
    (HEADING["facts_before"], "facts", "facts"),
    (HEADING["did"], "plan", "plan"),
    (HEADING["written"], "paragraph written", "paragraph"),
)


class TraceLog(Protocol):
    """Where a story keeps its turns' records (the slot's traces file; a list in tests)."""

    def append(self, records: Sequence[dict[str, Any]]) -> None: ...

    def read(self, node_id: int) -> dict[str, Any] | None: ...


@dataclass
class ModelCall:
    """One model call as it went: the messages sent, the answer as it came (before any repair), the
    reasons it was restarted, and the backend's usage."""

    messages: list[dict]
    structured: bool  # the update (a JSON answer), not the paragraph
    answer: str = ""
    restarts: list[str] = field(default_factory=list)
    usage: Usage | None = None


Counter = Callable[[str], int | None]


def _spans(content: str) -> list[tuple[int, str, str, str]]:
    """(start, label, budget key, header words) of every known part of a message, in order."""
    found: dict[int, tuple[str, str, str]] = {}
    for words, label, budget in HEADERS:
        at = 0 if content.startswith(words) else content.find("\n" + words)
        if at > 0:
            at += 1
        if at >= 0 and at not in found:
            found[at] = (label, budget, words)
    return sorted((at, *found[at]) for at in found)


def message_parts(messages: list[dict]) -> list[dict[str, Any]]:
    """The labelled parts of a call's messages: which message, where in it (start, end), the label and
    the BUDGET key of its word budget ("" when it has none). Together they cover every message whole."""
    parts: list[dict[str, Any]] = []
    for i, message in enumerate(messages):
        content, role = message.get("content") or "", message.get("role", "")
        cuts: list[tuple[int, str, str, str]]
        if role == "system":
            head = len(NARRATOR) if content.startswith(NARRATOR) else 0
            cuts = [(0, "narrator's instructions", "", "")] if head else []
            cuts.append((head, "world brief", "", "") if head else (0, "system", "", ""))
        elif role == "assistant":
            last = i == len(messages) - 1
            cuts = [(0, "opening words given" if last else "paragraph written", "" if last else "paragraph", "")]
        else:
            cuts = _spans(content)
            if not cuts or cuts[0][0] > 0:
                cuts.insert(0, (0, "other", "", ""))
        for n, (start, label, budget, header) in enumerate(cuts):
            end = cuts[n + 1][0] if n + 1 < len(cuts) else len(content)
            if end > start:
                parts.append({"label": label, "message": i, "role": role, "start": start, "end": end,
                              "budget": budget, "header": header})
    return parts


def _budget_words(budget: str, text: str) -> int | None:
    if not budget:
        return None
    if budget == "recall_each":  # a budget per recall: one line each
        return BUDGET[budget] * max(1, sum(1 for line in text.splitlines() if line.startswith("- ")))
    return BUDGET.get(budget)


def call_record(call: ModelCall, count: Counter) -> dict[str, Any]:
    """One call as the record keeps it (`count`: the model's token count of a text, or None)."""
    parts = []
    by_model = True
    for part in message_parts(call.messages):
        text = call.messages[part["message"]]["content"][part["start"]:part["end"]]
        tokens = count(text)
        if tokens is None:
            by_model, tokens = False, estimate_tokens(text) if text.strip() else 0
        budget, header = part.pop("budget"), part.pop("header")
        # the words held against the budget are the part's own, not its heading's
        words = word_count(text[len(header):] if budget and header and text.startswith(header) else text)
        parts.append({**part, "tokens": tokens, "words": words, "budget_words": _budget_words(budget, text)})
    usage = call.usage
    return {
        "purpose": "update" if call.structured else "paragraph",
        "messages": call.messages,
        "parts": parts,
        "part_tokens_by": TOKENIZER if by_model and parts else ESTIMATE,
        "prompt_tokens": usage.prompt_tokens if usage else sum(p["tokens"] for p in parts),
        "prompt_tokens_by": "the backend" if usage and not usage.estimated else ESTIMATE,
        "cached_tokens": usage.cached_tokens if usage else None,
        "completion_tokens": usage.completion_tokens if usage else None,
        "answer": call.answer,
        "restarts": call.restarts,
    }


def why(recall: Recall, ahead: bool) -> str:
    """Why a memory came into the prompt."""
    if recall.kind == "lore":
        reason = recall.reason or "similar"
        if reason == "always":
            return "always: this lore is in every prompt"
        if reason.startswith("key"):
            return f"lore {reason} (its key was in the plan or the last paragraph)"
        return f"lore similar in meaning ({reason})"
    if ahead:
        return "similar in meaning to the plans offered (recalled while you read, before you chose)"
    return "similar in meaning to the plan and the short-term memory"


def turn_record(node: Node, calls: Sequence[ModelCall], recalls: Sequence[Recall], *, ahead: bool,
                repairs: Sequence[str], model: str, count: Counter) -> dict[str, Any]:
    """The record of a turn written by the pipeline (engine/turn.py)."""
    written = "edit" if node.edited_from is not None else ("model" if calls else "given")
    return {
        "node": node.id,  # first: a reader finds a turn's record by the line's start
        "version": VERSION, "turn": node.depth, "model": model, "written": written,
        "edited_from": node.edited_from, "created": time.time(),
        "recalls": [{"text": r.text, "turn": r.turn, "node": r.node, "kind": r.kind, "score": r.score,
                     "why": why(r, ahead)} for r in recalls],
        "calls": [call_record(c, count) for c in calls],
        "repairs": list(repairs),
    }


def record_turn(model: object, node: Node, calls: Sequence[ModelCall], recalls: Sequence[Recall], ahead: bool,
                repairs: Sequence[str]) -> dict[str, Any]:
    """The record of a turn the pipeline wrote, its parts' tokens counted by `model`'s own tokenizer where it
    has one (`count_tokens`), else estimated."""
    count = getattr(model, "count_tokens", None)
    return turn_record(node, calls, recalls, ahead=ahead, repairs=repairs, model=node.model,
                       count=count if callable(count) else _no_count)


def _no_count(text: str) -> int | None:
    return None


def copy_record(node: Node) -> dict[str, Any]:
    """The record of a turn copied after an edit of an earlier one: the storyteller saw what it saw for
    the turn it copies (`copied_from`)."""
    return {"node": node.id, "version": VERSION, "turn": node.depth, "model": node.model, "written": "copy",
            "copied_from": node.copied_from, "created": time.time(), "recalls": [], "calls": [], "repairs": []}
