"""The plans of an update answer, taken while the model is still writing the rest of it."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Callable, Sequence

from .parsing import parse_update, usable_plans
from .vectors import VectorCache

_PLANS_CLOSED = re.compile(r'"plans"\s*:\s*\[.*\]', re.S)


def _plans(text: str) -> list[str]:
    """The plans array of an answer still being written (the rest of it may not parse yet)."""
    m = re.search(r'"plans"\s*:\s*\[', text)
    if m:
        try:
            plans, _ = json.JSONDecoder().raw_decode(text, m.end() - 1)
        except ValueError:
            plans = None
        if isinstance(plans, list):
            return [p for p in plans if isinstance(p, str)]
    return parse_update(text).plans


class PlanWarmer:
    """Watches the update answer stream: as soon as its plans array is closed, the plans are
    checked (usable, and with `check` distinct) in a thread while the model goes on writing the
    memory. When `n` good plans remain, `on_ready(plans)` is called on the event loop, so they can be
    shown at once; their vectors are cached for the check after the answer either way."""

    def __init__(self, vectors: VectorCache, paragraph: str, n: int, check: Callable[[list[str]], list[str]] | None = None,
                 on_ready: Callable[[list[str]], None] | None = None, taken: str = "", asked: int = 0,
                 played: Sequence[str] = (), hero: str = ""):
        self.vectors, self.paragraph, self.n, self.taken, self.played = vectors, paragraph, n, taken, played
        self.hero = hero
        self.asked = max(asked, n)  # plans asked for; `n` are shown
        self.check, self.on_ready = check, on_ready
        self.task: asyncio.Future | None = None
        self._seen = 0

    def feed(self, parts: list[str]) -> None:
        if self.task is not None or len(parts) - self._seen < 2:  # look every few pieces, start once
            return
        self._seen = len(parts)
        text = "".join(parts)
        if _PLANS_CLOSED.search(text):
            loop = asyncio.get_running_loop()
            self.task = asyncio.ensure_future(asyncio.to_thread(self._warm, text, loop))

    def _warm(self, text: str, loop: asyncio.AbstractEventLoop) -> None:
        kept, _ = usable_plans(_plans(text), self.paragraph, self.asked, taken=self.taken, played=self.played,
                               hero=self.hero)
        if len(kept) > 1:
            self.vectors.many(kept)
        if self.check is not None:
            kept = self.check(kept)
        if self.on_ready is not None and len(kept) >= self.n:
            loop.call_soon_threadsafe(self.on_ready, kept[:self.n])

    async def finish(self) -> None:
        if self.task is not None:
            try:
                await self.task
            except Exception:  # noqa: BLE001 - only a head start: the check after the answer runs anyway
                pass
