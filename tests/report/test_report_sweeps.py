"""isf-report on sweeps and sampled runs: the inputs table, the heat map's outcome and panels, the
sensitivity figure's outcomes and top parameters, PRIM's qp values, two sweeps compared."""

import io
import json
import shutil
from contextlib import redirect_stdout

import fake_results
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from sim.report.build import Options, assemble
from sim.report.cli import main
from sim.report.folders import load
from sim.report.render import inputs


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def run(*argv) -> str:
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main([str(a) for a in argv]) == 0
    return buf.getvalue()


def item(report, name):
    return next(i for i in report.items if i.name == name)


def test_inputs_of_a_sweep_show_the_jobs_horizon_and_uncertainty(fake, tmp_path):
    assert "horizon_weeks" not in json.loads((fake["sweep"] / "manifest.json").read_text())
    table = inputs(assemble([load(fake["sweep"])], Options())).iloc[0]
    assert (table["horizon (weeks)"], table["uncertainty"], table["kind"]) == ("52", "fixed", "sweep")
    # a swept horizon: every value, from the combined table
    sweep = shutil.copytree(fake["sweep"], tmp_path / "sweep")
    runs = pd.read_parquet(sweep / "runs.parquet")
    runs.assign(horizon_weeks=np.where(runs["job"] < 4, 26, 52)).to_parquet(sweep / "runs.parquet")
    assert inputs(assemble([load(sweep)], Options())).iloc[0]["horizon (weeks)"] == "26, 52"


def test_the_heat_map_shows_the_experiments_outcome(fake, tmp_path):
    sweep = shutil.copytree(fake["sweep"], tmp_path / "sweep")
    (sweep / "multirun.yaml").write_text("runs: 40\nreport:\n  outcome: un_authorized\n")
    report = assemble([load(sweep)], Options())
    assert item(report, "heatmap").title.startswith("P(UN authorized) over the swept parameters")
    assert "P(UN authorized)" in item(report, "heatmap").figure.get_suptitle()
    chosen = assemble([load(sweep)], Options(outcome="deployed"))  # --outcome wins
    assert item(chosen, "heatmap").title.startswith("P(deployed) over")
    assert item(assemble([load(fake["sweep"])], Options()), "heatmap").title.startswith("P(deployed) over")


def test_a_third_swept_key_is_a_panel_not_pooled(tmp_path):
    sweep = fake_results.make_sweep(tmp_path / "sweep", n=30, mandates=("borders", "enforcement"))
    heat = item(assemble([load(sweep)], Options()), "heatmap")
    panels = [ax for ax in heat.figure.axes if ax.images]
    assert [ax.get_title() for ax in panels] == [
        "actors.USA.sponsor.mandate = borders",
        "actors.USA.sponsor.mandate = enforcement",
    ]
    assert "One panel per value of actors.USA.sponsor.mandate" in heat.text and "pool" not in heat.text
    cells = heat.tables["heat map"]
    assert len(cells) == 18 and (cells["n"] == 30).all()


def test_sensitivity_shows_every_outcome_and_the_top_parameters(tmp_path):
    folder = fake_results.make_sampled(tmp_path / "sampled", n=60, sensitivity=False)
    rng = np.random.default_rng(0)
    outcomes = ["deployed", "un_authorized", "ceasefire_collapsed", "troops", "disarmament", "control", "funding"]
    rows = [
        {"outcome": o, "parameter": f"actors.X{i}.resolve", "method": "morris", "mu_star": rng.uniform(), "sigma": 0.1}
        for o in outcomes
        for i in range(125)
    ]
    pd.DataFrame(rows).to_parquet(folder / "sensitivity.parquet")
    report = assemble([load(folder)], Options(top=4))
    sens = item(report, "sensitivity")
    titles = [ax.get_title().replace("\n", " ") for ax in sens.figure.axes]
    assert len(titles) == 7 and all("top 4 of 125 parameters" in t for t in titles)
    assert all(len(ax.get_yticks()) == 4 for ax in sens.figure.axes)
    width, height = sens.figure.get_size_inches() * sens.figure.dpi
    assert height < 1600 and width < 2000
    top = sens.tables["deployed (morris)"]
    assert top["parameter"].tolist() == (
        pd.DataFrame(rows[:125]).sort_values("mu_star", ascending=False)["parameter"].head(4).tolist()
    )


def test_prim_box_table_has_coverage_density_and_qp_values(fake, tmp_path):
    out = tmp_path / "rep"
    run(fake["sampled"], "--out", out, "--csv")
    summary = (out / "summary.md").read_text()
    assert "| parameter | low | high | min | max | qp lower | qp upper |" in summary
    assert "| runs in box | of | coverage | density | base rate | limits kept | limits dropped (qp > 0.05) |" in summary
    box = pd.read_csv(out / "prim-box.csv")
    assert set(box["parameter"]) == {"param.actors.ISR.resolve"}  # the trivial trims are gone
    assert box[["qp lower", "qp upper"]].max().max() <= 0.05


def test_two_sweeps_on_the_same_seeds_are_paired_cell_by_cell(tmp_path):
    a = fake_results.make_sweep(tmp_path / "a", n=40, seed=0)
    b = fake_results.make_sweep(tmp_path / "b", n=40, seed=0)
    runs = pd.read_parquet(b / "runs.parquet")
    runs.assign(deployed=runs["deployed"] | (runs["seed"] % 5 == 0)).to_parquet(b / "runs.parquet")
    stdout = run(a, b, "--out", tmp_path / "o")
    assert "(paired on 360 runs matched by seed and actors.USA.pressure.ISR, actors.ISR.resolve)" in stdout
