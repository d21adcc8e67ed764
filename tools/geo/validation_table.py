#!/usr/bin/env python3
"""Prints the validation table of docs/travel.md: each pair of tests/geo/published_times.csv with
its published time, nrm's hours (from `nrm route --json`), the ratio and the modes nrm uses.

  python3 tools/geo/validation_table.py [--nrm build/release/nrm]

tests/geo/test_shipped_travel.cpp asserts the same pairs (90% within 25%, none off by 2x).
"""
import csv
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BASIS = {"drive": "drive", "ferry": "drive + ferry", "flight": "flight"}


def main():
    nrm = os.path.join(ROOT, "build", "release", "nrm")
    if "--nrm" in sys.argv:
        nrm = sys.argv[sys.argv.index("--nrm") + 1]
    rows = list(csv.DictReader(open(os.path.join(ROOT, "tests", "geo", "published_times.csv"), encoding="utf-8")))
    print("| from | to | published h | basis | nrm h | ratio | nrm's way |")
    print("| --- | --- | ---: | --- | ---: | ---: | --- |")
    within, worst = 0, (1.0, "")
    for r in rows:
        out = subprocess.run([nrm, "route", r["from"], r["to"], "--json"], capture_output=True, text=True, check=True)
        j = json.loads(out.stdout)
        h, pub = j["hours"], float(r["published_hours"])
        ratio = h / pub
        within += abs(ratio - 1) <= 0.25
        if abs(ratio - 1) > abs(worst[0] - 1):
            worst = (ratio, f"{r['from']} - {r['to']}")
        modes = []
        for leg in j["legs"]:
            if not modes or modes[-1] != leg["mode"]:
                modes.append(leg["mode"])
        print(f"| {r['from']} | {r['to']} | {pub:.1f} | {BASIS[r['basis']]} | {h:.2f} | {ratio:.2f} | {' + '.join(modes)} |")
    print()
    print(f"{within} of {len(rows)} pairs within 25% ({100 * within / len(rows):.0f}%); "
          f"worst ratio {worst[0]:.2f} ({worst[1]}).")


if __name__ == "__main__":
    main()
