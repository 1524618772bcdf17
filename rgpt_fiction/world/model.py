"""The world seed schema (version 1), as pydantic models.

A world file is TOML; see docs/worlds.md for the author's guide. The models are
strict: TOML has real types, so a number where text is expected is an error,
not something to coerce. Every text field may use `{player}` for the persona's name.
"""

from __future__ import annotations

import re

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from .names import name_words

SCHEMA_VERSION = 1
PLACEHOLDER = "{player}"


# A list item that must say something: "" or "   " in a list is an error, not a silent blank.
Item = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)


class Player(_Strict):
    """The default persona; the reader may replace it at a new game."""

    name: str = Field("Traveller", description="the persona's name; `{player}` in any text becomes this")
    role: str = Field("", description="who they are in this world, in a few words")
    description: str = Field("", description="a sentence or two about them")


class Character(_Strict):
    """Someone the narrator should know about from the start."""

    name: str = Field(min_length=1, description="the character's name (required)")
    description: str = Field("", description="who they are, what they want, how they speak")


class Lore(_Strict):
    """A fact the story must not forget."""

    keys: list[Item] = Field([], description="words or phrases that bring this entry in when they appear")
    text: str = Field(min_length=1, description="the fact itself, ideally under ~40 words (required)")
    always: bool = Field(False, description="bring this entry in every turn")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _one_each(items: list, owners: list[str] | None, field: str, item: str = "outcome", owner: str = "choice",
              suffix: str = "") -> list:
    """Items (outcomes, or lists of follow-ups: `item` "list", `suffix` " of follow-ups"), at most one for each
    of `field` (its owners: None when they were not valid themselves)."""
    if owners is not None and len(items) > len(owners):
        raise PydanticCustomError(
            f"{item}s_without_{owner}s",
            "{items} for {owners}: each {item} belongs to the {owner} at the same place in `{field}`",
            {"items": _count(len(items), item) + suffix, "owners": _count(len(owners), owner),
             "item": item + suffix, "owner": owner, "field": field})
    return items


# the plans offered first after each outcome: one list for each, at the same place
FollowUps = Field([], description="plans offered first after the outcome at the same place, one list of plans for "
                                  "each outcome (two at most are shown; the storyteller's own plan is the third)")


class Event(_Strict):
    """Something that happens to the hero, told by the game at the end of a paragraph."""

    text: str = Field(min_length=1, description="what happens, wherever the hero is, in the second person (required)")
    arrives: str = Field("", description="the person the event brings in, as its text names them: while the paragraph "
                                         "it would end already has them in it, it waits for a later turn (two at most)")
    choices: list[Item] = Field([], description="plans that answer it, offered after it (two at most are shown; "
                                                "the storyteller's plans fill the rest)")
    outcomes: list[Item] = Field([], description="what happens first when the reader takes the choice at the same "
                                                 "place: the next paragraph opens with it, and the storyteller "
                                                 "writes on from there")
    reveals: str = Field("", description="a thing of `[content] hidden` this event brings to light, as `hidden` names "
                                         "it: from the turn after the one that tells it, the storyteller may find it")

    follow_ups: list[list[Item]] = FollowUps

    @field_validator("arrives")
    @classmethod
    def _named_in_the_text(cls, arrives: str, info: ValidationInfo) -> str:
        text = info.data.get("text") or ""
        if arrives.strip() and not any(re.search(rf"\b{re.escape(w)}\b", text) for w in name_words(arrives)):
            raise ValueError(f"{arrives!r} is not named in the event's text: name the person it brings in as the "
                             "text does")
        return arrives.strip()

    @field_validator("outcomes")
    @classmethod
    def _one_outcome_a_choice(cls, outcomes: list[str], info: ValidationInfo) -> list[str]:
        return _one_each(outcomes, info.data.get("choices"), "choices")

    @field_validator("follow_ups")
    @classmethod
    def _one_list_an_outcome(cls, follow_ups: list[list[str]], info: ValidationInfo) -> list[list[str]]:
        return _one_each(follow_ups, info.data.get("outcomes"), "outcomes", "list", "outcome", " of follow-ups")


