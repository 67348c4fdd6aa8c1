"""The project's one definition of each named outcome, read from a runs table.

The report tables and compares those in ``REPORTED``; every one can be named on the command
line (``isf-report --outcome``) and in the exercises' claims.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

# --------------------------------------------------------------------------- outcomes

#: Named binary outcomes: key -> (label, function of the runs table -> bool Series).
#: The report tables and compares those in REPORTED; every one can be named (--outcome, the
#: exercises' tables and claims).
OUTCOMES: dict[str, tuple[str, object]] = {
    "deployed": ("P(deployed)", lambda r: _flag(r["deployed"])),
    # still deployed when the horizon comes (a force can deploy and withdraw); newer runs only
    "deployed_at_horizon": ("P(deployed at the horizon)", lambda r: _flag(r["deployed_at_horizon"])),
    "un_authorized": ("P(UN authorized)", lambda r: _flag(r["un_authorized"])),
    "ceasefire_collapsed": ("P(ceasefire collapsed)", lambda r: _flag(r["ceasefire_collapsed"])),
    "turkish_troops": ("P(Turkish troops)", lambda r: r["turkey_role"] == "troops"),
    "deployed_without_turkey": (
        "P(deployed without Türkiye)",
        lambda r: _flag(r["deployed"]) & (r["turkey_role"] != "troops"),
    ),
    "funding_released": ("P(funding released)", lambda r: r["funding_usd"] > 0),
    "enforcement_mandate": (
        "P(enforcement mandate)",
        lambda r: _flag(r["deployed"]) & (r["mandate"] == "enforcement"),
    ),
    "turkish_liaison": ("P(Türkiye liaison only)", lambda r: r["turkey_role"] == "liaison"),
    "veto_yielded": ("P(Israel lifts its veto)", lambda r: _flag(r["veto_yielded"])),
    # the mandate of the design on the table at the end, deployed or not
    "border_mandate": ("P(border mandate)", lambda r: r["mandate"] == "borders"),
    "gulf_money": ("P(Saudi or Emirati money)", lambda r: _funded_by(r, "SAU", "ARE")),
    "saudi_money": ("P(Saudi money)", lambda r: _funded_by(r, "SAU")),
    "qatari_money": ("P(Qatari money)", lambda r: _funded_by(r, "QAT")),
}

#: Those missing from a runs table (older runs lack deployed_at_horizon) are left out.
REPORTED = (
    "deployed",
    "deployed_at_horizon",
    "un_authorized",
    "ceasefire_collapsed",
    "turkish_troops",
    "deployed_without_turkey",
    "funding_released",
    "enforcement_mandate",
)


def _flag(col: pd.Series) -> pd.Series:
    """A boolean column with missing values read as False (astype(bool) would make NaN True)."""
    return col.astype(object).where(col.notna(), False).astype(bool)


def _funded_by(runs: pd.DataFrame, *actors: str) -> pd.Series:
    """Runs in which any of ``actors`` released money (``funders`` is e.g. ``"QAT+SAU"``)."""
    return runs["funders"].fillna("").str.split("+").apply(lambda ids: any(a in ids for a in actors))


#: Continuous outcomes compared by their means: column -> (label, unit).
MEANS: dict[str, tuple[str, str]] = {
    "troops": ("mean troops deployed", "troops"),
    "deaths": ("mean deaths over the horizon", "deaths"),
    "disarmament": ("mean Hamas disarmament", "share 0-1"),
    "israeli_control": ("mean Israeli control", "share of Gaza 0-1"),
    "funding_usd": ("mean funding released", "USD"),
    "failed_votes": ("mean failed Council votes", "votes"),  # newer runs only
}

#: Times to an event, summarised by their Kaplan–Meier median: column -> label.
WEEKS: dict[str, str] = {
    "week_authorized": "median week authorized",
    "week_deployed": "median week deployed",
}


def _slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = text.strip().lower()
    m = re.fullmatch(r"p\s*\((.*)\)", text)
    if m:
        text = m.group(1)
    text = text.replace("turkiye", "turkey").replace("turkish", "turkish")
    return re.sub(r"[^a-z0-9.]+", "_", text).strip("_")


_ALIASES = {
    "un_authorised": "un_authorized",
    "authorized": "un_authorized",
    "collapsed": "ceasefire_collapsed",
    "turkey_troops": "turkish_troops",
    "turkey_deployed": "turkish_troops",
    "funding": "funding_released",
    "deployed_without_turkish_troops": "deployed_without_turkey",
    "enforcement": "enforcement_mandate",
}


def resolve_outcome(name: str, columns=()) -> str:
    """Return the canonical key of an outcome name, label or boolean column.

    Accepts keys (``turkish_troops``), labels (``"P(deployed without Türkiye)"``)
    and any column name of the runs table. Raises ``KeyError`` if unknown.
    """
    if name in OUTCOMES or name in columns:
        return name
    slug = _slug(name)
    for key, (label, _) in OUTCOMES.items():
        if slug == key or slug == _slug(label):
            return key
    if slug in _ALIASES:
        return _ALIASES[slug]
    for col in columns:
        if slug == _slug(col):
            return col
    raise KeyError(name)


def outcome_label(key: str) -> str:
    return OUTCOMES[key][0] if key in OUTCOMES else f"P({key})"


def outcome_series(runs: pd.DataFrame, key: str) -> pd.Series:
    """The boolean outcome ``key`` for every run (raises KeyError if not computable)."""
    if key in OUTCOMES:
        try:
            return _flag(OUTCOMES[key][1](runs))
        except KeyError as exc:
            raise KeyError(f"{key} needs column {exc}") from None
    if key not in runs.columns:
        raise KeyError(f"no column {key!r}")
    col = runs[key]
    values = set(pd.unique(col.dropna()))
    if col.dtype == bool or str(col.dtype) == "boolean" or values <= {0, 1}:
        return _flag(col)
    raise KeyError(f"column {key!r} is not boolean")
