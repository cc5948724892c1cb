"""The package version, the one place it is written.

``pyproject.toml`` reads it from here (``[tool.hatch.version]``), so the installed
metadata and ``judgespec.__version__`` cannot disagree, and reading it at start-up costs
no look-up of the installed distribution (``importlib.metadata`` is slow to import).
"""

from __future__ import annotations

__version__ = "0.1.0"
"""The distribution's version (also its installed metadata's, through ``pyproject.toml``)."""

__all__ = ["__version__"]
