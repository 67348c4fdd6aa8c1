"""The numbers the docs quote from one traced run: the week of an event, an event's value.

The README tells the story of the baseline's run with seed 3 (the figure `make figures` draws),
and Exercise 1's key the US's reasoning in ``us_presses_israel`` with point values and seed 4
(the trace its sheet runs). Their weeks are behaviour numbers like any other, with no interval: a
traced run is one run, the same bytes for the same seed, so a quote must equal it.

Names: ``trace.<run>.<kind>[.<actor>].<n>`` is the week of the n-th such event (1 = the first),
``trace.<run>.<kind>.<actor>.value.last`` the value of the last (e.g. Israel's settled position
when its veto last held).
"""

from __future__ import annotations

#: run name -> (scenario, seed, uncertainty); the isf-sim command of each is in `what`
RUNS = {
    "baseline_seed3": ("baseline", 3, "sample"),
    "us_presses_israel_fixed_seed4": ("us_presses_israel", 4, "fixed"),
}
#: run name -> the (event kind, actor or None) whose weeks are quoted
WEEKS = {
    "baseline_seed3": [("resolution_passed", None), ("liaison", "TUR"), ("commit", "EGY"), ("withdraw", "EGY")],
    "us_presses_israel_fixed_seed4": [("design_final", None)],
}
#: run name -> the (event kind, actor) whose last value is quoted
LAST_VALUES = {"us_presses_israel_fixed_seed4": [("veto_held", "ISR")]}


def trace_entries(log=print) -> dict[str, dict]:
    """Every trace entry: one traced run each (a second or two)."""
    from sim.api import simulate

    out = {}
    for run, (scenario, seed, uncertainty) in RUNS.items():
        events = simulate(scenario, runs=1, seed=seed, uncertainty=uncertainty, trace=True).events
        command = f"isf-sim scenario={scenario} uncertainty={uncertainty} trace=true runs=1 seed={seed}"
        for kind, actor in WEEKS.get(run, []):
            rows = _events(events, kind, actor)
            for n, week in enumerate(rows["week"], 1):
                name = f"trace.{run}.{kind}{'.' + actor if actor else ''}.{n}"
                out[name] = _entry(int(week), "week", f"week of {kind} event number {n} ({command})")
        for kind, actor in LAST_VALUES.get(run, []):
            rows = _events(events, kind, actor)
            if len(rows):
                what = f"value of the last {kind} event of {actor}, week {rows['week'].iloc[-1]} ({command})"
                out[f"trace.{run}.{kind}.{actor}.value.last"] = _entry(float(rows["value"].iloc[-1]), "value", what)
        log(f"numbers: traced {run}")
    return out


def _events(events, kind: str, actor: str | None):
    rows = events[events["kind"] == kind]
    return rows[rows["actor"] == actor] if actor else rows


def _entry(value, unit: str, what: str) -> dict:
    return {"value": float(f"{value:.6g}"), "unit": unit, "what": what, "command": "python -m sim.tools.numbers"}
