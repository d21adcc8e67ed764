#!/usr/bin/env python3
"""Checks data/outlines.geojson (the provinces' outlines for the audit map) against data/communities.csv.

The same check as `node tools/geo/outlines.mjs --check`, in standard-library Python so that ctest can
run it without npm packages:

  - a GeoJSON FeatureCollection with a "source" string naming Natural Earth, at most MAX_BYTES;
  - 13 features, one for each of AB BC MB NB NL NS NT NU ON PE QC SK YT, with properties
    {"province", "name", "name_fr"} as in PROVINCES below;
  - each geometry a Polygon or MultiPolygon whose rings have at least 4 positions, are closed, hold
    [longitude, latitude] pairs inside Canada's box with at most 3 decimals and no position twice in
    a row; exterior rings counter-clockwise, holes clockwise (RFC 7946);
  - no two edges, in any feature, cross or touch other than at a shared vertex (a border of two
    provinces is the same edge in both and is fine);
  - every community lies inside its own province's outline or within NEAR_KM of it (a point off a
    simplified coast or on a dropped islet), unless listed in ALLOWED_FAR with the reason.

Usage:
  python3 tools/geo/outlines_check.py            # exit 1, naming the file and feature or community, on any failure
  python3 tools/geo/outlines_check.py --verbose  # also list the communities outside their own outline
  python3 tools/geo/outlines_check.py [OUTLINES [COMMUNITIES]]   # check other files (default: the committed ones)
"""

import csv
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTLINES = ROOT / "data" / "outlines.geojson"
COMMUNITIES = ROOT / "data" / "communities.csv"

NEAR_KM = 25.0
MAX_BYTES = 256 * 1024
R_KM = 6371.0088

PROVINCES = {
    "AB": ("Alberta", "Alberta"),
    "BC": ("British Columbia", "Colombie-Britannique"),
    "MB": ("Manitoba", "Manitoba"),
    "NB": ("New Brunswick", "Nouveau-Brunswick"),
    "NL": ("Newfoundland and Labrador", "Terre-Neuve-et-Labrador"),
    "NS": ("Nova Scotia", "Nouvelle-Écosse"),
    "NT": ("Northwest Territories", "Territoires du Nord-Ouest"),
    "NU": ("Nunavut", "Nunavut"),
    "ON": ("Ontario", "Ontario"),
    "PE": ("Prince Edward Island", "Île-du-Prince-Édouard"),
    "QC": ("Quebec", "Québec"),
    "SK": ("Saskatchewan", "Saskatchewan"),
    "YT": ("Yukon", "Yukon"),
}

# Communities allowed farther than NEAR_KM from their own outline: id -> reason. Keep the same list
# in outlines.mjs (ALLOWED_FAR).
ALLOWED_FAR = {}

errors = []


def err(msg):
    errors.append(msg)
    print(f"outlines_check: ERROR: {msg}", file=sys.stderr)


def signed_area(ring):
    """Planar signed area in degrees (x = longitude, y = latitude): > 0 is counter-clockwise."""
    return sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1)) / 2


def inside(polygons, lon, lat):
    """Even-odd rule over every ring of a MultiPolygon."""
    c = False
    for rings in polygons:
        for r in rings:
            j = len(r) - 1
            for i in range(len(r)):
                xi, yi = r[i]
                xj, yj = r[j]
                if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
                    c = not c
                j = i
    return c


