"""Hostile locks and scorecards, gate fingerprints, concurrent writers, Markdown escaping."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_cli import VALID, refused

from judgespec.cli import cli

GATES = "gates:\n  - {metric: recovery, op: '>=', threshold: 0.1, bound: estimate}\n"


def _table(path: Path) -> Path:
    rows = []
    for p in range(6):
        for c in range(3):
            rows.append({"prompt_id": f"p{p}", "candidate_id": f"c{c}", "judge_score": float(c), "oracle": float(c)})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _ok(args: list[str]) -> str:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def scored(tmp_path: Path) -> tuple[Path, Path]:
    contract = tmp_path / "contract.yaml"
    contract.write_text(VALID + GATES)
    card = tmp_path / "card.json"
    _ok(["score", "--candidates", str(_table(tmp_path / "c.jsonl")), "--contract", str(contract), "--bootstrap", "0", "--out", str(card), "--quiet"])
    return contract, card


def test_gate_refuses_a_scorecard_of_another_fingerprint(tmp_path: Path, scored: tuple[Path, Path]) -> None:
    contract, card = scored
    contract.write_text(VALID + GATES.replace("0.1", "0.05"))  # a threshold edit is a new fingerprint
    refused(["gate", str(card), "--contract", str(contract)], str(card), "was made under fingerprint sha256:", "--allow-fingerprint-mismatch")
    result = CliRunner().invoke(cli, ["gate", str(card), "--contract", str(contract), "--allow-fingerprint-mismatch"])
    assert "gating it anyway" in result.stderr and "PASS  recovery" in result.stdout


def test_gate_accepts_its_own_scorecard(scored: tuple[Path, Path]) -> None:
    contract, card = scored
    assert "PASS  recovery" in _ok(["gate", str(card), "--contract", str(contract)])


def test_gate_refuses_a_scorecard_without_a_contract(tmp_path: Path) -> None:
    contract = tmp_path / "contract.yaml"
    contract.write_text(VALID + GATES)
    card = tmp_path / "card.json"
    _ok(["score", "--candidates", str(_table(tmp_path / "c.jsonl")), "--bootstrap", "0", "--out", str(card), "--quiet"])
    refused(["gate", str(card), "--contract", str(contract)], "was scored without a contract")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "not valid JSON"),
        (b"{", "not valid JSON"),
        (b"[1, 2]", "a scorecard is a JSON object"),
        (b'{"scorecard_version": true}', "scorecard_version True is not supported"),
        (b'{"scorecard_version": NaN}', "not strict JSON"),
        (b"\xff\xfe", "cannot read scorecard"),
    ],
    ids=["empty", "truncated", "array", "version-true", "nan", "not-utf8"],
)
def test_gate_on_a_hostile_scorecard(tmp_path: Path, content: bytes, fragment: str) -> None:
    contract = tmp_path / "contract.yaml"
    contract.write_text(VALID + GATES)
    card = tmp_path / "card.json"
    card.write_bytes(content)
    refused(["gate", str(card), "--contract", str(contract)], str(card), fragment)


def _locked(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    contract = tmp_path / "contract.yaml"
    contract.write_text(VALID)
    _ok(["lock", str(contract)])
    lock = json.loads((tmp_path / "contract.lock.json").read_text())
    return contract, lock


LOCKS: list[tuple[str, object, str]] = [
    ("empty", b"", "not valid JSON"),
    ("garbage", b"not json", "not valid JSON"),
    ("nan", b'{"lock_version": NaN}', "not a valid lock"),
    ("deep", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ("huge-int", b'{"lock_version": ' + b"9" * 5000 + b"}", "not a valid lock"),
    ("not-utf8", b'{"a": "\xff"}', "not a valid lock"),
    ("array", b"[]", "not a judgespec lock"),
    ("version-true", {"lock_version": True}, "lock_version True is not supported"),
    ("version-string", {"lock_version": "1"}, "lock_version '1' is not supported"),
    ("texts-list", {"texts": ["a"]}, "texts must map names to hashes"),
    ("texts-number", {"texts": {"template": 5}}, "texts must map names to hashes"),
    ("judges-ints", {"judges": [1, 2]}, "judges must be a list"),
    ("judges-model-number", {"judges": [{"model": 1, "backend": "x"}]}, "judges must be a list"),
    ("judges-dict", {"judges": {"model": "x"}}, "judges must be a list"),
    ("fingerprint-number", {"fingerprint": 5}, "fingerprint must be a string"),
    ("too-large", b'{"pad": "' + b"x" * 1_000_100 + b'"}', "larger than 1000000"),
]


@pytest.mark.parametrize(("content", "fragment"), [(c, f) for _, c, f in LOCKS], ids=[i for i, _, _ in LOCKS])
def test_verify_with_a_hostile_lock(tmp_path: Path, content: object, fragment: str) -> None:
    contract, lock = _locked(tmp_path)
    path = tmp_path / "contract.lock.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        assert isinstance(content, dict)
        path.write_text(json.dumps({**lock, **content}))
    refused(["verify", str(contract)], str(path), fragment)


@pytest.mark.parametrize("lock", ["/dev/zero", "/dev/urandom"])
def test_verify_with_a_device_as_lock(tmp_path: Path, lock: str) -> None:
    contract, _ = _locked(tmp_path)
    refused(["verify", str(contract), "--lock", lock], lock, "not a regular file")


def test_verify_with_a_directory_as_lock(tmp_path: Path) -> None:
    contract, _ = _locked(tmp_path)
    refused(["verify", str(contract), "--lock", str(tmp_path)], "is a directory")


def test_concurrent_writers_of_one_out_never_collide(tmp_path: Path) -> None:
    from judgespec.judge.engine._output import write_jsonl
    from judgespec.scorecard import load_scorecard, write_scorecard

    contract = tmp_path / "contract.yaml"
    contract.write_text(VALID)
    card_path = tmp_path / "card.json"
    _ok(["score", "--candidates", str(_table(tmp_path / "c.jsonl")), "--bootstrap", "0", "--out", str(card_path), "--quiet"])
    card = load_scorecard(card_path)
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for _ in range(40):
                write_jsonl(tmp_path / "out" / "candidates.jsonl", [{"writer": k, "pad": "x" * 2000}] * 20)
                write_scorecard(card, tmp_path / "out" / "scorecard.json")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["candidates.jsonl", "scorecard.json"]
    rows = [json.loads(line) for line in (tmp_path / "out" / "candidates.jsonl").read_text().splitlines()]
    assert len(rows) == 20 and len({r["writer"] for r in rows}) == 1  # one writer's whole file
    assert load_scorecard(tmp_path / "out" / "scorecard.json") == card


def test_markdown_report_escapes_html(tmp_path: Path) -> None:
    contract = tmp_path / "contract.yaml"
    contract.write_text(VALID)
    card_path = tmp_path / "card.json"
    _ok(["score", "--candidates", str(_table(tmp_path / "c.jsonl")), "--contract", str(contract), "--bootstrap", "0", "--out", str(card_path), "--quiet"])
    data = json.loads(card_path.read_text())
    data["contract"]["name"] = "<script>alert(1)</script>"
    data["contract"]["judge_model"] = "<img src=x onerror=alert(1)>"
    data["contract"]["warnings"] = ["<!-- hidden --> &amp; <https://evil.example>"]
    data["escalations"] = ["p\n\n<iframe src=x>"]
    card_path.write_text(json.dumps(data))
    md = _ok(["report", str(card_path), "--format", "md"])
    for raw in ("<script", "<img", "<!--", "<https:", "&amp; "):
        assert raw not in md, raw
    assert "&lt;script>alert(1)&lt;/script>" in md and "&amp;amp;" in md
    assert "`p <iframe src=x>`" in md  # a code span on one line shows its text literally
    html = tmp_path / "r.html"
    _ok(["report", str(card_path), "--format", "html", "--out", str(html)])
    assert "<script>alert(1)" not in html.read_text()


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_report_and_gate_refuse_a_device_as_scorecard(tmp_path: Path, device: str) -> None:
    contract = tmp_path / "contract.yaml"
    contract.write_text(VALID + GATES)
    refused(["gate", device, "--contract", str(contract)], device, "not a regular file")
    refused(["report", device, "--format", "md"], device, "not a regular file")
