"""World seed files: schema, loading, validation, lore matching."""

from .load import Problem, WorldError, find_worlds, load_world
from .model import Character, Content, Lore, Player, World

__all__ = ["Character", "Content", "Lore", "Player", "Problem", "World", "WorldError", "find_worlds", "load_world"]
