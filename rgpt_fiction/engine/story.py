"""The turn step of the recurrence, and everything a reader can do to an open story.

A Story holds one game and its dependencies, all passed in: the chat model, the
long-term memory store (with its embedder) and a save function. It imports no UI.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import asdict, dataclass
from typing import AsyncIterator, Callable

from .. import failpoints
from ..errors import ReaderError
from ..llm.base import LLMError, Restart as ModelRestart, Usage
from .events import Delta, Notice, Phase, PlansReady, Restart, TurnDone, TurnError, TurnStats
from .parsing import (
    CHOSE_FOR_READER, ECHOED_INSTRUCTIONS, clean_paragraph, cut_meta, guard_agency, parse_update, usable_plans,
)
from .plan_warmer import PlanWarmer
from .prompts import (
    HAPPENED_WORDS, Recall, opening_words, paragraph_messages, update_messages, update_schema, warm_messages, world_brief,
)
from .repair import fallback_memory, fallback_plans, roll_memory
from .retelling import retold_rate, story_sentences
from .state import Game, Node, Persona
from .text import clean, clip_words, long_enough, word_count
from .vectors import VectorCache

MAX_PLAN_CHARS = 1000
FACT_WORDS = 3  # a fact says something ("Vera holds the key"), not only a name ("Cass Delaney")


@dataclass
class TurnOptions:
    n_plans: int = 3
    paragraph_words: int = 120
    memory_words: int = 150
    recall_k: int = 3
    recall_skip: int = 4  # the last turns of the path are not recalled (see _recall)
    temperature: float = 0.8
    lore_budget_words: int = 120
    plan_similarity: float = 0.85  # plans closer than this (cosine) are near-duplicates
    loop_similarity: float = 0.92  # a paragraph closer than this to a recent one is a loop
    loop_window: int = 3
    retold_loop: float = 0.5  # a paragraph whose sentences are this much retold is a loop
    # the prompt laid out for the cache: the update continues the paragraph's conversation and the
    # known start of the next prompt is evaluated while the reader reads (False: the layout before)
    cache_layout: bool = True


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)


def parent_plan_taken(plan: str) -> bool:
    """Whether `plan` is something the reader did (not the opening's own instruction)."""
    return bool(plan) and not plan.startswith(BEGIN)


BEGIN = "Begin the story:"


def _s(since: float) -> float:
    return round(time.perf_counter() - since, 3)


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


def new_game(world, persona: Persona) -> Game:
    """A game for a World and a persona; `{player}` is replaced by the persona's name."""
    w = world.for_player(persona.name)
    return Game(world=w.snapshot(), persona=persona)


class Story:
    def __init__(
        self,
        game: Game,
        model,
        memory,
        save: Callable[[Game], None] | None = None,
        options: TurnOptions | None = None,
    ):
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
        self._prefetch: asyncio.Task | None = None
        self._warming: asyncio.Task | None = None
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
        if self._brief is None:
            self._brief = world_brief(self.game.world, self.game.persona)
        return self._brief

    def lore(self):
        from ..world.model import Lore

        return [Lore.model_validate(entry) for entry in self.game.world.get("lore") or []]

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

    # --- the first turn -------------------------------------------------------
    async def start(self) -> AsyncIterator:
        """The opening: the seed's own paragraph or one written by the model, the first memory and plans."""
        if self.game.nodes:
            raise TurnError("this story has already begun")
        world = self.game.world
        lore_rows = [
            {"node": -1, "turn": -1, "kind": "lore", "lore_index": i, "text": e["text"]}
            for i, e in enumerate(world.get("lore") or [])
        ]
        opening = clean(world.get("opening") or "").strip()
        choices = [clean(c).strip() for c in world.get("first_choices") or []]
        if opening and len(usable_plans(choices, opening, self.options.n_plans)[0]) >= self.options.n_plans:
            started = time.perf_counter()
            yield Delta(opening)
            node = Node(
                id=0, parent=None, plan="", paragraph=opening,
                # the opening itself, told to "you": a memory that starts with the premise (often
                # written about the hero by name) set the 1.5B model writing in the third person
                memory=fallback_memory("", opening, self.options.memory_words),
                plans=usable_plans(choices, opening, self.options.n_plans)[0],
                model="(world seed)",
            )
            stats = TurnStats(turn=0, node=0, plans=node.plans, paragraph_words=word_count(opening))
            await self._commit(node, stats, started, extra_rows=lore_rows)
            yield TurnDone(node, stats)
            return
        begin = f"{BEGIN} show the reader where they are and what is at stake."
        async for event in self._turn(None, begin, own=False, seed_text=opening, extra_rows=lore_rows):
            yield event

    # --- a turn ---------------------------------------------------------------
    async def play(self, plan: str, own: bool = False) -> AsyncIterator:
        """Take a plan (chosen, or the reader's own words) and write the next turn."""
        if not self.game.nodes:
            raise TurnError("the story has not started")
        plan, notice = prepare_plan(plan)
        if notice:
            yield Notice(notice)
        async for event in self._turn(self.game.current, plan, own=own):
            yield event

    async def retry(self) -> AsyncIterator:
        """Write the current turn again from the same parent and plan; the new version becomes a sibling."""
        node = self.node
        if node.parent is None:
            raise TurnError("the opening cannot be retried")
        async for event in self._turn(node.parent, node.plan, own=node.own_plan):
            yield event

    async def _turn(self, parent_id, plan, own, seed_text="", extra_rows=()) -> AsyncIterator:
        opts = self.options
        started = time.perf_counter()
        llm = {"seconds": 0.0, "prompt": 0, "completion": 0, "evaluated": 0, "gen_seconds": 0.0, "gen_tokens": 0}
        parent = self.game.nodes[parent_id] if parent_id is not None else None
        memory_before = parent.memory if parent else ""
        facts_before = parent.facts if parent else []
        last = parent.paragraph if parent else ""
        path = self.game.path_ids(parent_id) if parent is not None else []
        stats = TurnStats(turn=(parent.depth + 1) if parent else 0, node=-1, model=self.model.name)

        yield Phase("recalling")
        t = time.perf_counter()
        await self._await_prefetch()
        stats.timings_ms["prefetch_wait"] = _ms(t)
        t = time.perf_counter()
        recalls = await self._recall(plan, memory_before, last, path, stats)
        stats.timings_ms["recall"] = _ms(t)

        # 1. the paragraph, streamed
        yield Phase("writing")
        paragraph = seed_text
        if seed_text:
            yield Delta(seed_text)
        move_on = False
        update = None
        # the reader's plan as the paragraph's first words, where the model can continue an answer
        opening = opening_words(plan) if getattr(self.model, "prefill", False) and parent_plan_taken(plan) else ""
        for attempt in range(3):
            if paragraph:
                break
            messages = conversation = paragraph_messages(
                self.brief, memory_before, facts_before, recalls, last, plan, opts.paragraph_words, move_on,
                cache_layout=opts.cache_layout, opening=opening,
            )
            self.last_prompt = messages
            parts: list[str] = []
            if opening:
                yield Delta(opening)
            async for item in self._stream(
                messages, int(opts.paragraph_words * 1.6) + 30, None, llm,
                until=lambda text: long_enough(opening + text, opts.paragraph_words),  # no token past the length
            ):
                if isinstance(item, ModelRestart):
                    parts.clear()
                    yield Restart(item.reason)
                    if opening:
                        yield Delta(opening)
                    continue
                if not parts:
                    stats.first_word_s = _s(started)  # the model's first word (not the opening given to it)
                    streaming = time.perf_counter()
                parts.append(item)
                yield Delta(item)
                failpoints.hit("generating")
            if parts:
                stats.stream_s = _s(streaming)
            paragraph, meta = cut_meta(clean_paragraph(opening + "".join(parts)))
            if meta:
                stats.repairs.append(ECHOED_INSTRUCTIONS)
            paragraph, overreached = guard_agency(paragraph)
            if overreached:
                stats.repairs.append(CHOSE_FOR_READER)
            if not paragraph:
                stats.repairs.append("empty paragraph")
                yield Restart("the model wrote nothing; asking again")
                continue
            # the paragraph's vector (for the loop guard and long-term memory) is computed while the
            # model writes the plans; the plans are shown as soon as they are written and checked
            yield Phase("remembering")
            loop_check = asyncio.ensure_future(asyncio.to_thread(self._is_loop, paragraph, path)) if attempt == 0 else None
            got: list = []
            async for event in self._remember(
                conversation, (opening + "".join(parts)).strip(), paragraph, (memory_before, facts_before, plan), llm, stats,
                started, loop_check, got,
            ):
                yield event
            if loop_check is not None and await loop_check:
                stats.loop_regenerations += 1
                stats.repairs.append("loop")
                yield Restart("that paragraph repeated the story; writing it again")
                paragraph, move_on = "", True
                continue
            update = got[0] if got else None
        if not paragraph:
            raise TurnError(f"{self.model.name}: the model wrote an empty paragraph three times; try again or change the plan")
        if update is None:  # the world's own opening, with too few first choices
            yield Phase("remembering")
            conversation = paragraph_messages(
                self.brief, memory_before, facts_before, recalls, last, plan, opts.paragraph_words
            )
            got = []
            async for event in self._remember(
                conversation, paragraph, paragraph, (memory_before, facts_before, plan), llm, stats, started, None, got,
            ):
                yield event
            update = got[0]
        memory, facts, plans = update
        if stats.plans_shown_s is None:
            stats.plans_shown_s = _s(started)

        node = Node(
            id=self.game.next_id(), parent=parent_id, plan=plan, paragraph=paragraph, memory=memory,
            facts=facts, plans=plans, own_plan=own, model=self.model.name,
            settings={"temperature": opts.temperature, "paragraph_words": opts.paragraph_words, "n_plans": opts.n_plans},
            retrieved=[asdict(r) for r in recalls],
        )
        stats.prompt_tokens, stats.completion_tokens = llm["prompt"], llm["completion"]
        stats.prompt_tokens_evaluated = llm["evaluated"]
        stats.prompt_tokens_prewarmed = self.prewarmed_tokens
        stats.llm_seconds = round(llm["seconds"], 3)
        if llm["gen_seconds"] > 0:
            stats.tokens_per_s = round(llm["gen_tokens"] / llm["gen_seconds"], 2)
        stats.plans = plans
        stats.paragraph_words = word_count(paragraph)
        yield Phase("saving")
        await self._commit(node, stats, started, extra_rows=list(extra_rows), llm_seconds=llm["seconds"])
        yield TurnDone(node, stats)

    async def _stream(self, messages, max_tokens, schema, llm, until=None):
        """The model's answer, piece by piece, adding its usage to `llm`: tokens sent, tokens the
        backend evaluated after its cache (None once a backend does not say), and the generation
        time (first piece to last) for tokens per second."""
        t = time.perf_counter()
        first = None
        stream = self.model.stream(messages, max_tokens=max_tokens, temperature=self.options.temperature,
                                   json_schema=schema, **({"until": until} if until else {}))
        try:
            async with contextlib.aclosing(stream):
                async for item in stream:
                    if isinstance(item, Usage):
                        llm["prompt"] += item.prompt_tokens
                        llm["completion"] += item.completion_tokens
                        evaluated = item.evaluated
                        llm["evaluated"] = None if evaluated is None or llm["evaluated"] is None else (
                            llm["evaluated"] + evaluated)
                        if first is not None and item.completion_tokens > 1:
                            llm["gen_seconds"] += time.perf_counter() - first
                            llm["gen_tokens"] += item.completion_tokens - 1
                    else:
                        if first is None and not isinstance(item, ModelRestart):
                            first = time.perf_counter()
                        yield item
        except LLMError as exc:
            raise TurnError(str(exc)) from exc
        finally:
            llm["seconds"] += time.perf_counter() - t

    async def _remember(self, conversation, written, paragraph, before, llm, stats, started, loop_check, out):
        """Runs the update (plans, memory, facts) and yields PlansReady as soon as the plans are
        written and checked, while the memory is still being written; appends the update to `out`.
        Stops early, with nothing in `out`, when `loop_check` says the paragraph repeated the story."""
        ready: asyncio.Queue = asyncio.Queue()
        task = asyncio.ensure_future(
            self._update(conversation, written, paragraph, before, llm, stats, on_plans=ready.put_nowait))
        try:
            getter = asyncio.ensure_future(ready.get())
            done, _ = await asyncio.wait({task, getter}, return_when=asyncio.FIRST_COMPLETED)
            if getter in done:
                if loop_check is not None and await loop_check:
                    return
                stats.plans_shown_s = _s(started)
                yield PlansReady(getter.result())
            else:
                getter.cancel()
            out.append(await task)
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task

    async def _complete(self, messages, max_tokens, schema, llm, warmer: PlanWarmer | None = None) -> str:
        parts: list[str] = []
        async for item in self._stream(messages, max_tokens, schema, llm):
            if isinstance(item, ModelRestart):
                parts.clear()
            else:
                parts.append(item)
                if warmer:
                    warmer.feed(parts)
        if warmer:
            await warmer.finish()
        return "".join(parts)

    async def _update(self, conversation, written, paragraph, before, llm, stats, on_plans=None):
        """The next plans, the new short-term memory and the facts, asked for in the paragraph call's
        conversation (`written` is the paragraph as the model wrote it, so a prompt cache still holds
        it); `paragraph` is the paragraph as kept, which the plans are checked against."""
        opts = self.options
        memory_before, facts_before, plan = before
        n = opts.n_plans
        asked = n + 1  # one spare: the model often re-offers the plan just played, or one too close to another
        note = ""
        plans: list[str] = []
        up = None
        for attempt in range(2):
            messages = update_messages(conversation, written, asked, opts.memory_words, note,
                                       standalone=None if opts.cache_layout else (memory_before, facts_before, plan),
                                       taken=plan if parent_plan_taken(plan) else "")
            warmer = PlanWarmer(self.vectors, paragraph, n, check=lambda p: self._distinct(p, TurnStats(0, 0))[0],
                                on_ready=on_plans, taken=plan, asked=asked)
            text = await self._complete(messages, 80 + 2 * HAPPENED_WORDS + 45 * asked + 4 * 30,
                                        update_schema(asked), llm, warmer=warmer)
            up = parse_update(text)
            kept, problems = usable_plans(up.plans, paragraph, asked, taken=plan)
            kept, near = await asyncio.to_thread(self._distinct, kept, stats)
            problems += near
            if len(kept) >= n:  # the spare plan covered for it
                problems = []
            stats.repairs += [f"{p} (attempt {attempt + 1})" for p in up.problems + problems]
            plans = kept[:n]
            if len(plans) >= n:  # a missing memory is derived below; only too few plans are worth a second call
                break
            note = (
                f"Your last answer was not usable ({', '.join(up.problems + problems) or 'too few plans'}). "
                f"Give a memory and exactly {asked} different plans, each a new thing to do."
            )
        if len(plans) < n:
            stats.repairs.append(f"filled {n - len(plans)} plan(s)")
            plans = fallback_plans(paragraph, self.game.world, plans, n)
        if up and up.happened:
            told = await asyncio.to_thread(self._not_yet_remembered, clean(up.happened), memory_before)
            memory = roll_memory(memory_before, told, opts.memory_words)
        elif up and up.memory:  # an answer that wrote a whole memory
            memory = up.memory
        else:
            stats.repairs.append("derived memory")
            memory = fallback_memory(memory_before, paragraph, opts.memory_words)
        memory = clip_words(clean(memory), opts.memory_words)
        facts = [clip_words(clean(f), 20) for f in (up.facts if up else []) if len(f.split()) >= FACT_WORDS][:4]
        facts = facts or list(facts_before)
        return memory, facts, plans

    # --- long-term memory -----------------------------------------------------
    async def _recall(self, plan, memory, last, path, stats) -> list[Recall]:
        """Paragraphs on the path and lore entries near the plan and memory. The two LanceDB searches
        run at once: each has a fixed cost that would otherwise add up."""
        vec = await asyncio.to_thread(self.vectors.query, plan, memory)
        # the last paragraph is in the prompt, and the turns before it are in the short-term memory: a
        # paragraph recalled from them is one the model tells again (it did, near word for word)
        older = path[:-self.options.recall_skip] if self.options.recall_skip > 0 else path
        lore = self.lore()
        hits, similar = await asyncio.gather(
            asyncio.to_thread(self.memory.search_path, vec, self.options.recall_k, older),
            asyncio.to_thread(self.memory.search_lore, vec, 4) if lore else asyncio.sleep(0, []),
        )
        recalls = [Recall(h.text, h.turn, round(h.score, 4), "paragraph") for h in hits]
        if lore:
            from ..world.lore import select_lore

            similar = [(h.lore_index, h.score) for h in similar]
            for hit in select_lore(lore, [plan, last], similar, budget_words=self.options.lore_budget_words):
                score = next((s for i, s in similar if i == hit.index), 0.0)
                recalls.append(Recall(hit.text, -1, round(score, 4), "lore", hit.reason))
                stats.lore.append(hit.reason)
        stats.retrieved = [r.turn for r in recalls]
        return recalls

    def _is_loop(self, paragraph: str, path: list[int]) -> bool:
        """The paragraph repeats the story: as a whole it is close to a recent one, or most of its
        sentences tell again what the recent ones told (in other words: `retelling`)."""
        recent = [self.game.nodes[i].paragraph for i in path[-self.options.loop_window:]]
        vecs = self.vectors.many([paragraph, *recent])
        if not recent:
            return False
        if float((vecs[1:] @ vecs[0]).max()) > self.options.loop_similarity:
            return True
        return retold_rate(paragraph, recent, self.embedder.embed) >= self.options.retold_loop

    def _not_yet_remembered(self, happened: str, memory: str) -> str:
        """The sentences of `happened` that the memory does not already tell, in any words (the model
        tells the scene it is stuck on again: "the dust is moving towards Lost Side", turn after turn)."""
        return " ".join(s for s in story_sentences(happened) or [happened]
                        if not memory or retold_rate(s, [memory], self.embedder.embed) == 0.0)

    def _distinct(self, plans: list[str], stats: TurnStats) -> tuple[list[str], list[str]]:
        """Drop plans that say the same as an earlier one in other words (embedding similarity)."""
        if len(plans) < 2:
            return plans, []
        vecs = self.vectors.many(plans)
        keep, problems = [0], []
        for i in range(1, len(plans)):
            if max(float(vecs[i] @ vecs[j]) for j in keep) > self.options.plan_similarity:
                problems.append("near-duplicate plan")
            else:
                keep.append(i)
        sims = [float(vecs[a] @ vecs[b]) for x, a in enumerate(keep) for b in keep[x + 1:]]
        if sims:
            stats.plan_similarity_max = round(max(sims), 4)
            stats.plan_similarity_mean = round(sum(sims) / len(sims), 4)
        return [plans[i] for i in keep], problems

    async def _commit(self, node: Node, stats: TurnStats, started: float, extra_rows=(), llm_seconds=0.0):
        """Store the paragraph in long-term memory, then save the game. Not interruptible once begun."""
        t = time.perf_counter()
        vector = await asyncio.to_thread(self.vectors.one, node.paragraph)
        stats.timings_ms["embed"] = _ms(t)
        t = time.perf_counter()
        # from here on nothing awaits: a cancelled turn either committed fully or not at all
        node.depth = 0 if node.parent is None else self.game.nodes[node.parent].depth + 1
        rows = list(extra_rows) + [{"node": node.id, "turn": node.depth, "kind": "paragraph", "text": node.paragraph}]
        vectors = None
        if extra_rows:
            vectors = [*self.embedder.embed([r["text"] for r in extra_rows]), vector]
        else:
            vectors = [vector]
        failpoints.hit("before-vector-write")
        self.memory.add(rows, vectors)
        stats.timings_ms["store"] = _ms(t)
        failpoints.hit("between-vector-and-state")
        self.game.add(node)
        stats.node = node.id
        stats.turn = node.depth
        stats.memories_stored = len(rows)
        t = time.perf_counter()
        self.save()
        stats.timings_ms["save"] = _ms(t)
        failpoints.hit("after-state-write")
        stats.save_error = self.save_error
        stats.total_seconds = round(time.perf_counter() - started, 3)
        stats.turn_s = stats.total_seconds
        stats.overhead_ms = round((stats.total_seconds - llm_seconds) * 1000, 1)
        self.last_stats = stats
        self._start_prefetch()

    def _start_prefetch(self) -> None:
        """While the reader reads: embed the new memory and the offered plans for the next query,
        and let a model with a local cache evaluate the start of the next prompt (what is known
        before the choice), so that after the choice only the rest is evaluated."""
        node = self.node
        texts = [node.memory, *node.plans]
        loop = asyncio.get_running_loop()
        self._prefetch = loop.create_task(asyncio.to_thread(self.vectors.many, texts))
        prewarm = getattr(self.model, "prewarm", None)
        if prewarm is not None and self.options.cache_layout:
            head = warm_messages(self.brief, node.memory, node.facts, node.paragraph)
            self._warming = loop.create_task(self._warm(prewarm, head))

    async def _warm(self, prewarm, messages) -> None:
        try:
            self.prewarmed_tokens = await prewarm(messages)
        except Exception:  # noqa: BLE001 - only a head start: the next call evaluates what is missing
            self.prewarmed_tokens = 0

    async def _await_prefetch(self) -> None:
        task, self._prefetch = self._prefetch, None
        if task is not None:
            try:
                await asyncio.shield(task)
            except Exception:  # noqa: BLE001 - a failed prefetch is simply computed again
                pass

    # --- the tree -------------------------------------------------------------
    def _go(self, node_id: int) -> Node:
        self.game.current = node_id
        parent = self.game.nodes[node_id].parent
        if parent is not None:
            self.game.redo_child[parent] = node_id
        self.save()
        return self.node

    def undo(self) -> Node | None:
        parent = self.node.parent
        return None if parent is None else self._go(parent)

    def redo(self) -> Node | None:
        child = self.game.redo_child.get(self.game.current)
        if child is None:
            kids = self.game.children(self.game.current)
            child = kids[-1] if kids else None
        return None if child is None else self._go(child)

    def alternatives(self) -> list[int]:
        """The versions of the current turn (siblings written for the same parent and plan)."""
        node = self.node
        if node.parent is None:
            return [node.id]
        return [i for i in self.game.children(node.parent) if self.game.nodes[i].plan == node.plan]

    def alt(self, step: int) -> Node | None:
        alts = self.alternatives()
        i = alts.index(self.node.id) + step
        return self._go(alts[i]) if 0 <= i < len(alts) else None

    def goto(self, node_id: int) -> Node:
        if node_id not in self.game.nodes:
            raise KeyError(f"no turn with id {node_id}")
        return self._go(node_id)

    def edit_memory(self, text: str) -> None:
        """The reader's edit of the short-term memory, used from the next turn on."""
        self.node.memory = clip_words(clean(text), self.options.memory_words)
        self.game.dirty.add(self.node.id)
        self.save()

    def search(self, text: str, k: int = 8):
        """Search the long-term memory of the current path (and lore) with words."""
        return self.memory.search_text(text, k, self.game.path_ids())
