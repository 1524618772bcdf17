"""World seed files: schema, loading, validation, lore matching."""

from .load import Problem, WorldError, default_worlds_dirs, find_worlds, load_world, parse_world
from .lore import LoreHit, keyed_lore, select_lore
from .model import SCHEMA_VERSION, Character, Content, Lore, Player, World

__all__ = [
    "SCHEMA_VERSION", "Character", "Content", "Lore", "LoreHit", "Player", "Problem", "World", "WorldError",
    "default_worlds_dirs", "find_worlds", "keyed_lore", "load_world", "parse_world", "select_lore",
]
