"""The model-server settings: in the file, the environment and flags; kept when the settings screen saves."""

import pytest

from rgpt_fiction.config import SettingsError, config_path, load_settings, save_settings


def test_waits_and_structured_mode_have_their_defaults():
    s = load_settings()
    assert (s.structured, s.connect_timeout, s.timeout, s.idle_timeout) == ("auto", 10, 90, 30)


def test_a_bad_structured_mode_is_named(monkeypatch):
    monkeypatch.setenv("RGPT_STRUCTURED", "maybe")
    with pytest.raises(SettingsError, match="structured"):
        load_settings()


def test_saving_from_the_screen_keeps_the_keys_it_does_not_show():
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text('structured = "off"\nidle_timeout = 12.5\nmodel = "openai/x"\n', encoding="utf-8")
    save_settings({"model": "openai/y", "temperature": 0.5})
    s = load_settings()
    assert (s.model, s.temperature, s.structured, s.idle_timeout) == ("openai/y", 0.5, "off", 12.5)
