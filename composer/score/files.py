"""Writing files atomically: a temporary file in the same folder, then a rename."""
from __future__ import annotations

import os
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
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".tmp{target.suffix.lower()}", dir=folder)
    os.close(fd)
    try:
        fill(tmp)
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return str(target)


def atomic_write_text(path, text: str, force: bool = False) -> str:
    """Write text to `path` atomically (temporary file, then rename); refuse to overwrite without force."""
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"), force=force)
