"""Odd and hostile input from the reader and from the model."""

import json

import pytest

from engine_helpers import drain
from rgpt_fiction.engine.events import Notice
from rgpt_fiction.engine.parsing import guard_agency
from rgpt_fiction.engine.story import MAX_PLAN_CHARS, PlanError, prepare_plan
from rgpt_fiction.llm.scripted import ScriptedModel


@pytest.mark.parametrize("text", ["", "   ", "\n\t\r", "\x1b[2J\x07"])
def test_empty_or_invisible_plans_are_refused(text):
    with pytest.raises(PlanError, match="empty"):
        prepare_plan(text)


def test_a_huge_plan_is_shortened_with_a_notice():
    plan, notice = prepare_plan("run " * 25_000)
    assert len(plan) <= MAX_PLAN_CHARS and plan.startswith("run run")
    assert "shortened" in notice


def test_control_characters_and_ansi_escapes_are_stripped():
    plan, _ = prepare_plan("open\x1b[31m the \x1b]8;;http://x\x07door\x00 now\x08")
    assert plan == "open the door now"


@pytest.mark.parametrize("text", ["[bold red]shout[/] at the [link=http://x]moon[/link]", "שלום לך, חבר", "🐉 feed the dragon 🍖", "مرحبا بالعالم"])
def test_markup_rtl_and_emoji_are_kept_exactly(text):
    assert prepare_plan(text)[0] == text


def test_narrator_choosing_for_the_reader_is_cut():
    text, changed = guard_agency("The bell tolls twice. Shadows gather. You decide to run into the crypt.")
    assert changed and text == "The bell tolls twice. Shadows gather."


async def test_a_long_plan_plays_with_a_notice_and_model_markup_is_kept_literally(open_game):
    para = "The lamp gutters: [bold red]BLOOD[/] drips \x1b[31mred\x1b[0m on the stones."
    model = ScriptedModel([para, json.dumps({"plans": ["Wipe the [b]stones[/b] clean", "Run from the lamp", "Call for help"],
                                               "memory": "Blood on the stones.", "facts": []})], improvise=False)
    story, _ = open_game(model)
    await drain(story.start())
    events = [e async for e in story.play("x" * 5 + " walk" * 40_000, own=True)]
    assert isinstance(events[0], Notice)
    assert story.node.paragraph == "The lamp gutters: [bold red]BLOOD[/] drips red on the stones."
    assert story.plans[0] == "Wipe the [b]stones[/b] clean"
