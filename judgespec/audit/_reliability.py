"""Per-prompt sufficient statistics of judge stability: repeat agreement, parse failures."""

from __future__ import annotations

import itertools

import numpy as np

from ._groups import Float, centred, group_mean_rows, group_sum
from ._table import CandidatesTable


def repeat_stats(table: CandidatesTable) -> dict[str, Float]:
    """Per-prompt columns behind ``repeat_agreement`` (Krippendorff's α, interval metric).

    A unit is a candidate with two or more repeated judge samples (``judge_samples``;
    candidates with fewer are not pairable and are left out, as in Krippendorff 2011).
    With m_u values in unit u and n = Σ_u m_u pairable values:

    - ``ra_n`` = Σ m_u, ``ra_s1`` = Σ v, ``ra_s2`` = Σ v² (values centred by their overall
      mean; α is shift invariant);
    - ``ra_w`` = Σ_u 2 m_u SS_u / (m_u - 1), SS_u the sum of squared deviations from the
      unit mean, which equals Σ_u (1 / (m_u - 1)) Σ_{c≠k ∈ u} (v_c - v_k)².

    Then D_o = W / n, D_e = 2 (n S2 - S1²) / (n (n - 1)) and α = 1 - D_o / D_e.
    """
    P = table.n_prompts
    names = ("ra_units", "ra_n", "ra_s1", "ra_s2", "ra_w")
    if table.judge_samples is None:
        return {name: np.zeros(P) for name in names}
    counts = np.fromiter(map(len, table.judge_samples), dtype=np.intp, count=table.n_rows)
    values = np.fromiter(
        itertools.chain.from_iterable(table.judge_samples), dtype=np.float64, count=counts.sum()
    )
    unit = np.repeat(np.arange(table.n_rows), counts)
    pairable = counts[unit] >= 2
    unit, values = unit[pairable], values[pairable]
    values = centred(values)
    m = counts.astype(np.float64)
    unit_sum = np.bincount(unit, weights=values, minlength=table.n_rows)
    deviation = values - group_mean_rows(unit, values, table.n_rows)
    ss = np.bincount(unit, weights=deviation * deviation, minlength=table.n_rows)
    with np.errstate(invalid="ignore", divide="ignore"):
        within = np.where(counts >= 2, 2.0 * m * ss / (m - 1.0), 0.0)
    row_prompt = table.row_prompt
    return {
        "ra_units": group_sum(row_prompt, counts >= 2, P),
        "ra_n": group_sum(row_prompt, np.where(counts >= 2, m, 0.0), P),
        "ra_s1": group_sum(row_prompt, unit_sum, P),
        "ra_s2": group_sum(
            row_prompt, np.bincount(unit, weights=values * values, minlength=table.n_rows), P
        ),
        "ra_w": group_sum(row_prompt, within, P),
    }


def parse_stats(table: CandidatesTable) -> dict[str, Float]:
    """Per-prompt columns behind ``parse_failure_rate``: candidate rows; parse failures.

    Both are zero when the table has no ``parse_failure`` column: failures were not
    recorded, so the rate is undefined rather than 0.
    """
    row_prompt = table.row_prompt
    P = table.n_prompts
    if not table.parse_failure_recorded:  # unknown, not zero
        return {"pf_rows": np.zeros(P), "pf_fail": np.zeros(P)}
    return {
        "pf_rows": table.sizes.astype(np.float64),
        "pf_fail": group_sum(row_prompt, table.parse_failure, P),
    }
