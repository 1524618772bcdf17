"""The status line's fitting, alone: which parts of the story's status fit a width (a pure function)."""

from __future__ import annotations

from rgpt_fiction.ui.widgets.status import SEPARATOR, Part, fit, story_parts


def width_of(parts: list[Part]) -> int:
    return len(SEPARATOR.join(p.text for p in parts))


PARTS = story_parts("The Harbour Test", "the-harbour-test-wren", "scripted", turn="turn 3 (version 2/2)",
                    last_seconds=2.44, not_saved=True)


def texts(parts: list[Part]) -> list[str]:
    return [p.text for p in parts]


def test_the_whole_status_in_order_when_it_fits():
    assert texts(PARTS) == ["NOT SAVED", "The Harbour Test", "the-harbour-test-wren", "turn 3 (version 2/2)",
                            "last turn 2.4s", "scripted"]
    assert fit(PARTS, width_of(PARTS)) == PARTS


def test_the_least_needed_parts_give_way_first():
    one_short = fit(PARTS, width_of(PARTS) - 1)
    assert texts(one_short) == ["NOT SAVED", "The Harbour Test", "turn 3 (version 2/2)", "last turn 2.4s", "scripted"]
    narrower = fit(PARTS, width_of(one_short) - 1)
    assert "last turn 2.4s" not in texts(narrower) and "scripted" in texts(narrower)
    three = ["NOT SAVED", "The Harbour Test", "turn 3 (version 2/2)"]
    assert texts(fit(PARTS, len(" · ".join(three)))) == three
    assert texts(fit(PARTS, len(" · ".join(three)) - 1)) == ["NOT SAVED", "The Harbour Test"]
    for width in range(0, 120):
        kept = fit(PARTS, width)
        assert kept[0].text == "NOT SAVED"  # what the reader must know stays longest
        assert len(kept) == 1 or width_of(kept) <= width
        assert kept == [p for p in PARTS if p in kept]  # the order is kept


def test_one_part_stays_however_narrow():
    assert texts(fit(PARTS, 0)) == ["NOT SAVED"]
    assert fit([Part("A very long world title indeed", "bold", 8)], 5) == [Part("A very long world title indeed", "bold", 8)]


def test_of_equal_parts_the_earliest_goes_first():
    parts = [Part("aaaa", keep=1), Part("bbbb", keep=1), Part("cccc", keep=5)]
    assert texts(fit(parts, 11)) == ["bbbb", "cccc"]


def test_before_the_game_is_read_the_new_worlds_title_slot_and_model():
    assert texts(story_parts("The Harbour Test", "s", "scripted")) == ["The Harbour Test", "s", "scripted"]
    assert texts(story_parts(None, "s", "scripted")) == ["s", "scripted"]
