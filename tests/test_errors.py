"""Every error written for the reader is one `ReaderError`: described as it is, wherever it comes from,
without `errors.py` knowing its class; a real bug is not described (it keeps its traceback)."""

import ast
import subprocess
import sys

import pytest

from engine_helpers import ROOT
from rgpt_fiction.errors import ReaderError, describe, transient


def _reader_errors() -> list[type]:
    from rgpt_fiction.cli import CliError
    from rgpt_fiction.config import SettingsError
    from rgpt_fiction.engine.events import TurnError
    from rgpt_fiction.engine.story import PlanError
    from rgpt_fiction.llm.base import LLMError
    from rgpt_fiction.llm.embedded import EmbeddedModelError
    from rgpt_fiction.llm.model_file import ModelFileError
    from rgpt_fiction.memory.embedder import EmbedderError
    from rgpt_fiction.saves.lock import SlotLocked
    from rgpt_fiction.saves.slot import BackupAvailable, SlotError
    from rgpt_fiction.ui.storyteller import NoStoryteller
    from rgpt_fiction.world.load import WorldError

    return [CliError, SettingsError, TurnError, PlanError, LLMError, EmbeddedModelError, ModelFileError,
            EmbedderError, SlotLocked, SlotError, BackupAvailable, WorldError, NoStoryteller]


@pytest.mark.parametrize("cls", _reader_errors(), ids=lambda c: c.__name__)
def test_every_reader_facing_error_is_a_reader_error(cls):
    assert issubclass(cls, ReaderError)


def test_each_is_described_with_its_own_message():
    from rgpt_fiction.llm.base import LLMError
    from rgpt_fiction.world.load import Problem, WorldError

    assert describe(LLMError("openai/x", "the provider refused the API key")) == (
        "openai/x: the provider refused the API key")
    problem = Problem("w.toml", "title", "required field is missing", 3)
    assert describe(WorldError([problem])) == "w.toml:3: title: required field is missing"


def test_a_new_kind_of_reader_error_is_described_without_touching_errors_py():
    class LanternOut(ReaderError):
        """Made up here: errors.py has never heard of it."""

    assert describe(LanternOut("the lantern went out in chapter 3")) == "the lantern went out in chapter 3"

    class Deeper(LanternOut, RuntimeError):
        pass

    assert describe(Deeper("still the reader's words")) == "still the reader's words"


@pytest.mark.parametrize("bug", [KeyError("current"), ValueError("bad"), AttributeError("x"), RuntimeError("y"),
                                 AssertionError()])
def test_a_real_bug_is_not_described(bug):
    assert describe(bug) is None


def test_an_os_error_names_the_file():
    assert describe(FileNotFoundError(2, "No such file or directory", "/tmp/x")) == (
        "No such file or directory: /tmp/x")


def test_whether_waiting_helps_is_read_from_the_model_error_behind_a_turn():
    from rgpt_fiction.engine.events import TurnError
    from rgpt_fiction.llm.base import LLMError

    def failed(cause: LLMError) -> TurnError:
        try:
            try:
                raise cause
            except LLMError as exc:
                raise TurnError(str(exc)) from exc
        except TurnError as turn:
            return turn

    assert transient(failed(LLMError("m", "rate limited", retryable=True)))
    assert not transient(failed(LLMError("m", "no API key", retryable=False)))
    assert transient(TurnError("the model wrote an empty paragraph three times"))  # not a model call


def test_errors_py_imports_nothing_from_the_package():
    tree = ast.parse((ROOT / "rgpt_fiction" / "errors.py").read_text())
    imported = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    for node in imported:
        assert isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "__future__"
    probe = "import sys, rgpt_fiction.errors; print(sorted(m for m in sys.modules if m.startswith('rgpt_fiction')))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "['rgpt_fiction', 'rgpt_fiction.errors']"
