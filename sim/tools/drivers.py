"""What decides the headline, and does the model tell stories no analyst would believe?

``python -m sim.tools.drivers [case=NAME] [runs=2000] [seed=0]`` runs the case's baseline with
``uncertainty=sample`` and the weekly table, then prints:

- **the drivers of deployment**: R² of a linear fit of ``deployed`` on the standardised
  ``param.*`` columns, for all sampled parameters and for the Council's own (the parameters of
  actors that hold only a Council seat, and ``mechanisms.council.*``: numbers no article of a case
  reports), with the ten single parameters that explain most;
- **the agenda**: the share of runs in which the sponsor puts a draft to the vote by week 6, and
  the Council-conditional results (P(resolution), P(deployed | resolution));
- **force generation**: pledged, pledged with caveats, deployed;
- **the checks of model v3** on the weekly table: weeks in which a territory holder withdraws
  while no force is present; money released on a disarmament condition before the armed groups
  decided to disarm; disarmament at or above 0.5 by week 8 with no force present.

``--json FILE`` also writes these figures (docs/model.md quotes them). A tool at the edge: it
uses the Python API, like a user would.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np
import pandas as pd

from sim.stats import wilson_interval


def r2(x: np.ndarray, y: np.ndarray) -> float:
    """R² of the least-squares fit of y on x (with an intercept)."""
    if x.shape[1] == 0:
        return 0.0
    a = np.column_stack([np.ones(len(y)), x])
    coef, *_ = np.linalg.lstsq(a, y, rcond=None)
    resid = y - a @ coef
    total = float(((y - y.mean()) ** 2).sum())
    return 0.0 if total <= 0 else 1.0 - float((resid**2).sum()) / total


def council_only(params) -> set[str]:
    """Parameter prefixes of the Council's own numbers: actors whose only role is a Council seat,
    and the Council mechanism."""
    out = {"mechanisms.council."}
    for a in params.actors.values():
        roles = [r for r in ("sponsor", "veto", "territory", "contributor", "funder", "trainer", "armed_group", "gate")
                 if getattr(a, r) is not None]  # fmt: skip
        if a.council is not None and not roles and not a.pressure:
            out.add(f"actors.{a.id}.")
    return out


def drivers(runs: pd.DataFrame, outcome: str, council: set[str]) -> dict:
    """R² of ``outcome`` on all sampled parameters, on the Council's alone, and the top ten singles."""
    cols = [c for c in runs.columns if c.startswith("param.") and runs[c].std() > 0]
    y = runs[outcome].astype(float).to_numpy()
    z = ((runs[cols] - runs[cols].mean()) / runs[cols].std()).to_numpy()
    mine = [i for i, c in enumerate(cols) if any(c[len("param.") :].startswith(p) for p in council)]
    total = r2(z, y)
    alone = r2(z[:, mine], y)
    single = sorted(((r2(z[:, [i]], y), cols[i][len("param.") :]) for i in range(len(cols))), reverse=True)
    return {
        "r2_all": total,
        "r2_council": alone,
        "council_share": alone / total if total > 0 else float("nan"),
        "parameters": len(cols),
        "council_parameters": len(mine),
        "top": [{"parameter": name, "r2": value} for value, name in single[:10]],
    }


def share(mask: pd.Series) -> dict:
    k, n = int(mask.sum()), len(mask)
    lo, hi = wilson_interval(k, n)
    return {"p": k / n if n else float("nan"), "low": lo, "high": hi, "runs": n}


