"""The selection's shortcuts give exactly what numpy's general routines give.

``_sort_within`` must return ``numpy.lexsort((*keys, pid))`` and ``_unique_small``
``numpy.unique(codes, return_inverse=True)``, on uniform and ragged prompt sizes, with
ties, negative zeros and a random tie-break key.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from judgespec.audit._selection import _sort_within, _unique_small


def _layout(rng: np.random.Generator, uniform: bool) -> tuple[np.ndarray, int]:
    n_prompts = int(rng.integers(1, 400))
    sizes = np.full(n_prompts, int(rng.integers(1, 9))) if uniform else rng.integers(0, 9, n_prompts)
    return np.repeat(np.arange(n_prompts), sizes), n_prompts


@pytest.mark.parametrize("uniform", [True, False])
@pytest.mark.parametrize("seed", range(6))
def test_sort_within_is_lexsort(uniform: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    pid, n_prompts = _layout(rng, uniform)
    scores = np.round(rng.normal(size=len(pid)) * 2) / 2  # coarse: many ties
    scores[rng.random(len(pid)) < 0.2] = -0.0
    tie_break = rng.random(len(pid))
    assert np.array_equal(_sort_within(pid, n_prompts, -scores), np.lexsort((-scores, pid)))
    assert np.array_equal(
        _sort_within(pid, n_prompts, tie_break, -scores), np.lexsort((tie_break, -scores, pid))
    )


@pytest.mark.parametrize("bound", [1, 81, 10_000_000])
def test_unique_small_is_numpy_unique(bound: int) -> None:
    rng = np.random.default_rng(bound)
    codes = rng.integers(0, bound, size=5000)
    keys, inverse = _unique_small(codes, bound)
    expected_keys, expected_inverse = np.unique(codes, return_inverse=True)
    assert np.array_equal(keys, expected_keys)
    assert np.array_equal(inverse, expected_inverse.reshape(-1))
    assert np.array_equal(keys[inverse], codes)


def test_log_factorials_match_scipy_and_exact_integers() -> None:
    """log i! from math.lgamma: against scipy's gammaln and the exact factorial's log."""
    from scipy.special import gammaln

    from judgespec.audit._selection import _log_factorials

    got = _log_factorials(300)
    assert got[0] == 0.0 and got[1] == 0.0
    np.testing.assert_allclose(got, gammaln(np.arange(301) + 1.0), rtol=1e-15, atol=0)  # a few ulps
    exact = [math.log(math.factorial(i)) for i in range(301)]  # Python's log of an exact int
    np.testing.assert_allclose(got, exact, rtol=1e-15, atol=0)  # a few ulps
