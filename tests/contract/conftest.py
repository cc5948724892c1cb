from __future__ import annotations

from pathlib import Path

import pytest

VALID = (Path(__file__).parent / "data" / "valid.yaml").read_text(encoding="utf-8")


@pytest.fixture
def write_contract(tmp_path: Path):
    def write(text: str, name: str = "contract.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
