"""Global sensitivity designs (Morris, Sobol) run through the ordinary sweep machinery.

An experiment file adds a ``design:`` block (method, samples, blocks, seed, outcomes) and sweeps
``design.block=range(0,B)``. Every job draws the same design matrix with SALib (it depends only on
the design block and the parameter ranges in the config), runs its own contiguous slice of the
points ``runs`` times each, and writes an ordinary job folder whose rows carry the point's values
as ``param.*`` columns and a ``point`` column. Every point runs on the same block of seeds
(replicate ``r`` uses seed ``seed + r``, whatever the point): common random numbers, so an
elementary effect measures the parameter, not the luck of new seeds — a parameter the model
never reads gets an effect of exactly zero. Experiments use at least 20 replicates; SALib's
bootstrap gives the intervals (``mu_star_conf``, ``S1_conf``, ``ST_conf``).
When the sweep ends, :func:`analyse` reads the combined table, averages the
replicates of each point and writes ``sensitivity.parquet`` at the sweep root: one row per
(outcome, parameter, method) with S1, S1_conf, ST, ST_conf (Sobol) or mu_star, mu_star_conf,
sigma (Morris). Parameters and ranges are every ranged parameter of ``parameter_meta`` that the
scenario does not fix.

Nothing here imports Hydra; the callback in :mod:`sim.sweep.callback` calls :func:`runs_of`,
:func:`describe` and :func:`analyse` with the multirun config.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.model.params import ConfigError, ModelParams
from sim.model.paths import with_values

METHODS = ("morris", "sobol")
#: measured when the design names none (a case's experiment files list their own)
DEFAULT_OUTCOMES = ("deployed", "un_authorized", "ceasefire_collapsed", "troops", "funding_usd")
COLUMNS = ("outcome", "parameter", "method", "S1", "S1_conf", "ST", "ST_conf", "mu_star", "mu_star_conf", "sigma")


@dataclass(frozen=True)
class Design:
    method: str = "morris"
    samples: int = 10  # Morris: trajectories; Sobol: base sample N (a power of two)
    levels: int = 4  # Morris grid levels
    blocks: int = 1  # jobs the points are split into
    block: int = 0  # this job's block
    seed: int = 1  # seed of the design's sampler
    outcomes: tuple[str, ...] = DEFAULT_OUTCOMES
    point: int | None = None  # this design point alone, whatever the block (a row's rerun_row)


# outcomes a design can measure: the numeric and true/false columns every runs table has, the
# per-role shares (``control.<ID>``, ``disarmament.<ID>``) and the case's named shares
NUMERIC_OUTCOMES = (
    "deployed", "week_deployed", "troops", "un_authorized", "week_authorized", "funding_usd",
    "ceasefire_collapsed", "deployed_at_horizon", "failed_votes", "week_collapsed", "deaths", "veto_yielded",
)  # fmt: skip
NUMERIC_PREFIXES = ("control.", "disarmament.")
_NUMERIC_KINDS = ("control_of", "disarmament_of")  # case.yaml's outcomes that are numbers (role_of is text)


def numeric_outcomes(raw: dict | None = None) -> tuple[str, ...]:
    """The outcomes a design of the composed config ``raw`` can name: :data:`NUMERIC_OUTCOMES`
    and the case's named numeric columns (``case.outcomes`` of kind control_of/disarmament_of)."""
    named = ((raw or {}).get("case") or {}).get("outcomes") or {}
    extra = [c for c, spec in named.items() if isinstance(spec, dict) and any(k in spec for k in _NUMERIC_KINDS)]
    return (*NUMERIC_OUTCOMES, *extra)


def _measurable(name, allowed: tuple[str, ...]) -> bool:
    return isinstance(name, str) and (name in allowed or name.startswith(NUMERIC_PREFIXES))


_DESIGN_INTS = {
    "samples": (2, 10**6),
    "levels": (2, 100),
    "blocks": (1, 10**7),  # a rerun_row cuts a design into one block per point
    "block": (0, 10**7 - 1),
    "seed": (0, 2**32 - 1),
}


