"""A command group that imports a command's module only when the command is used.

Start-up cost is what a user pays on every ``judgespec validate`` in a pre-commit hook or
CI loop, so the top-level group knows its commands by name and imports each command's
module on first use (click's documented *LazyGroup* pattern,
https://click.palletsprojects.com/en/stable/complex/#lazily-loading-subcommands).
Command groups that installed adapters register under the ``judgespec.cli`` entry-point
group are loaded the same way; ``--help`` lists them with a short help declared here,
so listing them imports no adapter.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Any

import click

from ._base import JudgespecGroup

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

__all__ = ["LazyGroup", "unavailable_command"]


def unavailable_command(name: str, reason: str) -> click.Command:
    """A stand-in for a plugin command group whose module failed to import."""

    @click.command(name=name, context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
    def unavailable() -> None:
        raise click.ClickException(f"'judgespec {name}' is unavailable: {reason}")

    unavailable.help = f"(unavailable: {reason})"
    return unavailable


def _short_help(entry: str | click.Command, limit: int) -> str:
    """A command's short help, or declared help shortened as click shortens a command's."""
    command = click.Command(None, help=entry) if isinstance(entry, str) else entry
    return command.get_short_help_str(limit)


class LazyGroup(JudgespecGroup):
    """A :class:`JudgespecGroup` whose subcommands are imported on first use.

    ``lazy_commands`` maps a command name to ``"module:attribute"``, the module absolute
    or relative to :mod:`judgespec.cli` (``"._contract_cmds:validate"``); ``lazy_help``
    gives the short help that ``--help`` lists for a command not yet imported (one missing
    from it is imported to list its own). Commands added with :meth:`add_command` are used
    as they are and take precedence. ``plugin_group``
    names an entry-point group of factories that return a command; ``plugin_help`` gives
    the short help that ``--help`` lists for a plugin not yet loaded (a plugin missing
    from it is loaded to list its own).
    """

    def __init__(
        self,
        *args: Any,
        lazy_commands: Mapping[str, str] | None = None,
        lazy_help: Mapping[str, str] | None = None,
        plugin_group: str | None = None,
        plugin_help: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands: dict[str, str] = dict(lazy_commands or {})
        self.lazy_help: dict[str, str] = dict(lazy_help or {})
        self._imported: set[str] = set()
        self.plugin_group = plugin_group
        self.plugin_help: dict[str, str] = dict(plugin_help or {})
        self._plugin_eps: dict[str, EntryPoint] | None = None
        self._plugins: dict[str, click.Command] = {}

    def list_commands(self, ctx: click.Context | None) -> list[str]:
        """Every command name, without importing any command's module."""
        return sorted({*self.commands, *self.lazy_commands, *self._plugin_entry_points()})

    def get_command(self, ctx: click.Context | None, cmd_name: str) -> click.Command | None:
        """The command ``cmd_name``, importing its module (or loading its plugin) now."""
        command = self.commands.get(cmd_name)
        if command is not None:
            return command
        target = self.lazy_commands.get(cmd_name)
        if target is not None:
            self._imported.add(cmd_name)
            return self._import(cmd_name, target)
        if cmd_name in self._plugin_entry_points():
            return self._load_plugin(cmd_name)
        return None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands as click does, a plugin not yet loaded by its declared help."""
        entries: list[tuple[str, str | click.Command]] = []
        for name in self.list_commands(ctx):
            declared = self._declared_help(name)
            command = None if declared is not None else self.get_command(ctx, name)
            if declared is not None:
                entries.append((name, declared))
            elif command is not None and not command.hidden:
                entries.append((name, command))
        if not entries:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in entries)
        rows = [(name, _short_help(entry, limit)) for name, entry in entries]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def _declared_help(self, name: str) -> str | None:
        if name in self.commands or name in self._imported or name in self._plugins:
            return None
        if name in self.lazy_commands:
            return self.lazy_help.get(name)
        return self.plugin_help.get(name)

    def _import(self, name: str, target: str) -> click.Command:
        module_name, _, attribute = target.partition(":")
        command = getattr(import_module(module_name, __package__), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"lazy command {name!r}: {target} is not a click command")
        return command

    def _plugin_entry_points(self) -> dict[str, EntryPoint]:
        if self.plugin_group is None:
            return {}
        if self._plugin_eps is None:
            from importlib.metadata import entry_points

            self._plugin_eps = {ep.name: ep for ep in entry_points(group=self.plugin_group)}
        return self._plugin_eps

    def _load_plugin(self, name: str) -> click.Command:
        command = self._plugins.get(name)
        if command is None:
            ep = self._plugin_entry_points()[name]
            try:
                command = ep.load()()
            except ImportError as exc:  # keep the CLI usable; say why when the command is used
                command = unavailable_command(name, f"{ep.value} could not be imported ({exc})")
            self._plugins[name] = command
        return command
