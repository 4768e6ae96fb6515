"""Atomic file writes: a file is either its old self or the complete new one, never half of either.

Every command that writes a file (report -o, export -o, the run folder's
views and manifest) goes through `atomic_write`: the text is written to a
temporary file beside the target (same folder, so the rename cannot cross a
filesystem), flushed and fsynced, then renamed over the target. A failed
write (disk full, `ulimit -f`, a renderer raising halfway) removes the
temporary file and leaves the old target untouched.
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import StoreError

# errno values that mean "no room", reported as the exit-3 disk-full message.
_NO_SPACE = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


class OutputError(StoreError):
    """A file could not be written; the message names it and the fix (exit 3)."""


def describe_write_error(path: Path, exc: OSError) -> str:
    if exc.errno in _NO_SPACE:
        return f"disk full or file too large while writing {path}; free space and rerun (the old file is kept)"
    return f"cannot write {path}: {exc.strerror or exc}; pass another output path"


@contextmanager
def atomic_open(path: Path, *, binary: bool = False) -> Iterator[IO]:
    """Open a temporary file beside `path` for writing; on a clean exit it replaces `path`."""
    path = Path(path)
    if path.exists() and not path.is_file() and not path.is_dir():
        # A device or FIFO (`-o /dev/stdout`, a named pipe) cannot be renamed over: write to it directly.
        yield from _direct(path, binary)
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as exc:
        raise OutputError(describe_write_error(path, exc)) from exc
    temp = Path(temp_name)
    try:
        opened: IO = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        with opened as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _keep_mode(path, temp)
        os.replace(temp, path)
    except BaseException as exc:
        try:
            temp.unlink()
        except OSError:
            pass
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            raise OutputError(describe_write_error(path, exc)) from exc
        raise
    _fsync_folder(path.parent)


def _direct(path: Path, binary: bool) -> Iterator[IO]:
    try:
        opened: IO = path.open("wb") if binary else path.open("w", encoding="utf-8", newline="")
        with opened as handle:
            yield handle
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(describe_write_error(path, exc)) from exc


def atomic_write(path: Path, chunks: Iterable[str]) -> str:
    """Write text chunks to `path` atomically and return the sha256 of the bytes written."""
    digest = hashlib.sha256()
    with atomic_open(path) as handle:
        for chunk in chunks:
            digest.update(chunk.encode("utf-8"))
            handle.write(chunk)
    return digest.hexdigest()


def check_writable_folder(folder: Path) -> None:
    """Fail before any work when `folder` cannot take output files (I21): create it, then write a probe."""
    folder = Path(folder)
    try:
        if folder.exists() and not folder.is_dir():
            raise OutputError(f"output folder {folder} is not a folder; pass another --out")
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".newstrace-probe.") as probe:
            probe.write(b"x")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        raise OutputError(f"output folder {folder} is not writable: {exc.strerror or exc}; "
                          "pass another --out") from exc


def check_writable_file(path: Path) -> None:
    """Fail before any work when the folder of output file `path` cannot take it."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name for -o")
    check_writable_folder(path.parent if str(path.parent) else Path("."))


def _keep_mode(target: Path, temp: Path) -> None:
    # mkstemp creates 0600; a replaced report keeps the permissions it had (or the umask default).
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        os.chmod(temp, mode)
    except OSError:
        pass


def _fsync_folder(folder: Path) -> None:
    # The rename is durable only once the folder entry is on disk; not every platform allows this.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