def seg_dist(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    len2 = dx * dx + dy * dy
    t = ((px - ax) * dx + (py - ay) * dy) / len2 if len2 > 0 else 0.0
    t = max(0.0, min(1.0, t))
    return math.hypot(ax + t * dx - px, ay + t * dy - py)


def distance_km(polygons, lon, lat):
    """Distance to the nearest edge, in a local equirectangular plane around the point."""
    kx = math.cos(math.radians(lat)) * R_KM * math.pi / 180
    ky = R_KM * math.pi / 180
    best = math.inf
    for rings in polygons:
        for r in rings:
            for i in range(len(r) - 1):
                ax, ay = (r[i][0] - lon) * kx, (r[i][1] - lat) * ky
                bx, by = (r[i + 1][0] - lon) * kx, (r[i + 1][1] - lat) * ky
                best = min(best, seg_dist(0.0, 0.0, ax, ay, bx, by))
    return best


def crossings(items):
    """Pairs of edges that cross or touch other than at a shared vertex, over (label, ring) items.

    Coordinates are compared in thousandths, as integers, so the test is exact."""
    segs = []
    for label, ring in items:
        q = [(round(x * 1000), round(y * 1000)) for x, y in ring]
        for i in range(len(q) - 1):
            segs.append((min(q[i][0], q[i + 1][0]), q[i], q[i + 1], label, i))
    segs.sort(key=lambda s: s[0])

    def orient(p, q, r):
        v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return (v > 0) - (v < 0)

    def on_seg(p, q, r):
        return min(p[0], q[0]) <= r[0] <= max(p[0], q[0]) and min(p[1], q[1]) <= r[1] <= max(p[1], q[1])

    found = []
    for i, (_, a, b, label, k) in enumerate(segs):
        x1, y0, y1 = max(a[0], b[0]), min(a[1], b[1]), max(a[1], b[1])
        j = i + 1
        while j < len(segs) and segs[j][0] <= x1:
            _, c, d, label2, k2 = segs[j]
            j += 1
            if max(c[1], d[1]) < y0 or min(c[1], d[1]) > y1:
                continue
            sa, sb = a in (c, d), b in (c, d)
            if sa and sb:
                continue  # the same edge: a border of two provinces
            o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
            if sa or sb:
                shared = a if sa else b
                u = d if c == shared else c
                v = b if sa else a
                hit = o1 == 0 and o2 == 0 and (on_seg(a, b, u) or on_seg(c, d, v))
            else:
                hit = (o1 * o2 < 0 and o3 * o4 < 0) or (o1 == 0 and on_seg(a, b, c)) or (
                    o2 == 0 and on_seg(a, b, d)) or (o3 == 0 and on_seg(c, d, a)) or (o4 == 0 and on_seg(c, d, b))
            if hit:
                found.append(((label, k, a, b), (label2, k2, c, d)))
    return found


def check_geometry(where, polygons):
    ok = True
    for pi, rings in enumerate(polygons):
        if not isinstance(rings, list) or not rings:
            err(f"{where} polygon {pi}: no ring")
            ok = False
            continue
        for ri, r in enumerate(rings):
            w = f"{where} polygon {pi} ring {ri}"
            if not isinstance(r, list) or len(r) < 4:
                err(f"{w}: fewer than 4 positions")
                ok = False
                continue
            bad = False
            for p in r:
                if not (isinstance(p, list) and len(p) == 2 and all(
                        isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in p)):
                    err(f"{w}: bad position {p!r}")
                    bad = True
                    break
                if not (-142 <= p[0] <= -52 and 41 <= p[1] <= 84):
                    err(f"{w}: position {p} is outside Canada")
                    bad = True
                if round(p[0], 3) != p[0] or round(p[1], 3) != p[1]:
                    err(f"{w}: position {p} has more than 3 decimals")
                    bad = True
            if bad:
                ok = False
                continue
            if r[0] != r[-1]:
                err(f"{w}: not closed")
                ok = False
            for i in range(len(r) - 1):
                if r[i] == r[i + 1]:
                    err(f"{w}: repeated position {r[i]}")
                    ok = False
                    break
            s = signed_area(r)
            if ri == 0 and not s > 0:
                err(f"{w}: exterior ring is not counter-clockwise")
                ok = False
            if ri > 0 and not s < 0:
                err(f"{w}: hole is not clockwise")
                ok = False
    return ok


def main():
    verbose = "--verbose" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--verbose"]
    outlines_path = Path(args[0]).resolve() if args else OUTLINES
    communities_path = Path(args[1]).resolve() if len(args) > 1 else COMMUNITIES
    rel = outlines_path.relative_to(ROOT) if outlines_path.is_relative_to(ROOT) else outlines_path
    crel = communities_path.relative_to(ROOT) if communities_path.is_relative_to(ROOT) else communities_path
    if not outlines_path.exists():
        err(f"{rel} not found")
        return 1
    data = outlines_path.read_bytes()
    if len(data) > MAX_BYTES:
        err(f"{rel} is {len(data)} bytes; keep it under {MAX_BYTES}")
    try:
        doc = json.loads(data)
    except ValueError as e:
        err(f"{rel}: not JSON: {e}")
        return 1
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        err(f"{rel}: type is not FeatureCollection")
        return 1
    if not isinstance(doc.get("source"), str) or "Natural Earth" not in doc["source"]:
        err(f'{rel}: no "source" naming Natural Earth')

    feats = doc.get("features") if isinstance(doc.get("features"), list) else []
    if len(feats) != len(PROVINCES):
        err(f"{rel}: {len(feats)} features; expected {len(PROVINCES)}")
    outlines = {}
    seen = set()
    for k, f in enumerate(feats):
        props = f.get("properties") if isinstance(f, dict) else None
        code = props.get("province") if isinstance(props, dict) else None
        where = f"{rel}: feature {k} ({code})"
        if not isinstance(f, dict) or f.get("type") != "Feature" or code not in PROVINCES:
            err(f"{where}: not a Feature with a known province code")
            continue
        if code in seen:
            err(f"{where}: province {code} appears twice")
        seen.add(code)
        name, name_fr = PROVINCES[code]
        if props.get("name") != name or props.get("name_fr") != name_fr:
            err(f'{where}: names should be "{name}" / "{name_fr}"')
        g = f.get("geometry") or {}
        if g.get("type") == "Polygon":
            polygons = [g.get("coordinates")]
        elif g.get("type") == "MultiPolygon":
            polygons = g.get("coordinates")
        else:
            polygons = None
        if not isinstance(polygons, list) or not polygons:
            err(f"{where}: geometry is not a non-empty Polygon or MultiPolygon")
            continue
        if check_geometry(where, polygons):
            outlines[code] = polygons
    for code in PROVINCES:
        if code not in seen:
            err(f"{rel}: no feature for {code}")

    items = [(f"{code} polygon {pi} ring {ri}", r)
             for code, polygons in outlines.items() for pi, rings in enumerate(polygons) for ri, r in enumerate(rings)]
    for (l1, i1, a, b), (l2, i2, c, d) in crossings(items):
        show = lambda p: f"[{p[0] / 1000:g},{p[1] / 1000:g}]"
        err(f"{rel}: edges cross: {l1} edge {i1} {show(a)}-{show(b)} and {l2} edge {i2} {show(c)}-{show(d)}")

    within = near = far = 0
    near_list = []
    unchecked = {}  # province without a valid outline -> communities not checked
    with communities_path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            cid, prov = row["id"], row["province"]
            lat, lon = float(row["latitude"]), float(row["longitude"])
            polygons = outlines.get(prov)
            if polygons is None:
                unchecked[prov] = unchecked.get(prov, 0) + 1
                continue
            if inside(polygons, lon, lat):
                within += 1
                continue
            d = distance_km(polygons, lon, lat)
            other = next((c for c, p in sorted(outlines.items()) if c != prov and inside(p, lon, lat)), None)
            note = f"{cid} ({row['name']}, {prov}) is {d:.1f} km outside {prov}" + (f", inside {other}" if other else "")
            if d <= NEAR_KM:
                near += 1
                near_list.append(note)
            elif cid in ALLOWED_FAR:
                near += 1
                near_list.append(f"{note} (allowed: {ALLOWED_FAR[cid]})")
            else:
                far += 1
                err(f"{rel}: community {note}; more than {NEAR_KM:g} km")

    for prov, n in sorted(unchecked.items()):
        err(f"{crel}: {n} communities of {prov} not checked: {rel} has no valid outline for {prov}")

    points = sum(len(r) for polygons in outlines.values() for rings in polygons for r in rings)
    npoly = sum(len(polygons) for polygons in outlines.values())
    print(f"{rel}: {len(outlines)} features, {npoly} polygons, {points} positions, {len(data)} bytes")
    print(f"communities: {within} inside their own outline, {near} within {NEAR_KM:g} km of it, {far} farther")
    if verbose:
        for n in near_list:
            print(f"  near: {n}")
    print(f"outlines_check: FAILED with {len(errors)} error(s)" if errors else "outlines_check: passed")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
