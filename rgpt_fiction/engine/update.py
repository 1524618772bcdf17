"""The second call of a turn: the next plans, the new short-term memory and the facts.

It continues the paragraph call's conversation (a prompt cache still holds it). The plans
come first in the answer: they are checked and shown while the model is still writing the
memory. An answer that cannot be used is asked for once more, then repaired, so the reader
always gets a memory and N distinct plans.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from dataclasses import dataclass
from typing import AsyncGenerator, Awaitable, Callable, Sequence

from ..world.model import Event, World
from .events import PlansReady, TurnStats
from .options import TurnOptions
from .parsing import Update, names_absent, parse_update, usable_plans
from .plan_warmer import PlanWarmer
from .prompts import HAPPENED_WORDS, LEDGER_FACTS, NEW_FACTS, PLAN_VERBS, update_messages, update_schema
from .repair import fallback_memory, fallback_plans, roll_memory
from .request import parent_plan_taken
from .retelling import retold_rate, story_sentences, story_units
from .text import clean, clip_words, normalize, overlap
from .vectors import VectorCache

# a model call that returns the whole answer: (messages, max_tokens, json schema, plan warmer)
Complete = Callable[[list[dict], int, dict, PlanWarmer], Awaitable[str]]
FACT_WORDS = 3  # a fact says something ("Vera holds the key"), not only a name ("Cass Delaney")
# A fact the prompt keeps "true" is a state (who is where, holds what, is dead), not a guess, a look
# or what the hero noticed: kept as facts, "Moss Dellacroix is standing there, looking nervous and
# suspicious" and "The man seems nervous and suspicious" made every later paragraph of a lowtide
# play call someone nervous and suspicious (grammar lists, not a dictionary).
# ("Moss Dellacroix must have gone here" too)
_GUESSES = {"may", "might", "must", "could", "perhaps", "maybe", "probably", "likely", "seems", "seem", "seemed",
            "appears", "looks", "looking", "looked"}
_NOTICED = ("you see", "you notice", "you find", "you feel", "you hear", "you watch", "you wonder", "you have no idea",
            "you know", "you think", "you sense", "you ask", "you tell", "you say")
# ...nor words said, which are an event, not a state ("The fishmonger tells you that Moss Dellacroix is at the
# Alhambra Ballroom" stood in a ledger for three turns)
_SAID = {"tells", "told", "says", "said", "asks", "asked"}
_NOT_A_STATE = _GUESSES | _SAID
# ...nor a time told from "now", which stays true only for a moment: kept, "The first low tide will be in
# forty minutes." stood in a lowtide play's ledger from turn 1 to turn 9, and the tide was forty minutes
# away all night; nor a fact about "he" or "she", whose person the next prompts no longer name ("He
# stands in a chair near the door of his building").
_FROM_NOW = re.compile(r"\b(?:will|won't|going to|soon|in (?:a few |\w+ )?(?:seconds?|minutes?|hours?|days?))\b", re.I)
_NO_ONE_NAMED = {"he", "she", "it", "they", "him", "her", "his", "its", "their", "them", "this", "that", "these",
                 "those"}
PLAN_ENGLISH = 0.97  # a plan or fact with a word English does not have ("Find a weakbox") is not kept
# A sentence of "happened" enters the memory when the paragraph tells at least this share of its
# content words. Written after the plans, the 1.5B model's "happened" told a plan it had just offered
# instead of its paragraph ("You decide to give the ledger to Moss") in 7 of 10 turns of a lowtide
# play, and the memory, the next prompt's story so far, told a story the reader never read.
HAPPENED_TOLD = 0.5


@dataclass
class Remembered:
    """The update as the story keeps it."""

    memory: str
    facts: list[str]
    plans: list[str]


def distinct_plans(vectors: VectorCache, plans: list[str], threshold: float, played: Sequence[str] = (),
                   ) -> tuple[list[str], list[str], list[float]]:
    """Plans without those that say the same as an earlier one, or as a plan already played on this
    path (`played`: the plan just played and the few before it), in other words (embedding cosine
    above `threshold`: "Hide behind the mirror" just after "Hide behind a mirror"; "Go to the
    Castellane house" three turns after going there). Returns (kept, problems, the similarities
    between the kept plans)."""
    if not plans:
        return plans, [], []
    played = [p for p in played if p]
    vecs = vectors.many([*plans, *played])
    keep: list[int] = []
    problems: list[str] = []
    for i in range(len(plans)):
        if played and max(float(vecs[i] @ vecs[len(plans) + j]) for j in range(len(played))) > threshold:
            problems.append("plan repeats a plan already played")
        elif keep and max(float(vecs[i] @ vecs[j]) for j in keep) > threshold:
            problems.append("near-duplicate plan")
        else:
            keep.append(i)
    sims = [float(vecs[a] @ vecs[b]) for x, a in enumerate(keep) for b in keep[x + 1:]]
    return [plans[i] for i in keep], problems, sims


def a_state(fact: str) -> bool:
    """Whether a fact tells a state worth keeping true: a few words at least, no guess ("may be
    planning"), no look ("looking nervous"), not what the hero noticed, asked or told ("You find him at
    the bar"), no words said ("tells you that…"), no time from now ("in forty minutes", "will be"), and
    a person named, not "he"."""
    words = [w.strip(",.;:!?\"'").lower() for w in fact.split()]
    said = " ".join(words)
    return (len(words) >= FACT_WORDS and not _NOT_A_STATE & set(words) and "as if" not in said
            and not said.startswith(_NOTICED) and not _FROM_NOW.search(fact) and words[0] not in _NO_ONE_NAMED)


# plans in which the hero only takes in the scene: 75 of the 1,326 plans shown in the stored plays of 2026-11-27e to g, in
# 73 of their 442 turns ("Listen to Okafor's report", "Wait for Mrs. Ashdown to answer", "Read about Augustus Vail's
# history"); taken, the paragraph tells the plan back and little happens: a lanternfall reader's turn 11, "Listen to the
# star's voice", and a dustchoir reader's "Listen to the hymnal", both counted as turns that only echo the choice
# ("Continue down the corridor to the vault", "Stay close to Moss", "Look around the cellar for a way out" do something)
_ONLOOKING = re.compile(r"^(?:i\s+)?(?:listen|wait|watch|observe|rest|think|reflect|consider|remember|enjoy|admire|"
                        r"keep\s+(?:watching|listening|waiting)|read\s+about|check\s+the\s+(?:weather|time|sky))\b", re.I)


def deeds_first(plans: list[str]) -> list[str]:
    """The plans, those in which the hero only watches, listens or waits (`_ONLOOKING`) put last, in their order: a
    spare plan that does something takes their place."""
    return sorted(plans, key=lambda p: bool(_ONLOOKING.match(p.strip())))


def fresh_first(plans: list[str], offered_before: Sequence[str]) -> list[str]:
    """The plans, those that do again what a plan offered in the last turns did (`quality.does_again`)
    put last, in their order: the spare plans take their place. The 1.5B model offered "Hide the key
    from the man" (or from Vera, or from Moss) in 7 of 10 turns of a lowtide play, and the story went
    round the key."""
    from ..quality import does_again

    stale = [does_again(p, list(offered_before)) for p in plans]
    return [p for p, old in zip(plans, stale) if not old] + [p for p, old in zip(plans, stale) if old]


EVENT_CHOICES = 2  # at most this many of a world event's own choices are offered, and always one plan of the model's
ANSWERING_FIRST = 2  # plans that take up the world event just told, put first (the rest keep their order)
# ...those that share one of the event's rarer words (Zipf frequency under this): "grey", "tide", "Okafor", not
# "hand", "car" or "offer", which "Offer the hand to Moss" shared with an event it did not answer
ANSWER_WORDS = 5.0


def answering_first(plans: list[str], event: str) -> list[str]:
    """The plans, with up to ANSWERING_FIRST of those that name something of `event` (the world
    event the paragraph ended with: `world_events`) put first. The 1.5B model, asked for plans after
    "A hand takes your elbow. Lieutenant Sam Okafor, hat dripping, says quietly...", offered one or
    two about Okafor among its five in some answers, and the shown three were about Moss."""
    if not event:
        return plans
    from ..quality import content_stems

    told = content_stems(event, ANSWER_WORDS)
    answering = [p for p in plans if content_stems(p, ANSWER_WORDS) & told][:ANSWERING_FIRST]
    return answering + [p for p in plans if p not in answering]


# the update is asked again while too few plans are usable: on the third try, with two spare plans asked each
# time, a game fills a plan (a 30-turn lowtide play at two tries filled one in 30 turns)
UPDATE_ATTEMPTS = 3
# the last try's example verbs are those of a turn this far away (`prompts.plan_verbs` takes the next three of
# its verbs each turn: half the list on, none is this turn's or the next turn's)
OTHER_VERBS = len(PLAN_VERBS) // 2


class Updater:
    """Writes the update of one turn. `memory`, `facts` and `plan` are what the turn began from;
    repairs and plan similarity go into `stats`."""

    def __init__(self, complete: Complete, vectors: VectorCache, world: World, options: TurnOptions,
                 stats: TurnStats, *, memory: str, facts: list[str], plan: str, played_path: Sequence[str] = (),
                 offered_before: Sequence[str] = (), event: Event | None = None, follow_ups: Sequence[str] = (),
                 hero: str = ""):
        """`played_path`: the plans played on this path before this turn (newest last): none is offered
        again word for word, and those of the last `played_window` turns not in other words either;
        `offered_before`: the plans offered in the last turns (one that does the same again is offered
        only when too few new ones are left: `fresh_first`); `event`: the world event the paragraph ends
        with (its own choices are offered first, then the plans that answer it: `_offered`); `follow_ups`: the
        plans the world's author wrote for after the outcome the paragraph is (offered first, as an event's
        choices, when no event's are); `hero`: the
        reader's name (no plan names them: the reader is "you")."""
        self.complete, self.vectors, self.world, self.options, self.stats = complete, vectors, world, options, stats
        self.memory_before, self.facts_before, self.plan, self.hero = memory, facts, plan, hero
        self.played_path = list(played_path)
        self.played_before = self.played_path[-options.played_window:]
        self.follow_ups = list(follow_ups)
        self.set_event(event)
        self.offered_before = list(offered_before)
        self.result: Remembered | None = None
        self._known: set[str] | None = None

    def set_event(self, event: Event | None) -> None:
        """The world event the paragraph ends with (None: none, or one held for a later turn): its choices are
        offered first, else the author's follow-ups."""
        self.event = event.text if event is not None else ""
        played = {normalize(p) for p in [*self.played_path, self.plan]}
        own = event.choices if event is not None and event.choices else self.follow_ups
        choices = [c for c in own if normalize(c) not in played]
        self.authored = choices[:min(EVENT_CHOICES, self.options.n_plans - 1)]  # the model's own idea stays

    async def remember(self, conversation: list[dict], written: str, paragraph: str, started: float,
                       loop_check: asyncio.Future[bool] | None = None) -> AsyncGenerator[PlansReady, None]:
        """Runs the update and yields PlansReady as soon as the plans are written and checked,
        while the memory is still being written; the update is in `result` once drained. Stops
        early, with `result` None, when `loop_check` says the paragraph repeated the story."""
        self.result = None
        ready: asyncio.Queue[list[str]] = asyncio.Queue()
        task = asyncio.ensure_future(self.write(conversation, written, paragraph, on_plans=ready.put_nowait))
        getter = asyncio.ensure_future(ready.get())
        try:
            done, _ = await asyncio.wait({task, getter}, return_when=asyncio.FIRST_COMPLETED)
            if getter in done:
                if loop_check is not None and await loop_check:
                    return
                self.stats.plans_shown_s = round(time.perf_counter() - started, 3)
                yield PlansReady(getter.result())
            self.result = await task
        finally:
            getter.cancel()
            if not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task

    async def write(self, conversation: list[dict], written: str, paragraph: str,
                    on_plans: Callable[[list[str]], None] | None = None) -> Remembered:
        """The next plans, the new short-term memory and the facts, asked for in the paragraph
        call's conversation (`written` is the paragraph as the model wrote it, so a prompt cache
        still holds it); `paragraph` is the paragraph as kept, which the plans are checked against."""
        opts, stats, plan = self.options, self.stats, self.plan
        n = opts.n_plans
        # two spare plans: the model often re-offers the plan just played (its paragraph opens with it),
        # or one too close to another; with one spare, a turn in eight still had a plan filled by the game
        asked = n + 2
        note = ""
        plans: list[str] = []
        carried: list[str] = []  # the usable plans of the answers so far: the next answer adds to them
        up: Update | None = None
        for attempt in range(UPDATE_ATTEMPTS):
            messages = update_messages(
                conversation, written, asked, opts.memory_words, note,
                standalone=None if opts.cache_layout else (self.memory_before, self.facts_before, plan),
                taken=plan if parent_plan_taken(plan) else "",
                turn=stats.turn + (OTHER_VERBS if attempt == UPDATE_ATTEMPTS - 1 else 0))
            warmer = PlanWarmer(self.vectors, paragraph, n, check=self._distinct_only, on_ready=on_plans, taken=plan,
                                asked=asked, played=self.played_path, hero=self.hero)
            text = await self.complete(messages, 80 + 2 * HAPPENED_WORDS + 45 * asked + 4 * 30,
                                       update_schema(asked), warmer)
            up = parse_update(text)
            kept, problems = usable_plans(up.plans, paragraph, asked, taken=plan, played=self.played_path,
                                           hero=self.hero)
            kept, foreign = await asyncio.to_thread(self._english, kept)
            kept, absent = self._in_world(kept)
            # (asked again, the 1.5B model offered two played plans again and only one new one: with the
            # two good plans of its first answer dropped, the game filled a plan, in a 30-turn dustchoir play)
            kept = [*carried, *(p for p in kept if normalize(p) not in {normalize(c) for c in carried})]
            kept, near, sims = await asyncio.to_thread(distinct_plans, self.vectors, kept, opts.plan_similarity,
                                                       self._played)
            problems += ["plan not in English"] * len(foreign) + ["plan names what the world has not got"] * len(absent)
            if sims:
                stats.plan_similarity_max = round(max(sims), 4)
                stats.plan_similarity_mean = round(sum(sims) / len(sims), 4)
            problems += near
            if len(kept) >= n:  # the spare plan covered for it
                problems = []
            stats.repairs += [f"{p} (attempt {attempt + 1})" for p in up.problems + problems]
            plans = self._offered(fresh_first(deeds_first(kept), self.offered_before))[:n]
            carried = kept
            if len(plans) >= n:  # a missing memory is derived below; only too few plans are worth a second call
                break
            # named, the plans left out are not offered a second time (told only why, the 1.5B model
            # offered the same played plans again)
            left_out = [p for p in up.plans if normalize(p) not in {normalize(k) for k in kept}]
            # each named whole: a plan named cut short ("…ask him if there is a…") was offered back so
            avoid = "; ".join(f'"{clean(p)}"' for p in left_out[:asked] if len(p.split()) <= 25)
            note = (
                f"Your last answer was not usable ({', '.join(up.problems + problems) or 'too few plans'}). "
                f"Give what happened and exactly {asked} different plans, each a new thing to do"
                + (f", none of these: {avoid}." if avoid else ".")
            ) if attempt == 0 else (
                # the last try names no plan, and shows other example verbs (OTHER_VERBS): named, the plans
                # were offered again (a lowtide turn: 3 of 5 plans in a second answer were the ones named; resampled
                # 8 times, 2.25 of 5 plans were new with the names, 5 of 5 without them and with other verbs)
                f"Your last answer was not usable ({', '.join(up.problems + problems) or 'too few new plans'}). "
                "Give what happened and exactly "
                f"{asked} different plans, each a thing the reader has not done yet in this story."
            )
        if len(plans) < n:
            stats.repairs.append(f"filled {n - len(plans)} plan(s)")
            plans = fallback_plans(paragraph, self.world, plans, n)
        if up and up.happened:
            happened = self._told_in(clean(up.happened), paragraph)
            if not happened:  # what the paragraph tells, in its own words: the reader's deed and where it ends
                stats.repairs.append("memory: not what the paragraph told")
                happened = self._deed_and_end(paragraph)
            told = await asyncio.to_thread(self._not_yet_remembered, happened)
            if not told:  # only what the memory holds: what the reader did is new, at least
                stats.repairs.append("memory: told again")
                told = self._first_sentence(paragraph)
            memory = roll_memory(self.memory_before, told, opts.memory_words)
        elif up and up.memory:  # an answer that wrote a whole memory
            memory = up.memory
        else:
            stats.repairs.append("derived memory")
            memory = fallback_memory(self.memory_before, paragraph, opts.memory_words)
        memory = clip_words(clean(memory), opts.memory_words)
        # a fact the paragraph does not tell is not kept (the model wrote "Moss Dellacroix has been
        # arrested by the police" after a paragraph with no police in it)
        new_facts = [clip_words(clean(f), 20) for f in (up.facts if up else []) if a_state(f) and self._told_in(f, paragraph)]
        # nor one with a word English lacks: a ninetybells play kept "A caravaner named Tamerlane lives in
        # Kashgar" for 20 turns, and the facts are in every prompt
        new_facts, foreign = await asyncio.to_thread(self._english, new_facts)
        stats.repairs += ["fact not in English"] * len(foreign)
        facts = await asyncio.to_thread(self._ledger, new_facts[:NEW_FACTS], conversation)
        return Remembered(memory, facts, plans)

    def _ledger(self, new: list[str], conversation: list[dict]) -> list[str]:
        """The facts before, with the new ones added last: a new fact the prompt already told (a
        lore sentence copied, a fact of the ledger restated) is not added; an old fact on the same
        things as a new one (more than half the content words of the shorter shared: "You hold the
        brass key", then "Old Hesketh holds the brass key") gives way to it; the newest LEDGER_FACTS stay."""
        from ..quality import content_stems, same_things, spans

        shown = {s for m in conversation if m["role"] != "assistant" for s in spans(m["content"], 6)}
        ledger = list(self.facts_before)
        for fact in new:
            own = spans(fact, 6)
            if any(normalize(fact) == normalize(f) for f in ledger) or (own and sum(s in shown for s in own) * 2 >= len(own)):
                continue
            stems = content_stems(fact)
            ledger = [f for f in ledger if not same_things(content_stems(f), stems)] + [fact]
        return ledger[-LEDGER_FACTS:]

    @staticmethod
    def _told_in(text: str, paragraph: str) -> str:
        """The sentences of `text` that the paragraph tells (HAPPENED_TOLD of their content words)."""
        from ..quality import share_told

        return " ".join(s for s in story_sentences(text) or [text] if share_told(s, paragraph) >= HAPPENED_TOLD)

    @staticmethod
    def _deed_and_end(paragraph: str) -> str:
        told = story_units(paragraph) or [paragraph]
        return " ".join(dict.fromkeys([told[0], told[-1]]))

    @staticmethod
    def _first_sentence(paragraph: str) -> str:
        first = story_units(paragraph)
        return first[0] if first else paragraph

    def _not_yet_remembered(self, happened: str) -> str:
        """The sentences of `happened` that the memory does not already tell, in any words (the model
        tells the scene it is stuck on again: "the dust is moving towards Lost Side", turn after turn)."""
        memory = self.memory_before
        return " ".join(s for s in story_sentences(happened) or [happened]
                        if not memory or retold_rate(s, [memory], self.vectors.embedder.embed) == 0.0)

    @property
    def _played(self) -> list[str]:
        """The plans not to offer again: this turn's and those played before it on the path."""
        return [*self.played_before, self.plan if parent_plan_taken(self.plan) else ""]

    def _english(self, texts: list[str]) -> tuple[list[str], list[str]]:
        """The plans (or facts) in English, and those left out; the world's own names and words count
        as English, and so does a name written capitalised (the 1.5B model, unpenalised, offered "Find a
        weakbox with an oilcloth cover" beside the strongbox)."""
        from ..quality import english_rate, world_words

        if self._known is None:
            self._known = world_words(self.world.snapshot())
        english = [english_rate(t, self._known) >= PLAN_ENGLISH for t in texts]
        return [t for t, e in zip(texts, english) if e], [t for t, e in zip(texts, english) if not e]

    def _in_world(self, plans: list[str]) -> tuple[list[str], list[str]]:
        """The plans that name nothing the world has not got (`[content] not_in_world`), and those that do:
        "Wait for the dawn" was offered, and played, in a dustchoir play whose story is one evening."""
        absent = self.world.content.not_in_world
        named = [names_absent(p, absent) for p in plans]
        return [p for p, n in zip(plans, named) if not n], [p for p, n in zip(plans, named) if n]

    def _distinct_only(self, plans: list[str]) -> list[str]:
        plans = self._in_world(self._english(plans)[0])[0]
        return self._offered(fresh_first(deeds_first(distinct_plans(self.vectors, plans, self.options.plan_similarity,
                                                                    self._played)[0]), self.offered_before))

    def _offered(self, plans: list[str]) -> list[str]:
        """The model's plans in the order they are offered: after a world event, the choices its author
        wrote for it first (two at most, and never all the plans shown: the storyteller's own idea stays), then the
        model's plans that answer it, then the rest. Asked for plans after Lieutenant Okafor's event, the
        1.5B model offered three about Moss, and a reader called the event "dropped completely"."""
        own = self.authored
        return [*own, *(p for p in answering_first(plans, self.event) if all(overlap(p, c) <= 0.8 for c in own))]
