"""`python -m sim.teaching.exercises`: write and check the exercises' instructor numbers."""

import sys

from sim.teaching.exercises.cli import main

sys.exit(main())
