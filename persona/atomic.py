"""Atomic writes: a file or folder appears whole under its name, or not at all.

Everything is written under a temporary sibling name and renamed into place only once complete, so a full
disk, an exception or a killed process never leaves a half-written dataset, adapter or model behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


def write_texts(files: dict[Path, str]) -> None:
    """Write every file to a temporary name and rename them only once all are written."""
    temps: dict[Path, str] = {}
    try:
        for path, text in files.items():
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temps[path] = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
        for path, tmp in temps.items():
            os.replace(tmp, path)
    finally:
        for tmp in temps.values():
            Path(tmp).unlink(missing_ok=True)


def write_text(path: Path, text: str) -> None:
    """Write one file atomically."""
    write_texts({Path(path): text})


@contextlib.contextmanager
def directory(target: Path) -> Iterator[Path]:
    """A temporary sibling folder to fill; it replaces `target` when the block ends without an error."""
    target = Path(target)
    tmp = target.with_name(target.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
