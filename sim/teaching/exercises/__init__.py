"""The teaching exercises: their instructor keys' numbers, from real runs, and the classroom
handouts. ``python -m sim.exercises`` (also ``python -m sim.teaching.exercises``, ``make exercises``).

A sheet is ``experiments/exercises/NN_name.md``, the students' text with its commands in
```` ```bash ```` blocks, and its instructor key ``NN_name.key.md`` beside it: answers, notes and
a generated block between ``<!-- numbers:begin -->`` and ``<!-- numbers:end -->``. Beside them,
``NN_name.numbers.yaml`` says what that block shows and lists the claims the key's prose makes
about the numbers ("the surge raises the chance of a collapse"). The command runs every
``isf-sim`` job and ``isf-play`` game of the sheet through the same code as the commands
themselves, rewrites the key's block, and checks every claim; ``--handouts DIR`` writes the
students' handouts (Markdown and HTML) and one instructor key.

The modules, in the order the command uses them:

- :mod:`~sim.teaching.exercises.sheets` — the sheets, their command lines, the markers, and the
  substitutions the tests use to run every command cheaply;
- :mod:`~sim.teaching.exercises.spec` — a sheet's ``.numbers.yaml``;
- :mod:`~sim.teaching.exercises.claims` — the claims in it, and checking them;
- :mod:`~sim.teaching.exercises.measures` — an outcome of the report as a cell with its interval
  or a paired difference (the statistics of :mod:`sim.stats`);
- :mod:`~sim.teaching.exercises.running` — the runs and games, as the commands make them;
- :mod:`~sim.teaching.exercises.block` — the generated block;
- :mod:`~sim.teaching.exercises.handouts` — the handouts and the key for a class;
- :mod:`~sim.teaching.exercises.cli` — the command.
"""
