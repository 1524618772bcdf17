"""The world seed schema (version 1), as pydantic models.

A world file is TOML; see docs/worlds.md for the author's guide.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Player(_Strict):
    name: str = "Traveller"
    role: str = ""
    description: str = ""


class Character(_Strict):
    name: str = Field(min_length=1)
    description: str = ""


class Lore(_Strict):
    keys: list[str] = []
    text: str = Field(min_length=1)
    always: bool = False


class Content(_Strict):
    tone: str = ""
    avoid: list[str] = []


class World(_Strict):
    schema_: int = Field(alias="schema")
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    genre: str = ""
    premise: str = Field(min_length=1)
    setting: str = ""
    style: str = ""
    opening: str = ""
    first_choices: list[str] = []
    player: Player = Player()
    characters: list[Character] = []
    lore: list[Lore] = []
    content: Content = Content()

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    def snapshot(self) -> dict:
        """The world as plain data, for a save slot."""
        return self.model_dump(by_alias=True)

    @classmethod
    def from_snapshot(cls, data: dict) -> "World":
        return cls.model_validate(data)

    def for_player(self, name: str) -> "World":
        """A copy with `{player}` replaced by the persona's name in every text field."""
        def sub(value):
            if isinstance(value, str):
                return value.replace("{player}", name)
            if isinstance(value, list):
                return [sub(v) for v in value]
            if isinstance(value, dict):
                return {k: sub(v) for k, v in value.items()}
            return value

        return World.model_validate(sub(self.snapshot()))
