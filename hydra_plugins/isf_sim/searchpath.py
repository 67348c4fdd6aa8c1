"""isf-sim's shared configs on Hydra's search path, whichever case folder is the config directory.

A case folder (``conf/cases/<name>/`` or any folder given as ``case=PATH``) is the config
directory Hydra composes; its ``config.yaml`` names ``settings`` (``conf/settings.yaml``: the run
settings and Hydra's own) and uses ``hydra/launcher: isf`` and ``hydra/sweeper: isf``. Those live
in ``conf/``, which this plugin appends to the search path, after the case folder, so a case
folder can still override any of them with a file of its own.
"""

from __future__ import annotations

from hydra.core.config_search_path import ConfigSearchPath
from hydra.plugins.search_path_plugin import SearchPathPlugin


class SharedConfigs(SearchPathPlugin):
    def manipulate_search_path(self, search_path: ConfigSearchPath) -> None:
        from sim.config.places import SHARED_DIR

        search_path.append(provider="isf-sim", path=f"file://{SHARED_DIR}")
