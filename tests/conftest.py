import os

import pytest

from engine_helpers import DATA, ROOT, drain  # noqa: F401 - re-exported for fixtures

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path_factory, monkeypatch):
    """No test reads or writes the user's real settings file or RGPT_* variables."""
    for key in list(os.environ):
        if key.startswith("RGPT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("RGPT_CONFIG", str(tmp_path_factory.mktemp("config") / "settings.toml"))


@pytest.fixture(scope="session")
def embedder():
    """The real bundled embedder (all-MiniLM-L6-v2), loaded once for the whole run."""
    from rgpt_fiction.memory.embedder import Embedder

    e = Embedder()
    e.load()
    return e


@pytest.fixture
def world():
    from rgpt_fiction.world import load_world

    return load_world(DATA / "harbour.toml")


@pytest.fixture
def saves(tmp_path):
    return tmp_path / "saves"


@pytest.fixture
def open_game(saves, embedder, world):
    """open_game(model, name="s", **options) -> (story, slot): a new game in a real slot."""
    from rgpt_fiction.engine.state import Persona
    from rgpt_fiction.engine.story import TurnOptions
    from rgpt_fiction.saves.slot import Slot
    from rgpt_fiction.session import open_story

    opened = []

    def make(model, name="s", the_world=None, **options):
        slot = Slot(saves, name)
        w = the_world or world
        story, _ = open_story(slot, model, embedder, TurnOptions(**options), world=w, persona=Persona(w.player.name))
        opened.append(slot)
        return story, slot

    yield make
    for slot in opened:
        slot.close()
