"""``judgespec plan``: size an audit from a pilot scorecard or contrast."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import click

from ._base import fail
from ._contrast_cmds import parse_gate

__all__ = ["plan"]


def _pilot_file(path: Path) -> Path:
    """The pilot file: ``path``, or a folder's scorecard.json / contrast.json."""
    if path.is_dir():
        for name in ("scorecard.json", "contrast.json"):
            if (path / name).is_file():
                return path / name
        fail(f"{path}: a folder given as --pilot must hold scorecard.json or contrast.json")
    return path


def _is_contrast(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False  # the scorecard loader reports the problem
    return isinstance(data, dict) and "contrast_version" in data


def _num(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.4g}"


@click.command()
@click.option("--pilot", required=True, type=click.Path(path_type=Path), help="Pilot scorecard.json or contrast.json (or a folder holding one).")
@click.option("--gate", "gates", multiple=True, help="Gate to size, METRIC>=X or METRIC<=X (repeatable; scorecard pilots).")
@click.option("--power", type=click.FloatRange(min=0.0, max=1.0, min_open=True, max_open=True), default=0.8, show_default=True, help="Probability that the gate is decided (contrast: that the MDE is detected).")
@click.option("--prompts", type=click.IntRange(min=1), help="Audit size for the contrast MDE (default: the pilot's prompts).")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
def plan(pilot: Path, gates: tuple[str, ...], power: float, prompts: int | None, as_json: bool) -> None:
    """Plan an audit from a pilot: prompts a gate needs, or a contrast's MDE.

    With a scorecard pilot, each --gate gets the smallest number of prompts at which its
    interval is clear of the threshold (decided: passed, or failed beyond doubt) with
    probability --power, taking the pilot estimate as the true value and scaling the
    pilot's standard error (from its interval) by sqrt(pilot prompts / prompts). With a
    contrast pilot, each paired difference gets its minimum detectable difference
    (z_{1-a/2} + z_power) x SE_diff x sqrt(pilot prompts / prompts). Formulas:
    docs/plan.md.
    """
    from ..instrument import plan_contrast, plan_gate

    file = _pilot_file(pilot)
    if _is_contrast(file):
        from ..scorecard import load_contrast

        if gates:
            fail(f"{file} is a contrast: --gate sizes scorecard gates; a contrast plan reports MDEs")
        rows = plan_contrast(load_contrast(file), power=power, prompts=prompts)
        if as_json:
            click.echo(json.dumps([dataclasses.asdict(r) for r in rows], indent=2, allow_nan=False))
            return
        level = rows[0].confidence
        click.echo(
            f"Minimum detectable differences at {rows[0].prompts} prompts "
            f"(pilot {rows[0].pilot_prompts}; two-sided, {100 * level:g}% level, power {power:g}):"
        )
        for r in rows:
            needed = "n/a" if r.prompts_for_difference is None else str(r.prompts_for_difference)
            click.echo(
                f"  {r.judge} - {r.reference}  {r.metric}: MDE {_num(r.mde)} "
                f"(pilot difference {_num(r.difference)}, SE {_num(r.se_pilot)}; "
                f"prompts to detect it: {needed})"
            )
        return
    from ..scorecard import load_scorecard

    if not gates:
        fail("give at least one --gate (e.g. --gate 'recovery>=0.3') to plan from a scorecard")
    if prompts is not None:
        fail("--prompts is for contrast pilots; a gate plan finds the prompts itself")
    scorecard = load_scorecard(file)
    plans = [plan_gate(scorecard, parse_gate(g), power=power, source=str(file)) for g in gates]
    if as_json:
        data = [
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in dataclasses.asdict(p).items()}
            for p in plans
        ]
        click.echo(json.dumps(data, indent=2, allow_nan=False))
        return
    for p in plans:
        head = (
            f"{p.gate}: pilot {_num(p.estimate)} [{_num(p.ci_low)}, {_num(p.ci_high)}] on "
            f"{p.pilot_prompts} prompts (SE {_num(p.se_pilot)}; decided there with probability "
            f"{_num(p.pilot_decision_probability)})"
        )
        if p.prompts is None:
            click.echo(f"{head}; no audit size decides it: the pilot estimate is at the threshold")
        else:
            click.echo(
                f"{head}; decided with probability {p.power:g} at {p.prompts} prompts "
                f"(P(pass) {_num(p.pass_probability)})"
            )
