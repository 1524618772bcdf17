"""An open story: its views, the reader's verbs, and the commit of a written turn.

A Story holds one game and its dependencies, all passed in: the chat model, the long-term
memory store (with its embedder) and a save function. It imports no UI. Each verb that
writes (start, play, retry) makes a TurnRequest, runs it through the one pipeline
(engine/turn.py) and commits the draft; the tree moves are the game's, saved here.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any, AsyncGenerator, Awaitable, Callable, Sequence

from .. import failpoints
from ..errors import ReaderError
from ..llm.base import ChatModel
from ..memory.rows import Recall
from ..memory.rows import LongTermMemory
from ..world.model import World
from .coauthor import CoAuthor
from .events import TurnDone, TurnError, TurnEvent, TurnStats
from .options import TurnOptions
from .prompts import warm_messages, world_brief
from .recall import lore_for_plan, recall_offered
from .request import TurnRequest
from .state import Game, Node, Persona
from .text import clean, clip_words
from .trace import TraceLog, copy_record
from .turn import Draft, Turn
from .vectors import VectorCache

__all__ = ["MAX_PLAN_CHARS", "PlanError", "Story", "TurnOptions", "new_game", "prepare_plan"]

MAX_PLAN_CHARS = 1000


class PlanError(ReaderError, ValueError):
    """The reader's plan cannot be used as it is (empty); the message says why."""


def prepare_plan(text: str) -> tuple[str, str]:
    """The reader's own words made safe: control characters and escapes stripped, length bounded.
    Returns (plan, notice); notice is non-empty when the text was shortened."""
    plan = " ".join(clean(text or "").split())
    if not plan:
        raise PlanError("your plan is empty: type what you want to do, or pick a numbered plan")
    if len(plan) > MAX_PLAN_CHARS:
        return plan[:MAX_PLAN_CHARS].rsplit(" ", 1)[0], f"your plan was shortened to {MAX_PLAN_CHARS} characters"
    return plan, ""


def new_game(world: World, persona: Persona) -> Game:
    """A game for a World and a persona; `{player}` is replaced by the persona's name."""
    return Game(world=world.for_player(persona.name), persona=persona)


