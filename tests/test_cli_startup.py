"""Start-up: which modules the light commands import, and the lazy command group.

Each command runs in a fresh interpreter (``python -c``), which then reports
``sys.modules``: ``validate``, ``verify``, ``lock``, ``gate``, ``schema`` and ``--help`` must
not pull in the audit's statistics (scipy), a model runtime (torch), a framework or an
adapter; a command that needs one imports it when it runs.

Beyond those, ``validate`` imports only what checking a contract needs: no other command's
module, no lock code, not the docstring reader of schema generation; and judgespec itself
never imports ``importlib.metadata`` (tens of milliseconds: email, zipfile, ...) to know
its version or a shipped backend. (pydantic imports it to look for its own plugins when
it builds the contract's validator, so ``validate`` as a whole still loads it.)
``--help`` lists every command from declared short help, importing no command's module
and no pydantic model.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "specs" / "smollm2-pointwise.yaml"

#: Top-level modules (or packages) no light command may import.
HEAVY = (
    "scipy",
    "torch",
    "transformers",
    "inspect_ai",
    "lm_eval",
    "judgespec.audit",
    "judgespec_inspect",
    "judgespec_lmeval",
)
#: Also absent where no judge backend is consulted (validate, gate, schema, --help).
NO_NUMPY = (*HEAVY, "numpy", "pyarrow", "pandas", "judgespec.judge", "judgespec.tables")

def heavy_in(modules: set[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == f or m.startswith(f + ".") for f in forbidden))


#: Modules ``judgespec validate`` does without (start-up cost a contract check does not need).
NOT_FOR_VALIDATE = ("judgespec.lock", "judgespec.scorecard", "judgespec._field_docs", "difflib", "rich")


def test_validate_imports_no_heavy_module(cli_imports: Callable[..., set[str]]) -> None:
    modules = cli_imports("validate", str(SPEC), str(REPO / "specs" / "pairwise-both-orders.yaml"))
    assert "judgespec.contract" in modules  # the probe really ran the command
    assert heavy_in(modules, NO_NUMPY) == []
    assert heavy_in(modules, NOT_FOR_VALIDATE) == []
    assert not any(m.startswith("judgespec.cli._") and m.endswith("_cmds") and m != "judgespec.cli._contract_cmds" for m in modules)


def test_judgespec_needs_no_installed_metadata_for_its_version_or_a_shipped_backend() -> None:
    probe = (
        "import sys\n"
        "import judgespec, judgespec.cli\n"
        "from judgespec.backends import BUILTIN_BACKENDS, get_backend\n"
        "assert judgespec.__version__\n"
        "for name in BUILTIN_BACKENDS: get_backend(name).model_args.model_fields\n"
        "print(sorted(m for m in sys.modules if m == 'email' or m.startswith(('importlib.metadata', 'email.'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_shipped_backend_is_checked_without_scanning_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    from judgespec import _plugins
    from judgespec.contract import load_contract

    def refuse(group: str) -> object:
        raise AssertionError(f"entry points of {group} were scanned")

    monkeypatch.setattr(_plugins, "_entry_points", refuse)
    specs = sorted((REPO / "specs").glob("*.yaml"))
    backends = {judge.backend for path in specs for judge in load_contract(path).contract.judges}
    assert {"transformers", "inspect"} <= backends


def test_help_lists_every_command_without_importing_them(cli_imports: Callable[..., set[str]]) -> None:
    modules = cli_imports("--help")
    assert heavy_in(modules, NO_NUMPY) == []
    assert "rich" not in modules
    assert heavy_in(modules, ("judgespec.contract", "judgespec.scorecard", "pydantic.main", "jinja2")) == []
    assert not any(m.startswith("judgespec.cli._") and m.endswith("_cmds") for m in modules)


def test_declared_command_help_is_each_commands_own() -> None:
    from judgespec.cli import COMMAND_HELP, COMMANDS, PLUGIN_HELP, cli
    from judgespec.cli._lazy import LazyGroup

    assert set(COMMAND_HELP) == set(COMMANDS)
    for name, text in COMMAND_HELP.items():
        command = cli.get_command(None, name)
        assert command is not None and not command.hidden
        assert command.get_short_help_str(limit=1000) == text, name
    # The listing is the one click makes from the commands themselves, at any width.
    undeclared = LazyGroup(name="judgespec", lazy_commands=COMMANDS, plugin_group="judgespec.cli", plugin_help=PLUGIN_HELP)
    for width in (60, 80, 120):
        fresh = LazyGroup(
            name="judgespec", lazy_commands=COMMANDS, lazy_help=COMMAND_HELP, plugin_group="judgespec.cli", plugin_help=PLUGIN_HELP
        )
        listings = []
        for group in (fresh, undeclared):
            formatter = click.HelpFormatter(width=width)
            group.format_commands(click.Context(group), formatter)
            listings.append(formatter.getvalue())
        assert listings[0] == listings[1] and "validate" in listings[0]


def test_schema_imports_no_heavy_module(cli_imports: Callable[..., set[str]]) -> None:
    assert heavy_in(cli_imports("schema"), NO_NUMPY) == []
    assert heavy_in(cli_imports("schema", "--scorecard"), NO_NUMPY) == []


def test_lock_and_verify_import_no_heavy_module(tmp_path: Path, cli_imports: Callable[..., set[str]]) -> None:
    # A transformers-backend contract: its revision is the embedded judge's GGUF hash,
    # resolved by judgespec._weights without numpy, the judge engine, torch or an adapter.
    contract = tmp_path / SPEC.name
    shutil.copy(SPEC, contract)
    assert heavy_in(cli_imports("lock", str(contract)), NO_NUMPY) == []
    assert (tmp_path / "smollm2-pointwise.lock.json").exists()
    assert heavy_in(cli_imports("verify", str(contract)), NO_NUMPY) == []


def test_lock_and_verify_of_an_inspect_judge_import_no_framework(tmp_path: Path, cli_imports: Callable[..., set[str]]) -> None:
    # The inspect backend's record names no revision resolver: its declared pin stands,
    # so neither Inspect nor the adapter is imported to lock or verify it.
    for name in ("pointwise-1-10.yaml", "panel-two-judges.yaml"):
        contract = tmp_path / name
        shutil.copy(REPO / "specs" / name, contract)
        prompts = REPO / "specs" / "prompts"
        if prompts.is_dir() and not (tmp_path / "prompts").exists():
            shutil.copytree(prompts, tmp_path / "prompts")
        assert heavy_in(cli_imports("lock", str(contract)), NO_NUMPY) == []
        assert heavy_in(cli_imports("verify", str(contract)), NO_NUMPY) == []


def test_gate_imports_no_heavy_module(tmp_path: Path, cli_imports: Callable[..., set[str]]) -> None:
    from judgespec.cli import cli

    contract = tmp_path / "c.yaml"
    contract.write_text(
        (REPO / "tests" / "contract" / "data" / "valid.yaml").read_text(encoding="utf-8")
        + "gates:\n  - {metric: tie_rate, op: '<=', threshold: 0.99}\n",
        encoding="utf-8",
    )
    candidates = tmp_path / "candidates.jsonl"
    rows = [
        {"prompt_id": f"p{p}", "candidate_id": f"c{c}", "oracle": float((p + c) % 3), "judge_score": float((p * c) % 4)}
        for p in range(6)
        for c in range(3)
    ]
    candidates.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    card = tmp_path / "card.json"
    scored = CliRunner().invoke(
        cli, ["score", "--candidates", str(candidates), "--contract", str(contract), "--bootstrap", "50", "--out", str(card), "--quiet"]
    )
    assert scored.exit_code == 0, scored.output
    assert heavy_in(cli_imports("gate", str(card), "--contract", str(contract)), NO_NUMPY) == []


def test_every_listed_command_resolves_to_its_name() -> None:
    from judgespec.cli import COMMANDS, cli

    assert set(COMMANDS) <= set(cli.list_commands(None))
    for name in COMMANDS:
        command = cli.get_command(None, name)
        assert isinstance(command, click.Command) and command.name == name


def test_declared_plugin_help_is_the_plugins_own() -> None:
    from judgespec.cli import PLUGIN_HELP, cli

    installed = {ep.name for ep in entry_points(group="judgespec.cli")}
    checked = 0
    for name, text in PLUGIN_HELP.items():
        if name not in installed:
            continue
        command = cli.get_command(None, name)
        assert command is not None and command.get_short_help_str(limit=1000) == text
        checked += 1
    if not checked:
        pytest.skip("no bundled plugin command group is installed in this environment")


def _group_with_plugin(value: str, plugin_help: dict[str, str]) -> click.Group:
    from judgespec.cli._lazy import LazyGroup

    @click.group(cls=LazyGroup, lazy_commands={"validate": "._contract_cmds:validate"}, plugin_group="none", plugin_help=plugin_help)
    def group() -> None:
        """A group."""

    assert isinstance(group, LazyGroup)
    group._plugin_eps = {"extra": EntryPoint(name="extra", value=value, group="judgespec.cli")}
    return group


def test_plugin_that_fails_to_import_is_listed_and_says_why() -> None:
    group = _group_with_plugin("judgespec_no_such_adapter._cli:group", {})
    runner = CliRunner()
    listing = runner.invoke(group, ["--help"])
    assert listing.exit_code == 0
    assert "extra     (unavailable: judgespec_no_such_adapter._cli:group" in listing.output
    assert "validate  Validate one or more contract files" in listing.output
    used = runner.invoke(group, ["extra", "compile", "x"])
    assert used.exit_code == 1
    assert used.output.startswith("Error: 'judgespec extra' is unavailable: judgespec_no_such_adapter._cli:group could not be imported (No module named 'judgespec_no_such_adapter')")


def test_declared_plugin_help_is_listed_without_loading() -> None:
    group = _group_with_plugin("judgespec_no_such_adapter._cli:group", {"extra": "Extra commands."})
    listing = CliRunner().invoke(group, ["--help"])
    assert listing.exit_code == 0 and "extra     Extra commands." in listing.output
    assert group._plugins == {}


def test_an_added_command_takes_precedence() -> None:
    group = _group_with_plugin("judgespec_no_such_adapter._cli:group", {})

    @click.command(name="extra")
    def replacement() -> None:
        """Replaced."""
        click.echo("replaced")

    group.add_command(replacement)
    assert CliRunner().invoke(group, ["extra"]).output == "replaced\n"


def test_gate_metric_names_are_the_audits() -> None:
    # One home: the audit reports exactly the metrics judgespec.metrics names, in order.
    from judgespec import metrics
    from judgespec.audit import HEADLINE_METRICS, METRIC_NAMES
    from judgespec.audit._metrics import METRICS

    assert METRIC_NAMES is metrics.METRIC_NAMES and HEADLINE_METRICS is metrics.HEADLINE_METRICS
    assert tuple(spec.name for spec in METRICS) == metrics.METRIC_NAMES
