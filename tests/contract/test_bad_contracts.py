"""Malformed contracts: each fails with a one-line ContractError naming the field or line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from judgespec import ContractError, load_contract

VALID = (Path(__file__).parent / "data" / "valid.yaml").read_text(encoding="utf-8")


def _replace(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new)


CASES: list[tuple[str, str, list[str]]] = [
    # (id, yaml text, fragments the message must contain)
    ("unknown-top-key", VALID + "colour: blue\n", [":15:", "colour", "unknown key"]),
    ("unknown-judge-key", _replace("  backend: transformers\n", "  backend: transformers\n  temprature: 0\n"), ["judge.temprature", "unknown key"]),
    ("unknown-decoding-key", _replace("max_tokens: 16}", "max_tokens: 16, beams: 2}"), ["judge.decoding.beams", "unknown key"]),
    ("unknown-protocol-key", _replace("  kind: pointwise\n", "  kind: pointwise\n  levels: 10\n"), ["protocol.levels", "unknown key"]),
    ("unknown-scale-key", _replace("{min: 1, max: 10}", "{min: 1, max: 10, step: 1}"), ["protocol.scale.step", "unknown key"]),
    ("unknown-prompt-key", _replace("  variables: [prompt, response]\n", "  variables: [prompt, response]\n  templte: x\n"), ["prompt.templte", "unknown key"]),
    ("unknown-tie-key", VALID + "tie_policy: {kind: expected, colour: red}\n", ["tie_policy.colour", "unknown key"]),
    ("unknown-gate-key", VALID + "gates:\n  - {metric: recovery, threshold: 0.2, when: ci}\n", ["gates[0].when", "unknown key"]),
    ("unknown-audit-key", VALID + "audit: {n: 4, prompts: 10}\n", ["audit.prompts", "unknown key"]),
    ("wrong-type-temperature", _replace("temperature: 0.0", "temperature: hot"), ["judge.decoding.temperature", "number"]),
    ("wrong-type-max-tokens", _replace("max_tokens: 16", "max_tokens: [16]"), ["judge.decoding.max_tokens", "integer"]),
    ("wrong-type-variables", _replace("variables: [prompt, response]", "variables: prompt"), ["prompt.variables", "list"]),
    ("wrong-type-scale", _replace("scale: {min: 1, max: 10}", "scale: 10"), ["protocol.scale"]),
    ("negative-temperature", _replace("temperature: 0.0", "temperature: -1"), ["judge.decoding.temperature", "greater than or equal"]),
    ("missing-judge", VALID.split("judge:")[0] + "protocol:" + VALID.split("protocol:")[1], ["exactly one of 'judge' and 'panel'"]),
    ("missing-model", _replace("  model: acme/grader-7b\n", ""), ["judge.model", "missing"]),
    ("empty-model", _replace("model: acme/grader-7b", "model: ''"), ["judge.model", "at least 1"]),
    ("unpinned-alias", _replace("  revision: sha256:0000000000000000000000000000000000000000000000000000000000000000\n", ""), ["judge", "not pinned", "allow_unpinned"]),
    ("floating-revision", _replace("sha256:0000000000000000000000000000000000000000000000000000000000000000", "main"), ["judge.revision", "floating alias"]),
    ("bad-revision", _replace("sha256:0000000000000000000000000000000000000000000000000000000000000000", "v1-final"), ["judge.revision", "not a revision pin"]),
    ("scale-min-above-max", _replace("{min: 1, max: 10}", "{min: 10, max: 1}"), ["protocol.scale", "min (10) must be below max (1)"]),
    ("unknown-protocol", _replace("kind: pointwise", "kind: pointless"), ["protocol", "pointless"]),
    ("unknown-backend", _replace("backend: transformers", "backend: tensorflow"), ["judge.backend", "tensorflow"]),
    ("unknown-tie-policy", VALID + "tie_policy: {kind: coin_flip}\n", ["tie_policy.kind", "coin_flip"]),
    ("undefined-template-variable", _replace("A: {{ response }}", "A: {{ response }} {{ answer }}"), ["undefined variable", "answer"]),
    ("undeclared-known-variable", _replace("A: {{ response }}", "A: {{ response }} {{ rubric }}"), ["undefined variable", "rubric"]),
    ("unknown-declared-variable", _replace("variables: [prompt, response]", "variables: [prompt, response, answer]"), ["prompt.variables", "unknown template variable", "answer"]),
    ("template-syntax-error", _replace("A: {{ response }}", "A: {{ response }"), ["prompt", "template line"]),
    ("pairwise-without-two-responses", _replace("kind: pointwise\n  scale: {min: 1, max: 10}", "kind: pairwise"), ["needs the template variables", "response_a"]),
    ("reference-without-policy", _replace("A: {{ response }}", "A: {{ response }} R: {{ reference }}").replace("variables: [prompt, response]", "variables: [prompt, response, reference]"), ["reference.policy is 'none'"]),
    ("escalation-without-template", VALID + "tie_policy: {kind: pairwise_escalation}\n", ["tie_policy", "needs a 'pairwise' section"]),
    ("spec-version-2", _replace("spec_version: 1", "spec_version: 2"), [":1:", "spec_version", "not supported"]),
    ("no-spec-version", _replace("spec_version: 1\n", ""), ["spec_version", "missing"]),
    ("bad-name", _replace("name: test-contract", "name: Test Contract!"), ["name", "pattern"]),
    ("bad-regex", _replace("  scale: {min: 1, max: 10}\n", "  scale: {min: 1, max: 10}\n  pattern: 'Score: ('\n"), ["protocol.pattern", "regular expression"]),
    ("regex-two-groups", _replace("  scale: {min: 1, max: 10}\n", "  scale: {min: 1, max: 10}\n  pattern: '(S)core: (\\d+)'\n"), ["protocol.pattern", "exactly one capture group"]),
    ("gate-bad-op", VALID + "gates:\n  - {metric: recovery, op: '>', threshold: 0.2}\n", ["gates[0].op"]),
    ("yaml-list", "- spec_version: 1\n- name: x\n", [":1:", "is a list, not a mapping"]),
    ("yaml-scalar", "just a string\n", [":1:", "is a str, not a mapping"]),
    ("empty-file", "", ["the file is empty"]),
    ("comments-only", "# nothing here\n", ["the file is empty"]),
    ("python-object-tag", VALID + "x: !!python/object/apply:os.system ['echo pwned']\n", ["tag", "python/object", "not allowed"]),
    ("custom-tag", VALID + "x: !include other.yaml\n", ["tag", "!include", "not allowed"]),
    ("duplicate-key-top", VALID + "name: again\n", ["duplicate key 'name'", "first at line 2"]),
    ("duplicate-key-nested", _replace("  backend: transformers\n", "  backend: transformers\n  backend: inspect\n"), [":7:", "duplicate key 'backend' (first at line 6)"]),
    ("alias", VALID + "x: &a [1]\ny: *a\n", ["not allowed"]),
    ("invalid-yaml", VALID + "foo: [unclosed\n", ["invalid YAML"]),
    ("two-documents", VALID + "---\nspec_version: 1\n", ["exactly one YAML document"]),
]


@pytest.mark.parametrize(("text", "fragments"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_bad_contract_fails_with_one_line(write_contract, text: str, fragments: list[str]) -> None:
    path = write_contract(text)
    with pytest.raises(ContractError) as info:
        load_contract(path)
    message = str(info.value)
    assert "\n" not in message, message
    assert message.startswith(str(path)), message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def test_at_least_thirty_cases() -> None:
    assert len(CASES) >= 30


def test_python_tag_runs_no_code(write_contract, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = write_contract(VALID + f"x: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(ContractError):
        load_contract(path)
    assert not marker.exists()


def test_alias_bomb_fails_fast(write_contract) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 12):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = write_contract(VALID + "\n".join(lines) + "\n")
    start = time.perf_counter()
    with pytest.raises(ContractError, match="not allowed"):
        load_contract(path)
    assert time.perf_counter() - start < 5.0


def test_template_file_escaping_directory(tmp_path: Path, write_contract) -> None:
    (tmp_path / "outside.j2").write_text("{{ prompt }} {{ response }}")
    text = VALID.replace(
        '  template: "Q: {{ prompt }}\\nA: {{ response }}\\nScore 1-10. Score:"\n',
        "  template_file: ../outside.j2\n",
    )
    path = write_contract(text, name="sub/contract.yaml")
    with pytest.raises(ContractError, match=r"outside the contract's directory"):
        load_contract(path)


def test_template_file_absolute_path_outside(tmp_path: Path, write_contract) -> None:
    text = VALID.replace(
        '  template: "Q: {{ prompt }}\\nA: {{ response }}\\nScore 1-10. Score:"\n',
        "  template_file: /etc/passwd\n",
    )
    path = write_contract(text, name="sub/contract.yaml")
    with pytest.raises(ContractError, match=r"outside the contract's directory"):
        load_contract(path)


def test_template_file_missing(write_contract) -> None:
    text = VALID.replace(
        '  template: "Q: {{ prompt }}\\nA: {{ response }}\\nScore 1-10. Score:"\n',
        "  template_file: prompts/missing.j2\n",
    )
    path = write_contract(text)
    with pytest.raises(ContractError, match=r"prompt.template_file: file 'prompts/missing.j2' not found"):
        load_contract(path)


def test_missing_contract_file(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match="no such file"):
        load_contract(tmp_path / "nope.yaml")


def test_sandbox_blocks_attribute_escape(write_contract) -> None:
    from judgespec.contract import render_template

    with pytest.raises(ContractError, match="sandbox"):
        render_template("{{ prompt.__class__.__mro__[1].__subclasses__() }}", {"prompt": "x"})
