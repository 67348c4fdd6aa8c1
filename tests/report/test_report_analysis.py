"""Analysis functions on small hand-made tables with known answers (the intervals themselves are
tested in tests/test_stats.py)."""

import numpy as np
import pandas as pd
import pytest

from sim.report import analysis as an
from sim.stats import wilson_interval


def test_format_difference_matches_the_issue_wording():
    row = {"label": "P(Turkish troops)", "a": 0.04, "b": 0.21, "diff": 0.17, "half": 0.03}
    assert an.format_difference(row) == "P(Turkish troops) 0.04 → 0.21, difference 0.17 ± 0.03"


def test_survival_table_censors_missing_and_late_events_at_horizon():
    runs = pd.DataFrame({"group": ["a"] * 4, "week": [2.0, np.nan, 60.0, 2.0]})
    km = an.survival_table(runs, "week", horizon=52)
    assert km["time"].tolist() == [0, 2, 52]
    assert km["events"].tolist() == [0, 2, 0] and km["censored"].tolist() == [0, 0, 2]
    assert km["survival"].iloc[-1] == pytest.approx(0.5)


def test_configuration_table_top_k_and_other():
    runs = pd.DataFrame(
        {
            "group": ["A"] * 4 + ["B"] * 4,
            "configuration": ["x", "x", "x", "y", "x", "z", "z", "w"],
        }
    )
    t = an.configuration_table(runs, top_k=2)
    assert list(pd.unique(t["configuration"])) == ["x", "z", "other"]
    a = t[t["group"] == "A"].set_index("configuration")
    b = t[t["group"] == "B"].set_index("configuration")
    assert a["p"].to_dict() == {"x": 0.75, "z": 0.0, "other": 0.25}
    assert b["p"].to_dict() == {"x": 0.25, "z": 0.5, "other": 0.25}
    assert (t["n"] == 4).all() and t.groupby("group")["k"].sum().tolist() == [4, 4]
    assert a.loc["x", "lo"] == pytest.approx(wilson_interval(3, 4)[0])


def _runs(**cols):
    base = {
        "deployed": [True, True, False, True],
        "turkey_role": ["troops", "none", "troops", "liaison"],
        "funding_usd": [0.0, 5e8, 0.0, 1.0],
        "un_authorized": [True, False, False, True],
        "ceasefire_collapsed": [False] * 4,
        "mandate": ["borders"] * 4,
        "veto_yielded": [1, 0, 0, 1],
        "troops": [1, 2, 3, 4],
    }
    base.update(cols)
    return pd.DataFrame(base)


def test_named_outcomes_and_labels():
    r = _runs()
    assert an.outcome_series(r, "deployed_without_turkey").tolist() == [False, True, False, True]
    assert an.outcome_series(r, "turkish_troops").tolist() == [True, False, True, False]
    assert an.outcome_series(r, "funding_released").tolist() == [False, True, False, True]
    assert an.outcome_series(r, "veto_yielded").tolist() == [True, False, False, True]
    assert an.outcome_series(r, "turkish_liaison").tolist() == [False, False, False, True]
    assert an.outcome_series(r, "border_mandate").all()
    with pytest.raises(KeyError):
        an.outcome_series(r, "troops")  # not boolean
    assert an.resolve_outcome("P(deployed without Türkiye)") == "deployed_without_turkey"
    assert an.resolve_outcome("P(Turkish troops)") == "turkish_troops"
    assert an.resolve_outcome("un_authorised") == "un_authorized"
    assert an.resolve_outcome("veto_yielded", r.columns) == "veto_yielded"
    assert an.resolve_outcome("Türkiye liaison only") == "turkish_liaison"
    with pytest.raises(KeyError):
        an.resolve_outcome("nonsense", r.columns)


def test_heatmap_cells_with_intervals_and_facets():
    runs = _runs(x=[0.1, 0.1, 0.5, 0.5], y=["lo", "hi", "lo", "lo"], z=["a", "a", "a", "b"])
    cells = an.heatmap_table(runs, "x", "y", "deployed").set_index(["x", "y"])
    assert cells.loc[(0.1, "lo"), "p"] == 1.0 and cells.loc[(0.5, "lo"), "p"] == 0.5
    assert (0.5, "hi") not in cells.index  # no runs: no cell
    assert cells.loc[(0.5, "lo"), "n"] == 2
    lo, hi = wilson_interval(1, 2)
    assert cells.loc[(0.5, "lo"), "half"] == pytest.approx((hi - lo) / 2)
    faceted = an.heatmap_table(runs, "x", "y", "deployed", ["z"]).set_index(["z", "x", "y"])
    assert faceted.loc[("a", 0.5, "lo"), "p"] == 0.0 and faceted.loc[("b", 0.5, "lo"), "p"] == 1.0
    assert faceted["n"].sum() == len(runs)  # the third key splits the cells: nothing pooled


def test_prim_finds_a_planted_box():
    rng = np.random.default_rng(1)
    x = pd.DataFrame(rng.uniform(0, 1, (1000, 3)), columns=["param.a", "param.b", "param.c"])
    y = (x["param.a"] > 0.6) & (x["param.b"] < 0.3)
    res = an.prim_box(x, y, threshold=0.9)
    lim = res.limits.set_index("parameter")
    assert lim.loc["param.a", "low"] == pytest.approx(0.6, abs=0.05)
    assert lim.loc["param.b", "high"] == pytest.approx(0.3, abs=0.05)
    assert not lim.loc["param.c", "restricted"]
    assert res.density >= 0.9 and res.coverage >= 0.8
    assert res.base_rate == pytest.approx(y.mean())


