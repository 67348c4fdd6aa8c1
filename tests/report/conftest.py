import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
sys.path.insert(0, str(Path(__file__).parent))

import fake_results  # noqa: E402


@pytest.fixture(scope="session")
def fake(tmp_path_factory):
    """Fake result folders: baseline, us_presses_israel (other seeds), same_seeds (us_presses_israel on
    baseline's seeds, in a folder named like Hydra's timestamps), sweep, sampled, trace."""
    return fake_results.make_all(tmp_path_factory.mktemp("results"))
