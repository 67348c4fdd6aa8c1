"""`python -m sim.audit`: the common-random-numbers audit of every lever (sim/tools/audit.py)."""

from sim.tools.audit import main

if __name__ == "__main__":
    raise SystemExit(main())
