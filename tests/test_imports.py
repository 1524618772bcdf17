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


def test_the_no_tui_contract_names_every_part_of_the_package_but_the_ui():
    """`lint-imports` checks that nothing outside the UI imports it, Textual or Rich, for the modules the
    contract names: a new module must be named there too, or it would go unchecked."""
    import pkgutil
    import tomllib
    from pathlib import Path

    import rgpt_fiction

    root = Path(__file__).resolve().parents[1]
    contracts = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    [no_tui] = [c for c in contracts if "rgpt_fiction.ui" in c["forbidden_modules"]]
    parts = {f"rgpt_fiction.{m.name}" for m in pkgutil.iter_modules(rgpt_fiction.__path__)}
    assert set(no_tui["source_modules"]) == parts - {"rgpt_fiction.ui"}
    assert {"textual", "rich"} <= set(no_tui["forbidden_modules"])
