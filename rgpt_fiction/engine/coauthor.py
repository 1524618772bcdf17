"""The reader as co-author of a Story: edit a paragraph, pin facts, see what the storyteller saw.

A layer of Story (engine/story.py), which holds the game, the model, the memory and the save; these
verbs use them as the turn verbs do. An edit is a turn of the one pipeline (engine/edit.py says what
it writes); pins live on the current turn and are saved like an edited memory; what the storyteller
saw is kept per turn by the `TraceLog` the story is handed (engine/trace.py), and read back here.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any, AsyncGenerator, Sequence

from ..memory.rows import MemoryRow
from .edit import Later, copies, edit_request, edited_text, later_turns, turn_to_edit
from .events import TurnDone, TurnError, TurnEvent
from .pins import PinError, pinned_edited, pinned_from, pinned_with, pinned_without
from .request import TurnRequest
from .trace import TraceLog
from .trace_view import Inspection, inspect_turn

if TYPE_CHECKING:
    from .state import Game, Node
    from .turn import Draft, Turn
    from .vectors import VectorCache


class CoAuthor:
    if TYPE_CHECKING:  # what Story gives this layer
        game: Game
        vectors: VectorCache

        def save(self) -> bool: ...

        def turn(self, request: TurnRequest) -> Turn: ...

        def run(self, request: TurnRequest, edit_of: int | None = None) -> AsyncGenerator[TurnEvent, None]: ...

        def commit(self, draft: Draft, copies: Sequence[Node] = (), copy_rows: Sequence[Any] = (),
                   copy_vectors: Sequence[Any] = (), edit_of: int | None = None) -> TurnDone: ...

    def __init__(self, traces: TraceLog | None) -> None:
        self.traces = traces
        self.trace_error = ""  # why the last turn's record could not be kept ("" when it was)
        # after an edit whose later turns are written again: (the turn to go on from, the turn that was
        # current before the edit, the plans still to play with whether the reader typed them)
        self._rewrite: tuple[int, int, list[tuple[str, bool]]] | None = None

    # --- editing a paragraph ------------------------------------------------------------
    async def edit(self, node_id: int, text: str, later: Later = "keep") -> AsyncGenerator[TurnEvent, None]:
        """The reader's `text` as the paragraph of turn `node_id` (on the current path): a new version of
        that turn, whose plans, short-term memory and facts the model writes for it (the plans are yielded
        as they come, as after a turn). The turns after it are copied under it as they were (`later`
        "keep") or left for `rewrite_next` to write again from their plans ("rewrite"). Yields the events
        of the update, then TurnDone with the turn now current. EditError when the text is empty,
        unchanged or too long."""
        if not self.game.nodes:
            raise TurnError("the story has not started")
        node = turn_to_edit(self.game, node_id)
        paragraph = edited_text(text, node.paragraph)
        before, after = self.game.current, later_turns(self.game, node)
        turn = self.turn(edit_request(node, paragraph))
        async with contextlib.aclosing(turn.run()) as events:
            async for event in events:
                yield event
        draft = turn.draft
        kept = copies(draft.node.id + 1, draft.node, after) if later == "keep" else []
        vectors = await asyncio.to_thread(self.vectors.embedder.embed, [c.paragraph for c in kept]) if kept else []
        rows = [MemoryRow.paragraph(c.id, c.depth, c.paragraph) for c in kept]
        self._rewrite = None
        done = self.commit(draft, kept, rows, list(vectors), edit_of=before)
        if after and later == "rewrite":
            self._rewrite = (self.game.current, before, [(n.plan, n.own_plan) for n in after])
        yield done

    @property
    def rewriting(self) -> list[tuple[str, bool]]:
        """After an edit whose later turns are written again: their plans still to play, in order, each
        with whether the reader typed it ([] when none, or once the reader went elsewhere)."""
        pending = self._rewrite
        return list(pending[2]) if pending is not None and pending[0] == self.game.current else []

    async def rewrite_next(self) -> AsyncGenerator[TurnEvent, None]:
        """Write the next of the turns after an edit again from its plan: a normal turn, after which undo
        still goes back to the story as it was before the edit."""
        plans, pending = self.rewriting, self._rewrite
        if not plans or pending is None:
            raise TurnError("there is no turn left to write again")
        (plan, own), before = plans[0], pending[1]
        async with contextlib.aclosing(self.run(TurnRequest(self.game.current, plan, own=own),
                                                edit_of=before)) as events:
            async for event in events:
                if isinstance(event, TurnDone):
                    self._rewrite = (self.game.current, before, plans[1:]) if plans[1:] else None
                yield event

    def stop_rewrite(self) -> int:
        """Write no more of the turns after an edit again; returns how many were left."""
        left = len(self.rewriting)
        self._rewrite = None
        return left

    # --- pinned facts ---------------------------------------------------------------------
    def _pins(self, pinned: list[str]) -> list[str]:
        node = self.game.node
        node.pinned = pinned
        self.game.dirty.add(node.id)
        self.save()
        return pinned

    def _current_pins(self) -> list[str]:
        if not self.game.nodes:
            raise PinError("the story has not started: facts are pinned on a turn")
        return self.game.node.pinned

    def pin(self, text: str) -> list[str]:
        """Pin a fact on the current turn: in every prompt from the next turn on, carried to every turn
        written after this one. Returns the pinned facts; PinError when the fact cannot be pinned."""
        return self._pins(pinned_with(self._current_pins(), text))

    def edit_pin(self, number: int, text: str) -> list[str]:
        """Reword pinned fact `number` (from 1)."""
        return self._pins(pinned_edited(self._current_pins(), number, text))

    def set_pins(self, lines: list[str]) -> list[str]:
        """The pinned facts of the current turn replaced by `lines` (one fact a line; blank lines skipped):
        the memory panel's pin, edit and unpin at once. PinError, and nothing changed, when one is bad."""
        self._current_pins()
        return self._pins(pinned_from(lines))

    def unpin(self, number: int) -> str:
        """Unpin fact `number` (from 1); returns it."""
        pinned = self._current_pins()
        fact = pinned[number - 1] if 1 <= number <= len(pinned) else ""
        self._pins(pinned_without(pinned, number))
        return fact

    # --- what the storyteller saw -----------------------------------------------------------
    def keep_trace(self, records: Sequence[dict[str, Any]]) -> None:
        """Keep what the storyteller saw for a turn about to be committed. A record that cannot be written
        (a full disk) costs the turn nothing: `trace_error` says why."""
        if self.traces is None:
            return
        try:
            self.traces.append(records)
        except OSError as exc:
            self.trace_error = f"{exc.strerror or exc}"
            return
        self.trace_error = ""

    def inspect(self, node_id: int | None = None) -> Inspection:
        """What the storyteller saw for turn `node_id` (default: the current one)."""
        return inspect_turn(self.game, self.traces, self.game.current if node_id is None else node_id)
