"""`python -m sim.exercises`: the teaching exercises' numbers and handouts (sim/teaching/exercises/).

python -m sim.exercises                       # regenerate the instructor keys' numbers
python -m sim.exercises --check               # write nothing; exit 1 if a key is stale
python -m sim.exercises --handouts DIR        # students' handouts + one instructor key
"""

from sim.teaching.exercises.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
