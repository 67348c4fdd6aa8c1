"""Comparing folders: paired on common seeds (and saying so), independent otherwise, p-values read
off the intervals, the false discovery rate controlled over a comparison's outcomes."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from sim.report.compare import compare, false_discovery, p_value, pairing
from sim.stats import (
    difference_of_means,
    difference_of_proportions,
    paired_difference_of_means,
    paired_difference_of_proportions,
)


def crn(n=300, seed=0, shift=0.1):
    """Two arms on the same seeds whose outcomes share their random draws (common random numbers)."""
    rng = np.random.default_rng(seed)
    u, v = rng.uniform(size=n), rng.normal(size=n)
    a = pd.DataFrame({"seed": np.arange(n), "deployed": u < 0.5, "troops": 1000 + 300 * v, "turkey_role": "none"})
    b = pd.DataFrame(
        {"seed": np.arange(n), "deployed": u < 0.5 + shift, "troops": 1100 + 300 * v, "turkey_role": "none"}
    )
    return a, b


def test_same_seeds_are_paired_row_by_row_even_when_shuffled():
    a, b = crn()
    shuffled = b.sample(frac=1, random_state=3)
    diffs, pair = compare(a, shuffled)
    assert pair.paired and pair.note == "paired on 300 common seeds"
    d = diffs.set_index("outcome")
    direct = paired_difference_of_proportions(a["deployed"], b["deployed"])
    assert (d.loc["deployed", "lo"], d.loc["deployed", "hi"]) == pytest.approx((direct.lo, direct.hi))
    means = paired_difference_of_means(a["troops"], b["troops"])
    assert d.loc["troops", "half"] == pytest.approx(means.half) and d.loc["troops", "diff"] == pytest.approx(100)
    # the paired interval is much narrower than the independent one on the same rows
    k1, k2 = int(a["deployed"].sum()), int(b["deployed"].sum())
    assert d.loc["deployed", "half"] < 0.6 * difference_of_proportions(k1, 300, k2, 300).half


def test_different_seeds_are_independent_and_say_so():
    a, b = crn()
    diffs, pair = compare(a, b.assign(seed=b["seed"] + 1000))
    assert not pair.paired and pair.note == "independent: the folders share no seeds"
    d = diffs.set_index("outcome")
    k1, k2 = int(a["deployed"].sum()), int(b["deployed"].sum())
    assert d.loc["deployed", "half"] == pytest.approx(difference_of_proportions(k1, 300, k2, 300).half)
    assert d.loc["troops", "half"] == pytest.approx(difference_of_means(a["troops"], b["troops"]).half)


def test_partial_overlap_and_repeated_seeds_are_independent_with_the_reason():
    a, b = crn()
    assert "share 150 of" in pairing(a, b.assign(seed=b["seed"] + 150)).note
    sweep = pd.concat([b.assign(k=1), b.assign(k=2)])  # a sweep: every job on the same seeds
    pair = pairing(a, sweep)
    assert not pair.paired and "up to 2 runs per seed" in pair.note
    # two sweeps of the same key are matched by (seed, swept value)
    pair = pairing(pd.concat([a.assign(k=1), a.assign(k=2)]), sweep, swept=("k",))
    assert pair.paired and pair.note == "paired on 600 runs matched by seed and k"


def test_p_values_agree_with_the_intervals():
    for shift in (0.0, 0.03, 0.06, 0.09, 0.15):
        a, b = crn(shift=shift)
        for diffs, _ in (compare(a, b), compare(a, b.assign(seed=b["seed"] + 1000))):
            for _, r in diffs.iterrows():
                if r["kind"] == "proportion":  # normal intervals: p < 0.05 exactly when 0 is outside
                    assert (r["p"] < 0.05) == bool(r["clear"]), (shift, r["outcome"], r["p"], r["lo"], r["hi"])
    a, b = crn(shift=0.0)
    assert p_value(paired_difference_of_proportions(a["deployed"], b["deployed"])) == 1.0


def test_benjamini_hochberg_over_many_null_outcomes_and_one_real_difference():
    rng = np.random.default_rng(11)
    n, nulls = 400, 60
    a = pd.DataFrame({f"null{i}": rng.uniform(size=n) < 0.5 for i in range(nulls)})
    b = pd.DataFrame({f"null{i}": rng.uniform(size=n) < 0.5 for i in range(nulls)})
    a["real"], b["real"] = rng.uniform(size=n) < 0.3, rng.uniform(size=n) < 0.6
    keys = [*(f"null{i}" for i in range(nulls)), "real"]
    diffs, pair = compare(a.assign(seed=range(n)), b.assign(seed=range(1000, 1000 + n)), keys=keys, means={})
    assert not pair.paired
    d = diffs.set_index("outcome")
    nominal = [k for k in keys[:-1] if d.loc[k, "clear"]]
    assert nominal, "some null outcomes pass an unadjusted 5 % test (this seed gives a few)"
    assert not d.loc[nominal, "matters"].any()  # ... but none holds at a false discovery rate of 5 %
    assert d.loc["real", "matters"] and d["matters"].sum() == 1
    reject, q, _, _ = multipletests(d["p"], alpha=0.05, method="fdr_bh")
    assert d["q"].tolist() == pytest.approx(q.tolist()) and d["matters"].tolist() == reject.tolist()


def test_false_discovery_skips_missing_p_values():
    q, hold = false_discovery(pd.Series([0.001, np.nan, 0.5]))
    assert np.isnan(q[1]) and not hold[1] and hold[0] and not hold[2]
