"""One version: ``judgespec/_version.py`` is where it is written; pyproject and the metadata read it."""

from __future__ import annotations

import re
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

import judgespec
from judgespec._version import __version__

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli", reason="reading pyproject.toml on Python 3.10 needs tomli")

REPO = Path(__file__).resolve().parents[1]

#: hatchling's default pattern for ``[tool.hatch.version] path`` (``DEFAULT_PATTERN`` in hatchling/version/core.py).
HATCH_PATTERN = r"""(?i)^(__version__|VERSION) *= *(['"])v?(?P<version>.+?)\2"""


def test_pyproject_reads_the_version_from_the_package() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    path = project["tool"]["hatch"]["version"]["path"]
    source = (REPO / path).read_text(encoding="utf-8")
    found = [m.group("version") for m in re.finditer(HATCH_PATTERN, source, flags=re.MULTILINE)]
    assert found == [__version__]
    assert judgespec.__version__ == __version__


def test_installed_metadata_agrees() -> None:
    try:
        installed = version("judgespec")
    except PackageNotFoundError:
        pytest.skip("judgespec is not installed in this environment (running from a source tree)")
    assert installed == __version__
