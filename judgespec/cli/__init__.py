"""The ``judgespec`` command line: a thin layer over the library.

Each command parses its options, calls one library function, and turns library errors
into ``Error: ...`` with exit status 1 (see :class:`JudgespecGroup`).
"""

from __future__ import annotations

import click

from .._version import __version__
from ._audit_cmds import audit
from ._base import JudgespecGroup
from ._contract_cmds import lock, schema, validate, verify
from ._contrast_cmds import contrast
from ._demo_cmds import demo
from ._judge_cmds import COMMANDS as JUDGE_COMMANDS
from ._model_cmds import model
from ._score_cmds import COMMANDS as SCORE_COMMANDS

__all__ = ["cli", "main"]


@click.group(cls=JudgespecGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="judgespec")
def cli() -> None:
    """Pinned LLM judge contracts and selection-aware best-of-n audits."""


for _command in (
    validate, schema, lock, verify, *SCORE_COMMANDS, *JUDGE_COMMANDS, audit, contrast, demo, model
):
    cli.add_command(_command)


def _add_plugin_groups() -> None:
    """Add command groups that installed adapters register under ``judgespec.cli``."""
    from importlib.metadata import entry_points

    for ep in entry_points(group="judgespec.cli"):
        try:
            factory = ep.load()
        except ImportError as exc:  # keep the CLI usable; say why when the command is used
            cli.add_command(_unavailable(ep.name, f"{ep.value} could not be imported ({exc})"))
            continue
        cli.add_command(factory(), name=ep.name)


def _unavailable(name: str, reason: str) -> click.Command:
    """A stand-in for a plugin command group whose module failed to import."""

    @click.command(name=name, context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
    def unavailable() -> None:
        raise click.ClickException(f"'judgespec {name}' is unavailable: {reason}")

    unavailable.help = f"(unavailable: {reason})"
    return unavailable


_add_plugin_groups()


def main() -> None:
    """Console entry point."""
    cli()
