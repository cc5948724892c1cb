"""Writing output files atomically, with a temporary file of a name no other run shares.

Two runs writing the same ``--out`` at once each write their own temporary file in the
target's directory (``tempfile.mkstemp``: a new, unpredictable name, created exclusively)
and move it over the target with :func:`os.replace`. A reader sees the old file or one
run's complete file, never a mix, and no run overwrites or deletes another's temporary
file. A failed write removes its temporary file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

__all__ = ["atomic_open", "atomic_write_text"]


@contextmanager
def atomic_open(path: str | os.PathLike[str]) -> Iterator[TextIO]:
    """A text handle (UTF-8, ``\\n`` line ends) whose content replaces ``path`` on success."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` atomically (see the module docstring); return the path."""
    with atomic_open(path) as handle:
        handle.write(text)
    return Path(path)
