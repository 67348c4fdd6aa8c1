"""Write tests/durations.json (seconds per test module) from a pytest report with durations:

    python -m pytest -n 2 --durations=0 | tee report.txt
    python tests/helpers/durations.py report.txt tests/durations.json

tests/conftest.py runs the longest modules first, so that two workers finish together."""

import json
import re
import sys
from collections import defaultdict


def main(report: str, out: str) -> None:
    total: dict[str, float] = defaultdict(float)
    with open(report, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\s*([\d.]+)s (call|setup|teardown)\s+(\S+?)::", line)
            if m:
                total[m.group(3)] += float(m.group(1))
    kept = {k: round(v, 1) for k, v in sorted(total.items(), key=lambda kv: -kv[1]) if v >= 1.0}
    with open(out, "w", encoding="utf-8") as f:
        json.dump(kept, f, indent=1)
        f.write("\n")
    print(f"{len(kept)} modules, {round(sum(kept.values()))} s")


if __name__ == "__main__":
    main(*sys.argv[1:3])
