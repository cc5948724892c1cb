"""``judgespec validate | schema | lock | verify``: contract commands."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..contract import contract_json_schema, load_contract
from ._base import fail

__all__ = ["lock", "schema", "validate", "verify"]


@click.command()
@click.argument("contracts", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(contracts: tuple[Path, ...]) -> None:
    """Validate one or more contract files; print each fingerprint."""
    for path in contracts:
        loaded = load_contract(path)
        click.echo(f"{path}: ok  {loaded.contract.name} {loaded.contract.version}  {loaded.fingerprint}")
        for warning in loaded.contract.warnings:
            click.echo(f"{path}: warning: {warning}", err=True)


@click.command()
@click.option("--scorecard", "which", flag_value="scorecard", help="Print the scorecard schema instead.")
@click.option("--contract", "which", flag_value="contract", default=True, help="Print the contract schema (default).")
def schema(which: str) -> None:
    """Print the JSON Schema of contracts (or scorecards)."""
    if which == "scorecard":
        from ..scorecard import scorecard_json_schema

        data = scorecard_json_schema()
    else:
        data = contract_json_schema()
    click.echo(json.dumps(data, indent=2, sort_keys=True))


@click.command()
@click.argument("contract", type=click.Path(path_type=Path))
def lock(contract: Path) -> None:
    """Write CONTRACT's lock file (<name>.lock.json beside it)."""
    from ..lock import write_lock

    out = write_lock(contract)
    click.echo(f"wrote {out}")


@click.command()
@click.argument("contract", type=click.Path(path_type=Path))
@click.option("--lock", "lock_file", type=click.Path(path_type=Path), default=None, help="Lock file (default: <contract>.lock.json).")
def verify(contract: Path, lock_file: Path | None) -> None:
    """Check CONTRACT against its lock; exit 1 naming what drifted."""
    from ..lock import verify_lock

    drifts = verify_lock(contract, lock_file)
    if drifts:
        for drift in drifts:
            click.echo(f"drift: {drift}", err=True)
        fail(f"{contract} no longer matches its lock ({len(drifts)} difference(s)); review the change, then run `judgespec lock {contract}`")
    click.echo(f"{contract}: matches its lock")
