"""Hostile YAML and hostile files: tags, merge keys, aliases, depth, big integers, devices."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile_cli import VALID, refused, replace, validate_refuses

TEMPLATE = 'template: "Q: {{ prompt }}\\nA: {{ response }}\\nScore 1-10. Score:"'
HIDDEN = "e3sgcHJvbXB0IH19e3sgcmVzcG9uc2UgfX0="  # base64 of "{{ prompt }}{{ response }}"

TAGS: list[tuple[str, str, str]] = [
    ("binary-template", replace(TEMPLATE, f"template: !!binary {HIDDEN}"), "tag:yaml.org,2002:binary"),
    ("str-name", replace("name: test-contract", "name: !!str test-contract"), "tag:yaml.org,2002:str"),
    ("str-spec-version", replace("spec_version: 1", "spec_version: !!str 1"), "tag:yaml.org,2002:str"),
    ("int-spec-version", replace("spec_version: 1", "spec_version: !!int 1"), "tag:yaml.org,2002:int"),
    ("float-temperature", replace("temperature: 0.0", "temperature: !!float 0"), "tag:yaml.org,2002:float"),
    ("bool-flag", VALID + "description: !!bool yes\n", "tag:yaml.org,2002:bool"),
    ("null-description", VALID + "description: !!null ''\n", "tag:yaml.org,2002:null"),
    ("set-variables", replace("variables: [prompt, response]", "variables: !!set {prompt, response}"), "tag:yaml.org,2002:set"),
    ("omap-scale", replace("scale: {min: 1, max: 10}", "scale: !!omap [{min: 1}, {max: 10}]"), "tag:yaml.org,2002:omap"),
    ("pairs-scale", replace("scale: {min: 1, max: 10}", "scale: !!pairs [{min: 1}, {max: 10}]"), "tag:yaml.org,2002:pairs"),
    ("timestamp-version", replace("version: 1.0.0", "version: !!timestamp 2024-05-13"), "tag:yaml.org,2002:timestamp"),
    ("map-decoding", replace("decoding: {", "decoding: !!map {"), "tag:yaml.org,2002:map"),
    ("seq-variables", replace("variables: [", "variables: !!seq ["), "tag:yaml.org,2002:seq"),
    ("python-object", VALID + "description: !!python/object/apply:os.system ['true']\n", "python/object/apply"),
    ("python-name", VALID + "description: !!python/name:os.system\n", "python/name"),
    ("local-tag", VALID + "description: !secret x\n", "!secret"),
    ("non-specific-tag", VALID + "description: ! x\n", "'!'"),
    ("verbatim-tag", VALID + "description: !<tag:yaml.org,2002:str> x\n", "tag:yaml.org,2002:str"),
    ("tag-on-key", VALID + "!!str colour: blue\n", "tag:yaml.org,2002:str"),
    ("tag-directive", "%TAG !e! tag:example.com,2000:\n---\n" + VALID + "description: !e!thing x\n", "tag:example.com,2000:thing"),
    ("tag-on-top-mapping", "--- !!map\n" + VALID, "tag:yaml.org,2002:map"),
    ("function-tag", VALID + "description: !function utils.run\n", "!function"),
]


@pytest.mark.parametrize(("text", "tag"), [(t, g) for _, t, g in TAGS], ids=[i for i, _, _ in TAGS])
def test_every_explicit_tag_is_refused(tmp_path: Path, text: str, tag: str) -> None:
    validate_refuses(tmp_path, text, tag, "is not allowed", "plain data")


STRUCTURE: list[tuple[str, str, list[str]]] = [
    ("merge-inline", VALID + "tie_policy:\n  <<: {kind: seeded_random}\n", ["merge keys (<<)"]),
    ("merge-judge", replace("  backend: transformers\n", "  backend: transformers\n  <<: {label: x}\n"), ["merge keys (<<)", ":7:"]),
    ("merge-list", VALID + "audit:\n  <<: [{n: 4}, {oracle: x}]\n", ["merge keys (<<)"]),
    ("merge-with-anchor", VALID + "x: &base {n: 4}\naudit:\n  <<: *base\n", ["anchors (&base)"]),
    ("anchor", replace("model: acme/grader-7b", "model: &m acme/grader-7b"), ["anchors (&m)"]),
    ("alias", VALID + "description: *nothing\n", ["aliases (*nothing)"]),
    ("billion-laughs", VALID + "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n", ["anchors (&a)"]),
    ("duplicate-key", VALID + "name: other\n", ["duplicate key 'name'", "first at line 2"]),
    ("duplicate-nested", replace("{min: 1, max: 10}", "{min: 1, max: 10, min: 2}"), ["duplicate key 'min'"]),
    ("two-documents", VALID + "---\nspec_version: 1\n", ["exactly one YAML document"]),
    ("empty", "", ["the file is empty"]),
    ("only-comment", "# nothing\n", ["the file is empty"]),
    ("a-list", "- spec_version: 1\n", ["not a mapping"]),
    ("a-scalar", "hello\n", ["not a mapping"]),
    ("complex-key", VALID + "? [a, b]\n: c\n", ["mapping keys must be plain strings"]),
    ("mapping-key", VALID + "? {a: 1}\n: c\n", ["mapping keys must be plain strings"]),
    ("bad-indent", VALID + "  stray: [\n", ["invalid YAML"]),
    ("unclosed-quote", VALID + 'description: "abc\n', ["invalid YAML"]),
    ("tab-indent", VALID + "audit:\n\tn: 4\n", ["invalid YAML"]),
    ("control-char", VALID + "description: a\x07b\n", ["control characters"]),
    ("nested-lists-1000", VALID + "description: " + "[" * 1000 + "]" * 1000 + "\n", ["nesting deeper than 32 levels"]),
    ("nested-maps-1000", VALID + "description: " + "{a: " * 1000 + "1" + "}" * 1000 + "\n", ["nesting deeper than 32 levels"]),
    ("nested-block-40", VALID + "".join("  " * i + f"k{i}:\n" for i in range(40)) + "  " * 40 + "x: 1\n", ["nesting deeper than 32 levels"]),
    ("int-5000-digits", replace("max_tokens: 16", "max_tokens: " + "9" * 5000), ["integer of 5000 characters", "at most 20"]),
    ("int-21-digits", replace("max_tokens: 16", "max_tokens: " + "1" * 21), ["integer of 21 characters"]),
    ("hex-int-long", replace("max_tokens: 16", "max_tokens: 0x" + "f" * 40), ["integer of 42 characters"]),
    ("sexagesimal-long", replace("max_tokens: 16", "max_tokens: " + ":".join(["59"] * 12)), ["integer of 35 characters"]),
    ("int-key-long", VALID + "audit: {" + "7" * 30 + ": 1}\n", ["integer of 30 characters"]),
    ("surrogate-value", VALID + 'description: "a\\ud800b"\n', ["lone surrogate escape", "\\ud800"]),
    ("surrogate-template", replace(TEMPLATE, 'template: "{{ prompt }}\\udfff{{ response }}"'), ["lone surrogate escape"]),
    ("surrogate-key", VALID + '"\\udc00": 1\n', ["lone surrogate escape"]),
    ("nul-in-template-file", replace(TEMPLATE, 'template_file: "t.j2\\0.txt"'), ["prompt.template_file", "NUL byte"]),
    ("nul-in-rubric-file", replace("  variables: [prompt, response]\n", '  variables: [prompt, response]\n  rubric_file: "r\\0"\n'), ["prompt.rubric_file", "NUL byte"]),
    ("huge-path", replace(TEMPLATE, "template_file: " + "a" * 5000), ["prompt.template_file"]),
    ("outside-dir", replace(TEMPLATE, "template_file: ../../../../etc/passwd"), ["outside the contract's directory"]),
    ("absolute-outside", replace(TEMPLATE, "template_file: /etc/hostname"), ["outside the contract's directory"]),
    ("missing-template-file", replace(TEMPLATE, "template_file: nowhere.j2"), ["file 'nowhere.j2' not found"]),
]


@pytest.mark.parametrize(
    ("text", "fragments"), [(t, f) for _, t, f in STRUCTURE], ids=[i for i, _, _ in STRUCTURE]
)
def test_structure_and_limits(tmp_path: Path, text: str, fragments: list[str]) -> None:
    validate_refuses(tmp_path, text, *fragments)


def test_a_file_over_the_size_limit(tmp_path: Path) -> None:
    validate_refuses(tmp_path, VALID + "description: " + "x" * 1_000_001 + "\n", "larger than 1000000")


def test_invalid_utf8(tmp_path: Path) -> None:
    validate_refuses(tmp_path, VALID.encode() + b"description: \xff\xfe\n", "not UTF-8")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_at_once(device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"{device} does not exist here")
    refused(["validate", device], device, "not a regular file")


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "contract.yaml"
    os.mkfifo(fifo)
    refused(["validate", str(fifo)], "not a regular file")


def test_a_symlink_to_a_device(tmp_path: Path) -> None:
    link = tmp_path / "contract.yaml"
    link.symlink_to("/dev/zero")
    refused(["validate", str(link)], "not a regular file")


def test_a_directory(tmp_path: Path) -> None:
    refused(["validate", str(tmp_path)], "is a directory")


def test_a_missing_file(tmp_path: Path) -> None:
    refused(["validate", str(tmp_path / "none.yaml")], "no such file")


def _with_file(tmp_path: Path, field: str, make: str) -> Path:
    target = tmp_path / "t.j2"
    if make == "fifo":
        os.mkfifo(target)
    elif make == "dir":
        target.mkdir()
    elif make == "big":
        target.write_text("{{ prompt }}{{ response }}" + "x" * 1_000_001)
    elif make == "latin1":
        target.write_bytes(b"{{ prompt }}{{ response }} caf\xe9")
    elif make == "link-out":
        target.symlink_to("/dev/zero")
    contract = tmp_path / "contract.yaml"
    if field == "template_file":
        contract.write_text(replace(TEMPLATE, "template_file: t.j2"))
    else:
        contract.write_text(
            replace("variables: [prompt, response]", "variables: [prompt, response, rubric]\n  rubric_file: t.j2")
            .replace("Score 1-10.", "{{ rubric }} Score 1-10.")
        )
    return contract


FILES = [
    ("template_file", "fifo", "not a regular file"),
    ("template_file", "dir", "is a directory"),
    ("template_file", "big", "larger than 1000000"),
    ("template_file", "latin1", "not UTF-8"),
    ("template_file", "link-out", "outside the contract's directory"),
    ("rubric_file", "fifo", "not a regular file"),
    ("rubric_file", "dir", "is a directory"),
    ("rubric_file", "big", "larger than 1000000"),
    ("rubric_file", "latin1", "not UTF-8"),
    ("rubric_file", "link-out", "outside the contract's directory"),
]


@pytest.mark.parametrize(("field", "make", "fragment"), FILES, ids=[f"{f}-{m}" for f, m, _ in FILES])
def test_hostile_template_and_rubric_files(tmp_path: Path, field: str, make: str, fragment: str) -> None:
    contract = _with_file(tmp_path, field, make)
    refused(["validate", str(contract)], f"prompt.{field}", fragment)