class Story(CoAuthor):
    def __init__(
        self,
        game: Game,
        model: ChatModel,
        memory: LongTermMemory,
        save: Callable[[Game], None] | None = None,
        options: TurnOptions | None = None,
        traces: TraceLog | None = None,
    ):
        """`traces` keeps what the storyteller saw for each turn (engine/trace.py); None keeps nothing."""
        super().__init__(traces)
        self.game = game
        self.model = model
        self.memory = memory
        self.embedder = memory.embedder
        self._save = save
        self.options = options or TurnOptions()
        self.save_error = ""
        self.last_stats: TurnStats | None = None
        self.last_prompt: list[dict] = []  # the messages the last paragraph was written from
        self._brief: str | None = None
        self.vectors = VectorCache(self.embedder)
        self._prefetch: asyncio.Future[Any] | None = None
        self._warming: asyncio.Task[None] | None = None
        self._ahead: tuple[int, asyncio.Task[list[Recall]]] | None = None  # recalls for the plans of a node
        self.prewarmed_tokens = 0  # prompt tokens evaluated ahead, while the reader read

    # --- views ----------------------------------------------------------------
    @property
    def node(self) -> Node:
        return self.game.node

    @property
    def plans(self) -> list[str]:
        return self.game.node.plans

    @property
    def brief(self) -> str:
        """The world and the reader, as every prompt begins (built once: it never changes)."""
        if self._brief is None:
            self._brief = world_brief(self.game.world.snapshot(), self.game.persona)
        return self._brief

    # --- saving ---------------------------------------------------------------
    def save(self) -> bool:
        """Save now; on failure keep playing with the story in memory and remember the error."""
        if self._save is None:
            return True
        try:
            self._save(self.game)
        except Exception as exc:  # noqa: BLE001 - disk full, read-only, ...: reported, never fatal
            self.save_error = str(exc)
            return False
        self.save_error = ""
        return True

    # --- the verbs that write a turn --------------------------------------------
    async def start(self) -> AsyncGenerator[TurnEvent, None]:
        """The opening: the seed's own paragraph or one written by the model, the first memory and plans."""
        if self.game.nodes:
            raise TurnError("this story has already begun")
        request = TurnRequest.opening(self.game.world, self.game.lore_rows(), self.options.n_plans)
        async with contextlib.aclosing(self.run(request)) as events:
            async for event in events:
                yield event

    async def play(self, plan: str, own: bool = False) -> AsyncGenerator[TurnEvent, None]:
        """Take a plan (chosen, or the reader's own words) and write the next turn."""
        if not self.game.nodes:
            raise TurnError("the story has not started")
        plan, notice = prepare_plan(plan)
        request = TurnRequest(self.game.current, plan, own=own, notices=(notice,) if notice else (),
                              recalls=await self._recalled_ahead(plan, own))
        async with contextlib.aclosing(self.run(request)) as events:
            async for event in events:
                yield event

    async def retry(self) -> AsyncGenerator[TurnEvent, None]:
        """Write the current turn again from the same parent and plan; the new version becomes a sibling."""
        node = self.node
        if node.parent is None:
            raise TurnError("the opening cannot be retried")
        # the facts pinned on the turn being written again are in its new version's prompt
        # (a turn the world's author wrote is written by the model: the author's words would come back unchanged)
        request = TurnRequest(node.parent, node.plan, own=node.own_plan, pinned=tuple(node.pinned), authored=False)
        async with contextlib.aclosing(self.run(request)) as events:
            async for event in events:
                yield event

    async def run(self, request: TurnRequest, edit_of: int | None = None) -> AsyncGenerator[TurnEvent, None]:
        """Write the turn `request` asks for, yield its events, commit it, yield TurnDone. `edit_of`: the
        turn is part of an edit, and undo there goes back to that turn (Game.mark_edit)."""
        turn = self.turn(request)
        async with contextlib.aclosing(turn.run()) as events:
            async for event in events:
                yield event
        yield self.commit(turn.draft, edit_of=edit_of)

    def turn(self, request: TurnRequest) -> Turn:
        """The pipeline for `request`, handed the story's parts and the work done while the reader read."""
        return Turn(self.game, self.model, self.memory, self.vectors, self.brief, self.options, request,
                    prefetch=self._take_prefetch())

    def commit(self, draft: Draft, copies: Sequence[Node] = (), copy_rows: Sequence[Any] = (),
               copy_vectors: Sequence[Any] = (), edit_of: int | None = None) -> TurnDone:
        """Store a written turn: what the storyteller saw, long-term memory, then the game, then the save.
        An edit that keeps the turns after the edited one stores their `copies` with it (their memory
        rows and vectors too), all in one save; the last copy becomes current.

        Nothing awaits after this point: a cancelled turn either committed fully or not at all.
        (A kill between the vector write and the save leaves rows the game does not know; loading
        the slot removes them, see session.reconcile. A trace written for a turn never committed is
        overwritten by the next turn's, which gets its id.)"""
        node, stats = draft.node, draft.stats
        edit = "edit-" if edit_of is not None else ""
        self.keep_trace([draft.trace, *(copy_record(c) for c in copies)])
        t = time.perf_counter()
        failpoints.hit(edit + "before-vector-write")
        self.memory.add([*draft.rows, *copy_rows], [*draft.vectors, *copy_vectors])
        stats.timings_ms["store"] = _ms(t)
        failpoints.hit(edit + "between-vector-and-state")
        self.game.add(node)
        for copy in copies:
            self.game.add(copy)
        if edit_of is not None:
            self.game.mark_edit(self.game.current, edit_of)
        stats.node, stats.turn, stats.memories_stored = node.id, node.depth, len(draft.rows)
        stats.prompt_tokens_prewarmed = self.prewarmed_tokens
        t = time.perf_counter()
        self.save()
        stats.timings_ms["save"] = _ms(t)
        failpoints.hit(edit + "after-state-write")
        stats.save_error = self.save_error
        stats.total_seconds = round(time.perf_counter() - draft.started, 3)
        stats.turn_s = stats.total_seconds
        stats.overhead_ms = round((stats.total_seconds - draft.model_seconds) * 1000, 1)
        self.last_stats = stats
        self.last_prompt = draft.prompt
        self._start_prefetch()
        return TurnDone(self.game.node, stats)

    # --- work done while the reader reads ---------------------------------------
    def _start_prefetch(self) -> None:
        """While the reader reads: embed the new memory and the offered plans for the next query;
        with the cache layout, recall for the plans offered and let a model with a local cache
        evaluate the start of the next prompt (all that is known before the choice: memory, facts,
        last paragraph, those recalls), so that after a pick only the plan and the instruction are
        evaluated."""
        node = self.node
        texts = [node.memory, *node.plans]
        loop = asyncio.get_running_loop()
        self._prefetch = loop.create_task(asyncio.to_thread(self.vectors.many, texts))
        self._ahead = None
        if self.options.cache_layout:
            self._ahead = (node.id, loop.create_task(self._recall_ahead(node)))
            prewarm: Callable[[list[dict]], Awaitable[int]] | None = getattr(self.model, "prewarm", None)
            if prewarm is not None:
                self._warming = loop.create_task(self._warm(prewarm, node, self._ahead[1]))

    async def _recall_ahead(self, node: Node) -> list[Recall]:
        opts = self.options
        return await recall_offered(
            self.memory, self.vectors, self.game.world.lore, plans=node.plans, short_term=node.memory,
            last=node.paragraph, path=self.game.path_ids(node.id), k=opts.recall_k,
            lore_budget_words=opts.lore_budget_words, skip=opts.recall_skip)

    async def _recalled_ahead(self, plan: str, own: bool) -> tuple[Recall, ...] | None:
        """The recalls made while the reader read, when the reader took one of the plans offered."""
        ahead = self._ahead
        if own or ahead is None or ahead[0] != self.game.current or plan not in self.node.plans:
            return None
        try:
            ahead_recalls = await asyncio.shield(ahead[1])
        except Exception:  # noqa: BLE001 - a failed head start: the turn recalls for its plan itself
            return None
        return tuple(lore_for_plan(ahead_recalls, self.game.world.lore, plan, self.node.paragraph,
                                   self.options.lore_budget_words))

    async def _warm(self, prewarm: Callable[[list[dict]], Awaitable[int]], node: Node,
                    recalls: asyncio.Task[list[Recall]]) -> None:
        try:
            head = warm_messages(self.brief, node.memory, node.facts, node.paragraph, await asyncio.shield(recalls),
                                 pinned=node.pinned)
            self.prewarmed_tokens = await prewarm(head)
        except Exception:  # noqa: BLE001 - only a head start: the next call evaluates what is missing
            self.prewarmed_tokens = 0

    async def read_ahead(self) -> None:
        """Wait for the work started while the reader reads (recalls for the plans offered, the
        model's cache warmed): what tests and benchmarks wait for before they pick."""
        for task in (self._ahead[1] if self._ahead else None, self._warming):
            if task is not None:
                with contextlib.suppress(Exception):
                    await asyncio.shield(task)

    def _take_prefetch(self) -> asyncio.Future[Any] | None:
        task, self._prefetch = self._prefetch, None
        return task

    async def _await_prefetch(self) -> None:
        """Let the work started while the reader reads finish (benchmarks wait for it)."""
        task = self._take_prefetch()
        if task is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(task)

    # --- the tree: the game moves, the story saves ----------------------------------
    def _saved(self, node: Node | None) -> Node | None:
        if node is not None:
            self.save()
        return node

    def undo(self) -> Node | None:
        return self._saved(self.game.undo())

    def redo(self) -> Node | None:
        return self._saved(self.game.redo())

    def alternatives(self) -> list[int]:
        """The versions of the current turn (siblings written for the same parent and plan)."""
        return self.game.alternatives()

    def alt(self, step: int) -> Node | None:
        return self._saved(self.game.alt(step))

    def goto(self, node_id: int) -> Node:
        node = self.game.goto(node_id)
        self.save()
        return node

    # --- memory ---------------------------------------------------------------
    def edit_memory(self, text: str) -> None:
        """The reader's edit of the short-term memory, used from the next turn on."""
        self.node.memory = clip_words(clean(text), self.options.memory_words)
        self.game.dirty.add(self.node.id)
        self.save()

    def search(self, text: str, k: int = 8) -> list[Recall]:
        """Search the long-term memory of the current path (and lore) with words."""
        return self.memory.search_text(text, k, self.game.path_ids())


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)

