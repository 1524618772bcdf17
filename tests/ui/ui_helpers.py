"""Helpers shared by the TUI tests."""

from __future__ import annotations


async def settle(pilot, rounds: int = 50) -> None:
    """Let every worker finish and the screen catch up (no sleeps). A worker just made is pending, not yet
    running, and counts too: a queued plan's turn starts in a worker made once the last turn's has finished,
    and on a loaded machine (CI beside two model runs) the test went on before it began."""
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        running = [w for w in app.workers if not w.is_finished]
        if not running:
            await pilot.pause()
            return
        await app.workers.wait_for_complete()
    raise AssertionError(f"workers still running: {[w for w in app.workers if not w.is_finished]}")


async def new_game(pilot) -> None:
    """From the title: New game, the first world, begin with the defaults; up to the first plans."""
    from rgpt_fiction.ui.screens.story import StoryScreen

    app = pilot.app
    await app.wait_storyteller()
    await pilot.press("n")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(app.screen, StoryScreen)
    assert app.screen.story is not None and app.screen.story.plans


async def first_turn(pilot) -> None:
    """A new game (as `new_game`), then plan 1 played to the end of the turn."""
    await new_game(pilot)
    await pilot.press("1")
    await settle(pilot)


def write_world(path, title: str = "", role: str = "", plans: list[str] | None = None) -> None:
    """The test world (tests/data/harbour.toml) with another title, hero role or first choices."""
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "data" / "harbour.toml").read_text()
    if title:
        text = text.replace('title = "The Harbour Test"', f'title = "{title}"')
    if role:
        text = text.replace('role = "a courier from the capital"', f'role = "{role}"')
    if plans:
        start = text.index("first_choices = [")
        end = text.index("]", start) + 1
        text = text[:start] + "first_choices = [" + ", ".join(f'"{p}"' for p in plans) + "]" + text[end:]
    Path(path).write_text(text)
