"""The fingerprint ignores formatting, key order and spelled-out defaults; texts count."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml

from judgespec.contract import canonical_form, load_contract, load_contract_text

VALID = (Path(__file__).parent / "data" / "valid.yaml").read_text(encoding="utf-8")


def test_independent_of_key_order_and_formatting() -> None:
    a = load_contract_text(VALID)
    data = yaml.safe_load(VALID)
    reordered = dict(reversed(list(data.items())))
    text = "# a comment\n" + json.dumps(reordered, indent=4)  # JSON is YAML, flow style
    b = load_contract_text(text)
    assert a.fingerprint == b.fingerprint


def test_spelled_out_defaults_do_not_change_it() -> None:
    a = load_contract_text(VALID)
    b = load_contract_text(VALID + "tie_policy: {kind: expected}\nsamples: {count: 1}\n")
    assert a.fingerprint == b.fingerprint


def test_description_and_audit_are_excluded() -> None:
    a = load_contract_text(VALID)
    b = load_contract_text(VALID + "description: prose\naudit: {n: 8, dataset: x.jsonl}\n")
    assert a.fingerprint == b.fingerprint


def test_verdict_relevant_changes_change_it() -> None:
    base = load_contract_text(VALID).fingerprint
    for old, new in [
        ("temperature: 0.0", "temperature: 0.5"),
        ("max: 10", "max: 9"),
        ("Score 1-10", "Score 1 to 10"),
        ("version: 1.0.0", "version: 1.0.1"),
    ]:
        assert load_contract_text(VALID.replace(old, new)).fingerprint != base, old


def test_template_file_equals_inline_text(tmp_path: Path) -> None:
    (tmp_path / "t.j2").write_text("Q: {{ prompt }}\nA: {{ response }}\nScore 1-10. Score:")
    text = VALID.replace(
        '  template: "Q: {{ prompt }}\\nA: {{ response }}\\nScore 1-10. Score:"\n',
        "  template_file: t.j2\n",
    )
    (tmp_path / "c.yaml").write_text(text)
    assert load_contract(tmp_path / "c.yaml").fingerprint == load_contract_text(VALID).fingerprint


def test_fingerprint_is_sha256_of_sorted_compact_json() -> None:
    loaded = load_contract_text(VALID)
    payload = json.dumps(canonical_form(loaded), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert loaded.fingerprint == "sha256:" + hashlib.sha256(payload.encode()).hexdigest()
    assert canonical_form(loaded)["prompt"]["template"].startswith("Q: {{ prompt }}")
