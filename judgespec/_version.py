"""The package version, read from the installed metadata."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    _installed = version("judgespec")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    _installed = "0.0.0+unknown"

__version__: str = _installed
"""The installed distribution's version (``0.0.0+unknown`` when run from a source tree)."""

__all__ = ["__version__"]
