"""The bon-audit fixture's expected candidates and metrics, worked out by hand.

The scripted policy answers ``A op B + offset`` with offsets 0, 1, 0, 5 for draws 0..3;
the digit judge scores ``1 + d % 5`` for the response's last digit ``d`` and fails to
parse a 9; the oracle is Inspect's ``match()`` against the exact answer.
"""

from __future__ import annotations

# prompt id -> [(answer, oracle, judge score or None for a parse failure)], draws 0..3
HAND: dict[str, list[tuple[int, float, float | None]]] = {
    "q1": [(42, 1, 3), (43, 0, 4), (42, 1, 3), (47, 0, 3)],  # 17 + 25
    "q2": [(84, 1, 5), (85, 0, 1), (84, 1, 5), (89, 0, None)],  # 12 * 7
    "q3": [(38, 1, 4), (39, 0, None), (38, 1, 4), (43, 0, 4)],  # 51 - 13
    "q4": [(90, 1, 1), (91, 0, 2), (90, 1, 1), (95, 0, 1)],  # 33 + 57
    "q5": [(49, 1, None), (50, 0, 1), (49, 1, None), (54, 0, 5)],  # 7 * 7
    "q6": [(64, 1, 5), (65, 0, 1), (64, 1, 5), (69, 0, None)],  # 8 * 8
}

# Worked by hand from HAND (selection uses candidates with a judge score):
#   q1 pick 43 (y 0), mean 1/2 | q2 tie 84/84 (y 1), mean 2/3 | q3 three-way tie, E 2/3,
#   mean 2/3 | q4 pick 91 (y 0), mean 1/2 | q5 only wrong answers judged: no gain
#   possible | q6 like q2.
EXPECTED = {
    "recovery": (-0.5 + 1 / 3 + 0 - 0.5 + 0 + 1 / 3) / (0.5 + 1 / 3 + 1 / 3 + 0.5 + 0 + 1 / 3),
    "top1_accuracy": (0 + 1 + 2 / 3 + 0 + 1 + 1) / 6,
    "regret": (1 + 0 + 1 / 3 + 1 + 0 + 0) / 6,
    "tie_rate": (3 + 1 + 3 + 3 + 0 + 1) / (6 + 3 + 3 + 6 + 1 + 3),
    "top_tie_rate": 3 / 6,
    "parse_failure_rate": 5 / 24,
    "prompts": 6,
    "candidates": 24,
    "parse_failures": 5,
    "short_prompts": 0,
}
