"""Opening a story in a save slot: the slot, its long-term memory and the engine, wired together.

Loading reconciles the slot: vector rows of turns the state does not hold are removed
(a crash between the vector write and the state write), and turns whose rows are
missing are embedded again.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from .engine.options import TurnOptions
from .engine.state import Game, Persona
from .engine.story import Story, new_game
from .llm.base import ChatModel
from .memory.rows import TextEmbedder
from .memory.rows import LORE_NODE, MemoryRow
from .memory.store import MemoryStore
from .saves.slot import Slot
from .saves.traces import TraceFile
from .world.model import World


@dataclass
class Reconciled:
    removed: int = 0
    reembedded: int = 0
    lore_restored: int = 0


def reconcile(game: Game, memory: MemoryStore) -> Reconciled:
    """Make the slot's long-term memory agree with its game (see the module's docstring)."""
    out = Reconciled()
    stored = memory.nodes()
    extra = sorted(stored - set(game.nodes))
    if extra:
        memory.delete_nodes(extra)
        out.removed = len(extra)
    missing = [game.nodes[i] for i in sorted(set(game.nodes) - stored)]
    if missing:
        memory.add([MemoryRow.paragraph(n.id, n.depth, n.paragraph) for n in missing])
        out.reembedded = len(missing)
    lore = game.lore_rows()
    if lore and memory.count(f"node = {LORE_NODE}") != len(lore):
        memory.delete_nodes([LORE_NODE])
        memory.add(lore)
        out.lore_restored = len(lore)
    return out


def read_game(slot: Slot, use_backup: bool = False) -> Game:
    """Open (and lock) a slot and read its game: no model or embedder needed, so a reader sees the
    story at once while the storyteller loads. Then `attach` it."""
    slot.open()
    try:
        return slot.restore_backup() if use_backup else slot.load()
    except BaseException:
        slot.close()
        raise


def attach(slot: Slot, game: Game, model: ChatModel, embedder: TextEmbedder,
           options: TurnOptions | None = None) -> tuple[Story, Reconciled]:
    """The story of a game read with `read_game`: its long-term memory reconciled, the engine wired."""
    memory = MemoryStore(slot.memory_path, embedder)
    fixed = reconcile(game, memory)
    return Story(game, model, memory, save=slot.save, options=options, traces=TraceFile.of(slot.path)), fixed


def open_story(
    slot: Slot, model: ChatModel, embedder: TextEmbedder, options: TurnOptions | None = None,
    world: World | None = None, persona: Persona | None = None, use_backup: bool = False,
) -> tuple[Story, Reconciled | None]:
    """Open (and lock) a slot: continue its game, or begin a new one from `world` and `persona`.
    Returns the story and, for a continued game, what reconciling the memory did.
    A new story has no turns yet: run `story.start()`."""
    if slot.exists():
        game = read_game(slot, use_backup)
        try:
            return attach(slot, game, model, embedder, options)
        except BaseException:
            slot.close()
            raise
    if world is None:
        raise ValueError("a new game needs a world")
    slot.open()
    try:
        if slot.memory_path.exists():  # left by a game that crashed before its first save
            shutil.rmtree(slot.memory_path)
        slot.journal_path.unlink(missing_ok=True)
        TraceFile.of(slot.path).remove()
        memory = MemoryStore(slot.memory_path, embedder)
        game = new_game(world, persona or Persona(world.player.name))
    except BaseException:
        slot.close()
        raise
    return Story(game, model, memory, save=slot.save, options=options, traces=TraceFile.of(slot.path)), None
