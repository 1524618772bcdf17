"""The engine is importable without the UI, and the command line loads nothing heavy at startup."""

import subprocess
import sys

HEAVY = ["textual", "rich", "litellm", "torch", "sentence_transformers", "lancedb", "llama_cpp"]


def _loaded(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint(' '.join(m for m in %r if m in sys.modules))" % HEAVY
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_engine_imports_no_ui():
    loaded = _loaded("import rgpt_fiction.engine.story, rgpt_fiction.engine.parsing, rgpt_fiction.session")
    assert "textual" not in loaded and "rich" not in loaded


def test_engine_and_cli_load_nothing_heavy_at_import():
    assert _loaded("import rgpt_fiction.cli, rgpt_fiction.engine.story, rgpt_fiction.session") == set()
