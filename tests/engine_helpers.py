"""Helpers shared by the engine-level tests (a module of its own: tests/ui has a conftest too,
so importing from `conftest` depends on which one pytest loaded first)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


async def drain(events):
    """Run a turn to the end; returns (deltas text, last event)."""
    from rgpt_fiction.engine.events import Delta, Restart

    text, last, restarts = [], None, 0
    async for event in events:
        if isinstance(event, Delta):
            text.append(event.text)
        if isinstance(event, Restart):
            restarts += 1
            text.clear()
        last = event
    return "".join(text), last
