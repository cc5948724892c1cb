"""Shared-prefix planning for batched forward passes (see :mod:`._transformers`).

Requests of one prompt share every token up to the candidate response. A batch is
split into groups that share a prefix; each group's prefix runs once and its key/value
cache is copied to the group's rows, which then run only their suffixes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["MIN_PREFIX_TOKENS", "Layout", "plan_prefixes"]

MIN_PREFIX_TOKENS = 16
"""Shortest shared prefix worth reusing."""


@dataclass(frozen=True)
class Layout:
    """A batch split into shared prefixes and per-row suffixes (all left padded)."""

    prefix_ids: list[list[int]]
    """One prefix per group."""
    group_of: list[int]
    """Each row's group."""
    suffix_ids: list[list[int]]


def _common_length(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _layout(rows: Sequence[Sequence[int]], runs: Sequence[Sequence[int]]) -> Layout:
    prefixes: list[list[int]] = []
    group_of = [0] * len(rows)
    suffixes: list[list[int]] = [[] for _ in rows]
    for g, members in enumerate(runs):
        first = rows[members[0]]
        cut = min(len(rows[i]) - 1 for i in members)
        for i in members[1:]:
            cut = min(cut, _common_length(first, rows[i]))
        prefixes.append(list(first[:cut]))
        for i in members:
            group_of[i] = g
            suffixes[i] = list(rows[i][cut:])
    return Layout(prefixes, group_of, suffixes)


def _cost(layout: Layout) -> int:
    """Padded tokens the two passes compute: prefixes once per group, suffixes per row."""
    return len(layout.prefix_ids) * max(len(p) for p in layout.prefix_ids) + len(
        layout.suffix_ids
    ) * max(len(s) for s in layout.suffix_ids)


def plan_prefixes(
    rows: Sequence[Sequence[int]], *, min_prefix: int = MIN_PREFIX_TOKENS
) -> Layout | None:
    """Split a batch into groups that share a prefix, or ``None`` when reuse does not pay.

    Two candidate layouts are costed in padded tokens (:func:`_cost`): the whole batch
    as one group over the prefix every row shares (length H), and runs of consecutive
    rows that share at least ``H + min_prefix`` tokens (e.g. the requests of one
    prompt, whose rows share the prompt beyond the template's header). The cheaper is
    used if it computes at most 90% of the plain batch's ``rows * longest`` tokens.
    """
    if len(rows) < 2 or min(len(r) for r in rows) < 2:
        return None
    common = min(len(r) for r in rows) - 1
    for r in rows[1:]:
        common = min(common, _common_length(rows[0], r))
    options: list[Layout] = []
    if common >= min_prefix:
        options.append(_layout(rows, [list(range(len(rows)))]))
    runs: list[list[int]] = [[0]]
    for i in range(1, len(rows)):
        if _common_length(rows[i - 1], rows[i]) >= common + min_prefix:
            runs[-1].append(i)
        else:
            runs.append([i])
    if any(len(run) > 1 for run in runs):
        options.append(_layout(rows, runs))
    if not options:
        return None
    best = min(options, key=_cost)
    plain = len(rows) * max(len(r) for r in rows)
    return best if _cost(best) <= 0.9 * plain else None