class Content(_Strict):
    """Guidance for the narrator on tone and limits."""

    tone: str = Field("", description="the feel of the story, e.g. 'wry, warm, low peril'")
    avoid: list[Item] = Field([], description="things the narrator must not write about")
    not_in_world: list[Item] = Field([], description="words for things this world has not got (such as "
                                                     "'television' in 1893): a sentence or plan of the model's naming one is cut")
    dead: list[Item] = Field([], description="people dead before the story begins, as the story names them ('Sam "
                                             "Carvell', 'Sam'): the narrator is told, and a sentence in which one acts is cut")
    hidden: list[Item] = Field([], description="things the story is about finding, as the story names them ('Silver "
                                               "Spoon', 'Spoon'): until an event `reveals` one (or every event is "
                                               "told), a plan naming it is told it stays hidden, and a sentence of "
                                               "the storyteller's that finds it is cut")


class World(_Strict):
    """One world seed file."""

    schema_: int = Field(alias="schema", description="format version; must be 1")
    title: str = Field(min_length=1, description="shown in the world picker")
    summary: str = Field(min_length=1, description="a one-paragraph pitch for the picker")
    genre: str = Field("", description="free text, e.g. 'gothic horror'")
    premise: str = Field(min_length=1, description="what the story is about; the narrator sees it every turn")
    setting: str = Field("", description="places, era, the rules of the world")
    style: str = Field("", description="voice, person, tense, paragraph length")
    opening: str = Field("", description="the first paragraph; written by the model when absent")
    first_choices: list[Item] = Field([], description="the plans offered after the opening")
    first_outcomes: list[Item] = Field([], description="what happens first when the reader takes the first choice at "
                                                       "the same place: the first paragraph opens with it")
    first_follow_ups: list[list[Item]] = FollowUps
    events: list[Event] = Field([], description="things that happen to the hero, in order, one every third turn")
    player: Player = Field(default_factory=Player, description="the default persona")
    characters: list[Character] = Field([], description="the people of the world")
    lore: list[Lore] = Field([], description="facts recalled by key, by similarity or always")
    content: Content = Field(default_factory=Content, description="tone and things to avoid")

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, populate_by_name=True, strict=True,
    )

    @field_validator("first_outcomes")
    @classmethod
    def _one_outcome_a_first_choice(cls, outcomes: list[str], info: ValidationInfo) -> list[str]:
        return _one_each(outcomes, info.data.get("first_choices"), "first_choices")

    @field_validator("first_follow_ups")
    @classmethod
    def _one_list_a_first_outcome(cls, follow_ups: list[list[str]], info: ValidationInfo) -> list[list[str]]:
        return _one_each(follow_ups, info.data.get("first_outcomes"), "first_outcomes", "list", "outcome",
                         " of follow-ups")

    @field_validator("content")
    @classmethod
    def _reveals_what_is_hidden(cls, content: Content, info: ValidationInfo) -> Content:
        hidden = {h.casefold() for h in content.hidden}
        for n, event in enumerate(info.data.get("events") or [], 1):
            if event.reveals and event.reveals.casefold() not in hidden:
                raise PydanticCustomError(
                    "reveals_not_hidden",
                    "event {n} reveals '{thing}', which is not in [content] hidden ({hidden}): name it as `hidden` does",
                    {"n": n, "thing": event.reveals, "hidden": ", ".join(content.hidden) or "empty"})
        return content

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
                return value.replace(PLACEHOLDER, name)
            if isinstance(value, list):
                return [sub(v) for v in value]
            if isinstance(value, dict):
                return {k: sub(v) for k, v in value.items()}
            return value

        return World.model_validate(sub(self.snapshot()))


# The known fields at each level, by the name an author writes (for "did you mean").
FIELDS: dict[str, list[str]] = {
    "": [f.alias or n for n, f in World.model_fields.items()],
    "player": list(Player.model_fields),
    "characters": list(Character.model_fields),
    "lore": list(Lore.model_fields),
    "events": list(Event.model_fields),
    "content": list(Content.model_fields),
}
REQUIRED: dict[str, list[str]] = {
    "": [f.alias or n for n, f in World.model_fields.items() if f.is_required()],
    "characters": [n for n, f in Character.model_fields.items() if f.is_required()],
    "lore": [n for n, f in Lore.model_fields.items() if f.is_required()],
    "events": [n for n, f in Event.model_fields.items() if f.is_required()],
}
