"""The story screen's keys, built from the table of story verbs (`rgpt_fiction.verbs`) and the few keys
that belong to the screen itself (Esc, scrolling, the plan numbers). The help screen lists the same."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from rgpt_fiction.verbs import keyed


def verb_bindings() -> list[Binding]:
    """One binding per verb that has a key, in the table's order (the footer's)."""
    return [Binding(v.key, v.screen_action, v.label, show=v.footer) for v in keyed()]


def story_bindings() -> list[BindingType]:
    """Every key of the story screen: Esc first (shown only when there is something to cancel), the verbs,
    then scrolling and the plan numbers (not in the footer)."""
    return [
        Binding("escape", "escape", "Cancel"),
        *verb_bindings(),
        Binding("pageup", "scroll_story(-1)", "Scroll the story up", show=False, priority=True),
        Binding("pagedown", "scroll_story(1)", "Scroll the story down", show=False, priority=True),
        *[Binding(str(i), f"pick({i})", f"Take plan {i}", show=False) for i in range(1, 10)],
    ]
