"""The ``judgespec`` command line: a thin layer over the library.

Each command parses its options, calls one library function, and turns library errors
into ``Error: ...`` with exit status 1 (see :class:`JudgespecGroup`).
"""

from __future__ import annotations

import click

from .._version import __version__
from ._base import JudgespecGroup
from ._contract_cmds import lock, schema, validate, verify

__all__ = ["cli", "main"]


@click.group(cls=JudgespecGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="judgespec")
def cli() -> None:
    """Pinned LLM judge contracts and selection-aware best-of-n audits."""


for _command in (validate, schema, lock, verify):
    cli.add_command(_command)


def _register_optional() -> None:
    """Add the command modules of the other layers."""
    from importlib import import_module

    for module_name in ("._score_cmds", "._judge_cmds", "._adapter_cmds"):
        try:
            module = import_module(module_name, __name__)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(__name__):
                continue
            raise
        for command in getattr(module, "COMMANDS", ()):
            cli.add_command(command)


_register_optional()


def main() -> None:
    """Console entry point."""
    cli()
