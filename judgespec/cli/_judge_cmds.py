"""``judgespec judge`` and ``judgespec cache``: run a contract's judge, manage its cache."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..contract import load_contract

if TYPE_CHECKING:  # the judge engine (numpy) is imported when a command runs
    from ..judge import JudgeCache

__all__ = ["COMMANDS", "cache", "judge"]


def _cache_at(cache_dir: Path | None) -> JudgeCache:
    from ..judge import JudgeCache

    return JudgeCache.in_dir(cache_dir) if cache_dir is not None else JudgeCache.default()


@click.command()
@click.option(
    "--contract",
    "contract_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The judge contract (YAML).",
)
@click.option(
    "--candidates",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Candidates table (JSON Lines, .jsonl.gz or Parquet).",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Directory for candidates.jsonl, comparisons.jsonl and judgments.jsonl.",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the judge cache.")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Judge cache directory (default: the user cache dir).",
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=None, help="Judge only the first N prompts."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
def judge(
    contract_path: Path,
    candidates: Path,
    out_dir: Path,
    no_cache: bool,
    cache_dir: Path | None,
    limit: int | None,
    quiet: bool,
) -> None:
    """Judge a candidates table with a contract's judge; write the judged tables to OUT."""
    if no_cache and cache_dir is not None:
        raise click.UsageError("give at most one of --no-cache and --cache-dir")
    from ..judge import judge_candidates, read_candidate_rows

    loaded = load_contract(contract_path)
    rows = read_candidate_rows(candidates, limit=limit)  # validated, naming file and line
    store = None if no_cache else _cache_at(cache_dir)
    try:
        output = judge_candidates(
            loaded,
            rows,
            cache=store,
            progress=not quiet and sys.stderr.isatty(),
            source=str(candidates),
        )
    finally:
        if store is not None:
            store.close()
    paths = output.write(out_dir)
    if quiet:
        return
    contract = loaded.contract
    prompts = len({str(r.get("prompt_id")) for r in rows})
    click.echo(
        f"judged {len(rows)} candidates of {prompts} prompts with {contract.name} "
        f"{contract.version} ({loaded.fingerprint[:19]}...)"
    )
    click.echo(output.stats.summary())
    for reason, count in sorted(output.stats.parse_failures.items()):
        click.echo(f"  parse failures: {reason}: {count}")
    click.echo("wrote " + ", ".join(str(p) for p in paths.values()))


@click.group()
def cache() -> None:
    """Inspect or clear the judge cache."""


@cache.command("info")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Judge cache directory (default: the user cache dir).",
)
def cache_info(cache_dir: Path | None) -> None:
    """Print the cache's path, entries and size."""
    with _cache_at(cache_dir) as store:
        info = store.info()
    click.echo(f"path: {info.path}")
    click.echo(f"entries: {info.entries}")
    click.echo(f"size: {info.size_bytes / 1e6:.2f} MB")


@cache.command("clear")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Judge cache directory (default: the user cache dir).",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def cache_clear(cache_dir: Path | None, yes: bool) -> None:
    """Delete every cached judge call."""
    with _cache_at(cache_dir) as store:
        if not yes:
            info = store.info()
            click.confirm(f"Delete {info.entries} cached judge calls in {info.path}?", abort=True)
        removed = store.clear()
    click.echo(f"removed {removed} cached judge calls")


COMMANDS = [judge, cache]
