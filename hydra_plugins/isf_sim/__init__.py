"""isf-sim's Hydra plugins (Hydra instantiates sweepers and launchers only from ``hydra_plugins``):

- :mod:`.sweeper` — Hydra's basic sweeper, validating each job without composing it twice;
- :mod:`.dask_launcher` — a sweep's jobs on a Dask distributed cluster (``hydra/launcher=dask``).
"""
