"""Score the scrubber on its labelled battery: recall and over-redaction per kind, all five formats.

    python scripts/bench_scrub.py                  # the test half (shapes not tuned on)
    python scripts/bench_scrub.py --half tune --examples 5

Planted values: 'full leak' = found verbatim in the imported records, 'partial' = only a piece
of it survived. Innocent lines (hashes, digests, UUIDs, trace ids, versions, prose with numbers):
'altered' = the line is not in the output as written. Goals: full <= 1%, partial 0, altered <= 2%.
The battery is tests/scrub_battery.py; the planting and scoring, tests/battery_exports.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--half", choices=("tune", "test"), default="test")
    parser.add_argument("--examples", type=int, default=0, help="print this many misses per kind")
    args = parser.parse_args(argv)
    from persona.importers import import_export
    from tests.battery_exports import format_table, run_battery

    start = time.perf_counter()
    secrets, clean = run_battery(args.half, import_export)
    print(format_table(secrets, clean))
    print(f"\n{args.half} half scored in {time.perf_counter() - start:.1f} s")
    if args.examples:
        for name, score in sorted({**secrets, **{f"innocent:{k}": v for k, v in clean.items()}}.items()):
            for example in score.examples[:args.examples]:
                print(f"  {name}: {example}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
