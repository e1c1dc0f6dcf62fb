"""Reading an export without trusting it: regular files only, no symlink escapes, bounded zips.

Every problem is an ImportFailed naming the path and the rule, so the CLI prints one line and
exits 2. What is checked:
- PATH and every file read must be a regular file (a FIFO would block forever, a device never
  ends) or, where a folder is expected, a folder;
- inside a folder, symlinks that resolve outside it are skipped, never followed;
- a file over MAX_FILE_BYTES is refused before it is read;
- zip members are streamed: the uncompressed total stops at MAX_UNCOMPRESSED_BYTES and any
  member expanding more than MAX_RATIO times its compressed size is refused (a zip bomb);
- `--out` may not be the input, lie inside an imported folder, or be anything but a regular file.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from pathlib import Path

from .messages import ImportFailed

MAX_FILE_BYTES = 512 * 2**20
"""Largest single file read (512 MiB)."""
MAX_UNCOMPRESSED_BYTES = 512 * 2**20
"""Largest total a zip may expand to (512 MiB)."""
MAX_RATIO = 200
"""Largest uncompressed/compressed ratio of a zip member; JSON compresses 5-30x."""
_CHUNK = 1 << 20


def _stat(path: Path) -> os.stat_result:
    try:
        return os.stat(path)
    except FileNotFoundError:
        raise ImportFailed(path, "no such file or folder") from None
    except OSError as err:
        raise ImportFailed(path, f"cannot read ({err.strerror})") from None


def check_input(path: Path, folder_ok: bool = True) -> None:
    """PATH is a regular file (or a folder, where one is accepted); anything else is refused."""
    mode = _stat(path).st_mode
    if stat.S_ISDIR(mode):
        if not folder_ok:
            raise ImportFailed(path, "is a directory, expected a file")
        return
    if not stat.S_ISREG(mode):
        raise ImportFailed(path, "not a regular file (a FIFO, socket or device cannot be imported)")


def read_bytes(path: Path) -> bytes:
    """Contents of a regular file of at most MAX_FILE_BYTES, or ImportFailed saying why not."""
    check_input(path, folder_ok=False)
    if _stat(path).st_size > MAX_FILE_BYTES:
        raise ImportFailed(path, f"larger than {MAX_FILE_BYTES // 2**20} MiB; split the export")
    try:
        return Path(path).read_bytes()
    except OSError as err:
        raise ImportFailed(path, f"cannot read ({err.strerror})") from None


def inside(child: Path, parent: Path) -> bool:
    """Whether `child` resolves to `parent` or somewhere under it."""
    child, parent = Path(os.path.realpath(child)), Path(os.path.realpath(parent))
    return child == parent or parent in child.parents


def walk(root: Path, suffixes: tuple[str, ...], skipped: list[str] | None = None) -> list[Path]:
    """Regular files under `root` with one of `suffixes`, sorted; symlinks leading outside `root`,
    and FIFOs or devices, are left out (and listed in `skipped` when given)."""
    found = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in list(dirs):
            link = Path(folder) / name
            if link.is_symlink():
                dirs.remove(name)
                if skipped is not None:
                    skipped.append(f"{link}: symlinked folder not followed")
        for name in files:
            path = Path(folder) / name
            if not name.lower().endswith(suffixes):
                continue
            if path.is_symlink() and not inside(path, root):
                if skipped is not None:
                    skipped.append(f"{path}: symlink to outside the export, skipped")
                continue
            try:
                regular = stat.S_ISREG(os.stat(path).st_mode)
            except OSError:
                regular = False
            if regular:
                found.append(path)
            elif skipped is not None:
                skipped.append(f"{path}: not a regular file, skipped")
    return sorted(found)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, path: Path) -> bytes:
    where = f"{path}:{info.filename}"
    if info.compress_size and info.file_size > MAX_RATIO * info.compress_size:
        raise ImportFailed(where, f"expands {info.file_size // max(info.compress_size, 1)}x (over {MAX_RATIO}x): "
                                  "refused as a zip bomb")
    chunks, total = [], 0
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            total += len(chunk)
            # Headers can lie: count what really comes out.
            if total > budget:
                raise ImportFailed(path, f"expands past {MAX_UNCOMPRESSED_BYTES // 2**20} MiB: refused as a zip bomb")
            if total > MAX_RATIO * max(info.compress_size, _CHUNK // MAX_RATIO):
                raise ImportFailed(where, f"expands over {MAX_RATIO}x: refused as a zip bomb")
            chunks.append(chunk)
    return b"".join(chunks)


def read_zip(path: Path, suffix: str = ".json") -> dict[str, bytes]:
    """Member name -> bytes of every `suffix` member, streamed under the caps of the module docstring."""
    check_input(path, folder_ok=False)
    out, budget = {}, MAX_UNCOMPRESSED_BYTES
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir() or not info.filename.endswith(suffix):
                    continue
                data = _read_member(archive, info, budget, path)
                budget -= len(data)
                out[info.filename] = data
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError) as err:
        raise ImportFailed(path, f"not a readable zip archive ({type(err).__name__}: {err})") from None
    except RuntimeError as err:  # encrypted members
        raise ImportFailed(path, f"cannot read the zip archive ({err})") from None
    except OSError as err:
        raise ImportFailed(path, f"cannot read ({err.strerror or err})") from None
    return out


def check_output(out: Path, source: Path) -> None:
    """Refuse an --out that is the input, lies inside the imported folder, or is not a regular file."""
    out, source = Path(out), Path(source)
    if os.path.lexists(out):
        try:
            mode = os.stat(out).st_mode
        except OSError as err:
            raise ImportFailed(out, f"--out cannot be checked ({err.strerror})") from None
        if not stat.S_ISREG(mode):
            raise ImportFailed(out, "--out exists and is not a regular file; give a new .jsonl path")
        if os.path.exists(source) and os.path.samefile(out, source):
            raise ImportFailed(out, "--out is the input export; writing it would destroy the export")
    if os.path.isdir(source) and inside(out.parent, source):
        raise ImportFailed(out, f"--out lies inside the imported folder {source}; write it elsewhere")
    if os.path.exists(source) and not os.path.isdir(source) and inside(out, source):
        raise ImportFailed(out, "--out is the input export; writing it would destroy the export")
