"""isf-play: scripted games (answers from a file or stdin) and the debrief."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from sim.config import load
from sim.model.model import ISFModel
from sim.model.outcomes import outcome
from sim.teaching import play


def _game(argv, answers=""):
    out = io.StringIO()
    code = play.main(argv, stdin=io.StringIO(answers), out=out)
    return code, out.getvalue()


def test_a_player_who_always_takes_the_agents_choice_gets_the_models_run():
    params = load(["scenario=us_presses_israel"])[0]
    human = play.Human(lambda: "", io.StringIO())  # Enter, every time
    mine = play.play(params, "USA", 4, human, io.StringIO())
    assert outcome(mine, 4) == outcome(ISFModel(params, rng=4).run(), 4)


def test_israel_lifting_its_veto_at_once_lets_turkey_in(tmp_path):
    moves = tmp_path / "moves.txt"
    moves.write_text("# week 1: accept the rule's position, then lift the veto on Türkiye\n\nlift\nauto\n")
    code, text = _game(["actor=ISR", "seed=2", "runs=20", f"answers={moves}"])
    assert code == 0
    assert "ISR lifts its veto on TUR troops" in text
    assert "Debrief" in text and "model, 20 runs" in text


def test_stdin_answers_and_bad_answers_are_asked_again():
    code, text = _game(
        ["actor=USA", "seed=1", "runs=10", "horizon_weeks=3"], "FOO=2\nISR=0.9 HAMAS=0.5\n\n\n\n\n\n\n\n\n\n"
    )
    assert code == 0
    assert "? press whom?" in text and "HAMAS=0.50 ISR=0.90" in text


def test_unknown_actor_is_a_one_line_error(capsys):
    assert play.main(["actor=XYZ"], stdin=io.StringIO(), out=io.StringIO()) == 2
    assert "allowed: USA" in capsys.readouterr().err


def test_console_script_reads_piped_answers():
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from sim.teaching.play import main; sys.exit(main())",
            "actor=TUR",
            "runs=5",
            "horizon_weeks=4",
        ],
        input="auto\n",
        text=True,
        capture_output=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert "You play Türkiye (TUR)" in r.stdout and "Debrief" in r.stdout


def _by_prompt(out: io.StringIO, answers: dict[str, str]):
    """A reader that answers each question by its tag ('[vote]' -> 'no'), Enter otherwise."""

    def read() -> str:
        last = out.getvalue().rsplit("\n", 1)[-1]
        return next((a for tag, a in answers.items() if tag in last), "")

    return read


def test_a_failed_vote_is_told_the_week_it_happens():
    params = load(["scenario=baseline", "horizon_weeks=6"])[0]
    out = io.StringIO()
    play.play(params, "RUS", 1, play.Human(_by_prompt(out, {"[vote]": "no"}), out, echo=True), out)
    text = out.getvalue()
    assert "[vote]" in text and "> the draft fails: vetoed by RUS" in text
    assert "> the votes: USA votes yes;" in text and "RUS votes no" in text
    week_of_vote = text[: text.index("> the draft fails")].rsplit("Week ", 1)[1].split(":")[0]
    assert f"Week {int(week_of_vote) + 1}:" in text[text.index("> the draft fails") :]  # told before the next week


def test_going_ahead_without_a_vetoed_contributor_is_asked_once():
    params = load(["scenario=baseline", "horizon_weeks=10"])[0]
    out = io.StringIO()
    model = play.play(params, "USA", 1, play.Human(_by_prompt(out, {"[design]": "n"}), out, echo=True), out)
    assert out.getvalue().count("[design]") == 1
    assert not model.agenda.design_final  # the answer stood: the US kept waiting


def test_hamas_decides_on_the_money_once_per_offer_and_on_its_positions():
    params = load(["scenario=gulf_partial_disarmament", "horizon_weeks=8"])[0]
    out = io.StringIO()
    model = play.play(
        params, "HAMAS", 3, play.Human(_by_prompt(out, {"[money]": "n", "[concede]": "hold"}), out, echo=True), out
    )
    text = out.getvalue()
    assert "disarmament (0 Hamas keeps its arms ... 1 full verified disarmament)" in text  # case.yaml's words
    assert 1 <= text.count("[money] QAT") <= 2 and model.actors["HAMAS"].prize == (0.0, 0.0)
    hamas = params.actors["HAMAS"]
    cares = [d for d, sal in enumerate(hamas.salience) if sal > 0]  # what it is asked about; the rest follows
    assert [model.actors["HAMAS"].settled[d] for d in cares] == [hamas.position[d] for d in cares]  # held every week


def test_version_answers_without_importing_the_model():
    from importlib.metadata import version

    code = (
        "import sys; from sim.teaching import app, play; play.main(['--version']); app.main(['--version']); "
        "heavy = [m for m in ('mesa', 'pandas', 'hydra', 'solara', 'sim.model.model') if m in sys.modules]; "
        "print('heavy:', heavy)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [f"isf-play {version('isf-sim')}", f"isf-app {version('isf-sim')}", "heavy: []"]


def test_an_answers_file_saved_on_windows_plays(tmp_path):
    moves = tmp_path / "moves.txt"
    moves.write_bytes("\ufeff# Israel\r\n\r\nlift\r\nauto\r\n".encode())
    code, text = _game(["actor=ISR", "seed=2", "runs=5", "horizon_weeks=3", f"answers={moves}"])
    assert code == 0 and "ISR lifts its veto on TUR troops" in text


def test_the_app_warns_when_it_listens_beyond_this_machine(monkeypatch, capsys):
    from sim.teaching import app

    started = []
    monkeypatch.setattr(app.os, "execve", lambda exe, cmd, env: started.append((cmd, env)))
    assert app.main(["--host", "0.0.0.0", "--port", "0"]) == 2  # port 0 is refused
    assert app.main(["--host", "0.0.0.0", "port=18765"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("isf-app: warning: listening on 0.0.0.0: the page is reachable from other machines")
    [(cmd, env)] = started
    assert "--no-check-version" in cmd and cmd[cmd.index("--host") + 1] == "0.0.0.0"
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False" and env["SOLARA_ASSETS_CDN"].startswith(
        "http://127.0.0.1:"
    )
    assert app.main(["port=18766"]) == 0
    assert "warning" not in capsys.readouterr().err and started[-1][0][cmd.index("--host") + 1] == "127.0.0.1"


def test_a_case_folder_given_by_its_path_is_played(tmp_path):
    import shutil

    from sim.config.compose import CONF_DIR

    case = tmp_path / "gaza_copy"
    shutil.copytree(CONF_DIR, case)
    code, text = _game([f"case={case}", "actor=TUR", "runs=3", "horizon_weeks=3"], "auto\n")
    assert code == 0 and "You play Türkiye (TUR)" in text and "Debrief" in text
    assert play.main([f"case={case}", "actor=XYZ"], stdin=io.StringIO(), out=io.StringIO()) == 2
    assert play.main(["case=nosuchcase", "actor=USA"], stdin=io.StringIO(), out=io.StringIO()) == 2


def test_the_debrief_says_its_parameters_are_point_values_and_gives_the_sampled_share():
    import re

    from sim import simulate

    code, text = _game(["actor=HAMAS", "seed=3", "runs=12", "horizon_weeks=8"], "auto\n")
    assert code == 0 and "every parameter\nat its point value (uncertainty=fixed)" in text
    m = re.search(
        r"the same 12 seeds give: ISF deployed in\n  (\d+)% of runs, a Council resolution in (\d+)% \((.*)\)", text
    )
    assert m, text[-600:]
    assert m.group(3) == "isf-sim horizon_weeks=8 runs=12 seed=3"  # the command whose table gives them
    runs = simulate(runs=12, seed=3, horizon_weeks=8)  # isf-sim's default: sampled parameters
    assert m.group(1) == f"{runs['deployed'].mean():.0%}".rstrip("%")
    assert m.group(2) == f"{runs['un_authorized'].mean():.0%}".rstrip("%")


def test_help_is_plain_text_for_the_terminal(capsys):
    from sim.teaching import app

    out = io.StringIO()
    assert play.main(["--help"], out=out) == 0
    with pytest.raises(SystemExit):
        app.main(["--help"])
    for text in (out.getvalue(), capsys.readouterr().out):
        assert text.startswith("usage: ") and "examples:" in text
        assert not any(markup in text for markup in ("``", ":mod:", ":func:", ":class:")), text
