"""Stopping cleanly: worker processes never outlive the command, Ctrl-C is one line.

**Every process the command starts is marked.** :func:`mark` puts ``ISF_SIM_RUN=<pid>-<random>``
into this process's environment; the worker processes (loky's pool, loky's resource tracker,
the joblib/Dask launchers' workers) inherit it, and ``/proc/<pid>/environ`` shows it. Whoever
must stop them kills exactly the processes carrying the mark (:func:`kill_marked`), wherever they
were reparented.

**A guard process outlives the command** (:func:`start_guard`): a tiny Python process (this file
run as a script, standard library only), in its own session so Ctrl-C and ``kill`` of the
command's process group do not reach it. It reads a pipe whose only writer is the command; when
the command ends — normally, by a signal or by ``kill -9`` — the pipe closes, and the guard kills
every marked process that is left and exits. (Linux's ``PR_SET_PDEATHSIG`` would need code in
each worker before it starts, and loky offers no hook for it without replacing its pool.)

**Ctrl-C reaches the command only.** Worker processes are started with SIGINT blocked
(:func:`warm`: the signal mask is inherited through fork and exec, and Python leaves it as it
finds it), so a terminal's Ctrl-C, sent to the whole foreground process group, no longer makes
each worker print a traceback. The command's own handler (:func:`install`) kills the workers,
removes its temporary files, releases its folder lock, prints one line saying how to resume and
exits 130 (SIGINT), 143 (SIGTERM) or 129 (SIGHUP): 128 + the signal's number, as a shell reports
a process killed by it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

VAR = "ISF_SIM_RUN"
STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")
_guard: subprocess.Popen | None = None
_cleanups: list[Callable[[], None]] = []
_message: Callable[[int], str] | None = None
_stopping = False


def mark() -> str:
    """This command's mark (set in the environment, so every process it starts inherits it)."""
    token = os.environ.get(VAR, "")
    if not token.startswith(f"{os.getpid()}-"):  # absent, or inherited from another isf-sim
        token = os.environ[VAR] = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
    return token


def marked(token: str) -> list[int]:
    """Processes (other than this one) whose environment carries ``VAR=token``."""
    needle = f"{VAR}={token}".encode() + b"\0"
    me, out = os.getpid(), []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            with open(f"/proc/{entry.name}/environ", "rb") as f:
                env = f.read() + b"\0"
        except OSError:
            continue
        if b"\0" + needle in b"\0" + env:
            out.append(int(entry.name))
    return out


def kill_marked(token: str | None = None) -> int:
    """SIGKILL every process carrying this command's mark; return how many."""
    token = token or os.environ.get(VAR)
    if not token or not os.path.isdir("/proc"):
        return 0
    pids = marked(token)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return len(pids)


def start_guard() -> None:
    """Start the guard process (once per command), after marking this process."""
    global _guard
    if _guard is not None or not os.path.isdir("/proc"):
        return
    token = mark()
    env = {k: v for k, v in os.environ.items() if k != VAR}
    _guard = subprocess.Popen(
        [sys.executable, "-I", "-S", str(Path(__file__).resolve()), token],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
        close_fds=True,
    )


def warm(workers: int) -> None:
    """Start the worker pool now, with SIGINT blocked in the workers, and the guard beside it."""
    if workers <= 1:
        return
    from sim.model.run import warm_up

    start_guard()
    # multiprocessing's resource tracker, which loky starts with each worker, *unblocks* SIGINT
    # after starting itself (Python 3.12): start it first, so the mask below holds for the workers
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        warm_up(workers)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def warm_single(runs: int, overrides: list[str]) -> None:
    """A single job's pool, started as soon as its config has passed the checks (``runs``: what
    it asks for): the workers import the model while Hydra sets up the job, instead of after.
    The job's own :func:`warm` then finds the pool warm."""
    from sim.model.run import auto_workers

    given = [o.split("=", 1)[1] for o in overrides if o.split("=", 1)[0] == "workers"]
    try:
        workers = int(given[-1]) if given and given[-1] != "auto" else auto_workers(runs)
    except ValueError:  # precheck has refused it already; nothing to start
        return
    warm(workers)


def on_stop(cleanup: Callable[[], None]) -> None:
    """Run ``cleanup`` (remove own temp files, a half-written folder ...) when stopped by a signal."""
    _cleanups.append(cleanup)


