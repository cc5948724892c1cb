"""Where judgespec keeps its caches (judge calls, converted models, file hashes)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CACHE_DIR_ENV", "cache_dir"]

CACHE_DIR_ENV = "JUDGESPEC_CACHE_DIR"
"""Environment variable that moves the cache directory (it never changes results)."""


def cache_dir() -> Path:
    """``$JUDGESPEC_CACHE_DIR``, else ``platformdirs.user_cache_dir("judgespec")``."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("judgespec"))