def test_prim_qp_values_keep_real_limits_and_drop_noise():
    rng = np.random.default_rng(1)
    x = pd.DataFrame(rng.uniform(0, 1, (1000, 3)), columns=["param.a", "param.b", "param.c"])
    res = an.prim_box(x, (x["param.a"] > 0.6) & (x["param.b"] < 0.3), threshold=0.9)
    kept = res.limits[res.limits["restricted"]]
    assert set(kept["parameter"]) == {"param.a", "param.b"}
    qps = kept[["qp_low", "qp_high"]].to_numpy().ravel()
    assert np.nanmax(qps) <= 0.05  # every limit kept is significant
    assert kept.set_index("parameter").loc["param.a", "qp_low"] < 1e-6


def test_prim_on_noise_keeps_no_limit():
    rng = np.random.default_rng(5)
    x = pd.DataFrame(rng.uniform(0, 1, (300, 20)), columns=[f"param.p{i}" for i in range(20)])
    res = an.prim_box(x, rng.uniform(size=300) < 0.4)
    assert not res.limits["restricted"].any() and res.dropped
    assert res.coverage == 1.0 and res.density == pytest.approx(res.base_rate)


def test_sensitivity_table_top_k():
    s = pd.DataFrame({"outcome": "deployed", "parameter": list("abcd"), "method": "sobol", "ST": [0.1, 0.4, 0.3, 0.2]})
    assert an.sensitivity_table(s, top=2)["parameter"].tolist() == ["b", "c"]


def test_key_events_and_active_actors():
    ev = pd.DataFrame(
        {
            "seed": 1,
            "week": [5, 3, 7, 9, 9],
            "kind": ["deploy", "veto_held", "deploy", "collapse", "pressure"],
            "actor": ["IDN", "ISR", "IDN", "ISR", "USA"],
            "target": "",
            "value": np.nan,
            "text": "",
        }
    )
    k = an.key_events(ev)
    assert k[["week", "kind"]].values.tolist() == [[5, "deploy"], [9, "collapse"]]
    pos = pd.DataFrame(
        {
            "actor": ["A", "A", "B", "B", "C", "C"],
            "position": [0.1, 0.5, 0.3, 0.3, 0.2, 0.2],
            "pressure": [0, 0, 0, 1, 0, 0],
        }
    )
    assert an.active_actors(pos) == ["A", "B"]


def test_sensitivity_table_sorted_by_total_index():
    s = pd.DataFrame(
        {"outcome": "deployed", "parameter": ["a", "b"], "method": "sobol", "S1": [0.1, 0.3], "ST": [0.2, 0.5]}
    )
    assert an.sensitivity_table(s)["parameter"].tolist() == ["b", "a"]


def test_money_by_funder():
    r = pd.DataFrame({"funders": ["QAT+SAU", "", None, "ARE"]})
    assert an.outcome_series(r, "saudi_money").tolist() == [True, False, False, False]
    assert an.outcome_series(r, "gulf_money").tolist() == [True, False, False, True]
    assert an.outcome_series(r, "qatari_money").tolist() == [True, False, False, False]


def test_missing_values_in_boolean_outcomes_count_as_false():
    r = pd.DataFrame({"deployed": [True, None, False], "turkey_role": ["none", "none", "troops"]})
    assert an.outcome_series(r, "deployed").tolist() == [True, False, False]
    assert an.outcome_series(r, "deployed_without_turkey").tolist() == [True, False, False]


def test_a_case_block_names_its_own_outcomes_means_and_aliases():
    from sim.report.outcomes import registry, use

    case = {
        "report": {
            "outcomes": {
                "a_troops": {"label": "P(A's troops)", "column": "a_role", "equals": "troops"},
                "deployed_without_a": {
                    "label": "P(without A)",
                    "column": "a_role",
                    "not_equals": "troops",
                    "and": "deployed",
                },
                "b_money": {"label": "P(B money)", "funded_by": ["B"]},
            },
            "reported": ["deployed", "a_troops"],
            "means": {"b_share": {"label": "mean B share", "unit": "share"}},
            "aliases": {"a_in": "a_troops"},
        }
    }
    reg = registry(case)
    r = pd.DataFrame(
        {"deployed": [True, True, False], "a_role": ["troops", "none", "none"], "funders": ["B", "", "A+B"]}
    )
    assert reg.series(r, "a_troops").tolist() == [True, False, False]
    assert reg.series(r, "deployed_without_a").tolist() == [False, True, False]
    assert reg.series(r, "b_money").tolist() == [True, False, True]
    assert reg.resolve("a_in") == reg.resolve("P(A's troops)") == "a_troops"
    assert reg.reported == ("deployed", "a_troops") and list(reg.means)[:3] == ["troops", "deaths", "b_share"]
    assert "turkish_troops" not in reg.outcomes and "funding_released" in reg.outcomes
    with use(case):
        assert an.outcome_label("a_troops") == "P(A's troops)" and an.REPORTED == ("deployed", "a_troops")
    assert "turkish_troops" in an.OUTCOMES  # the default case again
