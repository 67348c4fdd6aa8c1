"""The figures draw the numbers of the analysis tables (checked on the Axes)."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from sim.report import analysis as an
from sim.report import plots, plots_params
from sim.report.compare import compare


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _bars(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def test_configuration_bars_are_the_probabilities():
    runs = pd.DataFrame({"group": ["A"] * 4 + ["B"] * 4, "configuration": list("xxxyxzzw")})
    table = an.configuration_table(runs, top_k=2)
    fig = plots.configurations(table)
    ax = fig.axes[0]
    widths = [b.get_width() for b in _bars(ax)]
    assert widths == pytest.approx(table["p"].tolist())  # group A bars, then group B bars
    assert len({b.get_hatch() for b in _bars(ax)}) == 2  # groups differ by hatch, not only colour
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x", "z", "other"]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_survival_steps_are_the_km_curve():
    runs = pd.DataFrame({"group": ["a"] * 5 + ["b"] * 5, "week": [1, 2, 2, 3, np.nan, 4, 4, np.nan, np.nan, np.nan]})
    curve = an.survival_table(runs, "week", horizon=10)
    fig = plots.survival({"deployment": curve})
    ax = fig.axes[0]
    lines = [ln for ln in ax.get_lines() if ln.get_linestyle() != "None"]
    assert len(lines) == 2
    assert lines[0].get_ydata().tolist() == pytest.approx(curve[curve["group"] == "a"]["survival"].tolist())
    assert lines[1].get_xdata().tolist() == [0, 4, 10]
    assert lines[0].get_linestyle() != lines[1].get_linestyle()  # readable in grayscale
    assert "weeks" in ax.get_xlabel()


def test_heatmap_image_is_the_cells_with_a_fitted_scale():
    runs = pd.DataFrame({"deployed": [True, False, True, True], "x": [1, 1, 2, 2], "y": [0.1, 0.2, 0.1, 0.2]})
    cells = an.heatmap_table(runs, "x", "y", "deployed")
    fig = plots_params.heatmap(cells, "x", "y", "P(deployed)")
    ax = fig.axes[0]
    image = ax.images[0]
    expected = cells.pivot(index="y", columns="x", values="p").to_numpy()
    assert np.array_equal(image.get_array().data, expected)
    assert (image.norm.vmin, image.norm.vmax) == (0.0, 1.0)  # the data's least and largest P
    assert sorted(t.get_text().split("\n")[0] for t in ax.texts) == ["0.00", "1.00", "1.00", "1.00"]
    assert all("±" in t.get_text() and "n=1" in t.get_text() for t in ax.texts)  # interval and runs per cell
    assert ax.get_xlabel() == "x" and ax.get_ylabel() == "y"
    colorbar = next(a for a in fig.axes if a.get_label() == "<colorbar>")
    assert "scale fitted to the data" in colorbar.get_ylabel().replace("\n", " ")


def test_heatmap_scale_fits_a_narrow_range_and_facets_a_third_key():
    rng = np.random.default_rng(0)
    runs = pd.DataFrame(
        {
            "x": rng.choice([1, 2], 800),
            "y": rng.choice([1, 2], 800),
            "z": rng.choice(["a", "b", "c"], 800),
            "deployed": rng.uniform(size=800) < 0.4,
        }
    )
    cells = an.heatmap_table(runs, "x", "y", "deployed", ["z"])
    fig = plots_params.heatmap(cells, "x", "y", "P(deployed)", ["z"])
    panels = [a for a in fig.axes if a.images]
    assert [a.get_title() for a in panels] == ["z = a", "z = b", "z = c"]
    norm = panels[0].images[0].norm
    assert (norm.vmin, norm.vmax) == (cells["p"].min(), cells["p"].max()) and norm.vmax - norm.vmin < 0.3


def test_comparison_points_are_the_differences():
    a = pd.DataFrame({"deployed": [True] * 20 + [False] * 80, "turkey_role": "none"})
    b = pd.DataFrame({"deployed": [True] * 60 + [False] * 40, "turkey_role": "troops"})
    diffs, pair = compare(a, b)
    fig = plots.comparison(diffs, ("A", "B"), pair.note)
    xs = [
        ln.get_xdata()[0]
        for ln in fig.axes[0].get_lines()
        if ln.get_marker() not in ("None", "|", "") and len(ln.get_xdata()) == 1
    ]
    assert xs == pytest.approx(diffs[diffs["kind"] == "proportion"]["diff"].tolist())


def test_trace_draws_each_actor_and_marks_events(fake):
    from sim.report.folders import load

    f = load(fake["trace"])
    actors = an.active_actors(f.positions)
    key = an.key_events(f.events)
    fig = plots.trace(f.timeline, f.positions, key, actors, "t")
    pos_ax, press_ax, troops_ax, deaths_ax = fig.axes[:4]
    assert [ln.get_label() for ln in pos_ax.get_lines() if not ln.get_label().startswith("_")] == actors
    isr = f.positions[f.positions["actor"] == "ISR"]
    line = next(ln for ln in press_ax.get_lines() if ln.get_label() == "ISR")
    assert line.get_ydata().tolist() == isr["pressure"].tolist()
    assert [b.get_height() for b in deaths_ax.patches] == f.timeline["deaths"].tolist()
    marked = sorted({ln.get_xdata()[0] for ln in troops_ax.get_lines() if ln.get_linestyle() == ":"})
    assert marked == sorted(set(key["week"]))
    assert [t.get_text() for t in pos_ax.texts] == [str(i + 1) for i in range(len(key))]
    assert "3  week 12: resolution passed UNSC" in deaths_ax.texts[0].get_text()


def test_sensitivity_bars_are_the_indices():
    s = pd.DataFrame(
        {
            "outcome": "deployed",
            "parameter": ["a", "b"],
            "method": "sobol",
            "S1": [0.1, 0.3],
            "S1_conf": 0.01,
            "ST": [0.2, 0.5],
            "ST_conf": 0.02,
        }
    )
    t = an.sensitivity_table(s)
    fig = plots_params.sensitivity({"deployed (sobol)": t})
    widths = [b.get_width() for b in _bars(fig.axes[0])]
    assert widths == pytest.approx([0.5, 0.2, 0.3, 0.1])  # ST bars then S1 bars, sorted by ST


def test_prim_figure_shows_the_box():
    rng = np.random.default_rng(1)
    x = pd.DataFrame(rng.uniform(0, 1, (600, 2)), columns=["param.a", "param.b"])
    res = an.prim_box(x, x["param.a"] > 0.5, threshold=0.9)
    fig = plots_params.prim(res, "P(x)")
    ax = next(a for a in fig.axes if a.get_title().startswith("Box"))
    box = [b for b in _bars(ax) if b.get_facecolor()[:3] != (1.0, 1.0, 1.0)]
    assert len(box) == 1 and box[0].get_x() == pytest.approx(0.5, abs=0.05)
    assert ax.get_yticklabels()[0].get_text().startswith("a\n")
