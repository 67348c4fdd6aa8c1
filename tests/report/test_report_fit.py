"""No text of any report figure leaves the canvas, however long the labels: every figure is drawn
with very long labels, and every Text artist matplotlib draws must lie inside the figure."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text

from sim.report import analysis as an
from sim.report import plots, plots_params
from sim.report.compare import compare
from sim.report.fit import wrap_name

LONG = "us_presses_israel ISR.resolve=0.4 " * 4 + "2026-11-22_03-54-44-527903_and_an_unbroken_word_" * 2
KEY = "actors.HAMAS.armed_group.consent_borders_bonus"  # the longest parameter name
LONGKEY = KEY + "_with_a_needlessly_long_suffix_2026-11-22_03-54-44-527903"


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def drawn(fig):
    """Every visible, non-empty Text the figure draws; a tick label only if its tick is in view."""
    fig.canvas.draw()
    skip = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not lo - 1e-9 * (hi - lo) <= tick.get_loc() <= hi + 1e-9 * (hi - lo):
                    skip |= {tick.label1, tick.label2}
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip() and t not in skip]


def assert_inside(fig):
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox
    texts = drawn(fig)
    assert texts
    for t in texts:
        box = t.get_window_extent(renderer)
        inside = box.x0 >= canvas.x0 - 0.5 and box.y0 >= canvas.y0 - 0.5
        inside &= box.x1 <= canvas.x1 + 0.5 and box.y1 <= canvas.y1 + 0.5
        assert inside, f"{t.get_text()[:60]!r} at {box.bounds} outside the canvas {canvas.bounds}"
    w, h = fig.get_size_inches() * fig.dpi
    assert w <= 2600 and h <= 2600, f"figure of {w:.0f} x {h:.0f} px"


def runs(n=120, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "group": np.where(np.arange(n) < n // 2, LONG + " A", LONG + " B"),
            "configuration": rng.choice([LONG + " | borders | UN", "no force | UN", "x" * 90], n),
            "week": np.where(rng.uniform(size=n) < 0.6, rng.integers(1, 40, n), np.nan),
        }
    )


def test_configurations_with_long_labels():
    assert_inside(plots.configurations(an.configuration_table(runs(), top_k=3)))


def test_survival_with_long_labels():
    curve = an.survival_table(runs(), "week", horizon=52)
    assert_inside(plots.survival({LONG: curve, "deployment": curve}))


def test_comparison_with_long_labels():
    rng = np.random.default_rng(1)
    a = pd.DataFrame({"seed": range(200), "deployed": rng.uniform(size=200) < 0.4, "turkey_role": "none"})
    b = a.assign(deployed=rng.uniform(size=200) < 0.6)
    diffs, pair = compare(a, b)
    diffs["label"] = [LONG + str(i) for i in range(len(diffs))]
    assert_inside(plots.comparison(diffs, (LONG, LONG + " B"), pair.note))


@pytest.mark.parametrize("facets", [(), (LONGKEY,)])
def test_heatmap_with_long_labels(facets):
    rng = np.random.default_rng(2)
    n = 900
    r = pd.DataFrame(
        {
            LONGKEY + "_x": rng.choice([0.1, 0.5, 0.9], n),
            LONGKEY + "_y": rng.choice(["enforcement" * 3, "borders"], n),
            LONGKEY: rng.choice([LONG[:40], "short"], n),
            "deployed": rng.uniform(size=n) < 0.5,
        }
    )
    cells = an.heatmap_table(r, LONGKEY + "_x", LONGKEY + "_y", "deployed", facets)
    assert_inside(plots_params.heatmap(cells, LONGKEY + "_x", LONGKEY + "_y", "P(" + LONG + ")", facets))


def test_sensitivity_of_seven_outcomes_with_long_names():
    rng = np.random.default_rng(3)
    tables, totals = {}, {}
    for o in range(7):
        t = pd.DataFrame(
            {
                "parameter": [f"param.{KEY}.{i}" for i in range(10)],
                "method": "sobol",
                "S1": rng.uniform(0, 0.3, 10),
                "S1_conf": 0.02,
                "ST": rng.uniform(0.3, 0.6, 10),
                "ST_conf": 0.03,
            }
        )
        tables[f"{LONG} outcome {o} (sobol)"] = an.sensitivity_table(t)
        totals[f"{LONG} outcome {o} (sobol)"] = 125
    fig = plots_params.sensitivity(tables, totals)
    assert_inside(fig)
    assert len([ax for ax in fig.axes if ax.get_title()]) == 7


def test_prim_with_long_labels():
    rng = np.random.default_rng(4)
    x = pd.DataFrame(rng.uniform(0, 1, (400, 3)), columns=[f"param.{LONGKEY}.{i}" for i in range(3)])
    res = an.prim_box(x, x.iloc[:, 0] > 0.5, threshold=0.9)
    assert_inside(plots_params.prim(res, "P(" + LONG + ")"))


def test_trace_with_a_long_title(fake):
    from sim.report.folders import load

    f = load(fake["trace"])
    key = an.key_events(f.events)
    assert_inside(plots.trace(f.timeline, f.positions, key, an.active_actors(f.positions), LONG))


def test_parameter_names_wrap_at_their_dots():
    assert wrap_name("actors.HAMAS.armed_group.disarm_rate", 20) == "actors.HAMAS.\narmed_group.\ndisarm_rate"


def test_the_check_catches_a_clipped_title():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_title(LONG)
    with pytest.raises(AssertionError, match="outside the canvas"):
        assert_inside(fig)
    from sim.report.fit import fit

    assert_inside(fit(fig))
