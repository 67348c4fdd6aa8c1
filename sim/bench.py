"""`python -m sim.bench`: the speed benchmark (sim/tools/bench.py), under its documented name."""

from sim.tools.bench import main

if __name__ == "__main__":
    main()
