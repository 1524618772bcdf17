"""Embedding the plans of an update answer while the model is still writing the rest of it."""

from __future__ import annotations

import asyncio
import re

from .parsing import parse_update, usable_plans

_PLANS_CLOSED = re.compile(r'"plans"\s*:\s*\[.*\]', re.S)


class PlanWarmer:
    """Watches the update answer stream: as soon as its plans array is closed, the plans are
    embedded in a thread while the model goes on writing the memory, so the distinctness check
    after the answer finds their vectors cached instead of adding an embedding to the turn."""

    def __init__(self, vectors, paragraph: str, n: int):
        self.vectors, self.paragraph, self.n = vectors, paragraph, n
        self.task: asyncio.Future | None = None
        self._seen = 0

    def feed(self, parts: list[str]) -> None:
        if self.task is not None or len(parts) - self._seen < 4:  # look every few pieces, start once
            return
        self._seen = len(parts)
        text = "".join(parts)
        if _PLANS_CLOSED.search(text):
            self.task = asyncio.ensure_future(asyncio.to_thread(self._warm, text))

    def _warm(self, text: str) -> None:
        kept, _ = usable_plans(parse_update(text).plans, self.paragraph, self.n)
        if len(kept) > 1:
            self.vectors.many(kept)

    async def finish(self) -> None:
        if self.task is not None:
            try:
                await self.task
            except Exception:  # noqa: BLE001 - only a warm-up: the check embeds again if it failed
                pass
