"""Scoring a forecast against what happened: Brier score (with Murphy's decomposition), log
score, skill against three references, and the share of simulated worlds that matched.

A forecast is a folder written by ``isf-forecast`` (``forecast.csv``, ``answers.parquet``,
``registration.json``), a CSV file with at least the columns ``question, p``, or a DataFrame
with those columns. Outcomes map a question id to ``{outcome: 0 or 1, date: YYYY-MM-DD,
source: "..."}`` (a YAML file or a dict). :func:`score` returns the content of ``score.json``;
references that need data the forecast lacks (``status_quo``, ``answers.parquet``) are ``None``,
with the reason in ``notes``. Every unusable input is one :class:`ScoreError` line.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

BINS = 10  # equal-width probability bins of the reliability diagram and the decomposition
CLIP = 0.001  # log score: p clipped to [CLIP, 1 - CLIP]
OUTCOME_KEYS = ("outcome", "date", "source", "note")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NAMED = 10  # ids named in an error message before "..."


class ScoreError(ValueError):
    """An unusable forecast or outcomes file: one line saying what is wrong and what is allowed."""


def _names(ids) -> str:
    ids = list(ids)
    shown = ", ".join(ids[:NAMED])
    return shown + (f", ... ({len(ids)} in all)" if len(ids) > NAMED else "")


# --------------------------------------------------------------------------- reading the forecast
def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype={"question": str, "text": str})
    except FileNotFoundError:
        raise ScoreError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ScoreError(f"{path}: cannot be read as a CSV file ({reason})") from None


def _read_answers(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many kinds (ArrowInvalid, OSError, ...)
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ScoreError(f"{path}: cannot be read as a Parquet file ({reason})") from None


def _read_registration(path: Path) -> dict | None:
    if not path.is_file():
        return None
    try:
        reg = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ScoreError(f"{path}: cannot be read as JSON ({' '.join(str(exc).split())})") from None
    if not isinstance(reg, dict):
        raise ScoreError(f"{path}: is not a JSON object")
    return reg


def load_forecast(forecast) -> tuple[pd.DataFrame, pd.DataFrame | None, dict | None, list[str]]:
    """(forecast table, answers or None, registration or None, notes) from a folder, a CSV file
    or a DataFrame; the table checked: ``question`` ids unique, ``p`` in [0, 1]."""
    notes: list[str] = []
    answers = registration = None
    if isinstance(forecast, pd.DataFrame):
        table, where = forecast.copy(), "the forecast"
        notes.append("world_share: not available (no answers.parquet for a DataFrame)")
    else:
        path = Path(forecast)
        if path.is_dir():
            csv = path / "forecast.csv"
            if not csv.is_file():
                raise ScoreError(
                    f"{path}: no forecast.csv; give a folder written by isf-forecast"
                    " or a CSV file with columns question, p"
                )
            table, where = _read_csv(csv), str(csv)
            if (path / "answers.parquet").is_file():
                answers = _read_answers(path / "answers.parquet")
            else:
                notes.append(f"world_share: not available ({path} has no answers.parquet)")
            registration = _read_registration(path / "registration.json")
        elif path.exists():
            table, where = _read_csv(path), str(path)
            notes.append("world_share: not available (a CSV file has no answers.parquet)")
        else:
            raise ScoreError(f"{path}: no such file or folder")
    return _checked(table, where), answers, registration, notes


def _checked(table: pd.DataFrame, where: str) -> pd.DataFrame:
    missing = [c for c in ("question", "p") if c not in table.columns]
    if missing:
        raise ScoreError(f"{where}: no column {', '.join(missing)}; a forecast has columns question, p (at least)")
    if table.empty:
        raise ScoreError(f"{where}: no questions")
    table = table.reset_index(drop=True)
    ids = table["question"]
    if ids.isna().any() or (ids.astype(str).str.strip() == "").any():
        raise ScoreError(f"{where}: a row has no question id")
    table["question"] = ids.astype(str).str.strip()
    dup = table["question"][table["question"].duplicated()].unique().tolist()
    if dup:
        raise ScoreError(f"{where}: question {_names(dup)} appears more than once")
    p = pd.to_numeric(table["p"], errors="coerce")
    bad = table["question"][~p.between(0.0, 1.0)].tolist()  # NaN (not a number) is not between
    if bad:
        q = bad[0]
        given = table.loc[table["question"] == q, "p"].iloc[0]
        raise ScoreError(f"{where}: p of {q} is {given!r}; p is a probability, a number from 0 to 1")
    table["p"] = p.astype(float)
    if "status_quo" in table.columns:
        sq = pd.to_numeric(table["status_quo"], errors="coerce")
        bad = table["question"][~sq.isin([0, 1])].tolist()
        if bad:
            raise ScoreError(f"{where}: status_quo of {bad[0]} is not 0 or 1")
        table["status_quo"] = sq.astype(int)
    return table


# --------------------------------------------------------------------------- reading the outcomes
def _date(qid: str, value) -> str:
    if type(value) is dt.date:  # a dict given from Python may hold dates
        return value.isoformat()
    if isinstance(value, str) and DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise ScoreError(f"outcome of {qid}: date {value!r} is not a date YYYY-MM-DD (such as 2026-03-01)")


def _loader(yaml):
    """YAML's safe loader with dates left as text (checked by :func:`_date`, one line each)."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def load_outcomes(outcomes) -> dict[str, dict[str, Any]]:
    """Question id -> {outcome, date, source}, from a YAML file or a dict, each entry checked."""
    if isinstance(outcomes, dict):
        raw, where = outcomes, "outcomes"
    else:
        import yaml

        path = Path(outcomes)
        where = str(path)
        try:
            raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_loader(yaml))
        except FileNotFoundError:
            raise ScoreError(f"{path}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ScoreError(f"{path}: cannot be read ({' '.join(str(exc).split())})") from None
        except yaml.YAMLError as exc:
            raise ScoreError(f"{path}: not valid YAML ({' '.join(str(exc).split())})") from None
    if not isinstance(raw, dict) or not raw:
        raise ScoreError(f"{where}: give a mapping question_id: {{outcome: 0 or 1, date: YYYY-MM-DD, source: ...}}")
    out = {}
    for key, entry in raw.items():
        qid = str(key).strip()
        if not isinstance(entry, dict):
            raise ScoreError(
                f"outcome of {qid}: give {{outcome: 0 or 1, date: YYYY-MM-DD, source: ...}}, not {entry!r}"
            )
        stray = [str(k) for k in entry if k not in OUTCOME_KEYS]
        if stray:
            raise ScoreError(f"outcome of {qid}: unknown key {', '.join(stray)}; allowed: {', '.join(OUTCOME_KEYS)}")
        value = entry.get("outcome")
        if isinstance(value, bool) or value not in (0, 1):
            raise ScoreError(f"outcome of {qid}: outcome is {value!r}; give 0 (did not happen) or 1 (happened)")
        if "date" not in entry:
            raise ScoreError(f"outcome of {qid}: no date; give the date it was known, YYYY-MM-DD")
        source = entry.get("source")
        if source is not None and not isinstance(source, str):
            raise ScoreError(f"outcome of {qid}: source is {source!r}; give a text (a URL or a citation)")
        out[qid] = {"outcome": int(value), "date": _date(qid, entry["date"]), "source": source}
    return out


# --------------------------------------------------------------------------- the scores
def decomposition(p: np.ndarray, o: np.ndarray) -> dict[str, Any]:
    """Murphy's decomposition of the Brier score over BINS equal-width bins of p: brier =
    reliability - resolution + uncertainty + remainder (the within-bin spread of p)."""
    n = len(p)
    brier = float(np.mean((p - o) ** 2))
    edges = np.arange(BINS + 1) / BINS  # k / 10, so p = 0.3 falls in [0.3, 0.4)
    k = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, BINS - 1)
    obar = float(o.mean())
    reliability = resolution = 0.0
    bins = []
    for b in range(BINS):
        inside = k == b
        nk = int(inside.sum())
        row = {"low": float(edges[b]), "high": float(edges[b + 1]), "n": nk, "mean_p": None, "observed": None}
        if nk:
            pk, ok = float(p[inside].mean()), float(o[inside].mean())
            reliability += nk * (pk - ok) ** 2 / n
            resolution += nk * (ok - obar) ** 2 / n
            row |= {"mean_p": pk, "observed": ok}
        bins.append(row)
    uncertainty = obar * (1 - obar)
    remainder = brier - (reliability - resolution + uncertainty)
    return {
        "brier": brier,
        "reliability": reliability,
        "resolution": resolution,
        "uncertainty": uncertainty,
        "remainder": remainder,
        "bins": bins,
    }