def checks(runs: pd.DataFrame, weekly: pd.DataFrame, params) -> dict:
    """The weekly table's checks of model v3 (counts of runs, or of run-weeks, that break them)."""
    w = weekly.sort_values(["seed", "week"])
    present = w["troops_deployed"] > 0
    out = {}
    holders = [c for c in w.columns if c.startswith("control.")]
    prev_present = present.groupby(w["seed"]).shift(1, fill_value=False)
    withdraw = pd.Series(False, index=w.index)
    for c in holders:
        fell = w[c].groupby(w["seed"]).diff() < -1e-12
        withdraw |= fell & ~present & ~prev_present
    out["withdrawal_without_force_runs"] = int(w.loc[withdraw, "seed"].nunique())
    decided_cols = [c for c in w.columns if c.startswith("decided.")]
    funders = [a for a in params.actors.values() if a.funder is not None]
    if decided_cols and funders and all(f.funder.disarmament_threshold > 0 for f in funders):
        paid = w["funds_released_usd"].groupby(w["seed"]).diff().fillna(w["funds_released_usd"]) > 0
        undecided = ~w[decided_cols].all(axis=1)
        out["money_before_decision_runs"] = int(w.loc[paid & undecided, "seed"].nunique())
    dis_cols = [c for c in w.columns if c.startswith("disarmament.")]
    if dis_cols:
        at8 = w[w["week"] == 8]
        early = (at8[dis_cols].max(axis=1) >= 0.5) & (at8["troops_deployed"] == 0)
        out["disarmed_half_by_week8_without_force"] = share(early)
    return out


def _caveated_deployed(table: pd.DataFrame) -> pd.Series:
    """Runs in which a contributor that pledged with caveats had troops in the force."""

    def one(row) -> bool:
        return any(row.get(f"role.{aid}") == "troops" for aid in str(row["caveated"]).split("+") if aid)

    return table.apply(one, axis=1).astype(bool)


def report(case: str | None, runs: int, seed: int) -> dict:
    from sim import simulate
    from sim.config.compose import case_dir, load

    params = load(conf_dir=case_dir(case))[0]
    res = simulate("baseline", runs=runs, seed=seed, weekly=True, case=case)
    table, weekly = res.runs, res.weekly
    authorized = table["un_authorized"].astype(bool)
    out = {
        "case": params.case.name,
        "runs": runs,
        "seed": seed,
        "tabled_by_week_6": share(table["week_tabled"].le(6)),
        "resolution": share(authorized),
        "deployed": share(table["deployed"].astype(bool)),
        "deployed_given_resolution": share(table.loc[authorized, "deployed"].astype(bool)),
        "pledged": share(table["committed"].ne("")),
        "pledged_with_caveats": share(table["caveated"].ne("")),
        "pledged_never_deployed": share(table["committed"].ne("") & ~table["deployed"].astype(bool)),
        "caveated_contingent_deployed": share(_caveated_deployed(table)),
        "drivers_of_deployed": drivers(table, "deployed", council_only(params)),
        "checks": checks(table, weekly, params),
    }
    return out


def _print(r: dict) -> None:
    def p(name: str, s: dict) -> None:
        print(f"  {name:<44} {s['p']:.3f}  [{s['low']:.3f}-{s['high']:.3f}]")

    print(f"{r['case']}: baseline, {r['runs']} sampled runs from seed {r['seed']}")
    for key in ("tabled_by_week_6", "resolution", "deployed", "deployed_given_resolution", "pledged",
                "pledged_with_caveats", "pledged_never_deployed", "caveated_contingent_deployed"):  # fmt: skip
        p(key.replace("_", " "), r[key])
    d = r["drivers_of_deployed"]
    print(f"  R² of deployed on {d['parameters']} sampled parameters: {d['r2_all']:.3f}; on the Council's own "
          f"{d['council_parameters']}: {d['r2_council']:.3f} ({d['council_share']:.0%} of it)")  # fmt: skip
    for t in d["top"]:
        print(f"    {t['r2']:.3f}  {t['parameter']}")
    c = r["checks"]
    for key, value in c.items():
        if isinstance(value, dict):
            p(key.replace("_", " "), value)
        else:
            print(f"  {key.replace('_', ' '):<44} {value} runs")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sim.tools.drivers", description=__doc__.split("\n\n")[0])
    ap.add_argument("words", nargs="*", help="case=NAME|PATH runs=N seed=S")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)
    opts = {"case": None, "runs": "2000", "seed": "0"}
    for w in args.words:
        key, _, value = w.partition("=")
        if key not in opts or not value:
            print(f"drivers: error: {w!r}; allowed: case=NAME|PATH runs=N seed=S", file=sys.stderr)
            return 2
        opts[key] = value
    r = report(opts["case"], int(opts["runs"]), int(opts["seed"]))
    _print(r)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(r, f, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
