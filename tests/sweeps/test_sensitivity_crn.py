"""Sensitivity on common seeds: a parameter the model never reads scores below the top five."""

from __future__ import annotations

import copy

from helpers import raw_config
from sim.config import build, parameter_meta
from sim.sweep import sensitivity

MOVERS = (  # parameters that matter, left free; every other ranged parameter is held fixed
    "actors.ISR.resolve",
    "actors.USA.pressure.ISR",
    "actors.HAMAS.position.disarmament",
    "actors.HAMAS.armed_group.money_value",
    "actors.UNSC.council.support",
    "actors.RUS.council.support",
    "mechanisms.ground.collapse_hazard",
    "mechanisms.ground.deaths_per_day",
)
INERT = "actors.JOR.position.mandate"  # Jordan presses nobody and has no stake: the model never reads it


def test_a_parameter_the_model_never_reads_ranks_below_the_top_five():
    raw = copy.deepcopy(raw_config("uncertainty=fixed"))
    raw["actors"]["JOR"]["meta"]["position"]["mandate"] = {"range": [0.0, 1.0], "assumption": "test: made inert"}
    params, _ = build(raw)
    meta = parameter_meta(raw)
    fixed = frozenset(p for p in meta if p not in (*MOVERS, INERT))
    design = sensitivity.Design(method="morris", samples=6, levels=4, seed=3)
    runs = sensitivity.run_block(design, params, meta, fixed, seed=0, runs=20)
    prob = sensitivity.problem(meta, fixed)
    assert INERT in prob["names"] and len(prob["names"]) == len(MOVERS) + 1
    X = sensitivity.matrix(design, prob)
    means = runs.groupby("point")[list(design.outcomes)].mean().astype(float)
    table = sensitivity.indices(design, prob, X, means)
    for outcome, part in table.groupby("outcome"):
        ranked = part.sort_values("mu_star", ascending=False)
        inert = float(part.loc[part["parameter"] == INERT, "mu_star"].iloc[0])
        assert inert == 0.0, outcome  # the same seeds at every point: exactly no effect
        top5 = ranked["mu_star"].iloc[:5]
        assert INERT not in set(ranked["parameter"].iloc[:5]) or (top5 == 0).all(), outcome
