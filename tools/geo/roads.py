#!/usr/bin/env python3
"""Expands the curated highway chains (tools/geo/highways.txt) into data/roads.csv.

Python 3, standard library only. Deterministic: rows sorted by (from, to). Checks, and fails
loudly on: an unknown community id, a fly-in community (road_access false) on a highway, a
cumulative distance that does not increase, a published stretch shorter than the great circle or
more than 2.2 times it (a typo or a wrong id), a community joined to itself.

  python3 tools/geo/roads.py            # rewrites data/roads.csv
  python3 tools/geo/roads.py --check    # checks the committed file is what the chains give
"""
import csv
import io
import math
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROVINCES = {"ab", "bc", "mb", "nb", "nl", "ns", "nt", "nu", "on", "pe", "qc", "sk", "yt"}
ESTIMATE_DETOUR = 1.25  # road km per great-circle km where no distance is published
CLASSES = {"freeway", "divided", "two_lane", "mountain", "gravel"}


def gc_km(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def load_communities():
    out = {}
    with open(os.path.join(ROOT, "data", "communities.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            out[row["id"]] = (float(row["latitude"]), float(row["longitude"]), row["road_access"] == "true")
    return out


def main():
    check = "--check" in sys.argv[1:]
    comm = load_communities()
    errors = []
    rows = {}
    path = os.path.join(ROOT, "tools", "geo", "highways.txt")
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 4:
            errors.append(f"{path}:{n}: expected ROUTE | CLASS | SOURCE | chain")
            continue
        route, klass, source, chain = parts
        prov = route[route.index("[") + 1:route.index("]")].lower() if "[" in route else ""
        route = route.split("[")[0].strip()
        if klass not in CLASSES:
            errors.append(f"{path}:{n}: class '{klass}' is not one of {sorted(CLASSES)}")
        nodes = []
        for item in chain.split():
            cid, _, km = item.partition("@")
            if cid[-3:-2] != "-" or cid[-2:] not in PROVINCES:
                cid = f"{cid}-{prov}"
            if cid not in comm:
                errors.append(f"{path}:{n}: unknown community '{cid}'")
                continue
            if not comm[cid][2]:
                errors.append(f"{path}:{n}: '{cid}' is fly-in (road_access false) and cannot be on a road")
            nodes.append((cid, float(km) if km else None))
        if len(nodes) < 2:
            if len(nodes) == 1 and len(chain.split()) == 1:
                continue  # a lone node: a ferry terminal on the network with no highway yet
            errors.append(f"{path}:{n}: a chain needs two communities")
            continue
        # Distances of each consecutive pair.
        marks = [i for i, (_, km) in enumerate(nodes) if km is not None]
        if marks and marks[0] != 0:
            errors.append(f"{path}:{n}: the first community needs @0 when any has a distance")
        for a, b in zip(marks, marks[1:]):
            if nodes[b][1] <= nodes[a][1]:
                errors.append(f"{path}:{n}: distance at {nodes[b][0]} does not increase")
        for i in range(len(nodes) - 1):
            a, b = nodes[i][0], nodes[i + 1][0]
            if a == b:
                errors.append(f"{path}:{n}: {a} joined to itself")
                continue
            lo = max([m for m in marks if m <= i], default=None)
            hi = min([m for m in marks if m >= i + 1], default=None)
            if lo is not None and hi is not None and nodes[hi][1] > nodes[lo][1]:
                total = nodes[hi][1] - nodes[lo][1]
                parts_gc = [gc_km(comm[nodes[j][0]], comm[nodes[j + 1][0]]) for j in range(lo, hi)]
                whole_gc = sum(parts_gc)
                share = parts_gc[i - lo] / whole_gc if whole_gc > 0 else 1 / (hi - lo)
                km = total * share
                src = "map" if hi - lo == 1 else "map-split"
                straight = gc_km(comm[nodes[lo][0]], comm[nodes[hi][0]])
                if total < straight * 0.97 - 10 or total > straight * 2.2 + 10:
                    errors.append(f"{path}:{n}: {nodes[lo][0]} - {nodes[hi][0]}: {total:g} km against "
                                  f"{straight:.0f} km great-circle (expected 1 to 2.2 times)")
            else:
                km = gc_km(comm[a], comm[b]) * ESTIMATE_DETOUR
                src = f"estimate:gc*{ESTIMATE_DETOUR}"
            km = max(1.0, round(km))
            key = tuple(sorted((a, b)))
            row = (key[0], key[1], int(km), klass, route, src)
            if key in rows and rows[key][2] <= km:
                continue
            rows[key] = row
    if errors:
        print("\n".join(errors), file=sys.stderr)
        sys.exit(1)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["from", "to", "distance_km", "class", "route", "source"])
    for key in sorted(rows):
        w.writerow(rows[key])
    target = os.path.join(ROOT, "data", "roads.csv")
    if check:
        with open(target, encoding="utf-8") as f:
            if f.read() != out.getvalue():
                print("roads.py: data/roads.csv differs from tools/geo/highways.txt; run tools/geo/roads.py",
                      file=sys.stderr)
                sys.exit(1)
        print(f"roads.py: data/roads.csv ok ({len(rows)} segments)")
        return
    with open(target, "w", encoding="utf-8", newline="") as f:
        f.write(out.getvalue())
    print(f"roads.py: wrote {len(rows)} segments to data/roads.csv")


if __name__ == "__main__":
    main()
