"""Forecast questions as data: a case's ``questions.yaml``, checked, and answered run by run.

A question has an ``id``, the ``text`` an analyst reads, and a definition over the weekly table
(:mod:`sim.model.weekly`): *what* must hold, and *when*.

What (exactly one):

- ``event: COLUMN`` — the column is true (a yes/no column), positive (a number) or names someone
  (``committed``, ``deployed``): ``event: authorized``, ``event: troops_deployed``;
- ``series: COLUMN`` with ``op`` (``>=``, ``>``, ``<=``, ``<``, ``==``) and ``value``:
  ``series: troops_deployed, op: ">=", value: 1000``;
- ``member: ID`` with ``of: committed | deployed``: ``member: IDN, of: committed``;
- ``count: committed | deployed`` with ``op``, ``value`` and optionally ``except: [IDS]``: at least
  three contributors other than the lead.

When (exactly one):

- ``at: W`` — at week W; ``by: W`` — at any week from 0 to W; ``window: [A, B]`` — at any week
  from A to B;
- ``after: EVENT`` with ``within: N`` — at any week from the one in which EVENT (an ``event``
  column) first holds to N weeks later (no EVENT, no).

The status-quo answer of a question is what it would be if nothing changed from week 0: the
week-0 state held for every week (:func:`status_quo`). Every problem in a questions file is one
:class:`~sim.model.params.ConfigError` line.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.config import files
from sim.model.params import ConfigError

OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}
WHAT = ("event", "series", "member", "count")
WHEN = ("at", "by", "window", "after")
KEYS = ("id", "text", *WHAT, *WHEN, "op", "value", "of", "except", "within", "note", "sources")
LISTS = ("committed", "deployed")  # the weekly table's columns of actor ids
ID = re.compile(r"[a-z][a-z0-9_]{0,63}")


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    what: str  # event | series | member | count
    column: str  # the column it reads (member: committed or deployed)
    op: str = ">"
    value: float = 0.0
    member: str = ""
    excluded: tuple[str, ...] = ()
    when: str = "by"  # at | by | window | after
    weeks: tuple[int, int] = (0, 0)  # at: (W, W); by: (0, W); window: (A, B); after: (0, N)
    after: str = ""


def load(path: Path | str, columns: list[str], horizon: int, ids: tuple[str, ...]) -> list[Question]:
    """The questions of ``path``, checked against the weekly table's ``columns``, the horizon and
    the case's actor ``ids``."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{files.where(path)}: no questions file; allowed: a questions.yaml in the case folder")
    _, data = files.read_yaml(path)
    items = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise ConfigError(
            f"{files.where(path)}: no 'questions:' list; allowed: questions: [{{id: ..., text: ...}}, ...]"
        )
    out, seen = [], set()
    for i, raw in enumerate(items):
        q = question(raw, f"{files.where(path)}: questions[{i}]", columns, horizon, ids)
        if q.id in seen:
            raise ConfigError(f"{files.where(path)}: question {q.id} is defined twice")
        seen.add(q.id)
        out.append(q)
    return out


def question(raw: Any, where: str, columns: list[str], horizon: int, ids: tuple[str, ...]) -> Question:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} is not a mapping; allowed: {{id: ..., text: ..., event: ..., by: ...}}")
    extra = sorted(str(k) for k in raw if k not in KEYS)
    if extra:
        raise ConfigError(f"{where}: unknown key '{extra[0]}'; allowed: {', '.join(KEYS)}")
    qid = raw.get("id")
    if not isinstance(qid, str) or not ID.fullmatch(qid):
        raise ConfigError(f"{where}: id {qid!r}; allowed: lower-case letters, digits and _ (a column name)")
    where = f"{where} ({qid})"
    if not isinstance(raw.get("text"), str) or not raw["text"].strip():
        raise ConfigError(f"{where}: no text; allowed: the question as an analyst reads it")
    what = [k for k in WHAT if k in raw]
    when = [k for k in WHEN if k in raw]
    if len(what) != 1:
        raise ConfigError(f"{where}: needs exactly one of {', '.join(WHAT)}")
    if len(when) != 1:
        raise ConfigError(f"{where}: needs exactly one of {', '.join(WHEN)}")
    kw: dict[str, Any] = {"id": qid, "text": raw["text"].strip(), "what": what[0], "when": when[0]}
    kind = what[0]
    if kind in ("event", "series"):
        kw["column"] = _column(where, kind, raw[kind], columns)
    elif kind == "member":
        kw["member"] = _actor(where, "member", raw["member"], ids)
        kw["column"] = _list(where, "of", raw.get("of"))
    else:
        kw["column"] = _list(where, "count", raw["count"])
        excluded = raw.get("except") or []
        if not isinstance(excluded, list):
            raise ConfigError(f"{where}: except = {excluded!r}; allowed: a list of actor ids")
        kw["excluded"] = tuple(_actor(where, "except", a, ids) for a in excluded)
    if kind in ("series", "count"):
        op = raw.get("op")
        if op not in OPS:
            raise ConfigError(f"{where}: op = {op!r}; allowed: {', '.join(OPS)}")
        value = raw.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: value = {value!r}; allowed: a number")
        kw["op"], kw["value"] = op, float(value)
    elif "op" in raw or "value" in raw:
        raise ConfigError(f"{where}: op and value belong to series and count questions")
    kw["weeks"], kw["after"] = _when(where, when[0], raw, columns, horizon)
    return Question(**kw)


