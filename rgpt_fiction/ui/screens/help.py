"""Help: every key binding of the game, screen by screen (read from the screens themselves; the story's
from the table of story verbs)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

INTRO = (
    "A language model writes the story one paragraph at a time. After each paragraph, pick one of the "
    "plans or write your own, and the story goes on. The memory panel (m) shows what the storyteller "
    "remembers; you can edit it and pin facts. w edits a paragraph, i shows what the storyteller saw. "
    "Every turn is saved. ctrl+p opens the command palette."
)


def _keys(binding: Binding) -> str:
    names = {"full_stop": ".", "comma": ",", "escape": "Esc", "enter": "Enter", "delete": "Del",
             "pageup": "PgUp", "pagedown": "PgDn"}
    return "/".join(names.get(k, k) for k in binding.key.split(","))


def bindings_text() -> Text:
    from ..verb_bindings import story_bindings
    from ..widgets.memory import MemoryPanel
    from ..widgets.story_log import StoryLog
    from .edit import EditScreen
    from .inspect import InspectScreen
    from .load import LoadScreen
    from .new_game import PersonaScreen, WorldsScreen
    from .title import TitleScreen
    from .tree import TreeScreen

    sections = [
        ("Everywhere", [Binding("ctrl+q", "", "Quit (every game is saved)"), Binding("f1", "", "Help"),
                        Binding("ctrl+p", "", "Command palette")]),
        ("Title", TitleScreen.BINDINGS),
        ("The story", [Binding("1..9", "", "Take that plan (while a paragraph is written: queue it)"),
                       Binding("Enter", "", "Take the highlighted plan"),
                       Binding("Tab", "", "Your own plan: type it, Enter sends it (or queues it during a turn); a character "
                               "that is no key below begins it too"),
                       *[b for b in story_bindings() if not b.key.isdigit()]]),
        ("Choosing a paragraph to edit (after w)", StoryLog.BINDINGS),
        ("Editing a paragraph", EditScreen.BINDINGS),
        ("Memory panel", MemoryPanel.BINDINGS),
        ("What the storyteller saw (i)", InspectScreen.BINDINGS),
        ("Tree of turns", TreeScreen.BINDINGS),
        ("World picker", WorldsScreen.BINDINGS),
        ("New game", PersonaScreen.BINDINGS),
        ("Saved games", LoadScreen.BINDINGS),
    ]
    text = Text(INTRO + "\n")
    for title, bindings in sections:
        text.append(f"\n{title}\n", style="bold")
        for b in bindings:
            if isinstance(b, tuple):
                b = Binding(*b)
            text.append(f"  {_keys(b):<12}", style="bold")
            text.append(f"{b.description}\n")
    return text


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss_help", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static("Keys", classes="panel-heading")
            yield Static(bindings_text(), markup=False)
        yield Footer()

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
