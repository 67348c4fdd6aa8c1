"""The model as a Mesa user expects it: ``make_model(...)`` returns the Mesa model of one run,
and :class:`BatchModel` lets ``mesa.batch_run`` drive it (docs/api.md).

Why this module: ``sim.api.simulate`` answers "what does this scenario give over many runs?" in
one call, but people who know Mesa want the model object itself — to step it, look at its agents,
read its DataCollector, or hand it to ``mesa.batch_run`` with their own parameter grid. Both are
built here the way ``isf-sim`` builds a job (the same composition, validation and one-line
errors, :func:`sim.sweep.job.make_job`) and the way it makes run ``seed`` of that job
(:func:`sim.model.run.run_params`: with ``uncertainty=sample`` the parameters are drawn from a
generator seeded by the run's seed). So ``make_model(seed=s).run()`` and run ``s`` of ``isf-sim``
with the same settings give the same outcome row, and so does a ``batch_run`` row with ``rng=s``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from sim.model.model import ISFModel
from sim.model.outcomes import columns as run_columns
from sim.model.outcomes import outcome
from sim.model.params import ConfigError, ModelParams
from sim.model.run import Job, run_params

__all__ = ["COLLECT", "BatchModel", "make_model"]

COLLECT = ("outcome", "weekly")  # what a BatchModel's DataCollector records (see BatchModel)


def _words(scenario, overrides, uncertainty, horizon_weeks, caller: str) -> tuple[str, ...]:
    """The overrides ``isf-sim`` would be given (run settings first), refusing what it alone does.
    The seed is not among them: it picks the run, not the job, so one composed job serves every
    seed of a ``batch_run`` grid."""
    from sim.api import _command_line  # the one translation of Python values to command-line words

    return tuple(_command_line(scenario, None, None, overrides, uncertainty, horizon_weeks, None, False, caller=caller))


def _build_job(case: str | None, words: tuple[str, ...]) -> Job:
    """The job ``isf-sim case=CASE WORDS...`` runs, composed and checked as isf-sim does it."""
    from sim.config import compose
    from sim.config.compose import case_dir
    from sim.sweep.job import make_job
    from sim.sweep.plan import check_config

    raw = compose(list(words), case_dir(case))
    check_config(list(words), raw)
    job, _settings, design = make_job(raw, list(words))
    if design is not None:
        raise ConfigError("a sensitivity design (design:) runs as a sweep; use isf-sim -m +experiment=...")
    return job


# a batch_run grid builds hundreds of models from a handful of distinct settings: each is composed
# once per process (make_model composes every time, so an edited case file is read again)
_job = lru_cache(maxsize=64)(_build_job)


def _seed(value: Any, caller: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2**32 - 1:
        raise ConfigError(f"{caller}: seed = {value!r}; allowed: a whole number from 0 to 2^32-1")
    return int(value)


def make_model(
    case: str | Path | None = None,
    scenario: str = "baseline",
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
    seed: int = 0,
    trace: bool = False,
    *,
    uncertainty: str | None = None,
    horizon_weeks: int | None = None,
) -> ISFModel:
    """The Mesa model of run ``seed`` of ``isf-sim case=CASE scenario=SCENARIO KEY=VALUE ...``,
    built and not yet stepped.

    Step it (``model.step()``, one week) or run it to the horizon (``model.run()``); its agents are
    the actors (``model.agents``, ``model.actors["ISR"]``). ``uncertainty`` ("sample", the
    config's default, or "fixed") decides whether the parameters are drawn for this seed, as in
    ``isf-sim``; the values drawn are ``model.drawn`` (path -> value; empty when fixed).
    ``trace=True`` turns on the DataCollector (the weekly timeline as model reporters, each
    actor's positions, pressure and troops as agent reporters) and the event log
    (``model.trace.events``); without it ``model.datacollector`` is None, because collecting
    every week costs more than the run itself. ``overrides``: ``{"actors.ISR.resolve": 0.4}`` or
    ``["actors.ISR.resolve=0.4"]``, held at their values as on the command line.

    Bad input raises :class:`sim.model.params.ConfigError` with the line ``isf-sim`` prints.
    """
    seed = _seed(seed, "make_model()")
    words = _words(scenario, overrides, uncertainty, horizon_weeks, "make_model()")
    job = _build_job(None if case is None else str(case), words)
    params, drawn = run_params(job, seed)
    model = ISFModel(params, rng=seed, trace=bool(trace))
    model.drawn = drawn
    return model


class BatchModel(ISFModel):
    """The model as ``mesa.batch_run`` drives it: keyword parameters, seeds through ``rng=``, and a
    ``datacollector`` that is always on.

        mesa.batch_run(BatchModel, parameters={"scenario": ["baseline", "us_presses_israel"],
                                               "actors.ISR.resolve": [0.4, 0.8]},
                       rng=range(100), max_steps=52, data_collection_period=-1)

    Every parameter is a keyword: ``scenario``, ``case``, ``uncertainty``, ``horizon_weeks``,
    ``collect``, and any override ``isf-sim`` accepts, dotted keys included (batch_run passes
    them as ``**kwargs``). ``params`` (a ready :class:`~sim.model.params.ModelParams`) skips
    composing, at point values. Seeds must come through ``batch_run``'s ``rng=`` (one run per
    seed); an ``"rng"`` in ``parameters`` reaches the model as None, and a model without a seed is
    refused rather than run irreproducibly.

    ``collect``: ``"outcome"`` (default) records, once after the last week, the run's row of the
    runs table (the columns of ``runs.parquet``, the drawn ``param.*`` values included), so
    ``pd.DataFrame(batch_run(...))`` is a runs table with the grid's parameters beside it;
    ``"weekly"`` records the model's own DataCollector every week (``trace=True``: timeline
    model reporters and agent reporters), the usual Mesa way and some ten times slower.
    The model stops itself at its horizon (``running`` becomes False).
    """

    def __init__(
        self,
        scenario: str = "baseline",
        case: str | None = None,
        uncertainty: str | None = None,
        horizon_weeks: int | None = None,
        collect: str = "outcome",
        params: ModelParams | None = None,
        rng: int | None = None,
        **overrides: Any,
    ) -> None:
        if collect not in COLLECT:
            raise ConfigError(f"BatchModel: collect = {collect!r}; allowed: {', '.join(COLLECT)}")
        if rng is None:
            raise ConfigError(
                "BatchModel: no seed; pass seeds as mesa.batch_run(..., rng=[0, 1, ...]), not in parameters"
            )
        seed = _seed(rng, "BatchModel")
        drawn: dict[str, float] = {}
        if params is None:
            words = _words(scenario, overrides, uncertainty, horizon_weeks, "BatchModel")
            params, drawn = run_params(_job(None if case is None else str(case), words), seed)
        elif overrides or case is not None:
            raise ConfigError("BatchModel: params= is a finished parameter set; give overrides or case= without it")
        super().__init__(params, rng=seed, trace=collect == "weekly")
        self.seed_value, self.drawn, self.collect = seed, drawn, collect
        if collect == "outcome":
            self.row: dict[str, Any] = {}
            self.datacollector = self._outcome_collector()

    def _outcome_collector(self):
        """One model reporter per column of the run's row, read once the run has ended."""
        import mesa

        cols = [*run_columns(self.params), *(f"param.{k}" for k in sorted(self.drawn))]
        return mesa.DataCollector(model_reporters={col: (lambda m, c=col: m.row.get(c)) for col in cols})

    def step(self) -> None:
        super().step()
        if self.week >= self.params.horizon_weeks:
            self.running = False
            if self.collect == "outcome":
                self.row = outcome(self, self.seed_value)
                self.row.update({f"param.{k}": float(v) for k, v in self.drawn.items()})
                self.datacollector.collect(self)
