"""Where the cases and the shared configs are: in the package when installed from a wheel
(package data, see pyproject.toml), else beside the package in a source checkout. No imports
of the rest of :mod:`sim.config` (both :mod:`sim.config.files` and :mod:`sim.config.compose` read it).
"""

from __future__ import annotations

from pathlib import Path


def _data_dir(name: str) -> Path:
    """``conf/`` or ``experiments/``: inside the package when installed from a wheel (package
    data, see pyproject.toml), else beside the package in a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / name
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent.parent / name


SHARED_DIR = _data_dir("conf")  # settings.yaml and Hydra's launchers and sweepers, for every case
CASES_DIR = SHARED_DIR / "cases"  # the shipped cases, one folder each
DEFAULT_CASE = (CASES_DIR / "DEFAULT").read_text(encoding="utf-8").strip() if (CASES_DIR / "DEFAULT").is_file() else ""
CONF_DIR = CASES_DIR / DEFAULT_CASE  # the default case's folder
EXPERIMENT_DIR = CONF_DIR / "experiments"  # the default case's named sweeps
SHARED_EXPERIMENTS = _data_dir("experiments")  # what every case shares (the exercises' sheets)
ROOT = SHARED_DIR.parent  # for error messages: paths are shown relative to it
