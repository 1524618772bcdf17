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

FIELDS = [
    ("model", "Model (litellm string, e.g. openai/gpt-4o-mini; embedded/… is the local model)", "text"),
    ("api_base", "API base URL (for an OpenAI-compatible server; empty for none)", "text"),
    ("temperature", "Temperature (0 to 2)", "number"),
    ("paragraph_words", "Paragraph length in words (30 to 400)", "integer"),
    ("n_plans", "Plans offered each turn (2 to 9)", "integer"),
    ("embedding_model", "Embedding model (sentence-transformers name or path)", "text"),
    ("timeout", "Longest wait for the model's first word, in seconds", "number"),
]


class SettingsScreen(Screen):
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
                self._problem(f"{key}: '{raw}' is not a number")
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

    def _problem(self, message: str) -> None:
        self.query_one("#settings-msg", Static).update(Text(message, style="bold"))
        self.notify(message, title="Settings not saved", severity="error", markup=False)
