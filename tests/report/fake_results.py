"""Realistic fake result folders (the isf-sim contract) for tests and for looking at figures.

Run `python tests/report/fake_results.py OUT` to write OUT/baseline, OUT/us_presses_israel (other
seeds), OUT/2026-11-22_03-54-44-527903 (us_presses_israel on baseline's seeds), OUT/sweep,
OUT/sampled and OUT/trace, then `isf-report OUT/baseline OUT/us_presses_israel`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

CONTRIB = ["AZE", "EGY", "IDN", "PAK", "TUR"]


def fake_runs(
    scenario: str,
    n: int,
    seed: int = 0,
    pressure: float = 0.4,
    resolve: float = 0.7,
    horizon: int = 52,
    params: dict | None = None,
) -> pd.DataFrame:
    """n runs whose outcomes follow a simple hidden rule (pressure against Israel's resolve)."""
    rng = np.random.default_rng(seed)
    if params is None:
        pr = np.full(n, pressure)
        rs = np.full(n, resolve)
    else:
        pr, rs = params["param.actors.USA.pressure.ISR"], params["param.actors.ISR.resolve"]
    yielded = rng.uniform(size=n) < np.clip(0.05 + 1.4 * (pr - rs + 0.3), 0, 0.95)
    authorized = rng.uniform(size=n) < 0.55 + 0.3 * pr
    week_auth = np.where(authorized, np.ceil(rng.gamma(3, 3, n)), np.nan)
    p_dep = np.where(authorized, 0.75, 0.25) * (1 - 0.3 * rs)
    deployed = rng.uniform(size=n) < p_dep
    week_dep = np.where(deployed, np.nan_to_num(week_auth, nan=4) + np.ceil(rng.gamma(2, 4, n)), np.nan)
    deployed &= week_dep <= horizon
    week_dep = np.where(deployed, week_dep, np.nan)
    turkey = np.where(deployed & yielded, "troops", np.where(rng.uniform(size=n) < 0.5, "liaison", "none"))
    rows = []
    for i in range(n):
        if deployed[i]:
            c = sorted(
                set(rng.choice(["EGY", "IDN", "AZE", "PAK"], size=rng.integers(1, 3), replace=False))
                | ({"TUR"} if turkey[i] == "troops" else set())
            )
        else:
            c = []
        committed = sorted(set(c) | ({"IDN"} if rng.uniform() < 0.6 else set()))
        mandate = "enforcement" if rng.uniform() < 0.3 else "borders"
        un = bool(authorized[i])
        label = (
            f"{'+'.join(c)} | {mandate} | {'UN' if un else 'no UN'}" if c else f"no force | {'UN' if un else 'no UN'}"
        )
        collapsed = rng.uniform() < (0.08 if deployed[i] else 0.25)
        funding = float(rng.uniform(1e8, 2e9)) if deployed[i] and rng.uniform() < 0.6 else 0.0
        rows.append(
            {
                "scenario": scenario,
                "seed": seed * 100000 + i,
                "deployed": bool(deployed[i]),
                "week_deployed": float(week_dep[i]),
                "contributors": "+".join(c),
                "committed": "+".join(committed),
                "troops": int(sum(rng.integers(500, 3000) for _ in c)),
                "mandate": mandate,
                "un_authorized": un,
                "week_authorized": float(week_auth[i]),
                "turkey_role": str(turkey[i]),
                "funding_usd": funding,
                "disarmament": float(rng.beta(2, 5)),
                "israeli_control": float(np.clip(0.53 - (0.2 if deployed[i] else 0) + rng.normal(0, 0.03), 0, 1)),
                "ceasefire_collapsed": bool(collapsed),
                "week_collapsed": float(rng.integers(1, horizon)) if collapsed else float("nan"),
                "configuration": label,
                "deaths": int(rng.poisson(70 * horizon)),
                "veto_yielded": bool(yielded[i]),
                "funders": "SAU+ARE" if funding else "",
            }
        )
    df = pd.DataFrame(rows)
    if params is not None:
        for k, v in params.items():
            df[k] = v
    return df


def write_run(
    path: Path,
    runs: pd.DataFrame,
    scenario: str,
    seed: int = 0,
    horizon: int = 52,
    uncertainty: str = "fixed",
    overrides: list[str] | None = None,
) -> Path:
    """A job folder as isf-sim writes it; ``overrides``: what the command line gave (default: the
    scenario, unless baseline)."""
    if overrides is None:
        overrides = [f"scenario={scenario}"] if scenario != "baseline" else []
    path.mkdir(parents=True, exist_ok=True)
    runs.to_parquet(path / "runs.parquet", index=False)
    (path / "config.yaml").write_text(f"scenario: {scenario}\nseed: {seed}\nhorizon_weeks: {horizon}\n")
    (path / "manifest.json").write_text(
        json.dumps(
            {
                "kind": "run",
                "scenario": scenario,
                "seed": seed,
                "runs": len(runs),
                "horizon_weeks": horizon,
                "uncertainty": uncertainty,
                "command": f"isf-sim scenario={scenario} runs={len(runs)}",
                "overrides": overrides,
            }
        )
    )
    return path


def make_run(
    path: Path, scenario: str = "baseline", n: int = 300, seed: int = 0, overrides: list[str] | None = None, **kw
) -> Path:
    """A job of n runs on seeds seed*100000 ...; two jobs of the same ``seed`` share their seeds and
    their random draws (common random numbers), as isf-sim's jobs do."""
    return write_run(path, fake_runs(scenario, n, seed, **kw), scenario, seed, overrides=overrides)


def make_sweep(path: Path, n: int = 40, seed: int = 0, mandates: tuple[str, ...] = ()) -> Path:
    """A 3 x 3 sweep over USA pressure on Israel and Israel's resolve (x the US mandate, if
    ``mandates``), every job on the same seeds, as isf-sim's sweeps are. Like isf-sim's, the sweep
    manifest holds neither horizon nor uncertainty: the jobs' manifests do."""
    frames = []
    job = 0
    keys = ["actors.USA.pressure.ISR", "actors.ISR.resolve"] + (["actors.USA.sponsor.mandate"] if mandates else [])
    for mandate in mandates or (None,):
        for pressure in (0.2, 0.5, 0.8):
            for resolve in (0.3, 0.6, 0.9):
                runs = fake_runs(
                    "baseline", n, seed=seed, pressure=pressure, resolve=resolve + 0.2 * (mandate == "borders")
                )
                values = dict(zip(keys, (pressure, resolve, mandate)))
                overrides = [f"{k}={v}" for k, v in values.items()]
                write_run(path / str(job), runs, "baseline", seed=seed, overrides=overrides)
                frames.append(runs.assign(job=job, **values))
                job += 1
    pd.concat(frames, ignore_index=True).to_parquet(path / "runs.parquet", index=False)
    command = "isf-sim -m actors.USA.pressure.ISR=0.2,0.5,0.8 actors.ISR.resolve=0.3,0.6,0.9"
    command += f" actors.USA.sponsor.mandate={','.join(mandates)}" if mandates else ""
    (path / "manifest.json").write_text(json.dumps({"kind": "sweep", "swept": keys, "command": command}))
    return path


def make_sampled(path: Path, n: int = 400, sensitivity: bool = True) -> Path:
    """uncertainty=sample: four sampled parameters, two of which drive the outcome."""
    rng = np.random.default_rng(7)
    params = {
        "param.actors.USA.pressure.ISR": rng.uniform(0.0, 1.0, n),
        "param.actors.ISR.resolve": rng.uniform(0.3, 1.0, n),
        "param.actors.TUR.offer": rng.uniform(500, 3000, n),
        "param.ground.deaths_per_day": rng.uniform(8, 13, n),
    }
    runs = fake_runs("baseline", n, seed=7, params=params)
    write_run(path, runs, "baseline", seed=7, uncertainty="sample")
    if sensitivity:
        rows = []
        for outcome, scale in (("deployed", 1.0), ("turkish_troops", 0.6)):
            for p, s1, st in (
                ("actors.USA.pressure.ISR", 0.35, 0.48),
                ("actors.ISR.resolve", 0.22, 0.35),
                ("actors.TUR.offer", 0.02, 0.05),
                ("ground.deaths_per_day", 0.06, 0.1),
            ):
                rows.append(
                    {
                        "outcome": outcome,
                        "parameter": p,
                        "method": "sobol",
                        "S1": s1 * scale,
                        "S1_conf": 0.04,
                        "ST": st * scale,
                        "ST_conf": 0.05,
                        "mu_star": np.nan,
                        "mu_star_conf": np.nan,
                        "sigma": np.nan,
                    }
                )
        pd.DataFrame(rows).to_parquet(path / "sensitivity.parquet", index=False)
    return path


ACTORS = ["USA", "ISR", "TUR", "IDN", "EGY", "QAT", "SAU", "HAMAS", "UNSC", "RUS"]


def make_trace(path: Path, seed: int = 3, horizon: int = 52) -> Path:
    """One traced run: the veto yields in week 9, the Council passes in week 12, deployment in 20."""
    rng = np.random.default_rng(seed)
    runs = fake_runs("baseline", 1, seed)
    runs["seed"] = seed
    write_run(path, runs, "baseline", seed=seed, horizon=horizon)
    weeks = np.arange(1, horizon + 1)
    committed = np.where(weeks >= 14, 1500, 0) + np.where(weeks >= 17, 2000, 0)
    deployed = np.where(weeks >= 20, committed, 0)
    timeline = pd.DataFrame(
        {
            "seed": seed,
            "week": weeks,
            "deaths": rng.poisson(np.where(weeks < 20, 72, 30)),
            "troops_committed": committed,
            "troops_deployed": deployed,
            "israeli_control": np.where(weeks < 20, 0.53, 0.4),
            "disarmament": np.linspace(0, 0.4, horizon),
            "funding_usd": np.where(weeks >= 30, 5e8, 0.0),
            "legitimacy": np.clip(weeks / 20, 0, 1),
            "un_authorized": weeks >= 12,
            "collapsed": False,
        }
    )
    rows = []
    start = {
        "USA": 0.9,
        "ISR": 0.2,
        "TUR": 0.7,
        "IDN": 0.5,
        "EGY": 0.6,
        "QAT": 0.6,
        "SAU": 0.3,
        "HAMAS": 0.1,
        "UNSC": 0.4,
        "RUS": 0.3,
    }
    for a in ACTORS:
        pos = start[a]
        for w in weeks:
            press = 0.0
            if a == "ISR" and w < 10:
                press = 0.3 + 0.05 * w
            if a == "HAMAS":
                press = 0.2
            pos = float(np.clip(pos + 0.04 * press + rng.normal(0, 0.005), 0, 1))
            rows.append(
                {
                    "seed": seed,
                    "week": int(w),
                    "actor": a,
                    "position": pos,
                    "pressure": press,
                    "committed": 1500 if a == "IDN" and w >= 14 else 0,
                    "deployed": 1500 if a == "IDN" and w >= 20 else 0,
                }
            )
    positions = pd.DataFrame(rows)
    ev = [
        (3, "pressure", "USA", "ISR", 0.4, "The USA presses Israel."),
        (5, "veto_held", "ISR", "TUR", np.nan, "Israel vetoes Turkish troops."),
        (9, "veto_yielded", "ISR", "TUR", np.nan, "Israel's veto on Türkiye yields."),
        (10, "council_tabled", "USA", "UNSC", np.nan, "The USA tables a draft resolution."),
        (
            12,
            "resolution_passed",
            "UNSC",
            "",
            11.0,
            "The Council authorizes the force, 11 votes in favour (an invented fixture tally).",
        ),
        (14, "commit", "IDN", "", 1500.0, "Indonesia commits 1,500 troops."),
        (17, "commit", "EGY", "", 2000.0, "Egypt commits 2,000 troops."),
        (20, "deploy", "IDN", "", 1500.0, "The ISF deploys."),
        (30, "funding", "SAU", "", 5e8, "Saudi Arabia releases funds."),
    ]
    events = pd.DataFrame(ev, columns=["week", "kind", "actor", "target", "value", "text"])
    events.insert(0, "seed", seed)
    timeline.to_parquet(path / "timeline.parquet", index=False)
    positions.to_parquet(path / "positions.parquet", index=False)
    events.to_parquet(path / "events.parquet", index=False)
    return path


def make_all(out: Path) -> dict[str, Path]:
    return {
        "baseline": make_run(out / "baseline", "baseline", 300, seed=0, pressure=0.3, resolve=0.8),
        "us_presses_israel": make_run(
            out / "us_presses_israel", "us_presses_israel", 300, seed=1, pressure=0.9, resolve=0.7
        ),
        # the same seeds as baseline (common random numbers), in a folder named like Hydra's
        "same_seeds": make_run(
            out / "2026-11-22_03-54-44-527903", "us_presses_israel", 300, seed=0, pressure=0.9, resolve=0.7
        ),
        "sweep": make_sweep(out / "sweep"),
        "sampled": make_sampled(out / "sampled"),
        "trace": make_trace(out / "trace"),
    }


if __name__ == "__main__":
    for name, p in make_all(Path(sys.argv[1] if len(sys.argv) > 1 else "fake_results")).items():
        print(name, p)
