#!/usr/bin/env python3
"""Adds (or refreshes) the timezone column of data/communities.csv: each community's IANA zone.

nrm checks intake hours against the time where each provider is (engine/geo/clock), so every
community needs its zone. The rules below are those of the IANA tz database's own zone
descriptions (zone1970.tab and the comments of its `northamerica` file) and, for Ontario, the
statutory line of the Time Act (R.S.O. 1990, c. T.9: Central time west of 90 degrees W). They go by
province, then by a longitude line or a named list where a province spans two zones:

  AB                         America/Edmonton
  BC                         America/Vancouver, except the East Kootenay (America/Edmonton),
                             Creston (America/Creston, MST all year), the Peace River country
                             (America/Dawson_Creek, MST all year) and Fort Nelson (America/Fort_Nelson)
  MB                         America/Winnipeg
  NB, NS, PE                 America/Halifax
  NL                         America/St_Johns; Labrador America/Goose_Bay, except its south-east
                             coast (L'Anse-au-Clair to Black Tickle), which keeps Newfoundland time
  NT                         America/Yellowknife
  NU                         by region: Kitikmeot America/Cambridge_Bay, Kivalliq America/Rankin_Inlet,
                             Resolute America/Resolute, Coral Harbour America/Atikokan (EST all
                             year), Qikiqtaaluk America/Iqaluit
  ON                         America/Toronto; west of 90 W America/Winnipeg; Atikokan America/Atikokan
  QC                         America/Toronto; the Lower North Shore east of Kegaska (61.5 W)
                             America/Blanc-Sablon (AST all year); the Magdalen Islands America/Halifax
  SK                         America/Regina
  YT                         America/Whitehorse (MST all year); Dawson City America/Dawson

Usage:
  python3 tools/geo/timezones.py           # rewrites data/communities.csv with the column
  python3 tools/geo/timezones.py --check   # exits 1 if the committed column differs
Run it after tools/geo/build.mjs (which writes the file without the column).
"""

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CSV = ROOT / "data" / "communities.csv"

PROVINCE = {
    "AB": "America/Edmonton", "BC": "America/Vancouver", "MB": "America/Winnipeg",
    "NB": "America/Halifax", "NS": "America/Halifax", "PE": "America/Halifax",
    "NL": "America/St_Johns", "NT": "America/Yellowknife", "NU": "America/Iqaluit",
    "ON": "America/Toronto", "QC": "America/Toronto", "SK": "America/Regina",
    "YT": "America/Whitehorse",
}

# Named communities whose zone differs from their province's and from the longitude lines below.
NAMED = {
    # BC: the East Kootenay keeps Mountain time; Creston and the Peace River country MST all year.
    "cranbrook-bc": "America/Edmonton", "elkford-bc": "America/Edmonton", "fernie-bc": "America/Edmonton",
    "golden-bc": "America/Edmonton", "invermere-bc": "America/Edmonton", "kimberley-bc": "America/Edmonton",
    "sparwood-bc": "America/Edmonton",
    "creston-bc": "America/Creston",
    "dawson-creek-bc": "America/Dawson_Creek", "chetwynd-bc": "America/Dawson_Creek",
    "fort-st-john-bc": "America/Dawson_Creek", "grand-haven-bc": "America/Dawson_Creek",
    "tumbler-ridge-bc": "America/Dawson_Creek",
    "fort-nelson-bc": "America/Fort_Nelson",
    # NU by region.
    "cambridge-bay-nu": "America/Cambridge_Bay", "kugluktuk-nu": "America/Cambridge_Bay",
    "gjoa-haven-nu": "America/Cambridge_Bay", "taloyoak-nu": "America/Cambridge_Bay",
    "kugaaruk-nu": "America/Cambridge_Bay",
    "arviat-nu": "America/Rankin_Inlet", "baker-lake-nu": "America/Rankin_Inlet",
    "chesterfield-inlet-nu": "America/Rankin_Inlet", "naujaat-nu": "America/Rankin_Inlet",
    "rankin-inlet-nu": "America/Rankin_Inlet", "whale-cove-nu": "America/Rankin_Inlet",
    "resolute-nu": "America/Resolute",
    "coral-harbour-nu": "America/Atikokan",
    # ON: EST all year.
    "atikokan-on": "America/Atikokan",
    # QC: Atlantic time with daylight saving, as the Maritimes.
    "les-iles-de-la-madeleine-qc": "America/Halifax",
    # YT.
    "dawson-city-yt": "America/Dawson",
    # NL: Labrador's south-east coast keeps Newfoundland time.
    "black-tickle-nl": "America/St_Johns", "marys-harbour-nl": "America/St_Johns",
}


def zone(row):
    cid, prov = row["id"], row["province"]
    lat, lon = float(row["latitude"]), float(row["longitude"])
    if cid in NAMED:
        return NAMED[cid]
    if prov == "ON" and lon < -90.0:
        return "America/Winnipeg"
    if prov == "QC" and lon > -61.5:
        return "America/Blanc-Sablon"
    if prov == "NL" and lat > 51.9:  # Labrador (the island's northern tip is at 51.6 N)
        return "America/Goose_Bay"
    return PROVINCE[prov]


def render(rows, fields):
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    return out.getvalue()


def main():
    text = CSV.read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    fields = list(reader.fieldnames)
    rows = list(reader)
    if "timezone" not in fields:
        fields.insert(fields.index("source"), "timezone")
    for r in rows:
        r["timezone"] = zone(r)
    new = render(rows, fields)
    if "--check" in sys.argv[1:]:
        if new != text:
            print(f"{CSV}: the timezone column is not what tools/geo/timezones.py gives; rerun it", file=sys.stderr)
            return 1
        return 0
    CSV.write_text(new, encoding="utf-8")
    counts = {}
    for r in rows:
        counts[r["timezone"]] = counts.get(r["timezone"], 0) + 1
    for z in sorted(counts):
        print(f"{counts[z]:5d}  {z}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
