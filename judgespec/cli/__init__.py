"""The ``judgespec`` command line: a thin layer over the library.

Each command parses its options, calls one library function, and turns library errors
into ``Error: ...`` with exit status 1 (see :class:`~judgespec.cli._base.JudgespecGroup`).

Commands are imported on first use (see :class:`LazyGroup`): a command's module imports
only what its options need at start-up and the rest inside the command's body, so
``judgespec validate`` or ``judgespec --help`` never load numpy/scipy audit code, a
model runtime or an adapter. To add a command, add one line to :data:`COMMANDS`.
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

#: Short help that ``judgespec --help`` lists for the bundled adapters' command groups
#: (entry-point group ``judgespec.cli``), so that listing them imports no adapter.
PLUGIN_HELP: dict[str, str] = {
    "lmeval": "Best-of-n judge audits as lm-evaluation-harness tasks.",
}


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
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