def split_design(raw: dict) -> tuple[Design | None, dict]:
    """Take the ``design`` block out of a composed config (the model never sees it), checked."""
    from sim.config.validate import number, word

    if "design" not in raw or raw["design"] is None:
        return None, {k: v for k, v in raw.items() if k != "design"}
    d = raw["design"]
    if not isinstance(d, dict):
        raise ConfigError("design must be a mapping (method, samples, blocks, block, seed, outcomes)")
    unknown = set(d) - set(Design.__dataclass_fields__)
    if unknown:
        raise ConfigError(f"unknown key design.{sorted(unknown)[0]}; allowed: {', '.join(Design.__dataclass_fields__)}")
    kw = {name: number(f"design.{name}", d[name], int, dom) for name, dom in _DESIGN_INTS.items() if name in d}
    kw["method"] = word("design.method", d.get("method", "morris"), METHODS)
    if d.get("point") is not None:
        kw["point"] = number("design.point", d["point"], int, (0, 10**9))
    outcomes = d.get("outcomes") or DEFAULT_OUTCOMES
    allowed = numeric_outcomes(raw)
    if not isinstance(outcomes, (list, tuple)) or not all(_measurable(o, allowed) for o in outcomes):
        raise ConfigError(
            f"design.outcomes = {outcomes}; allowed: a list of {', '.join(allowed)}, "
            f"{', '.join(p + '<ID>' for p in NUMERIC_PREFIXES)}"
        )
    design = Design(**kw, outcomes=tuple(outcomes))
    if not (0 <= design.block < design.blocks):
        raise ConfigError(f"design.block = {design.block}; allowed: 0 .. {design.blocks - 1}")
    return design, {k: v for k, v in raw.items() if k != "design"}


def problem(meta: dict[str, dict], fixed: frozenset[str]) -> dict:
    """SALib problem: every ranged parameter not fixed by the scenario or the command line."""
    names = sorted(p for p, m in meta.items() if m["range"][0] < m["range"][1] and p not in fixed)
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [[float(meta[p]["range"][0]), float(meta[p]["range"][1])] for p in names],
    }


def matrix(design: Design, prob: dict) -> np.ndarray:
    """The design's sample points (rows) over the problem's parameters (columns)."""
    if design.method == "morris":
        from SALib.sample import morris

        return morris.sample(prob, design.samples, num_levels=design.levels, seed=design.seed)
    from SALib.sample import sobol

    return sobol.sample(prob, design.samples, calc_second_order=False, seed=design.seed)


def block_range(design: Design, n_points: int) -> range:
    """The design points this job runs: its block's, or the one ``design.point`` names."""
    if design.point is not None:
        if design.point >= n_points:
            raise ConfigError(f"design.point = {design.point}; allowed: 0 .. {n_points - 1}")
        return range(design.point, design.point + 1)
    edges = np.linspace(0, n_points, design.blocks + 1).round().astype(int)
    return range(int(edges[design.block]), int(edges[design.block + 1]))


def _point_values(prob: dict, meta: dict[str, dict], x: np.ndarray) -> dict[str, Any]:
    out = {}
    for name, v in zip(prob["names"], x):
        value = meta[name]["value"]
        out[name] = int(round(float(v))) if isinstance(value, int) and not isinstance(value, bool) else float(v)
    return out


def _run_points(params: ModelParams, points: list[tuple[int, dict[str, Any]]], seed: int, runs: int) -> dict[str, list]:
    from sim.model.outcomes import outcome
    from sim.model.run import columns, run_model

    rows = []
    for k, values in points:
        p = with_values(params, values)
        for r in range(runs):
            s = seed + r  # the same seeds at every point: common random numbers
            row = outcome(run_model(p, s), s)
            row.update({f"param.{name}": float(v) for name, v in values.items()})
            row["point"] = k
            rows.append(row)
    return columns(rows)


