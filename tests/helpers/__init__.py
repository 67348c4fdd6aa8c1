"""What several test modules share: the checkout, composed configs, one scenario run, and
`isf-sim` run as a user runs it. Tests import from here (``from helpers import ...``), never
from one another or from a conftest."""

from __future__ import annotations

import contextlib
import functools
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from sim.config import build as build_params
from sim.config import compose, lever_keys, parameter_meta
from sim.model.paths import with_values
from sim.model.run import Job, simulate

ROOT = Path(__file__).resolve().parents[2]
EXPERIMENTS = sorted(p.stem for p in (ROOT / "conf" / "cases" / "gaza" / "experiments").glob("*.yaml"))


@functools.cache
def _compose_cached(overrides: tuple[str, ...]) -> dict:
    return compose(list(overrides))


def raw_config(*overrides: str) -> dict:
    """Composed config as a plain dict (cached; callers must not mutate it)."""
    return _compose_cached(tuple(overrides))


def params_for(*overrides: str):
    return build_params(raw_config(*overrides))[0]


def run_scenario(
    scenario: str = "baseline", runs: int = 300, uncertainty: str = "sample", values: dict | None = None, seed: int = 0
) -> pd.DataFrame:
    """The runs table of a scenario (with some parameters set), on one core, as a job runs it."""
    raw = raw_config(f"scenario={scenario}")
    params = params_for(f"scenario={scenario}")
    fixed = lever_keys(raw)
    if values:
        params = with_values(params, values)
        fixed = fixed | frozenset(values)
    return simulate(
        Job(params, seed=seed, runs=runs, uncertainty=uncertainty, meta=parameter_meta(raw), fixed=fixed), workers=1
    ).runs


def isf_sim(cwd: Path, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the isf-sim command as a user would, in ``cwd``.

    ``check``: fail the test if the command fails (pass False to look at a failure)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYDRA_")}
    env["PYTHONHASHSEED"] = "0"
    proc = subprocess.run(
        [sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"isf-sim {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc


def combined(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "runs.parquet")


def sources_in(node) -> list[str]:
    """Every id under a ``sources:`` key, anywhere in a parsed YAML document."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "sources":
                found += [str(v) for v in (value if isinstance(value, list) else [value])]
            else:
                found += sources_in(value)
    elif isinstance(node, list):
        for item in node:
            found += sources_in(item)
    return found


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def app_server(*args: str, env: dict | None = None, log: Path | None = None):
    """isf-app started as a user starts it (``args``: its options, e.g. ``case=PATH``) on a free
    port of 127.0.0.1, until it accepts connections; yields the port, then stops it and anything
    it started. ``log``: a file that gets what the server prints (stdout and stderr)."""
    import signal
    import socket
    import time

    port = free_port()
    out = open(log, "wb") if log is not None else subprocess.DEVNULL  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-c", "from sim.teaching.app import main; main()", *args, "--port", str(port)],
        stdout=out,
        stderr=subprocess.STDOUT if log is not None else subprocess.DEVNULL,
        start_new_session=True,
        env=env,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert proc.poll() is None, "isf-app exited early"
                time.sleep(0.3)
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if log is not None:
            out.close()
