"""Bad input to isf-play and isf-app: every case ends as one line ``TOOL: error: ...`` on stderr
naming the problem, exit code 2, no traceback, and nothing written in the working directory.

The commands run in this process (``main(argv, stdin, out)``), in an empty temporary working
directory; a few cases that need a real process (a closed stdin, bytes on stdin) run as one.
isf-app never starts a server here: ``os.execve`` is replaced by a failure, so an input that
slipped through would fail its case instead of serving."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from sim.teaching import app, play

# (case id, argv, stdin text or None for "no stdin given", files to create: name -> bytes, word in the error)
PLAY_CASES = [
    ("no-actor", ["runs=3"], "", {}, "actor=ID"),
    ("unknown-actor", ["actor=XYZ"], "", {}, "allowed: USA"),
    ("actor-path", ["actor=../ISR"], "", {}, "actor id"),
    ("actor-empty", ["actor="], "", {}, "actor id"),
    ("actor-twice", ["actor=TUR", "actor=USA"], "", {}, "twice"),
    ("not-key-value", ["actor=TUR", "hello"], "", {}, "not key=value"),
    ("empty-key", ["actor=TUR", "=3"], "", {}, "not key=value"),
    ("flag", ["actor=TUR", "--fast"], "", {}, "unknown option"),
    ("runs-word", ["actor=TUR", "runs=abc"], "", {}, "1 to 100,000"),
    ("runs-zero", ["actor=TUR", "runs=0"], "", {}, "1 to 100,000"),
    ("runs-negative", ["actor=TUR", "runs=-5"], "", {}, "1 to 100,000"),
    ("runs-too-many", ["actor=TUR", "runs=10000000"], "", {}, "1 to 100,000"),
    ("runs-float", ["actor=TUR", "runs=2.5"], "", {}, "whole number"),
    ("runs-bracket", ["actor=TUR", "runs=["], "", {}, "whole number"),
    ("runs-fullwidth", ["actor=TUR", "runs=５"], "", {}, "whole number"),
    ("seed-word", ["actor=TUR", "seed=abc"], "", {}, "seed="),
    ("seed-negative", ["actor=TUR", "seed=-1"], "", {}, "seed="),
    ("seed-huge", ["actor=TUR", "seed=99999999999"], "", {}, "seed="),
    ("unknown-key", ["actor=TUR", "foo=1"], "", {}, "unknown key 'foo'"),
    ("hydra-key", ["actor=TUR", "hydra.run.dir=out"], "", {}, "Hydra"),
    ("plus-key", ["actor=TUR", "+experiment=grid"], "", {}, "Hydra"),
    ("trace", ["actor=TUR", "trace=true"], "", {}, "isf-sim's"),
    ("uncertainty", ["actor=TUR", "uncertainty=sample"], "", {}, "point values"),
    ("scenario-unknown", ["actor=TUR", "scenario=nope"], "", {}, "scenario 'nope'"),
    ("scenario-path", ["actor=TUR", "scenario=../../x"], "", {}, "scenario"),
    ("scenario-glob", ["actor=TUR", "scenario=glob(*)"], "", {}, "scenario"),
    ("unknown-actor-key", ["actor=TUR", "actors.XYZ.resolve=1"], "", {}, "XYZ"),
    ("lever-not-number", ["actor=TUR", "actors.ISR.resolve=abc"], "", {}, "actors.ISR.resolve"),
    ("horizon-zero", ["actor=TUR", "horizon_weeks=0"], "", {}, "horizon_weeks"),
    ("answers-empty-name", ["actor=TUR", "answers="], "", {}, "answers="),
    ("answers-missing", ["actor=TUR", "answers=moves.txt"], "", {}, "no such file"),
    ("answers-directory", ["actor=TUR", "answers=."], "", {}, "directory"),
    ("answers-latin1", ["actor=TUR", "answers=m.txt"], "", {"m.txt": "lift\nTürkiye\n".encode("latin-1")}, "UTF-8"),
    ("answers-binary", ["actor=TUR", "answers=m.txt"], "", {"m.txt": b"\x00\x01\x02lift\n"}, "control character"),
    ("answers-only-comments", ["actor=TUR", "answers=m.txt"], "", {"m.txt": b"# nothing\n"}, "no answers"),
    ("answers-empty-file", ["actor=TUR", "answers=m.txt"], "", {"m.txt": b""}, "no answers"),
    ("answers-long-line", ["actor=TUR", "answers=m.txt"], "", {"m.txt": b"y" * 5000 + b"\n"}, "characters long"),
    ("answers-too-big", ["actor=TUR", "answers=m.txt"], "", {"m.txt": b"\n" * 1_100_000}, "larger than"),
    ("stdin-empty", ["actor=TUR", "runs=3"], "", {}, "stdin ended before the first answer"),
    ("stdin-closed", ["actor=TUR", "runs=3"], None, {}, "stdin is closed"),
    ("stdin-control", ["actor=TUR", "runs=3"], "\x1b[A\n", {}, "control character"),
]


def _closed() -> io.StringIO:
    s = io.StringIO()
    s.close()
    return s


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _one_error_line(prog: str, err: str, word: str) -> str:
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    assert lines[0].startswith(f"{prog}: error: "), lines[0]
    assert word in lines[0], f"the error does not name the problem ({word!r}): {lines[0]}"
    return lines[0]


def _entries(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize(
    ("argv", "stdin", "files", "word"), [c[1:] for c in PLAY_CASES], ids=[c[0] for c in PLAY_CASES]
)
def test_isf_play_bad_input(cwd, capsys, argv, stdin, files, word):
    for name, data in files.items():
        (cwd / name).write_bytes(data)
    before = _entries(cwd)
    out = io.StringIO()
    code = play.main(argv, stdin=_closed() if stdin is None else io.StringIO(stdin), out=out)
    assert code == 2
    _one_error_line("isf-play", capsys.readouterr().err, word)
    assert "Debrief" not in out.getvalue()
    assert _entries(cwd) == before


@pytest.fixture
def no_server(monkeypatch):
    def refuse(*_a, **_k):
        raise AssertionError("isf-app accepted a bad input and tried to start the server")

    monkeypatch.setattr(app.os, "execve", refuse)


@pytest.fixture
def busy_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        yield s.getsockname()[1]


APP_CASES = [
    ("port-word", ["--port", "abc"], "1 to 65535"),
    ("port-too-big", ["--port", "70000"], "1 to 65535"),
    ("port-negative", ["--port", "-1"], "1 to 65535"),
    ("port-zero", ["--port=0"], "1 to 65535"),
    ("port-float", ["--port", "80.5"], "1 to 65535"),
    ("port-key-value", ["port=abc"], "1 to 65535"),
    ("port-missing-value", ["--port"], "expected one argument"),
    ("host-name", ["--host", "example.invalid"], "IP address"),
    ("host-empty", ["--host", ""], "IP address"),
    ("host-not-here", ["--host", "192.0.2.1"], "cannot listen"),
    ("host-bad-ip", ["--host", "300.1.1.1"], "IP address"),
    ("unknown-flag", ["--debug"], "unrecognized arguments"),
    ("positional", ["baseline"], "unrecognized arguments"),
    ("abbreviated", ["--po", "8800"], "unrecognized arguments"),
]


@pytest.mark.parametrize(("argv", "word"), [c[1:] for c in APP_CASES], ids=[c[0] for c in APP_CASES])
def test_isf_app_bad_input(cwd, capsys, no_server, argv, word):
    assert app.main(argv) == 2
    captured = capsys.readouterr()
    _one_error_line("isf-app", captured.err, word)
    assert "serving on" not in captured.out
    assert _entries(cwd) == set()


def test_isf_app_port_in_use_fails_before_serving(cwd, capsys, no_server, busy_port):
    assert app.main(["--port", str(busy_port)]) == 2
    captured = capsys.readouterr()
    _one_error_line("isf-app", captured.err, "in use")
    assert "serving on" not in captured.out


def _run(args: list[str], cwd: Path, **kw) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "sim.teaching.play", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=60, **kw)


@pytest.mark.parametrize(
    ("how", "word"),
    [("closed", "stdin is closed"), ("dev-null", "stdin ended"), ("bytes", "not UTF-8")],
)
def test_isf_play_stdin_of_a_real_process(cwd, how, word):
    """A closed file descriptor 0 (``isf-play ... <&-``), an empty stdin and non-UTF-8 bytes."""
    args = ["actor=TUR", "runs=3", "horizon_weeks=2"]
    if how == "closed":
        r = _run(args, cwd, stdin=subprocess.DEVNULL, preexec_fn=lambda: __import__("os").close(0))
    elif how == "dev-null":
        r = _run(args, cwd, stdin=subprocess.DEVNULL)
    else:
        r = _run(args, cwd, input=b"\xff\xfe lift\n")
    assert r.returncode == 2
    _one_error_line("isf-play", r.stderr.decode(), word)
    assert _entries(cwd) == set()
