"""Settings: model, API base, temperature, paragraph length, plans, embedding model.

Saved to the settings file (platformdirs, or RGPT_CONFIG); RGPT_* variables and flags
still override it. API keys are never stored: providers read their usual variables.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from .fit import FitsHeight

FIELDS = [
    ("model", "Model (litellm string, e.g. openai/gpt-4o-mini; embedded/… is the local model)", "text"),
    ("api_base", "API base URL (for an OpenAI-compatible server; empty for none)", "text"),
    ("temperature", "Temperature (0 to 2)", "number"),
    ("paragraph_words", "Paragraph length in words (30 to 400)", "integer"),
    ("n_plans", "Plans offered each turn (2 to 9)", "integer"),
    ("embedding_model", "Embedding model (sentence-transformers name or path)", "text"),
    ("timeout", "Longest wait for the model's first word, in seconds", "number"),
]


class SettingsScreen(FitsHeight, Screen):
    COMPACT_BELOW = 44

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("Settings", classes="screen-heading")
        with VerticalScroll(id="settings-form"):
            yield Static("", id="active", markup=False)
            s = self.app.settings
            for key, label, kind in FIELDS:
                yield Label(label)
                value = getattr(s, key)
                yield Input("" if value is None else str(value), id=f"set-{key}", type=kind)
            yield Static("", id="settings-msg", markup=False)
            with Horizontal(id="settings-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Back", id="back")
        yield Footer()

    def on_mount(self) -> None:
        self.fit_height()
        self.watch(self.app, "storyteller", self._show_active)
        self.query_one("#set-model", Input).focus()

    def _show_active(self, state: str) -> None:
        from rgpt_fiction.config import config_path

        text = Text()
        text.append("Active model: ", style="bold")
        text.append(self.app.model_name)
        text.append({"loading": " (loading…)", "ready": " (ready)", "error": " (failed to load)"}.get(state, ""))
        text.append(f"\nSettings file: {config_path()}", style="dim")
        text.append("\nRGPT_* environment variables and command-line flags override this file.", style="dim")
        self.query_one("#active", Static).update(text)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.app.pop_screen()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        from rgpt_fiction.config import SettingsError, load_settings, save_settings

        values: dict = {}
        for key, _label, kind in FIELDS:
            raw = self.query_one(f"#set-{key}", Input).value.strip()
            if not raw:
                values[key] = None
                continue
            try:
                values[key] = int(raw) if kind == "integer" else float(raw) if kind == "number" else raw
            except ValueError:
                self._problem(f"{_short(key)}: '{raw}' is not a {'whole ' if kind == 'integer' else ''}number", key)
                return
            problem = field_problem(key, values[key])
            if problem:  # the form's own value: not blamed on the settings file or RGPT_* variables
                self._problem(f"{_short(key)}: {raw} {problem}", key)
                return
        try:
            new = load_settings(**values, saves_dir=self.app.settings.saves_dir)
        except SettingsError as exc:
            self._problem(str(exc))
            return
        try:
            path = save_settings({k: v for k, v in values.items() if v is not None})
        except OSError as exc:
            self._problem(f"cannot write the settings file: {exc}")
            return
        self.app.apply_settings(new)
        self.query_one("#settings-msg", Static).update(Text(f"Saved to {path}. New games and turns use them."))
        self.notify("Settings saved.", timeout=3)

    def _problem(self, message: str, key: str = "") -> None:
        self.query_one("#settings-msg", Static).update(Text(message, style="bold"))
        self.notify(message, title="Settings not saved", severity="error", markup=False)
        if key:
            self.query_one(f"#set-{key}", Input).focus()


def _short(key: str) -> str:
    """The field's label up to its parenthesis: "Temperature", "Paragraph length in words"."""
    label = next(label for k, label, _ in FIELDS if k == key)
    return label.split(" (")[0]


def field_problem(key: str, value) -> str:
    """What is wrong with one value typed in the form ("" when nothing), from the settings' own rules."""
    from typing import Annotated

    from pydantic import TypeAdapter, ValidationError

    from rgpt_fiction.config import Settings

    field = Settings.model_fields[key]
    try:
        TypeAdapter(Annotated[field.annotation, field]).validate_python(value)
    except ValidationError as exc:
        return "; ".join(e["msg"].replace("Input should be", "should be") for e in exc.errors())
    return ""
