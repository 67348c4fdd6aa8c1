"""Forecast questions: each kind of definition answered on a hand-made weekly table, the
status-quo answer, and one-line errors for bad questions."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.forecasting import questions as qs
from sim.model.params import ConfigError

COLUMNS = ["seed", "week", "authorized", "failed_votes", "committed", "deployed", "troops_committed",
           "troops_deployed", "funds_released_usd", "control.HLD", "collapsed", "deaths"]  # fmt: skip
IDS = ("SPN", "HLD", "CTA", "CTB", "LEAD")


def table() -> pd.DataFrame:
    """Two runs of weeks 0..4: run 1 authorizes at week 1 and deploys at week 3; run 2 never."""
    rows = []
    for seed, auth, dep in ((1, 1, 3), (2, 99, 99)):
        for w in range(5):
            deployed = "CTA+CTB+LEAD" if w >= dep else ""
            rows.append({
                "seed": seed, "week": w, "authorized": w >= auth, "failed_votes": 0,
                "committed": "CTA+CTB+LEAD" if w >= auth else "", "deployed": deployed,
                "troops_committed": 3000 if w >= auth else 0, "troops_deployed": 3000 if w >= dep else 0,
                "funds_released_usd": 0.0, "control.HLD": 0.5, "collapsed": False, "deaths": 5,
            })  # fmt: skip
    df = pd.DataFrame(rows)
    for c in ("committed", "deployed"):
        df[c] = df[c].astype("category")
    return df


def ask(**spec) -> pd.Series:
    q = qs.question({"id": "q", "text": "a question?", **spec}, "test", COLUMNS, 4, IDS)
    return qs.answer(q, table())


@pytest.mark.parametrize(
    "spec, expected",
    [
        ({"event": "authorized", "by": 0}, [False, False]),
        ({"event": "authorized", "by": 1}, [True, False]),
        ({"event": "troops_deployed", "at": 2}, [False, False]),
        ({"event": "troops_deployed", "window": [3, 4]}, [True, False]),
        ({"series": "troops_deployed", "op": ">=", "value": 3000, "at": 4}, [True, False]),
        ({"series": "troops_deployed", "op": ">", "value": 3000, "by": 4}, [False, False]),
        ({"event": "troops_deployed", "after": "authorized", "within": 2}, [True, False]),
        ({"event": "troops_deployed", "after": "authorized", "within": 1}, [False, False]),
        ({"member": "CTB", "of": "committed", "by": 1}, [True, False]),
        ({"member": "CTB", "of": "deployed", "by": 2}, [False, False]),
        ({"count": "deployed", "except": ["LEAD"], "op": ">=", "value": 2, "at": 4}, [True, False]),
        ({"count": "deployed", "except": ["LEAD"], "op": ">=", "value": 3, "at": 4}, [False, False]),
    ],
)
def test_each_kind_of_question_is_answered_per_run(spec, expected):
    got = ask(**spec)
    assert list(got.index) == [1, 2]
    assert got.tolist() == expected


def test_the_status_quo_answer_holds_week_zero_for_every_week():
    q = qs.question({"id": "q", "text": "?", "series": "control.HLD", "op": ">=", "value": 0.5, "at": 4},
                    "t", COLUMNS, 4, IDS)  # fmt: skip
    assert qs.status_quo(q, table()) is True
    q = qs.question({"id": "q", "text": "?", "event": "authorized", "by": 4}, "t", COLUMNS, 4, IDS)
    assert qs.status_quo(q, table()) is False


@pytest.mark.parametrize(
    "spec, says",
    [
        ({"event": "nosuch", "by": 2}, "is not a column of the weekly table"),
        ({"event": "authorized", "by": 9}, "beyond the horizon"),
        ({"event": "authorized", "series": "deaths", "by": 2}, "exactly one of event"),
        ({"event": "authorized"}, "exactly one of at"),
        ({"series": "deaths", "by": 2}, "op = None"),
        ({"member": "XYZ", "of": "committed", "by": 2}, "is not an actor of the case"),
        ({"member": "CTA", "of": "funders", "by": 2}, "allowed: committed, deployed"),
        ({"event": "authorized", "window": [3, 1]}, "ends before it starts"),
        ({"event": "authorized", "after": "deployed"}, "after needs within"),
        ({"event": "authorized", "by": 2, "colour": "red"}, "unknown key 'colour'"),
    ],
)
def test_bad_questions_are_one_line_errors(spec, says):
    with pytest.raises(ConfigError) as err:
        qs.question({"id": "q", "text": "?", **spec}, "questions.yaml: questions[0]", COLUMNS, 4, IDS)
    assert says in str(err.value) and "\n" not in str(err.value)
