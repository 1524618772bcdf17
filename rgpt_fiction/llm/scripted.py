"""A scripted language model: deterministic answers for tests, benchmarks and demos.

Each call takes the next scripted reply; a reply is a string (streamed word by word),
an exception (raised), or a callable receiving the messages and returning either.
When the script runs out, it improvises a plausible deterministic answer, so a
scripted game can go on for thousands of turns.
"""

from __future__ import annotations

import asyncio
import json
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
            "facts": [f"Fact from call {counter}"],
        })
    m = re.search(r"What the reader does now: (.*?)\n", user)
    plan = m.group(1) if m else "begin"
    words = " ".join(f"w{counter}x{i}" for i in range(60))
    if messages[-1]["role"] == "assistant":  # its first words are given: write on from them
        return f", and the story moves on (scene {counter}). {words}. What now?"
    return f"You {plan.rstrip('.').lower()}, and the story moves on (scene {counter}). {words}. What now?"


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