def run_block(
    design: Design,
    params: ModelParams,
    meta: dict[str, dict],
    fixed: frozenset[str],
    seed: int,
    runs: int,
    workers: int = 1,
    progress=None,
) -> pd.DataFrame:
    """Run this job's slice of the design: a tidy runs table with a ``point`` column."""
    from sim.model.run import concat, to_frame

    prob = problem(meta, fixed)
    X = matrix(design, prob)
    todo = [(k, _point_values(prob, meta, X[k])) for k in block_range(design, len(X))]
    size = max(1, min(50, -(-len(todo) // max(1, workers * 8))))
    chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
    done: list[dict[str, list]] = []
    if workers <= 1:
        parts = (_run_points(params, c, seed, runs) for c in chunks)
    else:  # the same warm pool as plain jobs (sim.model.run.executor)
        from sim.model.run import executor

        pool = executor(workers)
        parts = (f.result() for f in [pool.submit(_run_points, params, c, seed, runs) for c in chunks])
    for part in parts:
        done.append(part)
        if progress:
            progress(len(part["seed"]))
    data = concat(done)
    points = data.pop("point")
    df = to_frame(data, params).copy()  # one block per dtype: inserting into ~200 fragmented columns warns
    df.insert(1, "point", pd.Series(points, dtype="int64"))
    return df


# --------------------------------------------------------------------------- sweep-side hooks
def _design_cfg(cfg: Any) -> dict | None:
    d = cfg.get("design") if hasattr(cfg, "get") else None
    if d is None:
        return None
    from omegaconf import OmegaConf

    return OmegaConf.to_container(d, resolve=True) if not isinstance(d, dict) else d


def runs_of(values: dict[str, str], cfg: Any) -> int:
    """Runs one job of the sweep makes (for the progress bar)."""
    runs = int(values.get("runs", cfg.runs))
    d = _design_cfg(cfg)
    if not d:
        return runs
    from sim.config import parameter_meta
    from sim.config.compose import lever_keys

    raw = _RAW_CACHE.get(id(cfg))
    if raw is None:
        raw = _RAW_CACHE[id(cfg)] = _base_raw(cfg)
    block = int(values.get("design.block", d.get("block", 0)))
    design, _ = split_design({"design": {**d, "block": block}, "case": raw.get("case")})
    prob = problem(parameter_meta(raw), lever_keys(raw))
    return len(block_range(design, _n_points(design, prob["num_vars"]))) * runs


_RAW_CACHE: dict[int, dict] = {}


def _base_raw(cfg: Any) -> dict:
    from omegaconf import OmegaConf

    c = OmegaConf.to_container(cfg, resolve=False)
    c.pop("hydra", None)
    return c


def _n_points(design: Design, d: int) -> int:
    return design.samples * (d + 1) if design.method == "morris" else design.samples * (d + 2)


def describe(cfg: Any) -> dict | None:
    return _design_cfg(cfg)


def analyse(cfg: Any, sweep_dir: Path, swept: list[str] | tuple[str, ...] = ()) -> dict:
    """After a design sweep: indices for every outcome into ``sensitivity.parquet``.

    If the sweep also swept other keys (``scenario=a,b``, a parameter), the indices are computed
    for each combination of their values, which become leading columns of the table.
    """
    d = _design_cfg(cfg)
    if not d:
        return {}
    import json

    from sim.config import parameter_meta
    from sim.config.compose import lever_keys
    from sim.config.fast_yaml import safe_load

    design, _ = split_design({"design": d, "case": _base_raw(cfg).get("case")})
    others = [k for k in swept if k != "design.block"]
    runs = pd.read_parquet(
        sweep_dir / "runs.parquet", columns=list(dict.fromkeys(["job", "point", *others, *design.outcomes]))
    )
    groups = runs.groupby(others, sort=False, dropna=False) if others else [((), runs)]
    frames, points, n_params = [], 0, 0
    for values, part in groups:
        job = sweep_dir / str(int(part["job"].iloc[0]))
        raw = safe_load((job / "config.yaml").read_text(encoding="utf-8"))
        fixed = frozenset(json.loads((job / "manifest.json").read_text(encoding="utf-8"))["fixed_parameters"])
        prob = problem(parameter_meta(raw), fixed | lever_keys(raw))
        X = matrix(design, prob)
        means = part.groupby("point")[list(design.outcomes)].mean(numeric_only=False).astype(float)
        if len(means) != len(X):
            raise ConfigError(f"design has {len(X)} points but the sweep ran {len(means)}: run every design.block")
        table = indices(design, prob, X, means)
        values = values if isinstance(values, tuple) else (values,)
        for i, (k, v) in enumerate(zip(others, values)):
            table.insert(i, k, v)
        frames.append(table)
        points, n_params = len(X), prob["num_vars"]
    from sim.sweep.folders import write_parquet

    write_parquet(sweep_dir / "sensitivity.parquet", pd.concat(frames, ignore_index=True))
    return {
        "sensitivity": "sensitivity.parquet",
        "design_points": int(points),
        "design_parameters": n_params,
        "sensitivity_by": others,
    }


def indices(design: Design, prob: dict, X: np.ndarray, means: pd.DataFrame) -> pd.DataFrame:
    frames = []
    for name in design.outcomes:
        Y = means[name].to_numpy(dtype=float)
        if np.isnan(Y).any() or np.nanstd(Y) == 0:
            continue  # constant or undefined outcome: no indices
        if design.method == "morris":
            from SALib.analyze import morris

            res = morris.analyze(prob, X, Y, num_levels=design.levels, seed=design.seed)
            df = pd.DataFrame(
                {
                    "parameter": prob["names"],
                    "mu_star": res["mu_star"],
                    "mu_star_conf": res["mu_star_conf"],
                    "sigma": res["sigma"],
                }
            )
        else:
            from SALib.analyze import sobol

            res = sobol.analyze(prob, Y, calc_second_order=False, seed=design.seed)
            df = pd.DataFrame(
                {
                    "parameter": prob["names"],
                    "S1": res["S1"],
                    "S1_conf": res["S1_conf"],
                    "ST": res["ST"],
                    "ST_conf": res["ST_conf"],
                }
            )
        df.insert(0, "outcome", name)
        df.insert(2, "method", design.method)
        frames.append(df)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(COLUMNS))
    for c in COLUMNS[3:]:
        if c not in out:
            out[c] = np.nan
    out = out[list(COLUMNS)].astype(
        {"outcome": "string", "parameter": "string", "method": "string", **{c: "float64" for c in COLUMNS[3:]}}
    )
    return out.reset_index(drop=True)
