"""The numbers in the teaching exercises' instructor notes, from real runs: ``python -m
sim.teaching.exercises`` (``make exercises``).

A sheet is ``experiments/exercises/NN_name.md``: prose for students and instructors, its commands
in ```` ```bash ```` blocks, and a generated block between ``<!-- numbers:begin -->`` and
``<!-- numbers:end -->``. Beside it, ``NN_name.numbers.yaml`` says what that block shows and lists
the claims the prose makes about the numbers ("the surge raises the chance of a collapse"). The
command runs every ``isf-sim`` job and ``isf-play`` game of the sheet through the same code as the
commands themselves, rewrites the block, and checks every claim.

The modules, in the order the command uses them:

- :mod:`~sim.teaching.exercises.sheets` — the sheets, their command lines, the markers, and the
  substitutions the tests use to run every command cheaply;
- :mod:`~sim.teaching.exercises.spec` — a sheet's ``.numbers.yaml``;
- :mod:`~sim.teaching.exercises.claims` — the claims in it, and checking them;
- :mod:`~sim.teaching.exercises.measures` — an outcome of the report as a cell with its interval
  or a paired difference (the statistics of :mod:`sim.stats`);
- :mod:`~sim.teaching.exercises.running` — the runs and games, as the commands make them;
- :mod:`~sim.teaching.exercises.block` — the generated block;
- :mod:`~sim.teaching.exercises.cli` — the command.
"""
