"""The speed entries of docs/numbers.json, from the file `python -m sim.bench` writes.

`python -m sim.bench` records each figure it prints in results/bench.json (``record`` below): a
key, its value, the date and the command that measured it, and the machine's cores. A partial
run (``--grid``, ``--startup``) updates only its own keys, so the file holds the latest
measurement of each. Here those figures become numbers.json entries, with the ratios and times
the docs quote worked out from them (the sweep's rate over the bare loop's, 100,000 runs at the
sweep's rate), so a ratio never disagrees with the rates it comes from.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

BENCH = Path("results") / "bench.json"

#: bench key -> (numbers.json name, unit, what)
RATES = {
    "bare_loop": ("speed.bare_loop", "runs/s", "bare model loop, one core"),
    "sweep_fixed": ("speed.sweep_fixed", "runs/s", "isf-sim -m sweep on every core, uncertainty=fixed, the rule fixed"),
    "sweep_sample": (
        "speed.sweep_sample",
        "runs/s",
        "isf-sim -m sweep on every core, uncertainty=sample, the rule fixed",
    ),
    "sweep_default": (
        "speed.sweep_default",
        "runs/s",
        "isf-sim -m sweep on every core as typed: sampled, with the rule range (rows of runs.parquet a second)",
    ),
    "batch_lean": ("speed.batch_lean", "runs/s", "mesa.batch_run on every core, outcome collected once"),
    "batch_weekly": ("speed.batch_weekly", "runs/s", "mesa.batch_run on every core, DataCollector every week"),
    "grid_sweep": ("speed.grid_sweep", "runs/s", "grid of 36 jobs x 40 runs, isf-sim -m"),
    "grid_one": ("speed.grid_one", "runs/s", "the same 1,440 runs as one job on one core"),
    "startup.isf-sim.help": ("speed.startup.isf_sim_help", "s", "isf-sim --help, whole process, median of 7"),
    "startup.isf-sim.version": ("speed.startup.isf_sim_version", "s", "isf-sim --version, median of 7"),
    "memory.1000.main": ("memory.sweep_1000.main", "MB", "peak memory of isf-sim, sweep of 1,000 runs"),
    "memory.100000.main": ("memory.sweep_100000.main", "MB", "peak memory of isf-sim, sweep of 100,000 runs"),
    "memory.100000.worker": ("memory.sweep_100000.worker", "MB", "peak memory of the largest worker"),
}
#: name -> (numerator key, denominator key, what): ratios of two measured rates
RATIOS = {
    "speed.sweep_fixed.ratio": ("sweep_fixed", "bare_loop", "isf-sim -m (fixed) / bare loop"),
    "speed.sweep_sample.ratio": ("sweep_sample", "bare_loop", "isf-sim -m (sample) / bare loop"),
    "speed.sweep_default.ratio": (
        "sweep_default",
        "bare_loop",
        "isf-sim -m (the default, with the rule range) / bare loop",
    ),
    "speed.batch_lean.ratio": ("batch_lean", "bare_loop", "batch_run (outcome once) / bare loop"),
    "speed.batch_weekly.ratio": ("batch_weekly", "bare_loop", "batch_run (every week) / bare loop"),
    "speed.grid.ratio": ("grid_sweep", "grid_one", "grid sweep / the same runs as one job"),
}


def record(key: str, value: float, command: str, path: Path = BENCH) -> None:
    """Add one measurement to the bench file (written whole under a temporary name)."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"measured": {}}
    data["measured"][key] = {
        "value": float(f"{value:.6g}"),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
        "command": command,
        "cores": os.cpu_count(),
    }
    data["measured"] = dict(sorted(data["measured"].items()))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


def speed_entries(path: Path) -> dict[str, dict]:
    """numbers.json entries from the bench file at ``path`` ({} when there is none)."""
    if not path.is_file():
        return {}
    measured = json.loads(path.read_text(encoding="utf-8"))["measured"]
    out = {}
    for key, (name, unit, what) in RATES.items():
        if key in measured:
            out[name] = _entry(measured[key]["value"], unit, what, measured[key])
    for name, (num, den, what) in RATIOS.items():
        if num in measured and den in measured:
            m = measured[num]
            out[name] = _entry(m["value"] / measured[den]["value"], "x", what, m)
    for mode in ("fixed", "sample", "default"):
        m = measured.get(f"sweep_{mode}")
        if m:
            out[f"speed.minutes_100k.{mode}"] = _entry(100_000 / m["value"] / 60, "min", f"100,000 runs, {mode}", m)
    return out


def _entry(value: float, unit: str, what: str, m: dict) -> dict:
    return {
        "value": float(f"{value:.6g}"),
        "unit": unit,
        "what": f"{what} ({m.get('cores', '?')} cores)",
        "command": m["command"],
        "measured": m["date"],
    }
