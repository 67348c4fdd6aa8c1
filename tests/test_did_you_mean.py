"""A misspelt key, actor id, mechanism, scenario or word gets "did you mean ...?" in the one-line
error (sim/config/validate.py: did_you_mean), and ``+key=value`` on a key that exists gets the
project's line with the fix instead of Hydra's "Could not append to config"."""

from __future__ import annotations

import pytest
from test_fuzz_cli import assert_one_line, run_main

from sim.config.validate import did_you_mean

SUGGESTED = [
    (["actors.isr.resolve=0.4"], "unknown actor id 'isr' in 'actors.isr.resolve' (did you mean 'ISR'?); allowed: USA"),
    (["actors.ISR.resolv=0.4"], "unknown key 'actors.ISR.resolv' (did you mean 'resolve'?); allowed in actors.ISR:"),
    (["mechanisms.veto.enabled=false"], "no 'veto' in mechanisms (did you mean 'vetoes'?); allowed there: commitments"),
    (["sed=3"], "unknown key 'sed' (did you mean 'seed'?)"),
    (["scenario=basline"], "scenario 'basline' does not exist (did you mean 'baseline'?); allowed: baseline"),
    (["mechanisms.pressure.rule=compromis"], "'compromis' (did you mean 'compromise'?); allowed: default"),
    (["actors.USA.pressure.isr=0.9"], "unknown actor id 'isr' in 'actors.USA.pressure.isr' (did you mean 'ISR'?)"),
    (
        ["+actors.ISR.resolve=0.4"],
        "actors.ISR.resolve exists already, so there is nothing to add; to set it, "
        "drop the '+': actors.ISR.resolve=0.4",
    ),  # fmt: skip
    (["-m", "runs=2,3", "+actors.USA.pressure.ISR=0.9"], "drop the '+': actors.USA.pressure.ISR=0.9"),
]


@pytest.mark.parametrize(("args", "fragment"), SUGGESTED, ids=lambda a: " ".join(a) if isinstance(a, list) else "")
def test_a_misspelling_is_named_with_what_was_meant(monkeypatch, capsys, tmp_path, args, fragment):
    code, err = run_main(monkeypatch, capsys, tmp_path, args)
    assert_one_line(code, err, fragment, tmp_path)
    assert "Could not append" not in err


@pytest.mark.parametrize("args", [["actors.XYZ.resolve=0.4"], ["scenario=nope"], ["nope=1"]])
def test_nothing_is_suggested_when_nothing_is_close(monkeypatch, capsys, tmp_path, args):
    code, err = run_main(monkeypatch, capsys, tmp_path, args)
    assert_one_line(code, err, "allowed", tmp_path)
    assert "did you mean" not in err


def test_adding_what_does_not_exist_still_works():
    from sim.config import compose

    raw = compose(["+actors.QAT.pressure.ISR=0.5", "+actors.QAT.leverage.ISR=0.5", "++actors.ISR.resolve=0.5"])
    assert raw["actors"]["QAT"]["pressure"]["ISR"] == 0.5 and raw["actors"]["ISR"]["resolve"] == 0.5


def test_did_you_mean_prefers_the_same_word_in_another_case():
    assert did_you_mean("hamas", ["HAMAS", "USA"]) == " (did you mean 'HAMAS'?)"
    assert did_you_mean("resolv", ["resolve", "position"]) == " (did you mean 'resolve'?)"
    assert did_you_mean("xyz", ["resolve", "position"]) == ""
