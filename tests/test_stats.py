"""Known answers for sim.stats: closed forms, independent libraries, brute force and coverage.

No published figure is quoted here from memory. Where a published worked example would be the
natural test (Newcombe 1998's paired examples), the expected values are computed in the test by
another route instead: the Wilson limits as roots of the score equation (scipy's brentq), the
correlation with numpy, and statsmodels' own Newcombe interval for independent proportions,
which method 10 must equal when the pairs are uncorrelated.
"""

import math

import numpy as np
import pytest
from scipy import stats as sps
from scipy.optimize import brentq
from statsmodels.stats.proportion import confint_proportions_2indep

from sim import stats

Z = 1.959963984540054


def test_z_quantile():
    assert stats.z_quantile() == pytest.approx(Z, rel=1e-12)
    assert stats.z_quantile(0.9) == pytest.approx(1.644854, rel=1e-6)


def wilson_by_root(k: int, n: int, z: float = Z) -> tuple[float, float]:
    """The Wilson limits as the proportions π with |k/n − π| = z √(π(1 − π)/n)."""
    p = k / n

    def score(pi):
        return (p - pi) ** 2 - z * z * pi * (1 - pi) / n

    eps = 1e-12  # π = p is a root too when p is 0 or 1: search beside it
    lo = 0.0 if k == 0 else brentq(score, 0.0, min(p, 1 - eps))
    hi = 1.0 if k == n else brentq(score, max(p, eps), 1.0)
    return lo, hi


@pytest.mark.parametrize("k, n", [(5, 10), (8, 10), (0, 10), (10, 10), (1, 29), (137, 500)])
def test_wilson_interval_solves_the_score_equation(k, n):
    assert stats.wilson_interval(k, n) == pytest.approx(wilson_by_root(k, n), abs=1e-9)


