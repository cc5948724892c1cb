"""Framework plugins: one options object, the contract's ``audit:`` defaults, typed entry points."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import click
import pytest

from judgespec import JudgespecError, frameworks
from judgespec.frameworks import AuditOptions, FrameworkPlugin, audit_in_framework

REPO = Path(__file__).resolve().parents[1]
BASE = (REPO / "tests" / "contract" / "data" / "valid.yaml").read_text(encoding="utf-8")
AUDIT = "audit:\n  dataset: data.jsonl\n  n: 6\n  oracle: includes\n  policy_model: mockllm/model\n"


def _contract(folder: Path, audit: str = AUDIT) -> Path:
    path = folder / "c.yaml"
    path.write_text(BASE + audit, encoding="utf-8")
    return path


def test_build_takes_the_contracts_audit_defaults(tmp_path: Path) -> None:
    contract = _contract(tmp_path)
    (tmp_path / "data.jsonl").write_text("{}\n", encoding="utf-8")
    options = AuditOptions.build(contract, out_dir=tmp_path / "out")
    assert (options.data, options.n, options.oracle, options.model) == (
        str(tmp_path / "data.jsonl"), 6, "includes", "mockllm/model",
    )  # fmt: skip
    given = AuditOptions.build(contract, out_dir=tmp_path, data="other.csv", n=3, oracle="match", model="hf/x")
    assert (given.data, given.n, given.oracle, given.model) == ("other.csv", 3, "match", "hf/x")


def test_build_without_an_audit_section_uses_the_built_in_defaults(tmp_path: Path) -> None:
    options = AuditOptions.build(_contract(tmp_path, audit=""), out_dir=tmp_path)
    assert (options.data, options.n, options.oracle, options.model) == (None, 4, "match", None)
    # a data set path that does not exist beside the contract stays as written (a task name)
    named = AuditOptions.build(_contract(tmp_path, audit="audit:\n  dataset: gsm8k\n"), out_dir=tmp_path)
    assert named.data == "gsm8k"


class _Recorder:
    name = "fake"
    data_option = "task"

    def __init__(self) -> None:
        self.seen: list[AuditOptions] = []

    def run_audit(self, options: AuditOptions) -> Path:
        self.seen.append(options)
        return options.out_dir / "scorecard.json"


def test_audit_in_framework_hands_the_plugin_merged_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = _Recorder()
    assert isinstance(plugin, FrameworkPlugin)
    monkeypatch.setattr(frameworks, "load_plugin", lambda group, name, *, purpose: plugin)
    contract = _contract(tmp_path, audit="audit:\n  dataset: gsm8k\n  n: 5\n")
    path = audit_in_framework("fake", contract, out_dir=tmp_path, model="hf", limit=3)
    assert path == tmp_path / "scorecard.json"
    (seen,) = plugin.seen
    assert (seen.data, seen.n, seen.model, seen.limit, seen.oracle) == ("gsm8k", 5, "hf", 3, "match")
    # the framework's own name for its data (here --task) is accepted too
    audit_in_framework("fake", contract, out_dir=tmp_path, model="hf", task="triviaqa")
    assert plugin.seen[-1].data == "triviaqa"
    with pytest.raises(JudgespecError, match=r"^--framework fake needs --model \(the policy\)"):
        audit_in_framework("fake", _contract(tmp_path, audit="audit:\n  dataset: gsm8k\n"), out_dir=tmp_path)


def test_an_entry_point_that_is_no_framework_plugin_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(frameworks, "load_plugin", lambda group, name, *, purpose: print)
    with pytest.raises(JudgespecError, match="is not a framework plugin"):
        frameworks.load_framework("odd")


def test_audit_framework_choices_are_the_installed_plugins() -> None:
    from judgespec.cli._audit_cmds import audit

    option = next(p for p in audit.params if p.name == "framework")
    assert isinstance(option.type, click.Choice)
    assert list(option.type.choices) == ["offline", *frameworks.framework_names()]


def test_shipped_framework_plugins_are_typed() -> None:
    names = frameworks.framework_names()
    if not {"inspect", "lmeval"} <= set(names):
        pytest.skip("the bundled framework plugins are not installed in this environment's metadata")
    for name, module in (("inspect", "inspect_ai"), ("lmeval", "lm_eval")):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{name}: {module} is not installed (pip install -e '.[{name}]')")
        plugin = frameworks.load_framework(name)  # installed: a load error is a failure
        assert plugin.name == name and plugin.data_option in ("dataset", "task")


def test_adapters_use_no_private_cli_module() -> None:
    private = re.compile(r"judgespec\.cli\._")
    for source in sorted((REPO / "adapters").rglob("*.py")):
        assert not private.search(source.read_text(encoding="utf-8")), source
