"""A Hydra launcher that runs a sweep's jobs on a Dask distributed cluster (``hydra/launcher=dask``)."""
