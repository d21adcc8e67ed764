#!/usr/bin/env python3
"""Checks the population column of data/communities.csv: every community has one, and every
population that is not GeoNames' own says where it comes from.

Rules, per row:
  - `population` is a non-negative integer (digits only), never empty, unless the id is in
    UNSOURCED below (communities for which neither a census count nor a registry figure could
    be found; each is named in docs/data.md, *Limits*);
  - a row whose source is not GeoNames (`geonames:<id>`) or a hand-added census row
    (`statcan:<year>`) carries a `population:<source>:<year>` marker in `source`
    (e.g. `ourairports:CYKO;population:statcan:2021`), and so does a GeoNames row whose
    population is not GeoNames' (GeoNames had none);
  - a marker's source is `statcan` (Census of Population) or `isc` (Indigenous Services Canada
    registered population) and its year has four digits;
  - an id in UNSOURCED has an empty population (an allowlisted row that gets one must leave the
    list).

Usage:
  python3 tools/geo/populations.py --check   # exits 1, naming file:line and id, on any breach
  python3 tools/geo/populations.py           # the same, and prints the counts by marker
"""

import collections
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CSV = ROOT / "data" / "communities.csv"

# The 6 airport-only communities (of the 15 issue 19 left empty) for which no figure could be
# found for the place the row stands for: no census count, and no exact Indigenous Services Canada
# registry figure for the band's own reserve either (only approximate or band-quoted figures, a
# source we would not rely on, a registry count shared with another band, or the community is part
# of a larger census subdivision). Each is named, with the reason, in docs/data.md (Limits), and
# must leave the list when it gets one.
UNSOURCED = {
    "atlin-bc", "kashechewan-on", "muskrat-dam-on", "nakina-on", "webequie-on",
    "wunnumin-lake-on",
}

MARKER = re.compile(r"^population:(statcan|isc):(\d{4})$")
HAND_ADDED = re.compile(r"^statcan:\d{4}$")


def problems(row):
    """The rule breaches of one row, as sentences."""
    out = []
    pop, parts = row["population"], row["source"].split(";")
    markers = [p for p in parts[1:] if p.startswith("population:")]
    for m in markers:
        if not MARKER.match(m):
            out.append(f'population marker "{m}" is not population:<statcan|isc>:<year>')
    if row["id"] in UNSOURCED:
        if pop != "":
            out.append("has a population but is in UNSOURCED of tools/geo/populations.py; drop it there")
        return out
    if pop == "":
        out.append("population is empty")
    elif not pop.isdigit():
        out.append(f'population "{pop}" is not an integer')
    elif not markers and not parts[0].startswith("geonames:") and not HAND_ADDED.match(parts[0]):
        out.append(f'population {pop} has no population:<source>:<year> marker in source "{row["source"]}"')
    if len(markers) > 1:
        out.append("more than one population marker")
    return out


def main():
    errors, counts = [], collections.Counter()
    with CSV.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        for line, row in enumerate(reader, start=2):
            for p in problems(row):
                errors.append(f"{CSV}:{line}: {row['id']}: {p}")
            m = [p for p in row["source"].split(";")[1:] if p.startswith("population:")]
            kind = row["source"].split(";")[0].split(":")[0]
            counts[m[0] if m else ("empty" if row["population"] == "" else kind)] += 1
    for e in errors:
        print(e, file=sys.stderr)
    if "--check" not in sys.argv[1:]:
        for k, n in sorted(counts.items()):
            print(f"{n:5d}  {k}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
