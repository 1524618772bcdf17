"""The writer mode: a simulated reader plays a story (seeded), picking plans, now and then typing one of
its own, optionally taking a reader's time; each turn's statistics carry its quality measures."""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import asdict
from typing import TextIO

from .engine.story import Story
from .headless import Printer, run_turn
from .world.lore import key_in_text
from .world.model import World


TYPED_FORMS = ("I ask {person} about {thing}", "I go looking for {person}", "I search for {thing}")


def typed_plan(world: World, rng: random.Random, here: str = "", told: str = "") -> str:
    """What a simulated reader types instead of picking: the world's own people and things, as a reader who has
    read the story would. Someone the last paragraph (`here`) names is asked, not looked for, and a thing searched
    for is one the story (`told`) has not named yet: typed at random, "I go looking for Lieutenant Sam Okafor"
    came while Okafor stood talking to the hero, and "I search for the key" after the key was put in the hero's
    hand; a reader of that play quit at it."""
    from .quality import names_person
    from .world.names import name_words

    people = [c.name for c in world.characters] or ["someone who knows"]
    # named as a person is ("Okafor lets go of your elbow"), or whole as the world names it, in any case: lanternfall's
    # "the Star" is in the hero's hands as "the star", and the reader of a play that typed "I go looking for the Star"
    # there called it nonsense
    present = [p for p in people if names_person(here, name_words(p)) or key_in_text(p, here)]
    things = [k for e in world.lore for k in e.keys[:1]] or ["a way forward"]
    unseen = [k for k in things if not key_in_text(k, told)] or things
    form = rng.choice(TYPED_FORMS)
    if form.startswith("I ask") and present:
        people = present
    elif form.startswith("I go looking"):
        people = [p for p in people if p not in present] or people
    return form.format(person=rng.choice(people), thing=_with_article(rng.choice(unseen)))


def _with_article(thing: str) -> str:
    """A lore key as a reader would type it: "the causeway", not "causeway"; a name ("Sam Carvell") or
    a key with its own article stays as it is."""
    first = thing.split()[0] if thing.split() else ""
    if not first or first[0].isupper() or first.lower() in ("the", "a", "an", "your", "his", "her", "their"):
        return thing
    return "the " + thing


def authored_plans(world: World) -> set[str]:
    """The plans the world's author wrote (the opening's and the events' choices, and the follow-ups
    after each outcome), normalised."""
    from .engine.text import normalize

    plans = [*world.first_choices, *(p for f in world.first_follow_ups for p in f)]
    for event in world.events:
        plans += [*event.choices, *(p for f in event.follow_ups for p in f)]
    return {normalize(p) for p in plans}


def reading_pause(stats, words: int, wpm: float, since: float) -> float:
    """Seconds still to wait, after the turn is stored, before a reader reading at `wpm` words a minute
    picks: they read from the first word on screen and pick once done and the plans are shown.
    `since` is how long ago the turn began (the previous pick)."""
    if not wpm:
        return 0.0
    first = stats.first_word_s or 0.0
    pick = max(stats.plans_shown_s or 0.0, first + words / wpm * 60)
    return max(0.0, pick - since)


async def autoplay(story: Story, turns: int, printer: Printer, seed: int = 0, stats_file: TextIO | None = None,
                   quiet: bool = False, typed_every: int = 0, reading_wpm: float = 0,
                   authored_pick: float = 0.0) -> list[dict]:
    """The writer mode: a simulated reader picks a plan each turn (seeded); with `typed_every` N it
    types a plan of its own every Nth turn; with `authored_pick` P, when the plans shown hold some the
    world's author wrote, it takes one of those with probability P (readers drawn to the author's beats);
    with `reading_wpm` it takes as long to pick as a person reading the paragraph at that speed (the
    storyteller works ahead meanwhile). Each turn's stats carry its quality measures."""
    from .engine.text import normalize
    from .quality import turn_quality

    rng = random.Random(seed)
    by_author = authored_plans(story.game.world) if authored_pick else set()
    rows: list[dict] = []

    def record(done):
        row = asdict(done.stats)
        if done.node.model != "(world seed)":
            row["quality"] = asdict(turn_quality(story.game, done.node, story.last_prompt, done.stats,
                                                 embed=story.embedder.embed))
        row["own_plan"] = done.node.own_plan
        rows.append(row)
        if stats_file:
            stats_file.write(json.dumps(row, ensure_ascii=False) + "\n")
            stats_file.flush()

    if not story.game.nodes:
        done = await run_turn(story.start(), printer, stream=not quiet)
        record(done)
    for i in range(turns):
        if typed_every and (i + 1) % typed_every == 0:
            told = "\n".join(n.paragraph for n in story.game.path())
            plan, own = typed_plan(story.game.world, rng, here=story.node.paragraph, told=told), True
            label = "(typed)"
        else:
            authored = [i for i, p in enumerate(story.plans) if normalize(p) in by_author]
            if authored and rng.random() < authored_pick:
                choice = rng.choice(authored)
            else:
                choice = rng.randrange(len(story.plans))
            plan, own = story.plans[choice], False
            label = f"{choice + 1}."
        if not quiet:
            printer.line(f"> {label} {plan}\n")
        began = time.perf_counter()
        done = await run_turn(story.play(plan, own=own), printer, stream=not quiet)
        record(done)
        if reading_wpm and i + 1 < turns:
            await asyncio.sleep(reading_pause(done.stats, done.stats.paragraph_words, reading_wpm,
                                              time.perf_counter() - began))
    return rows