def _column(where: str, key: str, name: Any, columns: list[str]) -> str:
    allowed = [c for c in columns if c not in ("seed", "week")]
    if name not in allowed:
        raise ConfigError(
            f"{where}: {key} = {name!r} is not a column of the weekly table; allowed: {', '.join(allowed)}"
        )
    return name


def _list(where: str, key: str, name: Any) -> str:
    if name not in LISTS:
        raise ConfigError(f"{where}: {key} = {name!r}; allowed: {', '.join(LISTS)}")
    return name


def _actor(where: str, key: str, aid: Any, ids: tuple[str, ...]) -> str:
    if aid not in ids:
        raise ConfigError(f"{where}: {key} = {aid!r} is not an actor of the case; allowed: {', '.join(ids)}")
    return aid


def _week(where: str, key: str, w: Any, horizon: int) -> int:
    if isinstance(w, bool) or not isinstance(w, int) or w < 0:
        raise ConfigError(f"{where}: {key} = {w!r}; allowed: a week, 0 or more")
    if w > horizon:
        raise ConfigError(f"{where}: asks about week {w}, beyond the horizon; allowed: horizon_weeks={w} or more")
    return w


def _when(where: str, key: str, raw: dict, columns: list[str], horizon: int) -> tuple[tuple[int, int], str]:
    if key == "at":
        w = _week(where, "at", raw["at"], horizon)
        return (w, w), ""
    if key == "by":
        return (0, _week(where, "by", raw["by"], horizon)), ""
    if key == "window":
        win = raw["window"]
        if not isinstance(win, list) or len(win) != 2:
            raise ConfigError(f"{where}: window = {win!r}; allowed: [first week, last week]")
        a, b = (_week(where, "window", w, horizon) for w in win)
        if a > b:
            raise ConfigError(f"{where}: window {win} ends before it starts")
        return (a, b), ""
    if "within" not in raw:
        raise ConfigError(f"{where}: after needs within: N (weeks)")
    n = raw["within"]
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ConfigError(f"{where}: within = {n!r}; allowed: a number of weeks, 0 or more")
    return (0, n), _column(where, "after", raw["after"], columns)


# --------------------------------------------------------------------------- answering
def holds(q: Question, weekly: pd.DataFrame, column: str | None = None, what: str | None = None) -> np.ndarray:
    """Whether the question's condition holds, per row of the weekly table (``column``/``what``:
    another column read as an event, for ``after``)."""
    what = what or q.what
    col = weekly[column or q.column]
    if what == "event":
        if col.dtype == bool:
            return col.to_numpy()
        if isinstance(col.dtype, pd.CategoricalDtype) or col.dtype == object:
            return (col.astype(str) != "").to_numpy()
        return col.to_numpy() > 0
    if what == "series":
        return OPS[q.op](col.to_numpy().astype(float), q.value)
    ids = _split(col)
    if what == "member":
        return np.fromiter((q.member in s for s in ids), dtype=bool, count=len(ids))
    counts = np.fromiter((len(s - set(q.excluded)) for s in ids), dtype=float, count=len(ids))
    return OPS[q.op](counts, q.value)


def _split(col: pd.Series) -> list[set[str]]:
    if isinstance(col.dtype, pd.CategoricalDtype):
        sets = [set(c.split("+")) - {""} for c in col.cat.categories]
        return [sets[i] if i >= 0 else set() for i in col.cat.codes.to_numpy()]
    return [set(str(v).split("+")) - {""} for v in col]


def _in_order(weekly: pd.DataFrame) -> pd.DataFrame:
    return weekly.sort_values(["seed", "week"], kind="stable")


def answer(q: Question, weekly: pd.DataFrame, in_order: bool = False) -> pd.Series:
    """Each run's answer (a boolean per seed, in seed order); the table holds weeks 0...H for every
    run (``in_order``: already sorted by seed and week)."""
    table = weekly if in_order else _in_order(weekly)
    seeds = table["seed"].unique()
    weeks = int(table["week"].max()) + 1
    cond = holds(q, table).reshape(len(seeds), weeks)
    a, b = q.weeks
    if q.when != "after":
        return pd.Series(cond[:, a : b + 1].any(axis=1), index=pd.Index(seeds, name="seed"), name=q.id)
    start = holds(q, table, q.after, "event").reshape(len(seeds), weeks)
    first = np.where(start.any(axis=1), start.argmax(axis=1), -1)
    out = np.zeros(len(seeds), dtype=bool)
    for i, s in enumerate(first):
        if s >= 0:
            out[i] = cond[i, s : min(weeks, s + b + 1)].any()
    return pd.Series(out, index=pd.Index(seeds, name="seed"), name=q.id)


def status_quo(q: Question, weekly: pd.DataFrame) -> bool:
    """The answer if nothing changed from week 0 (the first run's week-0 state, every week)."""
    first = _in_order(weekly)
    row = first[first["week"] == 0].head(1)
    now = bool(holds(q, row)[0])
    if q.when == "after":
        return now and bool(holds(q, row, q.after, "event")[0])
    return now


def answers(questions: list[Question], weekly: pd.DataFrame) -> pd.DataFrame:
    """One row per run (``seed``), one boolean column per question."""
    table = _in_order(weekly)  # once for all the questions
    cols = [answer(q, table, in_order=True) for q in questions]
    out = pd.concat(cols, axis=1) if cols else pd.DataFrame(index=pd.Index([], name="seed"))
    return out.reset_index()