def test_wilson_interval_closed_form_and_edges():
    # centre (p + z²/2n) / (1 + z²/n) ± z √(p(1−p)/n + z²/4n²) / (1 + z²/n), for 5/10
    assert stats.wilson_interval(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    lo, hi = stats.wilson_interval(0, 10)
    assert lo == 0 and hi == pytest.approx(0.2775, abs=1e-4)
    lo, hi = stats.wilson_interval(10, 10)
    assert hi == 1 and lo == pytest.approx(0.7225, abs=1e-4)
    assert all(math.isnan(v) for v in stats.wilson_interval(0, 0))


def test_mean_interval_is_the_t_interval():
    x = [3.0, 5.0, 4.0, 8.0, 6.0]
    expected = sps.t.interval(0.95, len(x) - 1, loc=np.mean(x), scale=sps.sem(x))
    assert stats.mean_interval(x) == pytest.approx(expected, rel=1e-10)
    assert stats.mean_interval([2.0, 2.0, 2.0]) == (2.0, 2.0)
    assert all(math.isnan(v) for v in stats.mean_interval([1.0, math.nan]))


def test_difference_of_proportions_wald_interval():
    d = stats.difference_of_proportions(4, 100, 21, 100)
    se = math.sqrt(0.04 * 0.96 / 100 + 0.21 * 0.79 / 100)
    assert (d.a, d.b, d.diff) == pytest.approx((0.04, 0.21, 0.17))
    assert (d.lo, d.hi) == pytest.approx((0.17 - Z * se, 0.17 + Z * se), rel=1e-9)
    assert d.half == pytest.approx(Z * se, rel=1e-9) and d.clear
    assert not stats.difference_of_proportions(50, 100, 52, 100).clear


def test_difference_of_means_welch_normal_interval():
    d = stats.difference_of_means([1, 2, 3], [4, 5, 7])
    se = math.sqrt(1 / 3 + (7 / 3) / 3)  # sample variances 1 and 7/3, three values each
    assert d.diff == pytest.approx(10 / 3) and d.half == pytest.approx(Z * se, rel=1e-9)
    assert stats.difference_of_means([1, 2, math.nan, 3], [4, 5, 7]) == d  # NaNs dropped
    assert math.isnan(stats.difference_of_means([1], [4, 5]).lo)


# --------------------------------------------------------------------------- paired proportions


def newcombe_10_by_hand(x1, x2, z: float = Z) -> tuple[float, float]:
    """Method 10 from its definition, with Wilson limits by root finding and φ from numpy."""
    x1, x2 = np.asarray(x1, dtype=float), np.asarray(x2, dtype=float)
    n = len(x1)
    p1, p2 = x1.mean(), x2.mean()
    l1, u1 = wilson_by_root(int(x1.sum()), n, z)
    l2, u2 = wilson_by_root(int(x2.sum()), n, z)
    phi = 0.0 if x1.std() == 0 or x2.std() == 0 else np.corrcoef(x1, x2)[0, 1]
    lo = p2 - p1 - math.sqrt((p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2)
    hi = p2 - p1 + math.sqrt((u2 - p2) ** 2 - 2 * phi * (u2 - p2) * (p1 - l1) + (p1 - l1) ** 2)
    return lo, hi


def pairs(both: int, first_only: int, second_only: int, neither: int) -> tuple[list[int], list[int]]:
    """Two paired binary samples with the given 2 × 2 table."""
    x1 = [1] * both + [1] * first_only + [0] * second_only + [0] * neither
    x2 = [1] * both + [0] * first_only + [1] * second_only + [0] * neither
    return x1, x2


@pytest.mark.parametrize("table", [(20, 20, 30, 30), (40, 3, 12, 45), (1, 1, 7, 12), (0, 0, 5, 15), (30, 0, 0, 10)])
def test_paired_proportions_follow_newcombe_method_10(table):
    x1, x2 = pairs(*table)
    d = stats.paired_difference_of_proportions(x1, x2)
    assert d.diff == pytest.approx(np.mean(x2) - np.mean(x1))
    assert (d.lo, d.hi) == pytest.approx(newcombe_10_by_hand(x1, x2), abs=1e-9)
    assert d.lo <= d.diff <= d.hi


def test_uncorrelated_pairs_give_newcombes_independent_interval():
    x1, x2 = pairs(20, 20, 30, 30)  # φ = (20·30 − 20·30)/… = 0: 40/100 against 50/100
    d = stats.paired_difference_of_proportions(x1, x2)
    expected = confint_proportions_2indep(50, 100, 40, 100, method="newcomb", compare="diff")
    assert (d.lo, d.hi) == pytest.approx(expected, abs=1e-12)


def test_common_random_numbers_narrow_the_interval():
    """The same marginals (40/100, 50/100), strongly correlated pairs: a narrower interval."""
    independent = stats.paired_difference_of_proportions(*pairs(20, 20, 30, 30))
    correlated = stats.paired_difference_of_proportions(*pairs(38, 2, 12, 48))
    assert correlated.diff == pytest.approx(independent.diff)
    assert correlated.hi - correlated.lo < 0.6 * (independent.hi - independent.lo)
    assert correlated.clear and not independent.clear


def test_paired_proportions_cover_the_true_difference():
    """About 95 % of intervals from correlated pairs contain the true difference 0.10."""
    rng = np.random.default_rng(7)
    cells = rng.choice(4, size=(2000, 60), p=[0.25, 0.05, 0.15, 0.55])  # both, first, second, neither
    covered = 0
    for row in cells:
        d = stats.paired_difference_of_proportions(np.isin(row, (0, 1)), np.isin(row, (0, 2)))
        covered += d.lo <= 0.10 <= d.hi
    assert 0.93 <= covered / len(cells) <= 0.97


def test_paired_values_must_match_in_length():
    with pytest.raises(ValueError):
        stats.paired_difference_of_proportions([1, 0], [1, 0, 1])
    with pytest.raises(ValueError):
        stats.paired_difference_of_means([1.0, 2.0], [1.0])


# --------------------------------------------------------------------------- paired means


def test_paired_means_is_the_paired_t_interval():
    x1 = np.array([10.0, 12.0, 9.0, 15.0, 11.0, 13.0])
    x2 = x1 + np.array([1.0, 2.5, 0.5, 3.0, 1.5, 2.0])
    d = stats.paired_difference_of_means(x1, x2)
    ci = sps.ttest_rel(x2, x1).confidence_interval(0.95)
    assert d.diff == pytest.approx(1.75) and (d.lo, d.hi) == pytest.approx((ci.low, ci.high), rel=1e-10)
    # the same values unpaired: a far wider interval
    assert stats.difference_of_means(x1, x2).half > 2 * d.half


# --------------------------------------------------------------------------- survival


def test_kaplan_meier_tiny_censored_example():
    km = stats.kaplan_meier([1, 2, 2, 3, 4], [True, True, False, True, False])
    assert km["time"].tolist() == [0, 1, 2, 3, 4]
    assert km["at_risk"].tolist() == [5, 5, 4, 2, 1]
    assert km["survival"].tolist() == pytest.approx([1, 0.8, 0.6, 0.3, 0.3])
    assert stats.km_median(km) == 3
    # Greenwood variance at t=2 with the log(-log) transform
    s, v = 0.6, 1 / (5 * 4) + 1 / (4 * 3)
    se = math.sqrt(v) / abs(math.log(s))
    row = km.iloc[2]
    assert row["lo"] == pytest.approx(s ** math.exp(Z * se), rel=1e-9)
    assert row["hi"] == pytest.approx(s ** math.exp(-Z * se), rel=1e-9)
    assert (km["lo"] <= km["survival"]).all() and (km["survival"] <= km["hi"]).all()


def test_kaplan_meier_agrees_with_scipy():
    rng = np.random.default_rng(3)
    t = rng.integers(1, 30, size=200).astype(float)
    observed = rng.random(200) < 0.6
    km = stats.kaplan_meier(t, observed).iloc[1:]
    sf = sps.ecdf(sps.CensoredData(uncensored=t[observed], right=t[~observed])).sf
    ci = sf.confidence_interval(0.95, method="log-log")
    times = km["time"].to_numpy()
    assert km["survival"].to_numpy() == pytest.approx(sf.evaluate(times), rel=1e-12)
    assert km["lo"].to_numpy() == pytest.approx(ci.low.evaluate(times), rel=1e-9)
    assert km["hi"].to_numpy() == pytest.approx(ci.high.evaluate(times), rel=1e-9)


def test_kaplan_meier_edges():
    assert math.isnan(stats.km_median(stats.kaplan_meier([5, 5], [False, False])))
    km = stats.kaplan_meier([2, 2], [True, True])
    assert km["survival"].tolist() == [1, 0] and km[["lo", "hi"]].iloc[-1].tolist() == [0, 0]


def test_median_time_counts_never_as_later_than_every_week():
    assert stats.median_time([3, 1, math.nan]) == 3  # as the median of 1, 3, ∞
    assert stats.median_time([4, 1, math.nan, math.nan]) == 4  # half by week 4
    assert math.isnan(stats.median_time([4, math.nan, math.nan]))  # fewer than half ever
