"""Metric formulas: every audit metric as a function of summed per-prompt statistics.

Each formula takes :class:`Sums` (column sums of the per-prompt statistics matrix, for
the whole data or for a batch of bootstrap replicates) and returns the metric, NaN where
it is undefined. The point estimate and every bootstrap replicate use the same formula,
so a metric's interval always matches its definition. Notation: prompt p has candidates
i = 1..n_p with oracle utility y_i and judge score s_i; ȳ_p is the prompt mean.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..metrics import HEADLINE_METRICS, METRIC_NAMES

Float = NDArray[np.float64]

__all__ = ["HEADLINE_METRICS", "METRICS", "METRIC_NAMES", "MetricSpec", "Sums"]


class Sums:
    """Named view of column sums: ``sums[name]`` is one column (scalar or per replicate)."""

    def __init__(self, data: Float, index: Mapping[str, int]) -> None:
        self.data = data
        self.index = index
        self.used: set[str] = set()
        """Names read so far (to learn which columns a formula needs)."""

    def __getitem__(self, name: str) -> Float:
        self.used.add(name)
        return np.asarray(self.data[..., self.index[name]], dtype=np.float64)


def _ratio(num: Float, den: Float) -> Float:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den != 0, num / np.where(den != 0, den, 1.0), np.nan)


def _centred_ss(total: Float, squares: Float, n: Float) -> Float:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, squares - total * total / np.where(n > 0, n, 1.0), 0.0)


# --------------------------------------------------------------------------- selection


def recovery(t: Sums) -> Float:
    """Recovery = Σ_p (E[y_pick] − ȳ_p) / Σ_p (max_i y_i − ȳ_p).

    The share of the gain of oracle selection over a uniformly random pick that judge
    selection captures (ratio of sums over prompts). Prompts whose candidates all have
    equal utility add 0 to both sums. E[y_pick] follows the tie policy (``expected``:
    mean utility of the tied top candidates). Reference: Landesberg, "When LLM Judge
    Scores Look Good but Best-of-N Decisions Fail", arXiv 2603.12520.
    """
    return _ratio(t["sel_gain"], t["sel_room"])


def top1_accuracy(t: Sums) -> Float:
    """Top-1 accuracy = mean_p P(pick ∈ argmax_i y_i).

    Under the ``expected`` tie policy P is the share of the judge's tied top candidates
    that are oracle-best; a prompt whose utilities are all equal scores 1. Reference:
    Landesberg, arXiv 2603.12520.
    """
    return _ratio(t["sel_top1"], t["sel_n"])


def regret(t: Sums) -> Float:
    """Regret = mean_p (max_i y_i − E[y_pick]), in oracle units (0 is perfect selection).

    Reference: Landesberg, arXiv 2603.12520.
    """
    return _ratio(t["sel_regret"], t["sel_n"])


# --------------------------------------------------------------------------- correlation


def r_global(t: Sums) -> Float:
    """Pearson's r over all (s_i, y_i) of the selection prompts' eligible candidates.

    r = Σ(s − s̄)(y − ȳ) / sqrt(Σ(s − s̄)² Σ(y − ȳ)²), from the sums n, Σs, Σy, Σs², Σy²,
    Σsy. Ties need no handling. Reference: Landesberg, arXiv 2603.12520 (global versus
    within-prompt agreement).
    """
    n = t["cor_n"]
    cov = t["cor_sy"] - _ratio(t["cor_s"] * t["cor_y"], n)
    vs = _centred_ss(t["cor_s"], t["cor_ss"], n)
    vy = _centred_ss(t["cor_y"], t["cor_yy"], n)
    with np.errstate(invalid="ignore"):
        return _ratio(cov, np.sqrt(vs * vy))


def r_within(t: Sums) -> Float:
    """Pearson's r over prompt-demeaned pairs (s_i − s̄_p, y_i − ȳ_p).

    r_within = Σ_p Σ_i (s_i − s̄_p)(y_i − ȳ_p) / sqrt(Σ_p Σ_i (s_i − s̄_p)² · Σ_p Σ_i
    (y_i − ȳ_p)²): the agreement that selection within a prompt depends on. Reference:
    Landesberg, arXiv 2603.12520.
    """
    with np.errstate(invalid="ignore"):
        return _ratio(t["cor_wsy"], np.sqrt(t["cor_wss"] * t["cor_wyy"]))


def within_share_judge(t: Sums) -> Float:
    """Share of judge-score variance within prompts: Σ_p Σ_i (s_i − s̄_p)² / Σ (s_i − s̄)²."""
    return _ratio(t["cor_wss"], _centred_ss(t["cor_s"], t["cor_ss"], t["cor_n"]))


def within_share_oracle(t: Sums) -> Float:
    """Share of oracle variance within prompts: Σ_p Σ_i (y_i − ȳ_p)² / Σ (y_i − ȳ)²."""
    return _ratio(t["cor_wyy"], _centred_ss(t["cor_y"], t["cor_yy"], t["cor_n"]))


# --------------------------------------------------------------------------- pairs of candidates


def tie_rate(t: Sums) -> Float:
    """Share of within-prompt pairs of judged candidates with s_i = s_j.

    Uses every candidate with a judge score (oracle or not). Reference: Landesberg,
    arXiv 2603.12520 (coarse pointwise scores tie in most within-prompt pairs).
    """
    return _ratio(t["tie_tied"], t["tie_pairs"])


def top_tie_rate(t: Sums) -> Float:
    """Share of prompts (two or more judged candidates) whose maximum judge score is shared."""
    return _ratio(t["top_tied"], t["top_prompts"])


def sign_agreement(t: Sums) -> Float:
    """P(sign(s_i − s_j) = sign(y_i − y_j)) over within-prompt pairs with both differences ≠ 0.

    Pairs tied on either side are left out (kappa counts them).
    """
    agree = t["kap_00"] + t["kap_11"]
    return _ratio(agree, agree + t["kap_01"] + t["kap_10"])


def kappa(t: Sums) -> Float:
    """Cohen's kappa of judge versus oracle pairwise preferences.

    Over all within-prompt pairs i < j (table order) of eligible candidates, each side
    labels the pair {i better, j better, tie} from sign(s_i − s_j) and sign(y_i − y_j).
    With the 3 x 3 confusion counts c_ab (N in all), p_o = Σ_a c_aa / N,
    p_e = Σ_a (c_a· / N)(c_·a / N) and κ = (p_o − p_e) / (1 − p_e); undefined when
    p_e = 1. Ties are a label of their own. The orientation of a pair follows table order:
    swapping two candidates swaps both labels, which keeps p_o but can change the
    marginals, so kappa (unlike ``sign_agreement``) can depend on the candidates' order.
    Reference: Cohen (1960), "A coefficient of agreement for nominal scales", Educational
    and Psychological Measurement 20(1).
    """
    cells = np.array([[t[f"kap_{a}{b}"] for b in range(3)] for a in range(3)])  # (3, 3, ...)
    total = cells.sum(axis=(0, 1))
    observed = _ratio(np.trace(cells), total)
    chance = _ratio((cells.sum(axis=1) * cells.sum(axis=0)).sum(axis=0), total * total)
    return _ratio(observed - chance, 1.0 - chance)


# --------------------------------------------------------------------------- pairwise protocol


def position_consistency(t: Sums) -> Float:
    """Share of matched presentation pairs whose verdict survives a swap of order.

    A matched pair is the k-th presentation (a, b) and the k-th presentation (b, a) of
    the same prompt (table order; presentations with a null winner are left out). It is
    consistent when the winner by candidate (a, b or tie) is the same in both orders.
    Unlike MT-Bench, parse failures are not in the denominator (they are counted in
    ``comparison_parse_failures``). Reference: Zheng et al. (2023), "Judging
    LLM-as-a-Judge with MT-Bench and Chatbot Arena", NeurIPS (position bias, consistency).
    """
    return _ratio(t["pc_consistent"], t["pc_matched"])


def preference_fairness(t: Sums) -> Float:
    """Lean towards the first versus the second slot among inconsistent matched pairs.

    = Σ (first-slot wins − second-slot wins) / (2 · inconsistent pairs), wins counted over
    both presentations of each inconsistent pair, so in [−1, 1]: +1 when every
    inconsistent pair went to the first slot twice, −1 for the second slot; a verdict
    that is a tie in one order counts half. Reference: Zheng et al. (2023), MT-Bench.
    """
    return _ratio(t["pf_lean"], t["pf_inconsistent"])


def pairwise_accuracy(t: Sums) -> Float:
    """Accuracy of pairwise verdicts against the oracle, by JudgeBench's rule.

    Over pairs whose two candidates have different, non-null oracle utilities, every
    presentation (each order) votes +1 for the oracle-better candidate, −1 for the other
    and 0 for a tie or a null winner (parse failure). A pair counts as correct only when
    its vote sum is positive; accuracy = correct pairs / pairs. A zero sum (inconsistent
    orders, ties, unparsed verdicts) is not correct; its share is
    ``pairwise_zero_sum_rate``. The half-credit reading (a zero sum earns 1/2) is the
    ``top1_accuracy`` of the selection derived from the same verdicts on best-of-2
    pairs. Reference: Tan et al. (2024), "JudgeBench: A Benchmark for Evaluating
    LLM-based Judges", arXiv 2410.12784, §4 and ``compute_final_metrics`` (both orders).
    """
    return _ratio(t["pa_correct"], t["pa_pairs"])


def pairwise_zero_sum_rate(t: Sums) -> Float:
    """Share of the ``pairwise_accuracy`` pairs whose votes sum to 0 (neither correct nor wrong).

    Zero sums come from ties, orders that disagree, and unparsed verdicts; 1 −
    ``pairwise_accuracy`` − this share is the share of pairs decided for the worse
    candidate. Reference: Tan et al. (2024), JudgeBench, arXiv 2410.12784.
    """
    return _ratio(t["pa_zero"], t["pa_pairs"])


def transitivity_violations(t: Sums) -> Float:
    """Share of decided candidate triads whose majority preferences form a cycle.

    Per pair of candidates the majority is the sign of the summed votes (null winners
    cast none); a triad counts when all three of its pairs have a non-zero majority, and
    violates transitivity when a > b, b > c and c > a (either direction).
    """
    return _ratio(t["tr_cycles"], t["tr_triads"])


# --------------------------------------------------------------------------- bias and stability


def length_bias(t: Sums) -> Float:
    """Within-prompt Pearson correlation of judge score with response length (characters).

    = Σ_p Σ_i (s_i − s̄_p)(L_i − L̄_p) / sqrt(Σ (s_i − s̄_p)² Σ (L_i − L̄_p)²) over judged
    candidates with a response. Positive values mean longer responses score higher
    within a prompt. Reference: Zheng et al. (2023), MT-Bench (verbosity bias).
    """
    with np.errstate(invalid="ignore"):
        return _ratio(t["len_sl"], np.sqrt(t["len_ss"] * t["len_ll"]))


def prefer_longer(t: Sums) -> Float:
    """P(judge prefers the longer response) over within-prompt pairs where the oracle is
    tied or absent, the judge is not tied and the lengths differ; 0.5 means no lean.
    """
    return _ratio(t["pl_longer"], t["pl_pairs"])


def repeat_agreement(t: Sums) -> Float:
    """Krippendorff's alpha (interval metric) across repeated judge samples per candidate.

    α = 1 − D_o / D_e with D_o = (1/n) Σ_u (1/(m_u − 1)) Σ_{c≠k ∈ u} (v_c − v_k)² and
    D_e = (1/(n(n − 1))) Σ_{c≠k} (v_c − v_k)² over all n pairable values (units with
    m_u ≥ 2 samples). 1 is perfect agreement, 0 is chance. Reference: Krippendorff
    (2011), "Computing Krippendorff's Alpha-Reliability".
    """
    n = t["ra_n"]
    spread = 2.0 * (n * t["ra_s2"] - t["ra_s1"] * t["ra_s1"])
    return 1.0 - _ratio((n - 1.0) * t["ra_w"], spread)


def parse_failure_rate(t: Sums) -> Float:
    """Share of candidate rows whose judge output could not be parsed (null score)."""
    return _ratio(t["pf_fail"], t["pf_rows"])


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class Context:
    """What the reasons for an undefined metric may need beyond the sums."""

    judged: int
    oracle_labelled: int
    selection_prompts: int
    has_comparisons: bool
    has_samples: bool


Reason = Callable[[Sums, Context], str]


@dataclass(frozen=True)
class MetricSpec:
    """A metric: its formula, what ``n`` counts, and why it may be undefined."""

    name: str
    value: Callable[[Sums], Float]
    unit: str
    count: Callable[[Sums], Float]
    reason: Reason


def _col(name: str) -> Callable[[Sums], Float]:
    return lambda t: t[name]


def _selection_reason(t: Sums, ctx: Context) -> str:
    if ctx.selection_prompts == 0:
        if ctx.judged == 0:
            return "no candidate has a judge score"
        if ctx.oracle_labelled == 0:
            return "no candidate has an oracle utility"
        return "no prompt has two or more candidates with both an oracle utility and a judge score"
    if t["sel_n"] == 0:
        return "every prompt's top judge score is tied and the abstain tie policy made no pick"
    return "undefined on this data"


def _recovery_reason(t: Sums, ctx: Context) -> str:
    if ctx.selection_prompts and t["sel_n"] and t["sel_room"] == 0:
        return "the oracle utility is constant within every prompt: there is no gain over random choice to recover"
    return _selection_reason(t, ctx)


def _r_global_reason(t: Sums, ctx: Context) -> str:
    if ctx.selection_prompts == 0:
        return _selection_reason(t, ctx)
    if _centred_ss(t["cor_s"], t["cor_ss"], t["cor_n"]) == 0:
        return "all judge scores are equal: the correlation is undefined"
    return "all oracle utilities are equal: the correlation is undefined"


def _r_within_reason(t: Sums, ctx: Context) -> str:
    if ctx.selection_prompts == 0:
        return _selection_reason(t, ctx)
    if t["cor_wss"] == 0:
        return "judge scores are tied within every prompt: no within-prompt variation"
    return "the oracle utility is constant within every prompt: no within-prompt variation"


def _share_reason(side: str) -> Reason:
    def reason(t: Sums, ctx: Context) -> str:
        if ctx.selection_prompts == 0:
            return _selection_reason(t, ctx)
        return f"all {side} are equal: there is no variance to split"

    return reason


def _tie_reason(t: Sums, ctx: Context) -> str:
    if ctx.judged == 0:
        return "no candidate has a judge score"
    return "no prompt has two or more candidates with a judge score"


def _sign_reason(t: Sums, ctx: Context) -> str:
    if ctx.selection_prompts == 0:
        return _selection_reason(t, ctx)
    return "no within-prompt pair differs on both the judge score and the oracle utility"


def _kappa_reason(t: Sums, ctx: Context) -> str:
    if ctx.selection_prompts == 0:
        return _selection_reason(t, ctx)
    return (
        "judge and oracle put every pair in one and the same label: chance agreement is 1 "
        "and kappa is undefined"
    )


def _pairwise_reason(missing: str) -> Reason:
    def reason(t: Sums, ctx: Context) -> str:
        if not ctx.has_comparisons:
            return "no comparisons table: pairwise metrics need pairwise verdicts"
        if missing == "fairness" and t["pc_matched"] > 0:
            return (
                "no inconsistent pair: the verdicts never changed under a swap, so there is no lean"
            )
        return {
            "consistency": "no pair was presented in both orders with parsed verdicts",
            "fairness": "no pair was presented in both orders with parsed verdicts",
            "accuracy": "no compared pair has two candidates with different, non-null oracle utilities",
            "transitivity": "no prompt has three candidates whose three pairs all have a majority verdict",
        }[missing]

    return reason


def _length_reason(t: Sums, ctx: Context) -> str:
    if t["len_n"] == 0:
        return "no prompt has two or more judged candidates with a response text"
    if t["len_ll"] == 0:
        return "response lengths are equal within every prompt"
    return "judge scores are tied within every prompt"


def _prefer_longer_reason(t: Sums, ctx: Context) -> str:
    return (
        "no within-prompt pair with the oracle tied or absent, different judge scores and "
        "different response lengths"
    )


def _repeat_reason(t: Sums, ctx: Context) -> str:
    if not ctx.has_samples:
        return "no judge_samples column: repeat agreement needs repeated judge samples"
    if t["ra_units"] == 0:
        return "no candidate has two or more judge samples"
    return "all judge samples are equal: expected disagreement is 0 and alpha is undefined"


def _parse_reason(t: Sums, ctx: Context) -> str:
    return "no parse_failure column: parse failures were not recorded"


def _pairs_total(t: Sums) -> Float:
    cells = np.array([t[f"kap_{a}{b}"] for a in range(3) for b in range(3)], dtype=np.float64)
    return np.asarray(cells.sum(axis=0), dtype=np.float64)


def _sign_pairs(t: Sums) -> Float:
    return t["kap_00"] + t["kap_01"] + t["kap_10"] + t["kap_11"]


METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("recovery", recovery, "prompts", _col("sel_n"), _recovery_reason),
    MetricSpec("top1_accuracy", top1_accuracy, "prompts", _col("sel_n"), _selection_reason),
    MetricSpec("regret", regret, "prompts", _col("sel_n"), _selection_reason),
    MetricSpec("r_global", r_global, "candidates", _col("cor_n"), _r_global_reason),
    MetricSpec("r_within", r_within, "candidates", _col("cor_n"), _r_within_reason),
    MetricSpec(
        "within_share_judge",
        within_share_judge,
        "candidates",
        _col("cor_n"),
        _share_reason("judge scores"),
    ),
    MetricSpec(
        "within_share_oracle",
        within_share_oracle,
        "candidates",
        _col("cor_n"),
        _share_reason("oracle utilities"),
    ),
    MetricSpec("tie_rate", tie_rate, "pairs", _col("tie_pairs"), _tie_reason),
    MetricSpec("top_tie_rate", top_tie_rate, "prompts", _col("top_prompts"), _tie_reason),
    MetricSpec("sign_agreement", sign_agreement, "pairs", _sign_pairs, _sign_reason),
    MetricSpec("kappa", kappa, "pairs", _pairs_total, _kappa_reason),
    MetricSpec(
        "position_consistency",
        position_consistency,
        "pairs",
        _col("pc_matched"),
        _pairwise_reason("consistency"),
    ),
    MetricSpec(
        "preference_fairness",
        preference_fairness,
        "pairs",
        _col("pf_inconsistent"),
        _pairwise_reason("fairness"),
    ),
    MetricSpec(
        "pairwise_accuracy",
        pairwise_accuracy,
        "pairs",
        _col("pa_pairs"),
        _pairwise_reason("accuracy"),
    ),
    MetricSpec(
        "pairwise_zero_sum_rate",
        pairwise_zero_sum_rate,
        "pairs",
        _col("pa_pairs"),
        _pairwise_reason("accuracy"),
    ),
    MetricSpec(
        "transitivity_violations",
        transitivity_violations,
        "triads",
        _col("tr_triads"),
        _pairwise_reason("transitivity"),
    ),
    MetricSpec("length_bias", length_bias, "candidates", _col("len_n"), _length_reason),
    MetricSpec("prefer_longer", prefer_longer, "pairs", _col("pl_pairs"), _prefer_longer_reason),
    MetricSpec(
        "repeat_agreement", repeat_agreement, "candidates", _col("ra_units"), _repeat_reason
    ),
    MetricSpec(
        "parse_failure_rate", parse_failure_rate, "candidates", _col("pf_rows"), _parse_reason
    ),
)
"""Every metric of an audit, in reporting order."""

if tuple(spec.name for spec in METRICS) != METRIC_NAMES:  # pragma: no cover - caught by every test run
    raise ImportError("judgespec.audit computes other metrics than judgespec.metrics names; keep the two in step")
