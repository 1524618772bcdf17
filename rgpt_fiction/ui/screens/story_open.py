"""The blocking part of opening a story for the story screen, run in a thread: read a saved
game, or begin a new one. `closed()` says the reader has left
meanwhile: then the slot is closed again and nothing is returned."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from rgpt_fiction.session import Reconciled, open_story, read_game

if TYPE_CHECKING:
    from rgpt_fiction.engine.options import TurnOptions
    from rgpt_fiction.engine.state import Game, Persona
    from rgpt_fiction.engine.story import Story
    from rgpt_fiction.llm.base import ChatModel
    from rgpt_fiction.memory.rows import TextEmbedder
    from rgpt_fiction.saves.slot import Slot
    from rgpt_fiction.world.model import World


def read_saved(slot: Slot, closed: Callable[[], bool]) -> Game | None:
    game = read_game(slot)
    if closed():
        slot.close()
        return None
    return game


def open_new(slot: Slot, model: ChatModel, embedder: TextEmbedder, options: TurnOptions, world: World | None,
             persona: Persona | None, closed: Callable[[], bool]) -> tuple[Story, Reconciled | None] | None:
    """A new story in `slot` (an old game's files already cleared by the shelf, when replaced)."""
    story, fixed = open_story(slot, model, embedder, options, world=world, persona=persona)
    if closed():
        slot.close()
        return None
    return story, fixed
