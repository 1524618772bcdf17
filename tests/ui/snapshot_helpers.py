"""What the snapshot tests share: fixed sizes, a model that stops mid-paragraph, and the game states
(two turns played, a branch, a long plan) reached without clocks or timers in the picture."""

from __future__ import annotations

import asyncio
import json

from rgpt_fiction.llm.scripted import ScriptedModel
from rgpt_fiction.ui.widgets.phase import PhaseLine

from ui_helpers import first_turn, new_game, settle

SIZES = [(100, 30), (80, 24)]
SIZE_IDS = ["100x30", "80x24"]
FIXED_TIME = 1767225600.0  # 2026-01-01 00:00 UTC

LONG_PLANS = [
    "Walk the whole length of the harbour wall in the rain, counting the boats and asking every fisher about "
    "a woman with inky fingers",
    "Climb the crooked stairs of the lighthouse at midnight with a borrowed lantern, listening for footsteps above "
    "you and hoping the keeper sleeps soundly",
    "Bribe the tavern cook with your last silver coin so he tells you which sailors drank with your sister on "
    "the night she vanished",
]


class StoppingModel(ScriptedModel):
    """A scripted model that, once `stop_after` pieces of its next answer are streamed, waits until
    `go` is set: the screen can be pictured in the middle of a paragraph, the same every time."""

    def __init__(self, *args, stop_after: int = 12, **kwargs):
        super().__init__(*args, **kwargs)
        self.stop_after = stop_after
        self.stopped = asyncio.Event()
        self.go = asyncio.Event()
        self.armed = False

    async def stream(self, messages, **kwargs):
        pieces = 0
        async for item in super().stream(messages, **kwargs):
            if self.armed and isinstance(item, str):
                pieces += 1
                if pieces > self.stop_after:
                    self.stopped.set()
                    await self.go.wait()
            yield item


async def ready(pilot) -> None:
    await pilot.app.wait_storyteller()
    await pilot.pause()


def still(pilot) -> None:
    """Take the one clock off the screen (the last turn's time) and the passing notices."""
    screen = pilot.app.screen
    story = getattr(screen, "story", None)
    if story is not None and story.last_stats is not None:
        story.last_stats.total_seconds = 2.4
        screen.update_status()
    for line in screen.query(PhaseLine):  # the seconds a turn has waited: always 2 in a picture
        line.clock = lambda line=line: line.started + 2.0
        if screen.writing:
            line.redraw()
    pilot.app.clear_notifications()


async def two_turns(pilot) -> None:
    await first_turn(pilot)
    await pilot.press("tab", *"I ask about the lighthouse keeper", "enter")
    await settle(pilot)
    still(pilot)
    await pilot.pause()


async def stopped_mid_turn(pilot, key: str = "1") -> None:
    """A new game, then `key` pressed; returns when the paragraph has begun and the model waits."""
    model = pilot.app.model
    await new_game(pilot)
    still(pilot)
    model.armed = True
    await pilot.press(key)
    await asyncio.wait_for(model.stopped.wait(), 30)
    await pilot.pause()


def long_plans_model() -> ScriptedModel:
    memo = json.dumps({"memory": "You walk the wall.", "facts": ["The wall is long."], "plans": LONG_PLANS})
    return ScriptedModel(["You walk along the harbour wall as the light fails and the gulls settle.", memo])
