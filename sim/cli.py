"""The `isf-sim` command: the only ``@hydra.main``.

``main()`` checks the whole command line first: its options, Hydra's settings, every config
file (:mod:`sim.config.files`), and every job of a sweep composed and validated (unknown keys,
wrong types, out-of-range values, unknown actor ids or scenarios, malformed YAML). Any problem
is one line, exit code 2, nothing written. Then it hands over to Hydra, whose task function
converts the config to typed parameters and calls plain functions
(:func:`sim.sweep.job.run_job`).

``--help`` and ``--version`` answer before Hydra, pandas or the model are imported.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PROG = "isf-sim"
HELP_FLAGS = ("--help", "-h")
PRECHECKED = "hydra.sweeper.prechecked=true"  # tells the isf sweeper the jobs were checked here
# Hydra's options that isf-sim passes on: name -> takes a value
OPTIONS = {
    "-m": False,
    "--multirun": False,
    "--config-path": True,
    "-cp": True,
    "--config-name": True,
    "-cn": True,
    "--cfg": True,
    "-c": True,
    "--package": True,
    "-p": True,
    "--resolve": False,
    "--info": False,
    "-i": False,
    "--hydra-help": False,
    "--shell-completion": False,
    "-sc": False,
}
INFO_OPTIONS = ("--cfg", "-c", "--info", "-i", "--hydra-help", "--shell-completion", "-sc", "--package", "-p")
ALLOWED_OPTIONS = (
    "-m/--multirun, --config-path DIR, --cfg job|hydra|all [--resolve] [--package P], --info, --hydra-help, "
    "--help, --version"
)


def fail(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    sys.exit(2)


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("isf-sim")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout that is not installed
        return "unknown (not installed)"


def help_text() -> str:
    from sim.config.compose import scenarios, shipped_cases

    lines = [
        f"{PROG} — scenario simulation of negotiations over deploying a multinational force",
        "",
        f"usage: {PROG} [case=NAME|PATH] [key=value ...]            one job: a scenario run `runs` times",
        f"       {PROG} [case=NAME|PATH] -m key=a,b [key=value ...]  a sweep (Hydra multirun)",
        "",
        f"cases (case=NAME, or case=PATH for a case folder anywhere; docs/cases.md): {', '.join(shipped_cases())}"
        " (default: the first of conf/cases/DEFAULT)",
        "",
        "scenarios of the default case (scenario=NAME):",
    ]
    names = scenarios()
    width = max((len(n) for n in names), default=0)
    lines += [f"  {n:<{width}}  {s}" for n, s in names.items()]
    lines += [
        "",
        "settings:",
        "  runs=N                  Monte Carlo replicates (default 300)",
        "  seed=S                  first run's seed; run i uses S+i (default 0)",
        "  horizon_weeks=W         weeks to simulate (each case sets its default and its week 0)",
        "  uncertainty=sample|fixed  draw each run's parameters from their ranges (default) or not",
        "  trace=true              tell the story of each run week by week (use with runs=1)",
        "  csv=true                also write runs.csv beside runs.parquet",
        "  workers=auto|N          processes (auto: both cores when runs >= 400)",
        "  actors.ID.KEY=V         any actor parameter, e.g. actors.ISR.resolve=0.4,",
        "                          actors.USA.pressure.ISR=0.9 (ids: the defaults list of the case's config.yaml)",
        "  mechanisms.NAME.enabled=false  switch off pressure, vetoes, commitments,",
        "                          council, money, ground or sequencing",
        "  hydra.run.dir=DIR       where a job writes (hydra.sweep.dir=DIR for a sweep; resumes it)",
        "",
        "examples:",
        f"  {PROG}                                  the baseline, 300 runs",
        f"  {PROG} scenario=us_presses_israel runs=1000 seed=7",
        f"  {PROG} trace=true runs=1 seed=3",
        f"  {PROG} -m scenario=baseline,credible_amnesty",
        "",
        "results go to results/<scenario>/<overrides>/<time>/ (runs.parquet, config.yaml, manifest.json),",
        "with a latest link beside the newest.",
        f"options: {ALLOWED_OPTIONS}",
        f"Hydra's own help: {PROG} --hydra-help",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- the command line
@dataclass
class Command:
    multirun: bool = False
    info: bool = False  # --cfg, --info, ...: Hydra prints and nothing runs
    conf_dir: Path | None = None  # the case folder
    case: str = ""  # case=... as the user gave it ("" for the default case)
    overrides: list[str] = field(default_factory=list)
    hydra_argv: list[str] = field(default_factory=list)  # what Hydra's own parser receives


def parse_command(argv: list[str]) -> Command:
    """Sort the command line into options and overrides; an unknown option is an error."""
    from sim.config.compose import CONF_DIR, case_dir
    from sim.model.params import ConfigError

    cmd = Command(conf_dir=CONF_DIR)
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg.startswith("case="):  # the case folder: Hydra's config directory, not an override
            if cmd.case:
                raise ConfigError("case= is given twice; allowed: one case per command (a sweep runs one case)")
            value = arg.split("=", 1)[1]
            if "," in value:
                raise ConfigError(f"case={value}: a sweep runs one case; allowed: one case name or folder")
            cmd.conf_dir, cmd.case = case_dir(value), value
            continue
        if not arg.startswith("-") or arg == "-":
            cmd.overrides.append(arg)
            cmd.hydra_argv.append(arg)
            continue
        name, eq, value = arg.partition("=")
        if name == "--experimental-rerun":
            raise ConfigError(
                "--experimental-rerun is refused: it unpickles a file, which can run code; to re-run a "
                "result, use the command in its manifest.json"
            )
        if name not in OPTIONS:
            raise ConfigError(f"unknown option {name}; allowed: {ALLOWED_OPTIONS}")
        if OPTIONS[name] and not eq:
            if i >= len(argv):
                raise ConfigError(f"{name} needs a value")
            value, i = argv[i], i + 1
        elif not OPTIONS[name] and eq:
            raise ConfigError(f"{name} takes no value")
        cmd.multirun |= name in ("-m", "--multirun")
        cmd.info |= name in INFO_OPTIONS
        if name in ("--config-path", "-cp"):
            if not (Path(value).expanduser() / "config.yaml").is_file():
                raise ConfigError(
                    f"--config-path {value}: no config.yaml there; allowed: a case folder (docs/cases.md)"
                )
            path = case_dir(Path(value))
            cmd.conf_dir, cmd.case, value = path, str(path), str(path)  # absolute: Hydra reads it from sim/'s folder
        elif name in ("--config-name", "-cn") and value != "config":
            raise ConfigError(f"--config-name {value}: no such config; allowed: config")
        elif name in ("--cfg", "-c") and value not in ("job", "hydra", "all"):
            raise ConfigError(f"--cfg {value}; allowed: job, hydra, all")
        cmd.hydra_argv += [name, value] if OPTIONS[name] else [name]
    if any(a in ("--shell-completion", "-sc") for a in cmd.hydra_argv):
        _check_completion(cmd.overrides)
    if cmd.case and "--config-path" not in cmd.hydra_argv and "-cp" not in cmd.hydra_argv:
        cmd.hydra_argv = ["--config-path", str(cmd.conf_dir), *cmd.hydra_argv]
    return cmd


COMPLETION_SHELLS = ("bash", "zsh", "fish")


def _check_completion(overrides: list[str]) -> None:
    """``--shell-completion`` takes exactly one of ``install=SHELL``, ``uninstall=SHELL`` or
    ``query=SHELL`` (Hydra raises a traceback otherwise); the shell is one Hydra has a plugin for."""
    from sim.model.params import ConfigError

    shells = ", ".join(COMPLETION_SHELLS)
    allowed = f"install=SHELL or uninstall=SHELL with SHELL one of {shells} (README: Tab completion)"
    given = [o.partition("=") for o in overrides]
    if len(given) != 1 or given[0][0] not in ("install", "uninstall", "query") or not given[0][1]:
        shown = " ".join(overrides) or "nothing"
        raise ConfigError(f"--shell-completion needs one subcommand, not {shown}; allowed: {allowed}")
    if given[0][2] not in COMPLETION_SHELLS:
        raise ConfigError(f"--shell-completion {given[0][0]}={given[0][2]}: no such shell; allowed: {allowed}")


def precheck(cmd: Command) -> int:
    """Compose and validate what the command line asks for, before anything is written
    (:func:`sim.sweep.precheck.check`); returns the number of runs asked for (all jobs of a sweep)."""
    from sim.sweep.precheck import check

    return check(cmd.overrides, cmd.conf_dir, cmd.multirun)


@contextmanager
def _in_one_line() -> Iterator[None]:
    """A check's ConfigError or OSError becomes the command's one line and exit 2 (:func:`fail`)."""
    from sim.model.params import ConfigError

    try:
        yield
    except ConfigError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{exc.filename or 'a file'}: {exc.strerror or exc}")


def _checked_by_hydra(cmd: Command) -> Callable[[], None]:
    """Check a single job on Hydra's own composition of it (:mod:`sim.sweep.precheck`), then start
    its pool; returns what undoes the hand-over if Hydra never composed."""
    from omegaconf import OmegaConf

    from hydra_plugins.isf_sim.mode import hand_over_composition
    from sim.sweep.guard import warm_single
    from sim.sweep.precheck import check_composed

    def check(cfg) -> None:
        with _in_one_line():
            if cfg is None:  # Hydra could not compose it: the full check says why, if it can
                precheck(cmd)
                return
            raw = OmegaConf.to_container(cfg, resolve=False)
            raw.pop("hydra", None)
            runs = check_composed(raw, cmd.overrides, cmd.conf_dir)
        warm_single(runs, cmd.overrides)  # its workers import the model while Hydra sets up the job

    return hand_over_composition(check)


def main() -> None:
    """Console entry point: check the command line, then run Hydra."""
    argv = sys.argv[1:]
    if any(a in HELP_FLAGS for a in argv):
        print(help_text())
        return
    if "--version" in argv:
        print(f"{PROG} {version()}")
        return
    from sim.sweep.precheck import before_hydra, composed_by_hydra

    try:
        with _in_one_line():
            cmd = parse_command(argv)
            handed = not cmd.info and composed_by_hydra(cmd.overrides, cmd.multirun)
            if handed:  # a single job: checked on Hydra's own composition of it (_checked_by_hydra)
                before_hydra(cmd.overrides, cmd.conf_dir)
            elif not cmd.info:
                precheck(cmd)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted before anything was written", file=sys.stderr)
        sys.exit(130)
    sys.argv = [sys.argv[0], *cmd.hydra_argv]
    # the commands a result folder gives to re-run it say which case (sim.sweep.folders.command): set
    # or cleared by each command, so that a command run in-process never inherits an earlier one's
    os.environ.pop("ISF_SIM_CASE", None)
    if cmd.case:
        os.environ["ISF_SIM_CASE"] = cmd.case
    from sim.sweep.guard import wind_down

    undo = _checked_by_hydra(cmd) if handed else lambda: None
    if cmd.multirun and not cmd.info and not any(a.startswith("hydra/sweeper=") for a in cmd.overrides):
        sys.argv.append(PRECHECKED)  # the isf sweeper need not check the jobs again
    from hydra_plugins.isf_sim.mode import mode_from_command

    _logging_quiet()
    mode_from_command(cmd.overrides, cmd.conf_dir)
    try:
        hydra_entry()()
    except KeyboardInterrupt:  # before the sweep's own handlers are in place (they print their line)
        print(f"{PROG}: interrupted; nothing was written", file=sys.stderr)
        sys.exit(130)
    finally:
        undo()
    wind_down(PROG)


# --------------------------------------------------------------------------- Hydra's side
def _logging_quiet() -> None:
    import logging

    for name in ("MESA", "mesa"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _label(overrides) -> str:
    """``${isf_label:...}`` in hydra.run.dir: the folder level named by the job's overrides, then
    ``trace/`` for a traced job. A traced run (usually one seed) is a story, not an estimate: in
    its own folder, with its own ``latest``, it never becomes the ``latest`` of its scenario,
    which ``isf-report results/<scenario>`` reads and compares."""
    from sim.sweep.folders import folder_label

    given = [str(o) for o in overrides]
    label = folder_label(given)
    traced = any(o.lstrip("+~").partition("=")[::2] == ("trace", "true") for o in map(str.lower, given))
    return f"{label}/" * bool(label) + "trace/" * traced


def _case_level(name) -> str:
    """``${isf_case:${case.name}}`` in hydra.run.dir: ``<case>/`` for any case but the default."""
    from sim.config.compose import DEFAULT_CASE

    return "" if str(name) == DEFAULT_CASE else f"{name}/"


def register_resolvers() -> None:
    from omegaconf import OmegaConf

    OmegaConf.register_new_resolver("isf_label", _label, replace=True)
    OmegaConf.register_new_resolver("isf_case", _case_level, replace=True)


def hydra_entry():
    """``@hydra.main`` around :func:`task`, made when it is needed (Hydra is slow to import)."""
    import hydra

    from sim.config.compose import CONF_DIR
    from sim.config.fast_yaml import install
    from sim.report.table import print_sweep
    from sim.sweep import callback

    install()  # Hydra reads the case's files through libyaml (sim/config/fast_yaml.py)
    register_resolvers()
    callback.TABLE = print_sweep  # the sweep's summary speaks the case's outcomes (the report layer's)
    return hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name="config")(task)


def task(cfg) -> None:
    """Hydra's task function: one job (a module-level function, so launchers can pickle it)."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode
    from omegaconf import OmegaConf

    from sim.sweep.folders import link_latest
    from sim.sweep.job import run_or_fail

    _logging_quiet()
    register_resolvers()
    hc = HydraConfig.get()
    out = Path(hc.runtime.output_dir)
    raw = OmegaConf.to_container(cfg, resolve=True)
    raw.pop("hydra", None)
    try:
        done = run_or_fail(
            raw,
            out,
            list(hc.overrides.task),
            in_sweep=hc.mode == RunMode.MULTIRUN,
            launcher=OmegaConf.to_container(hc.launcher, resolve=False),
        )
    except OSError as exc:  # a full disk, a folder without write permission: one line
        fail(f"cannot write {exc.filename or out}: {exc.strerror or exc}")
    if done is not None:
        from sim.model.run import Results
        from sim.report.table import print_job, read_printed

        if done.results is None:  # streamed: what the table prints is read back from the folder
            done.results = Results(read_printed(done.folder))
        rules, note = _rule_range(raw, list(hc.overrides.task), done)
        if not any(o.startswith("hydra.run.dir=") for o in hc.overrides.hydra):
            link_latest(out)  # results/<scenario>/<label>/latest -> this run
        print_job(done.results, done.settings, done.folder, done.wall, done.workers, rules=rules, rule_note=note)


def _rule_range(raw: dict, task_overrides: list[str], done):
    """A single job's rule range (:mod:`sim.sweep.rules`), written to its folder: (the other
    rules' runs or None, the line that says what it cost or why there is none)."""
    from sim.sweep.job import fault_line, make_job
    from sim.sweep.rules import add_to_folder, read_rules

    job, _, design = make_job(raw, task_overrides)
    workers = done.workers  # the job's pool, already started (a new one costs more than it saves here)
    try:
        entry = add_to_folder(done.folder, job, task_overrides, workers, design)
    except OSError as exc:
        fail(f"{fault_line(exc, done.folder)}; runs.parquet is complete, without the rule range")
    if "skipped" in entry:
        return None, f"rule range: none ({entry['skipped']})"
    rules = read_rules(done.folder, done.results.runs.columns)  # the columns the printed table reads
    note = (
        f"rule range: the same seeds under {', '.join(entry['rules'])} ({entry['runs']:,} more runs in "
        f"{entry['wall_time_s']:.2f} s on {workers} worker(s); the job's own rule: {entry['own']})"
    )
    return rules, note
