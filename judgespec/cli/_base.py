"""The CLI's shared machinery: the group class that turns library errors into ``Error: ...``."""

from __future__ import annotations

import sys
from typing import Any

import click

from .._errors import JudgespecError

__all__ = ["JudgespecGroup", "fail"]


def fail(message: str) -> None:
    """Print ``Error: message`` to stderr and exit with status 1."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


class JudgespecGroup(click.Group):
    """A click group whose commands report :class:`JudgespecError` as one line, exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except JudgespecError as exc:
            fail(str(exc))
        except KeyboardInterrupt:  # pragma: no cover - interactive
            click.echo("Interrupted.", err=True)
            sys.exit(130)
