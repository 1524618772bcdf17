"""Fixtures for the TUI tests: an app wired to a scripted model, the real embedder and a tmp saves dir."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def make_app(tmp_path, embedder):
    """make_app(model=None, saves=None) -> RgptApp using only tests/data worlds."""
    from rgpt_fiction.config import load_settings
    from rgpt_fiction.llm.scripted import ScriptedModel
    from rgpt_fiction.ui.app import RgptApp

    def make(model=None, saves=None, worlds_dirs=None, embedder_override=None, **kwargs):
        return RgptApp(
            load_settings(),
            model=model if model is not None else ScriptedModel(),
            embedder=embedder_override or embedder,
            saves_dir=saves or (tmp_path / "saves"),
            worlds_dirs=worlds_dirs or [DATA],
            shipped_worlds=False,
            **kwargs,
        )

    return make


@pytest.fixture
def utc(monkeypatch):
    """Times shown in local time come out the same everywhere."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def snap_app(make_app, tmp_path, monkeypatch):
    """make_app for snapshots: run from tmp_path with the saves in ./saves, so every path on screen
    reads the same on every machine."""
    monkeypatch.chdir(tmp_path)

    def make(model=None, saves=None, **kwargs):
        return make_app(model, saves=saves or Path("saves"), **kwargs)

    return make
