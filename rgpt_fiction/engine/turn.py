"""One step of the recurrence: a TurnRequest in, typed events out, and a Draft to commit.

A Turn is handed everything it reads (the game, the model, the long-term memory, the
vectors, the world brief, the options and the request) and stores nothing: what it
writes is a Draft (the new node, its long-term memory rows with their vectors, the
stats), which `Story.commit` stores. An async generator cannot return a value, so:

    turn = Turn(game, model, memory, vectors, brief, options, request)
    async for event in turn.run():  # Notice, Phase, Delta, Restart, PlansReady
        ...
    draft = turn.draft  # set once run() is drained; a failed turn raises TurnError from run()

The steps, as in RecurrentGPT: recall from long-term memory (queried with the plan and the
short-term memory), write the paragraph (streamed; asked again when empty or a loop), write
the update (next plans first, then the memory and facts: engine/update.py), embed for
long-term memory. A request that gives both the paragraph and the plans (the world's own
opening with enough first choices) asks the model nothing.

The prompts are built in engine/prompts.py: `paragraph_messages` below (and in the update,
`update_messages`); the brief is built once per story by `Story.brief`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from dataclasses import dataclass, field
from typing import Any, AsyncGenerator, Callable

from .. import failpoints
from ..llm.base import ChatModel, LLMError, Restart as ModelRestart, Usage
from ..memory.rows import MemoryRow, Recall
from ..memory.rows import LongTermMemory
from .events import Delta, DraftEvent, Notice, Phase, Restart, TurnError, TurnStats
from .options import TurnOptions
from .hidden import hidden_now
from .parsing import COPIED_MOSTLY, FOUND_TOO_SOON, WROTE_ON, kept_paragraph
from .plan_warmer import PlanWarmer
from .prompts import (answer_begun, asks, closes_at_once, opening_words, paragraph_messages, without_echo,
                      without_lore)
from .recall import loops, recall
from .repair import fallback_memory
from .request import TurnRequest, parent_plan_taken
from .state import Game, Node
from .text import long_enough, word_count
from .world_events import EVENT_HELD, chosen_outcome, due_event, told_event, turns_late, waits
from .trace import ModelCall, record_turn
from .update import Remembered, Updater
from .usage import ModelUsage
from .vectors import VectorCache

WRITE_ON_BELOW = 0.7  # a paragraph under this share of its length is written on

SEED_MODEL = "(world seed)"  # the model of a turn written without one


def _not_copied(recalls: list[Recall], written: str) -> list[Recall]:
    """The recalls without the older paragraphs a paragraph copied from (three 8-word spans or
    more), for writing it again: still shown, a recalled paragraph was copied on the second try too."""
    from ..quality import spans

    own = set(spans(written))
    return [r for r in recalls if r.kind != "paragraph" or len(own & set(spans(r.text))) < 3]


def _s(since: float) -> float:
    return round(time.perf_counter() - since, 3)


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)


@dataclass
class Draft:
    """A turn written and not yet stored: what `Story.commit` needs, nothing left to await."""

    node: Node  # its id and depth set; not yet in the game
    rows: list[MemoryRow]  # long-term memory rows to store with it (the paragraph last)
    vectors: list[Any]  # one vector per row
    stats: TurnStats
    prompt: list[dict]  # the messages the paragraph was written from ([] when it was given)
    started: float  # when the turn began (time.perf_counter)
    model_seconds: float  # time spent in model calls
    trace: dict[str, Any] = field(default_factory=dict)  # what the storyteller saw (engine/trace.py)


class Turn:
    def __init__(self, game: Game, model: ChatModel, memory: LongTermMemory, vectors: VectorCache, brief: str,
                 options: TurnOptions, request: TurnRequest, prefetch: asyncio.Future[Any] | None = None):
        """`prefetch` is work started while the reader read (the vectors of the next query): it
        is awaited before recalling, and its failure only means that work is done again."""
        self.game, self.model, self.memory, self.vectors = game, model, memory, vectors
        self.brief, self.options, self.request, self.prefetch = brief, options, request, prefetch
        self.parent = game.nodes[request.parent] if request.parent is not None else None
        # the reader's pinned facts: in the prompt, and kept on the new turn
        self.pinned = list(request.pinned) if request.pinned is not None else list(self.parent.pinned if self.parent else [])
        self.calls: list[ModelCall] = []  # every model call, as it went (for the trace)
        self.recalls: list[Recall] = []  # what was recalled into the prompt
        self.stats = TurnStats(turn=game.depth_below(request.parent), node=-1,
                               model="" if request.given else model.name)
        self.usage = ModelUsage()
        self.prompt: list[dict] = []
        self.started = time.perf_counter()
        self._draft: Draft | None = None

    @property
    def draft(self) -> Draft:
        if self._draft is None:
            raise TurnError("the turn is not written yet: drain run() first")
        return self._draft

    async def run(self) -> AsyncGenerator[DraftEvent, None]:
        """Write the turn, yielding what the reader should see as it happens; then `draft` is set."""
        for text in self.request.notices:
            yield Notice(text)
        self.started = time.perf_counter()
        if self.request.given:
            yield Delta(self.request.seed)
            await self._finish(self._given())
            return
        async for event in self._write():
            yield event

    def _given(self) -> Node:
        """The turn as the request gives it: the world's own opening and first choices."""
        seed = self.request.seed
        self.stats.plans, self.stats.paragraph_words = list(self.request.plans), word_count(seed)
        return self._node(
            seed, list(self.request.plans),
            # the opening itself, told to "you": a memory that starts with the premise (often
            # written about the hero by name) set the 1.5B model writing in the third person
            memory=fallback_memory(self.parent.memory if self.parent else "", seed, self.options.memory_words),
            model=SEED_MODEL,
        )

    async def _write(self) -> AsyncGenerator[DraftEvent, None]:
        opts, stats, req, started = self.options, self.stats, self.request, self.started
        parent = self.parent
        memory_before = parent.memory if parent else ""
        facts_before = parent.facts if parent else []
        last = parent.paragraph if parent else ""
        path = self.game.path_ids(req.parent) if parent is not None else []

        yield Phase("recalling")
        t = time.perf_counter()
        await self._wait_prefetch()
        stats.timings_ms["prefetch_wait"] = _ms(t)
        t = time.perf_counter()
        if req.recalls is not None:  # recalled while the reader read, for the plans offered
            recalls = list(req.recalls)
        else:
            recalls = await recall(
                self.memory, self.vectors, self.game.world.lore, plan=req.plan, short_term=memory_before, last=last,
                path=path, k=opts.recall_k, lore_budget_words=opts.lore_budget_words, skip=opts.recall_skip)
        self.recalls = recalls
        stats.lore = [r.reason for r in recalls if r.kind == "lore"]
        stats.retrieved = [r.turn for r in recalls]
        stats.timings_ms["recall"] = _ms(t)

        # 1. the paragraph, streamed; 2. the update, its plans shown as soon as they are checked
        yield Phase("writing")
        nodes = [self.game.nodes[i] for i in path]
        index = stats.world_event = due = due_event(self.game.world.events, nodes, opts.event_every)
        world_event = self.game.world.events[due] if due is not None else None
        late = turns_late(nodes, opts.event_every)
        # after a world event, the outcome its author wrote for the choice taken is the whole paragraph, on any
        # model: the 1.5B model, writing on after it, spoiled it in 8 of 8 such turns of three 30-turn plays
        # ("Nadia looks at you", to the hero Nadia; "You hold... You hold..."; people who were not in the scene),
        # and a blind reader, given two of those plays with and without its words, would keep playing without
        # (clearly for lowtide, strongly for perihelion); "Write again" has the model write the turn. The
        # follow-ups the author wrote for it are the first plans offered after it.
        outcome, follow_ups = chosen_outcome(self.game.world, parent, req.plan) if req.authored and not req.seed \
            else ("", [])
        stats.authored_opening = bool(outcome)
        offered = [p for i in path[-opts.offered_window:] for p in self.game.nodes[i].plans]
        updater = Updater(self._complete, self.vectors, self.game.world, opts, stats,
                          memory=memory_before, facts=facts_before, plan=req.plan,
                          played_path=[self.game.nodes[i].plan for i in path],
                          offered_before=[*offered, req.plan], event=world_event, follow_ups=follow_ups,
                          hero=self.game.persona.name)
        # the last paragraphs, and the older ones the prompt shows as recalls: the 1.5B model, given
        # a plan played before, copied that turn's recalled paragraph (87 % of its 8-word spans)
        recent = [self.game.nodes[i].paragraph for i in path[-opts.loop_window:]]
        # (a recalled one counts only when copied whole: stories retell older turns in part)
        recalled = [r.text for r in recalls if r.kind == "paragraph" and r.text not in recent]
        paragraph = req.seed
        if paragraph:
            yield Delta(paragraph)
        move_on = False
        remembered: Remembered | None = None
        # the reader's plan as the paragraph's first words, where the model can continue an answer (and a
        # question's answer begun: "…. Vik tells you")
        opening = "" if outcome or req.seed or not self.model.prefill or not parent_plan_taken(req.plan) \
            else opening_words(req.plan)
        asked = asks(req.plan)
        if opening and asked:
            opening = answer_begun(opening)
        # the paragraph as the story keeps it (engine/parsing.py), for this turn's hero, world, plan and outcome
        # what the story is about finding stays hidden until the world's own events bring it to light (engine/hidden.py)
        hidden = hidden_now(self.game.world.content.hidden, self.game.world.events, (n.event for n in nodes))
        kept = functools.partial(kept_paragraph, hero=self.game.persona.name, authored=bool(outcome),
                                 not_in_world=self.game.world.content.not_in_world, plan=req.plan,
                                 dead=self.game.world.content.dead, hidden=hidden)
        kept_found = ""  # a paragraph that found the hidden thing, cut: written again once, kept if that comes to nothing
        for attempt in range(4):
            tries = attempt - bool(kept_found)  # a rewrite for a find is not one of the three tries (the loop guard: try 0)
            if paragraph or tries >= 3:
                break
            messages = paragraph_messages(
                self.brief, memory_before, facts_before, recalls, last, req.plan,
                opts.paragraph_words, move_on, cache_layout=opts.cache_layout, opening=opening, pinned=self.pinned,
                dead=self.game.world.content.dead, hidden=hidden, found=bool(kept_found),
            )
            self.prompt = messages
            parts: list[str] = []
            streaming = started
            if outcome:  # the author's words, with no model call
                written = outcome
                yield Delta(outcome)
            else:
                # the opening is shown with the model's first words: not at all when they end its sentence at
                # once, for the choice told back is left out of the story (`without_echo`)
                held, trim = opening, False  # trim: the choice was not shown, and what follows starts at a word
                async for item in self._stream(messages, int(opts.paragraph_words * 1.6) + 30, None,
                                               until=lambda text: long_enough(opening + text, opts.paragraph_words)):
                    if isinstance(item, ModelRestart):
                        parts.clear()
                        held, trim = opening, False
                        yield Restart(item.reason)
                        continue
                    if not parts:
                        stats.first_word_s = _s(started)  # the model's first word (not the opening given to it)
                        streaming = time.perf_counter()
                    parts.append(item)
                    shown = item
                    if held:
                        so_far = "".join(parts)
                        if not so_far.strip():
                            shown = ""
                        elif closes_at_once(held, so_far):
                            shown, held, trim = so_far.lstrip()[1:], "", True
                        else:
                            shown, held = held + so_far, ""
                    if trim:
                        shown = shown.lstrip()
                        trim = not shown
                    if shown:
                        yield Delta(shown)
                    failpoints.hit("generating")
                written = opening + "".join(parts)
                if self.model.prefill and written.strip() and word_count(written) < opts.paragraph_words * WRITE_ON_BELOW:
                    # the model stopped well short of the length (at the reader's deed, or it began a list
                    # of options, which the stop cut): it writes on once from what it wrote (a model that
                    # continues answers reuses its cache: only the new words cost)
                    stats.repairs.append(WROTE_ON)
                    start = written.rstrip()
                    parts = [start[len(opening):]]
                    async for piece in self._write_on(messages, start, opts.paragraph_words):
                        parts.append(piece)
                        yield Delta(piece)
                    written = opening + "".join(parts)
            if parts:
                stats.stream_s = _s(streaming)
            # what the prompt showed and the last paragraphs: a sentence copied from them is cut
            # (and one naming the hero as someone else, or what the world has not got: never in an author's outcome)
            # (asked, a person tells the world's lore: that is their answer, not a copy; the copy cut emptied
            # an asking turn whose every answer came from the lore shown, "Widow Pike tells you that Lost Side
            # was taken in 1879", three times, and the turn kept only the question)
            sources = [without_lore(m["content"], recalls if asked else ()) for m in messages
                       if m["role"] != "assistant"] + recent
            # written again (attempt 1 on), a paragraph that copied again keeps only what is its own, and
            # a model that continues answers writes on from it: the whole copy was kept before (four
            # perihelion turns of 30 kept 56-97 % of their words from earlier turns)
            write_on_copy = tries > 0 and self.model.prefill and not outcome
            paragraph, repairs = kept(written, sources, keep_short=write_on_copy)
            stats.repairs += repairs
            if write_on_copy and COPIED_MOSTLY in repairs and paragraph \
                    and word_count(paragraph) < opts.paragraph_words * WRITE_ON_BELOW:
                stats.repairs.append(WROTE_ON)
                yield Restart("that paragraph repeated the story; writing on from what was new")
                yield Delta(paragraph)
                parts = [paragraph]
                async for piece in self._write_on(messages, paragraph, opts.paragraph_words):
                    parts.append(piece)
                    yield Delta(piece)
                written = "".join(parts)
                paragraph, repairs = kept(written, sources, keep_short=True)
                stats.repairs += repairs
            if not paragraph:
                stats.repairs.append("empty paragraph")
                yield Restart("the model wrote nothing; asking again")
                continue
            if FOUND_TOO_SOON in repairs and not kept_found and not outcome:
                # what is left of a paragraph that found the hidden thing often still holds it ("You feel the weight
                # of the ledger"): it is written again once, told that the thing stays hidden, and only then cut
                yield Restart("that paragraph found what the story has not brought to light yet; writing it again")
                paragraph, kept_found = "", paragraph
                continue
            # a paragraph pieced together from the prompt is written again before any update is asked
            looped = tries == 0 and COPIED_MOSTLY in repairs and not outcome
            if not looped and due is not None:  # decided on each paragraph written (a rewrite may not name them)
                hold = waits(self.game.world.events[due].arrives, paragraph, late)
                index = stats.world_event = None if hold else due
                world_event = None if hold else self.game.world.events[due]
                updater.set_event(world_event)
                if hold:  # its person is in the scene already: told on a later turn
                    stats.repairs.append(f"{EVENT_HELD} (event {due + 1}, {late} turn(s) late)")
            if not looped and world_event is not None:  # the world's event ends the paragraph: the plans answer it
                paragraph, written = told_event(paragraph, world_event.text), told_event(written, world_event.text)
                yield Delta("\n\n" + world_event.text)
            if not looped:
                # the paragraph's vector (for the loop guard and long-term memory) is computed while the
                # model writes the plans; the plans are shown as soon as they are written and checked
                yield Phase("remembering")
                loop_check = asyncio.ensure_future(asyncio.to_thread(
                    loops, self.vectors, paragraph, recent, recalled, opts.loop_similarity, opts.retold_loop)) if tries == 0 and not outcome else None
                async with contextlib.aclosing(
                        updater.remember(messages, written.strip(), paragraph, started, loop_check)) as events:
                    async for event in events:
                        yield event
                looped = loop_check is not None and await loop_check
            if looped:
                stats.loop_regenerations += 1
                stats.repairs.append("loop")
                yield Restart("that paragraph repeated the story; writing it again")
                paragraph, move_on, recalls = "", True, _not_copied(recalls, written)
                continue
            remembered = updater.result
        if not paragraph and kept_found:  # the rewrite came to nothing: the first paragraph, cut, is the turn's
            paragraph = kept_found  # (shown again: the rewrite's Restart cleared it), without the world's event,
            index = stats.world_event = None  # which the next turn tells
            updater.set_event(None)
            yield Delta(paragraph)
        if not paragraph:
            raise TurnError(f"{self.model.name}: the model wrote an empty paragraph three times; try again or change the plan")
        told, paragraph = paragraph, without_echo(paragraph, opening)
        stats.told_back = paragraph != told
        if remembered is None:  # the world's own opening, with too few first choices
            yield Phase("remembering")
            conversation = paragraph_messages(
                self.brief, memory_before, facts_before, recalls, last, req.plan,
                opts.paragraph_words, pinned=self.pinned, dead=self.game.world.content.dead, hidden=hidden,
            )
            async with contextlib.aclosing(updater.remember(conversation, paragraph, paragraph, started)) as events:
                async for event in events:
                    yield event
            remembered = updater.result
            assert remembered is not None  # without a loop check the update always finishes
        if stats.plans_shown_s is None:
            stats.plans_shown_s = _s(started)

        node = self._node(paragraph, remembered.plans, memory=remembered.memory, facts=remembered.facts,
                          model=self.model.name, retrieved=recalls, event=index)
        self.usage.report(stats)
        stats.plans = remembered.plans
        stats.paragraph_words = word_count(paragraph)
        yield Phase("saving")
        await self._finish(node)

    async def _write_on(self, messages: list[dict], start: str, words: int) -> AsyncGenerator[str, None]:
        """The paragraph continued from what is written so far (`start`, given as the answer's start)."""
        asked = messages[:-1] if messages[-1]["role"] == "assistant" else messages
        more = [*asked, {"role": "assistant", "content": start}]
        async for item in self._stream(more, int(words * 1.6) + 30, None,
                                       until=lambda text: long_enough(start + text, words)):
            if isinstance(item, ModelRestart):  # a failed call: what is written so far stands
                return
            yield item

    def _node(self, paragraph: str, plans: list[str], *, memory: str, model: str, facts: list[str] | None = None,
              retrieved: list[Any] | None = None, event: int | None = None) -> Node:
        req, opts = self.request, self.options
        node = Node(
            id=self.game.next_id(), parent=req.parent, plan=req.plan, paragraph=paragraph, memory=memory,
            plans=plans, facts=facts or [], own_plan=req.own, model=model, retrieved=retrieved or [],
            pinned=list(self.pinned), edited_from=req.edited_from, event=event,
            settings={} if req.given else {
                "temperature": opts.temperature, "paragraph_words": opts.paragraph_words, "n_plans": opts.n_plans},
        )
        node.depth = self.game.depth_below(req.parent)
        return node

    async def _finish(self, node: Node) -> None:
        """Embed what long-term memory stores with the turn; then the draft is ready."""
        t = time.perf_counter()
        extra = list(self.request.rows)
        vectors = await asyncio.to_thread(self._vectors, node.paragraph, extra)
        self.stats.timings_ms["embed"] = _ms(t)
        rows = [*extra, MemoryRow.paragraph(node.id, node.depth, node.paragraph)]
        ahead = self.request.recalls is not None and self.request.edited_from is None  # recalled while reading
        trace = await asyncio.to_thread(record_turn, self.model, node, self.calls, self.recalls, ahead, self.stats.repairs)
        self._draft = Draft(node, rows, vectors, self.stats, self.prompt, self.started, self.usage.seconds, trace)

    def _vectors(self, paragraph: str, extra: list[MemoryRow]) -> list[Any]:
        vector = self.vectors.one(paragraph)  # usually cached: the loop check embedded it
        return [*self.vectors.embedder.embed([r.text for r in extra]), vector] if extra else [vector]

    async def _wait_prefetch(self) -> None:
        task, self.prefetch = self.prefetch, None
        if task is not None:
            try:
                await asyncio.shield(task)
            except Exception:  # noqa: BLE001 - a failed prefetch is simply computed again
                pass

    # --- the model ----------------------------------------------------------------
    async def _stream(self, messages: list[dict], max_tokens: int, schema: dict | None,
                      until: Callable[[str], bool] | None = None) -> AsyncGenerator[str | ModelRestart, None]:
        """The model's answer, piece by piece, its usage added to `self.usage`."""
        t = time.perf_counter()
        first: float | None = None
        call = ModelCall(messages, structured=schema is not None)
        self.calls.append(call)
        kwargs: dict[str, Any] = {"until": until} if until else {}
        stream = self.model.stream(messages, max_tokens=max_tokens, temperature=self.options.temperature,
                                   json_schema=schema, **kwargs)
        try:
            async with contextlib.aclosing(stream):  # type: ignore[type-var]  # a model's stream is an async generator
                async for item in stream:
                    if isinstance(item, Usage):
                        self.usage.add(item, first)
                        call.usage = item
                    else:
                        if isinstance(item, ModelRestart):
                            call.restarts.append(item.reason)
                            call.answer = ""
                        else:
                            call.answer += item
                            if first is None:
                                first = time.perf_counter()
                        yield item
        except LLMError as exc:
            raise TurnError(str(exc)) from exc
        finally:
            self.usage.seconds += time.perf_counter() - t

    async def _complete(self, messages: list[dict], max_tokens: int, schema: dict, warmer: PlanWarmer) -> str:
        """The model's whole answer; `warmer` watches it for the plans as it comes."""
        parts: list[str] = []
        async for item in self._stream(messages, max_tokens, schema):
            if isinstance(item, ModelRestart):
                parts.clear()
            else:
                parts.append(item)
                warmer.feed(parts)
        await warmer.finish()
        return "".join(parts)
