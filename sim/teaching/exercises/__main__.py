"""`python -m sim.teaching.exercises` (also `python -m sim.exercises`): the exercises' numbers and handouts."""

import sys

from sim.teaching.exercises.cli import main

sys.exit(main())
