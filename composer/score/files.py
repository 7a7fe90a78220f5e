"""Writing files atomically: a temporary file in the same folder, then a rename; a set of files (the
formats of one piece) as one transaction.

A temporary file is named `.<target>.<pid>.<random>.tmp<ext>`, so that a later run can tell the
temporary files of a process that was killed (its pid no longer runs) and remove them.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from .errors import OutputExistsError, RenderError


def atomic_write(path, fill, force: bool = False) -> str:
    """Create `path` atomically: `fill(tmp_path)` writes a temporary file in the same folder, which
    then replaces the target; nothing is left behind on failure. Refuses to overwrite without force."""
    target = Path(path)
    if target.exists() and not force:
        raise OutputExistsError(f"{target} exists; pass --force (force=True) to overwrite it")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(f"cannot create the folder {str(folder)!r} for {str(target)!r} ({exc.strerror})") from None
    _refuse_folder(target)
    tmp = None
    try:
        tmp = _temporary(target, folder)
        fill(tmp)
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        os.replace(tmp, target)
    except OSError as exc:      # a full disk, a file-size limit, a name too long, no permission
        raise RenderError(f"cannot write {str(target)!r} ({exc.strerror or exc})") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
    return str(target)


def _refuse_folder(target: Path) -> None:
    if target.is_dir():
        raise RenderError(f"cannot write {str(target)!r}: a folder has that name (--force replaces files only)")


def atomic_write_text(path, text: str, force: bool = False) -> str:
    """Write text to `path` atomically (temporary file, then rename); refuse to overwrite without force."""
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"), force=force)


_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]+\.tmp(\.[^.]*)?$")


_TEMPORARY_NAME_CHARS = 100   # of the target's name in a temporary's: it must fit where the target's fits


def _temporary(target: Path, folder: Path) -> str:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:_TEMPORARY_NAME_CHARS]}.{os.getpid()}.",
                               suffix=f".tmp{target.suffix.lower()[:_TEMPORARY_NAME_CHARS]}", dir=folder)
    os.close(fd)
    return tmp


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(folder) -> list[str]:
    """Remove the temporary files in `folder` that a killed process left (its pid no longer runs)."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _TEMPORARY.match(entry.name)
        if m and int(m.group("pid")) != os.getpid() and not _running(int(m.group("pid"))):
            try:
                os.unlink(entry.path)
                removed.append(entry.path)
            except OSError:
                pass
    return removed


def atomic_write_set(jobs, force: bool = False) -> list[str]:
    """Write several files as one transaction: `jobs` is a list of (path, fill), `fill(tmp_path)` writing a
    temporary file beside its target. Every file is written first; then the targets are claimed together:
    without `force`, each by exclusive creation (a hard link), so that of two processes writing the same
    set one wins and the other finds the first name taken, removes what it claimed and raises
    OutputExistsError; with `force`, each replaces its target. On any failure, or an interruption, no
    temporary file is left, and without `force` no target of the set is either."""
    written: list[tuple[str, Path]] = []
    folders = {Path(p).parent if str(Path(p).parent) else Path(".") for p, _ in jobs}
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RenderError(f"cannot create the folder {str(folder)!r} ({exc.strerror})") from None
        remove_stale_temporaries(folder)
    for path, _ in jobs:
        _refuse_folder(Path(path))
    claimed: list[Path] = []
    target = None
    try:
        for path, fill in jobs:
            target = Path(path)
            tmp = _temporary(target, target.parent if str(target.parent) else Path("."))
            written.append((tmp, target))
            fill(tmp)
            os.chmod(tmp, 0o644)
        for tmp, target in written:
            if force:
                os.replace(tmp, target)
            else:
                _claim(tmp, target)
            claimed.append(target)
    except BaseException as exc:
        if not force:
            for done in claimed:        # only what this run created: the set is all or nothing
                try:
                    os.unlink(done)
                except OSError:
                    pass
        if isinstance(exc, OSError):    # a full disk, a file-size limit, a name too long, no permission
            raise RenderError(f"cannot write {str(target)!r} ({exc.strerror or exc})") from None
        raise
    finally:
        for tmp, _ in written:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
    return [str(t) for _, t in written]


def _claim(tmp: str, target: Path) -> None:
    """Create `target` with the temporary file's bytes, only if no file has that name."""
    try:
        os.link(tmp, target)
        return
    except FileExistsError:
        raise OutputExistsError(f"{target} exists (another run wrote it first); pass --force to overwrite it") \
            from None
    except OSError:
        pass        # a file system without hard links: exclusive creation, then the bytes
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise OutputExistsError(f"{target} exists (another run wrote it first); pass --force to overwrite it") \
            from None
    with os.fdopen(fd, "wb") as out, open(tmp, "rb") as src:
        while chunk := src.read(1 << 20):
            out.write(chunk)