def install(message: Callable[[int], str]) -> None:
    """Stop on SIGINT/SIGTERM/SIGHUP as described above; ``message(signum)`` is the line printed."""
    global _message
    _message = message
    if os.getpid() != _main_pid or not _in_main_thread():
        return
    for name in STOP_SIGNALS:
        signal.signal(getattr(signal, name), _stop)


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _stop(signum: int, frame) -> None:
    global _stopping
    if _stopping:
        return
    _stopping = True
    signal.pthread_sigmask(signal.SIG_BLOCK, {getattr(signal, n) for n in STOP_SIGNALS})
    err = quiet_stderr()
    kill_marked()
    for cleanup in reversed(_cleanups):
        try:
            cleanup()
        except Exception:  # noqa: BLE001, S110 - stopping: do what can be done
            pass
    from sim.sweep import lock

    lock.release()
    try:
        line = _message(signum) if _message else "isf-sim: stopped"
    except Exception:  # noqa: BLE001
        line = "isf-sim: stopped"
    say(err, line)
    sys.stdout.flush()
    os._exit(128 + signum)


def quiet_stderr() -> int:
    """Point this process's stderr (fd 2) at /dev/null and return a descriptor of the real one.

    Stopping takes a moment (killing the workers, removing temporary files), and more so on a
    loaded machine. Meanwhile the other threads go on: loky's manager thread sees its workers
    killed and may print a traceback or a warning, a process it starts then inherits fd 2, and
    Python's warnings go there too. The promise is one line on stderr: the stopping command's
    own, written to the descriptor returned here; whatever else is said while stopping is not."""
    sys.stderr.flush()
    real = os.dup(2)
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
    except OSError:  # pragma: no cover - no /dev/null: say everything
        pass
    return real


def say(fd: int, line: str) -> None:
    """Write the stopping line to ``fd`` (the real stderr, :func:`quiet_stderr`)."""
    text = ("\r\x1b[K" if os.isatty(fd) else "") + line + "\n"
    try:
        os.write(fd, text.encode("utf-8", "replace"))
    except OSError:
        pass


_main_pid = os.getpid()


def wind_down(prog: str) -> None:
    """After the command's work is done, when it runs as its own program: a Ctrl-C (or SIGTERM,
    SIGHUP) from now on says so in one line and exits 128 + its number; the worker pool is stopped
    here; then the process exits at once.

    Left to the interpreter, the exit took 1-3 s on a loaded machine (loky's pool stopping, then
    the interpreter's teardown). Python resets its signal handlers early in that teardown, so a
    Ctrl-C then killed the command by the default action: exit -2 and nothing printed. Here the
    pool stops and the ``atexit`` functions run under the handler below; only the teardown of
    the interpreter's memory is skipped (:func:`os._exit`), files being closed and flushed. Called
    in-process (a test calling :func:`sim.cli.main`), it does nothing: the caller's process is not ours."""
    import atexit

    main_module = sys.modules.get("__main__")
    script = getattr(main_module, "__file__", None)
    if not script or not sys.argv or os.path.realpath(script) != os.path.realpath(sys.argv[0]):
        return

    def late(signum: int, frame) -> None:
        err = quiet_stderr()  # one line, whatever the pool says as it is killed
        kill_marked()  # the pool's resource trackers too, which would warn of leaks
        sys.stdout.flush()
        say(err, f"{prog}: interrupted as it ended; what it wrote is complete and kept")
        os._exit(128 + signum)

    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signal.signal(getattr(signal, name), late)
    from joblib.externals.loky import reusable_executor

    pool = reusable_executor._executor  # noqa: SLF001 - loky keeps its reusable pool there
    if pool is not None:
        pool.shutdown(wait=True, kill_workers=True)
    atexit._run_exitfuncs()  # multiprocessing's and loky's clean-up, under the handler above
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # the interpreter's own teardown is the slow part, and runs no handler


def _guard_main(token: str) -> None:
    """The guard: wait for the command to end (EOF on stdin), then kill what it left."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        while sys.stdin.buffer.read(65536):
            pass
    except OSError:
        pass
    for _ in range(3):  # a worker being started as the command died appears a moment later
        kill_marked(token)
        time.sleep(0.2)


if __name__ == "__main__":
    _guard_main(sys.argv[1])
