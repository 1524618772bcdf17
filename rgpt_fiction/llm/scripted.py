"""A scripted language model: deterministic answers for tests, benchmarks and demos.

Each call takes the next scripted reply; a reply is a string (streamed word by word),
an exception (raised), or a callable receiving the messages and returning either.
When the script runs out, it improvises a plausible deterministic answer, so a
scripted game can go on for thousands of turns.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
from typing import AsyncIterator, Iterable

from .base import Restart, Usage

Reply = "str | BaseException | Callable[[list[dict]], str]"

_VERBS = ["Follow", "Question", "Search", "Hide from", "Confront", "Study", "Bargain with", "Climb toward", "Slip past"]
_THINGS = ["the lantern", "the stranger", "the old map", "the locked door", "the river", "the bell tower",
           "the letter", "the guard", "the market", "the ruined chapel", "the ferryman", "the cellar"]


def _last_user(messages: list[dict]) -> str:
    return next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")


def improvise(messages: list[dict], json_mode: bool, counter: int) -> str:
    """A deterministic answer that depends on the call number and the plan in the prompt."""
    user = _last_user(messages)
    if json_mode:
        plans = [f"{_VERBS[(counter + i * 3) % len(_VERBS)]} {_THINGS[(counter * 5 + i * 7) % len(_THINGS)]} (idea {counter}-{i})" for i in range(3)]
        para = next((m["content"] for m in reversed(messages) if m["role"] == "assistant"), "")
        return json.dumps({  # in the schema's order, as constrained decoding writes it
            "plans": plans,
            "memory": f"Call {counter}. " + " ".join(para.split()[:60]),
            # a fact its paragraph tells (the game keeps no other): the paragraph's scene, "The ferryman hands you the lantern"
            "facts": [m.group(1) for m in [re.search(r"([A-Z][^.!?]*?) \(scene \d+\)", para)] if m],
        })
    m = re.search(r"What the reader does now: (.*?)\n", user)
    plan = m.group(1) if m else "begin"
    rng = random.Random(counter)
    scene = (f"{rng.choice(_PEOPLE)} {rng.choice(_DEEDS)} {rng.choice(_THINGS)} (scene {counter}). "
             f"{rng.choice(_WEATHER)} " + " ".join(_filler(rng) for _ in range(3)) + " What now?")
    if messages[-1]["role"] == "assistant":  # its first words are given: write on from them
        return f". {scene[0].upper()}{scene[1:]}"
    return f"You {plan.rstrip('.').lower()}. {scene[0].upper()}{scene[1:]}"


# The improvised paragraphs differ in meaning from turn to turn, as a story does: the engine's loop
# guard (engine/recall.py) would otherwise write every one of them again.
_PEOPLE = ["the ferryman", "a lamplighter", "the old guard", "a girl with a lantern", "the innkeeper",
           "a stranger in grey", "the harbourmaster", "a fishwife", "the bell-ringer", "a soldier", "the priest",
           "a boy with a dog"]
_DEEDS = ["points toward", "laughs about", "warns you about", "whispers of", "hands you", "stares at", "runs from",
          "argues over", "sings about", "weeps over", "asks about", "hides"]
_WEATHER = ["Rain begins to fall on the roofs.", "A bell rings twice somewhere far off.",
            "The wind turns cold and smells of salt.", "Gulls scream over the harbour.",
            "Fog rolls in from the river.", "A dog barks in the distance.", "The lamps flicker and steady.",
            "Thunder grumbles beyond the hills.", "Somewhere a door slams.", "The tide pulls back from the steps.",
            "Smoke drifts from a chimney.", "The moon comes out from behind a cloud."]
_FILLER = ("apple river stone window bread candle garden letter mountain music coin horse forest ladder mirror "
           "kettle rope feather painting chimney blanket basket bridge cellar copper orchard pebble saddle "
           "thimble violin wagon anchor barrel button cradle drum engine fiddle glove hammer iron jacket "
           "kitchen lantern marble needle oven parcel quilt ribbon shovel tower umbrella valley wheel yard "
           "acorn bucket carpet desk envelope fence gate harbour island jar key lemon map nest ocean pocket "
           "quarry rabbit salt table urn vase well").split()


def _filler(rng: random.Random) -> str:
    """A sentence of twenty unrelated words, other ones each turn (the paragraph's length)."""
    words = rng.sample(_FILLER, 20)
    return " ".join(words).capitalize() + "."


class ScriptedModel:
    """A ChatModel whose answers are scripted. `calls` records every request."""

    def __init__(self, script: Iterable = (), name: str = "scripted", delay: float = 0.0, improvise: bool = True,
                 prefill: bool = False):
        self.name = name
        self.prefill = prefill  # continue a last assistant message (its words are not repeated)
        self.script = list(script)
        self.delay = delay
        self.improvise = improvise
        self.calls: list[dict] = []

    def push(self, *replies) -> None:
        self.script.extend(replies)

    async def stream(
        self, messages: list[dict], *, max_tokens: int, temperature: float, json_schema: dict | None = None,
        until=None,
    ) -> AsyncIterator["str | Usage | Restart"]:
        self.calls.append({"messages": messages, "json_schema": json_schema, "max_tokens": max_tokens})
        if self.script:
            reply = self.script.pop(0)
        elif self.improvise:
            reply = improvise(messages, json_schema is not None, len(self.calls))
        else:
            raise AssertionError("the scripted model ran out of replies")
        if callable(reply) and not isinstance(reply, BaseException):
            reply = reply(messages)
        if isinstance(reply, BaseException):
            raise reply
        prompt_tokens = sum(len(m["content"]) for m in messages) // 4
        completion = 0
        text = ""
        for piece in re.findall(r"\S+\s*|\s+", reply):
            if self.delay:
                await asyncio.sleep(self.delay)
            else:
                await asyncio.sleep(0)
            completion += 1
            yield piece
            text += piece
            if until is not None and until(text):
                break
        yield Usage(prompt_tokens=prompt_tokens, completion_tokens=completion)