def _skill(brier: float, ref: float | None, name: str, notes: list[str]) -> float | None:
    if ref is None:
        return None
    if ref == 0:
        notes.append(f"skill.{name}: undefined (the reference scores a perfect 0)")
        return None
    return 1 - brier / ref


def _world_share(answers: pd.DataFrame, outcomes: dict[str, dict], ids: list[str]) -> tuple[float, int, int]:
    missing = [q for q in ids if q not in answers.columns]
    if missing:
        raise ScoreError(f"answers.parquet: no column for question {_names(missing)}")
    if answers.empty:
        raise ScoreError("answers.parquet: no runs")
    match = np.ones(len(answers), dtype=bool)
    for q in ids:
        col = answers[q]
        if not pd.api.types.is_bool_dtype(col) or col.isna().any():
            raise ScoreError(f"answers.parquet: column {q} is not yes/no (boolean) in every run")
        match &= col.to_numpy(dtype=bool) == bool(outcomes[q]["outcome"])
    return float(match.mean()), int(match.sum()), len(answers)


def score(forecast: str | Path | pd.DataFrame, outcomes: str | Path | dict, partial: bool = False) -> dict:
    """The content of ``score.json`` for ``forecast`` against ``outcomes`` (see the module's
    docstring). Every question of the forecast needs an outcome unless ``partial``; an outcome
    for a question the forecast does not have is an error either way."""
    table, answers, registration, notes = load_forecast(forecast)
    found = load_outcomes(outcomes)
    allowed = table["question"].tolist()
    unknown = [q for q in found if q not in allowed]
    if unknown:
        raise ScoreError(
            f"outcomes name unknown question {_names(unknown)}; the forecast's questions: {_names(allowed)}"
        )
    unscored = [q for q in allowed if q not in found]
    if unscored and not partial:
        raise ScoreError(
            f"no outcome for question {_names(unscored)}; give one for each, "
            "or --partial (partial=True) to score only the questions with outcomes"
        )
    rows = table[table["question"].isin(list(found))].reset_index(drop=True)
    ids = rows["question"].tolist()
    p = rows["p"].to_numpy(dtype=float)
    o = np.array([found[q]["outcome"] for q in ids], dtype=float)
    parts = decomposition(p, o)
    brier = parts["brier"]
    pc = np.clip(p, CLIP, 1 - CLIP)
    logs = np.where(o == 1, np.log(pc), np.log(1 - pc))
    has_sq = "status_quo" in rows.columns
    sq = rows["status_quo"].to_numpy(dtype=float) if has_sq else None
    if not has_sq:
        notes.append("skill.status_quo: not available (the forecast has no status_quo column)")
    refs = {
        "coin": 0.25,
        "status_quo": float(np.mean((sq - o) ** 2)) if has_sq else None,
        "base_rate": parts["uncertainty"],  # p = obar everywhere scores obar (1 - obar)
    }
    skill = {name: _skill(brier, ref, name, notes) for name, ref in refs.items()}
    world = None
    if answers is not None:
        share, hits, runs = _world_share(answers, found, ids)
        world = share
        notes.append(f"world_share: {hits} of {runs} runs match all {len(ids)} outcomes")
    cutoff = (registration or {}).get("cutoff")
    early = [q for q in ids if isinstance(cutoff, str) and found[q]["date"] < cutoff]
    if early:
        notes.append(f"outcome dated before the forecast's cutoff {cutoff}: {_names(early)}")
    questions = []
    for i, q in enumerate(ids):
        row = rows.iloc[i]
        text = row.get("text")
        questions.append(
            {
                "question": q,
                "text": None if text is None or (isinstance(text, float) and math.isnan(text)) else str(text),
                "p": float(p[i]),
                "outcome": int(o[i]),
                "squared_error": float((p[i] - o[i]) ** 2),
                "log_score": float(logs[i]),
                "status_quo": int(sq[i]) if has_sq else None,
                "date": found[q]["date"],
                "source": found[q]["source"],
            }
        )
    return {
        "n": len(ids),
        "brier": brier,
        "log_score": float(logs.mean()),
        "reliability": parts["reliability"],
        "resolution": parts["resolution"],
        "uncertainty": parts["uncertainty"],
        "remainder": parts["remainder"],
        "skill": skill,
        "reference_brier": refs,
        "world_share": world,
        "questions": questions,
        "unscored": unscored,
        "bins": parts["bins"],
        "registration": registration,
        "notes": notes,
    }
