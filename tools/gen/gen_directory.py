#!/usr/bin/env python3
"""Generate nrm's synthetic provider directory (data/providers.yaml) from data/communities.csv.

Every organisation it writes is fictitious; the communities are real. The directory is shaped like
the real landscape on purpose (dense in cities, thin and remote-only in the North, few men's
shelters, some shelters that refuse trafficking victims) so that `nrm audit` has true gaps to find.
Python 3 standard library only; deterministic: same arguments, same bytes.

    python3 tools/gen/gen_directory.py --communities data/communities.csv --seed 2018 \
        --out data/providers.yaml
    python3 tools/gen/gen_directory.py --communities data/communities.csv --seed 2018 --stats
    python3 tools/gen/gen_directory.py --communities data/communities.csv --seed 7 \
        --synthetic-communities 5000 --communities-out /tmp/c.csv --providers 50000 --out /tmp/p.yaml
"""

import argparse
import bisect
import csv
import datetime
import io
import math
import os
import random
import sys

TOOL = "tools/gen/gen_directory.py"
TODAY = datetime.date(2026, 11, 27)
DEFAULT_PROVIDERS = 1500
SYNTHETIC_ROAD_DISTANCE = 1.2  # degrees: how far a synthetic community may sit from its parent

PROVINCES = ["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"]
TERRITORIES = {"NT", "NU", "YT"}
CAPITALS = {
    "AB": "edmonton-ab", "BC": "victoria-bc", "MB": "winnipeg-mb", "NB": "fredericton-nb",
    "NL": "st-johns-nl", "NS": "halifax-ns", "NT": "yellowknife-nt", "NU": "iqaluit-nu",
    "ON": "toronto-on", "PE": "charlottetown-pe", "QC": "quebec-qc", "SK": "regina-sk",
    "YT": "whitehorse-yt",
}
# Where national services are placed (first one present wins).
NATIONAL_HOME = ["ottawa-on", "toronto-on"]
# How many main cities each province or territory has: the capital, then the most populous
# communities of data/communities.csv, skipping any within MAIN_CITY_SUBURB_KM of a bigger main
# city (a suburb is served by its city). Each main city gets the floors of main_city_floors():
# youth emergency beds, child protection, a women's shelter, sexual-assault counselling, legal
# aid and, where immigrants live, settlement and immigration legal help. The counts follow the
# size of each province's urban network (Ontario's dozen regional cities, one city per territory:
# the North is thin, but each territorial capital has its basics).
MAIN_CITIES = {
    "AB": 5, "BC": 7, "MB": 3, "NB": 4, "NL": 3, "NS": 3, "NT": 1, "NU": 1, "ON": 12, "PE": 2,
    "QC": 8, "SK": 4, "YT": 1,
}
MAIN_CITY_SUBURB_KM = 30.0
# Settlement services in main cities of this size or more (a proxy for an immigrant population:
# data/communities.csv has no immigration figures), and an immigration legal clinic from
# IMMIGRATION_CLINIC_POP. Provincial capitals always have settlement services.
SETTLEMENT_POP = 50_000
IMMIGRATION_CLINIC_POP = 100_000

# Taxonomy order (data/taxonomy.yaml); lists in the output follow it.
NEEDS = [
    "shelter.emergency", "shelter.transitional", "housing.long_term", "medical.emergency",
    "medical.sexual_health", "counselling.trauma", "addiction.treatment", "safety.planning",
    "case.management", "interpretation", "cultural.support", "child.protection", "legal.criminal",
    "legal.immigration", "legal.labour", "legal.family", "income.support", "employment.training",
    "education", "transport.assistance", "repatriation", "police.liaison", "return.home",
]
ATTRIBUTES = [
    "trauma_informed", "indigenous_led", "inuit_specific", "youth_serving", "lgbtq2s_affirming",
    "survivor_led", "harm_reduction", "accessible", "open_24_7",
]
NEED_RANK = {n: i for i, n in enumerate(NEEDS)}
ATTR_RANK = {a: i for i, a in enumerate(ATTRIBUTES)}
SHELTER_NEEDS = {"shelter.emergency", "shelter.transitional"}

# Extra fields a provider may carry while being built; stripped before writing.
KEYS = [
    "id", "name", "community", "services", "delivery", "serves", "attributes", "languages",
    "genders", "ages", "accepts_trafficking_victims", "accepts_without_status", "law_enforcement",
    "capacity", "wait_days", "partners", "intake", "address", "confidential", "verified",
]

# ----------------------------------------------------------------------------------------------
# Communities


class Community:
    __slots__ = ("id", "name", "prov", "lat", "lon", "pop", "road", "source", "slug", "row")

    def __init__(self, row):
        self.row = row
        self.id = row["id"]
        self.name = row["name"]
        self.prov = row["province"].strip().upper()
        self.lat = float(row["latitude"])
        self.lon = float(row["longitude"])
        p = (row.get("population") or "").strip()
        self.pop = int(float(p)) if p else None
        self.road = (row.get("road_access") or "").strip().lower() in ("true", "1", "yes")
        self.source = row.get("source", "")
        suffix = "-" + self.prov.lower()
        self.slug = self.id[: -len(suffix)] if self.id.endswith(suffix) else self.id

    @property
    def people(self):
        return self.pop if self.pop is not None else 300

    @property
    def north(self):
        return self.prov in TERRITORIES or not self.road or self.lat >= 56.0

    @property
    def size(self):
        n = self.people
        if n >= 400_000:
            return "metro"
        if n >= 100_000:
            return "city"
        if n >= 10_000:
            return "town"
        return "small"


CSV_HEADER = ["id", "name", "province", "latitude", "longitude", "population", "road_access",
              "source"]


def load_communities(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = []
    seen = set()
    for row in rows:
        c = Community(row)
        if c.prov not in PROVINCES:
            sys.exit(f"{path}: community {c.id}: unknown province {c.prov!r}")
        if c.id in seen:
            sys.exit(f"{path}: duplicate community id {c.id}")
        seen.add(c.id)
        out.append(c)
    out.sort(key=lambda c: c.id)
    return out


def highway_ids(communities_csv):
    """Communities on the road and ferry network (roads.csv and ferries.csv beside the communities
    file): a synthetic community placed near one of them is joined to it by a local leg."""
    folder = os.path.dirname(os.path.abspath(communities_csv))
    ids = set()
    for name in ("roads.csv", "ferries.csv"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            with open(path, encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    ids.update((row["from"], row["to"]))
    return ids


def synthetic_communities(real, n, rng, hubs):
    """n fictitious communities scattered around real highway communities (`hubs`; parents drawn
    by population), at most ~125 km away, so that each is joined to the network by a local leg
    (rules/travel.yaml, local_max_km 150). All are road-connected: no air routes are written for
    them, and a fly-in community without routes could not be reached."""
    real = [c for c in real if c.road and c.id in hubs]
    weights = cumulative([math.sqrt(c.people) for c in real])
    out = []
    width = max(4, len(str(n)))
    for i in range(1, n + 1):
        parent = real[pick(rng, weights)]
        lat = parent.lat + rng.uniform(-SYNTHETIC_ROAD_DISTANCE, SYNTHETIC_ROAD_DISTANCE) * 0.6
        lon = parent.lon + rng.uniform(-SYNTHETIC_ROAD_DISTANCE, SYNTHETIC_ROAD_DISTANCE)
        lat = max(41.7, min(82.5, lat))  # inside the bounds the engine accepts for Canada
        lon = max(-141.0, min(-52.7, lon))
        pop = int(math.exp(rng.uniform(math.log(80), math.log(60_000))))
        num = str(i).zfill(width)
        cid = f"synthetic-{num}-{parent.prov.lower()}"
        row = {
            "id": cid, "name": f"Synthetic {num}", "province": parent.prov,
            "latitude": f"{lat:.4f}", "longitude": f"{lon:.4f}", "population": str(pop),
            "road_access": "true", "source": "synthetic",
        }
        out.append(Community(row))
    return out


def write_communities(path, communities):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_HEADER)
    for c in communities:
        w.writerow([c.row.get(k, "") for k in CSV_HEADER])
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


# ----------------------------------------------------------------------------------------------
# Random helpers (every draw goes through one random.Random)


def cumulative(weights):
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def pick(rng, cum):
    return min(bisect.bisect_right(cum, rng.random() * cum[-1]), len(cum) - 1)


def chance(rng, p):
    return rng.random() < p


def weighted(rng, pairs):
    """pairs: list of (value, weight); returns one value."""
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for v, w in pairs:
        x -= w
        if x < 0:
            return v
    return pairs[-1][0]


# ----------------------------------------------------------------------------------------------
# Geography of people: Indigenous presence, languages, area codes


def indigenous_share(c):
    """Rough likelihood that a local service is Indigenous-led (0..1)."""
    p = c.prov
    if p == "NU":
        f = 0.9
    elif p == "NT":
        f = 0.7
    elif p == "YT":
        f = 0.45
    elif p in ("MB", "SK"):
        f = 0.45 if c.lat < 53.5 else 0.8
    elif p in ("AB", "BC"):
        f = 0.22 if c.lat < 55 else 0.6
    elif p == "ON":
        f = 0.6 if c.lat >= 48.0 else (0.35 if c.lat >= 46.0 else 0.07)
    elif p == "QC":
        f = 0.75 if c.lat >= 50.0 else 0.04
    elif p == "NL":
        f = 0.75 if c.lat >= 52.0 else 0.08
    else:  # NS NB PE
        f = 0.1
    if not c.road:
        f = max(f, 0.85)
    return f


def inuit_region(c):
    """Inuit Nunangat: Nunavut, Nunavik, Nunatsiavut, the Inuvialuit region."""
    if c.prov == "NU":
        return True
    if c.prov == "QC" and c.lat >= 55.0:
        return True
    if c.prov == "NL" and c.lat >= 53.9 and c.lon >= -62.5:
        return True
    if c.prov == "NT" and c.lat >= 68.0:
        return True
    return False


URBAN_INUIT = {"ottawa-on", "montreal-qc", "edmonton-ab", "winnipeg-mb", "yellowknife-nt",
               "st-johns-nl", "happy-valley-goose-bay-nl"}


def inuit_language(c):
    if c.prov == "NU" and c.lon < -100.0:
        return "ikt"  # Kitikmeot
    if c.prov == "NT":
        return "ikt"
    return "iku"


def indigenous_languages(c):
    """Indigenous languages of the region, most widely spoken first."""
    p, lat, lon = c.prov, c.lat, c.lon
    if inuit_region(c):
        if p == "NT":
            return ["ikt", "gwi"]
        return [inuit_language(c)]
    if p == "NT":
        if lat >= 66.0:
            return ["gwi", "scs"]
        if lon > -117.5 and lat > 62.0:
            return ["dgr", "chp"]
        return ["xsl", "chp", "den"]
    if p == "YT":
        if lat >= 64.0:
            return ["gwi"]
        return ["tce", "ttm", "kkz", "tli"]
    if p == "BC":
        if lat >= 53.0 and lon < -130.0:
            return ["hai", "tsi"]
        if lat >= 54.0 and lon < -126.0:
            return ["git", "ncg", "tsi"]
        if lat >= 53.0:
            return ["crx", "kkz"]
        if lon < -124.5:
            return ["nuk", "kwk"]
        if lon > -121.0:
            return ["shs", "kut"]
        return ["kwk", "shs"]
    if p == "AB":
        if lat >= 56.0:
            return ["chp", "crk", "xsl"]
        if lat < 52.0:
            return ["bla", "sto", "srs"]
        return ["crk", "crg", "bla"]
    if p == "SK":
        if lat >= 56.0:
            return ["chp", "cwd"]
        if lat >= 53.5:
            return ["cwd", "crk"]
        return ["crk", "ojw", "dak", "crg"]
    if p == "MB":
        if lat >= 53.0:
            return ["csw", "ojs", "cwd"]
        return ["ojw", "ojb", "crg", "dak"]
    if p == "ON":
        if lat >= 51.0:
            return ["ojs", "csw", "crm"]
        if lon < -85.0:
            return ["ojb", "ojs"]
        if lat >= 48.0:
            return ["crm", "ojc"]
        if lon > -77.5:
            return ["moh", "alq"]
        return ["ojg", "moh", "one", "cay"]
    if p == "QC":
        if lat >= 49.0 and lon < -74.5:
            return ["crl", "crj"] if lat >= 52.0 else ["crj", "atj"]
        if lat >= 54.0:
            return ["nsk", "moe"]
        if lat >= 48.0 and lon > -70.0:
            return ["moe"]
        if lon > -67.5:
            return ["mic"]
        if lon < -76.0:
            return ["alq"]
        return ["atj", "moh"]
    if p == "NL":
        if lat >= 52.0:
            return ["moe", "ike"]
        return ["mic"]
    if p == "NB":
        return ["pqm", "mic"]
    return ["mic"]  # NS PE


# Languages of immigration by region, most common first.
IMMIGRANT = {
    "ON": ["pan", "cmn", "yue", "urd", "tgl", "spa", "ara", "tam", "guj", "hin", "por", "fas",
           "ita", "pol", "ukr", "rus", "vie", "kor", "som", "tir", "amh", "ben", "hun", "srp",
           "hrv", "ell", "tur", "yue", "jam"],
    "BC": ["pan", "cmn", "yue", "tgl", "fas", "kor", "spa", "vie", "hin", "ara", "jpn", "rus"],
    "QC": ["ara", "spa", "hat", "cmn", "vie", "por", "ita", "fas", "rus", "ron", "tam", "ary"],
    "AB": ["tgl", "pan", "cmn", "yue", "ara", "urd", "spa", "vie", "som", "amh", "tir", "hin",
           "kor", "ukr"],
    "MB": ["tgl", "pan", "ukr", "deu", "cmn", "spa", "hin", "amh", "tir", "ara"],
    "SK": ["tgl", "ukr", "pan", "cmn", "ara", "urd", "spa"],
    "NS": ["ara", "cmn", "tgl", "hin", "fas", "kor"],
    "NB": ["ara", "tgl", "cmn", "spa", "kor"],
    "NL": ["ara", "tgl", "cmn", "hin"],
    "PE": ["cmn", "tgl", "ara", "hin"],
    "NT": ["tgl", "som", "ara"],
    "YT": ["tgl", "deu", "cmn"],
    "NU": ["tgl"],
}
# Seasonal and temporary foreign workers' languages (labour-rights work).
MIGRANT_WORKER = ["spa", "tgl", "jam", "vie", "tha", "pan", "hin", "ukr", "hun", "rus", "ilo"]


def official_languages(c, rng):
    p = c.prov
    if p == "QC":
        langs = ["fra"]
        if chance(rng, 0.65 if c.size in ("metro", "city") else 0.35):
            langs.append("eng")
        return langs
    langs = ["eng"]
    french = {"NB": 0.45, "ON": 0.12, "MB": 0.1, "NU": 0.04}.get(p, 0.05)
    if p == "ON" and (c.lon > -77.6 or (c.lat >= 46.0 and c.lon > -85.0)):
        french = 0.45  # eastern and northeastern Ontario
    if chance(rng, french):
        langs.append("fra")
    return langs


def area_codes(c):
    p, lat, lon = c.prov, c.lat, c.lon
    if p in TERRITORIES:
        return ["867"]
    fixed = {"NB": ["506"], "NL": ["709"], "NS": ["902", "782"], "PE": ["902", "782"],
             "MB": ["204", "431"], "SK": ["306", "639"]}
    if p in fixed:
        return fixed[p]
    if p == "AB":
        return ["780", "587"] if lat >= 52.6 else ["403", "587"]
    if p == "BC":
        if lat < 49.6 and -123.3 < lon < -121.2:
            return ["604", "778"]
        return ["250", "778"]
    if p == "ON":
        if c.id == "toronto-on":
            return ["416", "647", "437"]
        if lon >= -77.6 and lat < 46.5:
            return ["613", "343"]
        if lon < -84.8:
            return ["807"]
        if lat >= 44.35:
            return ["705", "249"]
        if lon <= -80.2:
            return ["519", "226", "548"]
        return ["905", "289", "365"]
    # QC
    if c.id in ("montreal-qc", "laval-qc"):
        return ["514", "438"]
    if lat >= 55.0:
        return ["819"]
    if lon >= -72.2 and lat >= 46.6:
        return ["418", "581"]
    if lat < 46.0 and -74.5 < lon < -72.6:
        return ["450", "579"]
    return ["819", "873"]


def phone(c, rng):
    return f"+1-{rng.choice(area_codes(c))}-555-01{rng.randint(0, 99):02d}"


# ----------------------------------------------------------------------------------------------
# Names and addresses (all invented)

WORDS = [
    "Alderbrook", "Amberwood", "Aspen Hollow", "Birch Lantern", "Blue Heron", "Bramblewood",
    "Brightwater", "Bunchberry", "Cattail", "Cedar Lantern", "Chickadee", "Cloudberry", "Cobalt",
    "Copperleaf", "Cormorant", "Crowberry", "Driftwood", "Dunlin", "Elderflower", "Fernhill",
    "Fireweed", "Foxglove", "Goldenrod", "Granite Ridge", "Harbourlight", "Hazelnut",
    "Hollyhock", "Ironwood", "Juniper", "Kestrel", "Kingfisher", "Labrador Tea", "Lakelight",
    "Larkspur", "Lichen", "Loon Call", "Lupine", "Marram", "Meadowlark", "Moonstone", "Nightjar",
    "Northwind", "Oak Lantern", "Osprey", "Partridgeberry", "Pine Siskin", "Plover", "Quillwort",
    "Raven Rock", "Redpoll", "Riverstone", "Rowan", "Sandpiper", "Saskatoon Berry", "Sedge",
    "Silverweed", "Snow Bunting", "Snowberry", "Spruce Hollow", "Starling", "Stillwater",
    "Sunfield", "Tamarack", "Teal", "Thimbleberry", "Thistledown", "Tidewater", "Twinflower",
    "Upland", "Waxwing", "Wild Ginger", "Wild Rose", "Willowbank", "Windward", "Wren", "Yarrow",
]
STREETS = [
    "Alderbrook", "Amberwood", "Bramble", "Chickadee", "Cormorant", "Dunlin", "Elderflower",
    "Foxglove", "Hazelnut", "Hollyhock", "Kingfisher", "Larkspur", "Lichen", "Marram",
    "Nightjar", "Plover", "Quillwort", "Redpoll", "Sedge", "Silverweed", "Starling", "Teal",
    "Thimbleberry", "Twinflower", "Waxwing", "Wren",
]
STREET_KINDS = ["Street", "Avenue", "Road", "Crescent", "Drive", "Lane", "Way"]
HOURS_DAY = ["Mon-Fri 09:00-17:00", "Mon-Fri 08:30-16:30", "Mon-Fri 09:00-20:00",
             "Mon-Sat 09:00-18:00", "Tue-Sat 10:00-18:00", "Mon-Fri 09:00-17:00, Sat 10:00-14:00",
             "Mon-Thu 09:00-21:00, Fri 09:00-17:00"]
APPOINTMENT_ONLY = 0.25  # share of legal clinics that take new clients by appointment only


def address(rng):
    return f"{rng.randint(10, 2400)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}"


def verified_date(rng):
    if chance(rng, 0.08):
        days = rng.randint(396, 912)  # 13 to 30 months: stale
    else:
        days = rng.randint(2, 360)
    return TODAY - datetime.timedelta(days=days)


# ----------------------------------------------------------------------------------------------
# Provider construction


def provider(c, rng, name_kind, services, **kw):
    """A provider with defaults; kw overrides any field."""
    p = {
        "community": c.id,
        "_comm": c,
        "_kind": name_kind,
        "name": None,
        "services": list(services),
        "delivery": "in_person",
        "serves": [c.prov],
        "attributes": set(),
        "languages": None,
        "genders": None,
        "ages": None,
        "accepts_trafficking_victims": True,
        "accepts_without_status": True,
        "law_enforcement": False,
        "capacity": None,
        "wait_days": 0,
        "partners": [],
        "intake": None,
        "address": None,
        "confidential": False,
        "verified": None,
        "_key": None,
        "_partner_keys": [],
        "peoples": None,     # the identities a service is specifically for (None: everyone)
        "catchment": None,   # community ids a statutory service is responsible for
    }
    p.update(kw)
    if p["languages"] is None:
        p["languages"] = official_languages(c, rng)
    if p["intake"] is None:
        p["intake"] = (phone(c, rng), None)  # hours settled by finish(), once attributes are
    if p["verified"] is None:
        p["verified"] = verified_date(rng)
    if p["name"] is None:
        p["name"] = f"{rng.choice(WORDS)} {name_kind} (fictitious)"
    if not p["confidential"] and p["address"] is None and (p["delivery"] != "remote"
                                                           or chance(rng, 0.5)):
        p["address"] = address(rng)
    return p


def finish(p, rng):
    phone_number, hours = p["intake"]
    if hours is None:
        if "open_24_7" in p["attributes"]:
            hours = "24/7"
        elif all(s.startswith("legal.") for s in p["services"]) and chance(rng, APPOINTMENT_ONLY):
            hours = "by appointment"
        else:
            hours = rng.choice(HOURS_DAY)
    p["intake"] = (phone_number, hours)


def shelter_capacity(rng, lo, hi, full=0.15, people=None):
    if people is not None and people < 15_000:
        hi = max(lo, min(hi, 4 + people // 800))  # small places have small shelters
    beds = rng.randint(lo, hi)
    avail = 0 if chance(rng, full) else rng.randint(1, max(1, beds // 3))
    return (beds, avail)


def add_immigrant(langs, c, rng, k):
    pool = IMMIGRANT.get(c.prov, [])
    if c.size == "town":
        pool = pool[:6]
    for lang in pool[: k + 4]:
        if len(langs) >= 2 + k:
            break
        if lang not in langs and chance(rng, 0.7):
            langs.append(lang)
    return langs


def indigenous_flags(c, rng, boost=1.0):
    """(indigenous_led, inuit_specific, languages-to-prepend) for a local service."""
    f = min(1.0, indigenous_share(c) * boost)
    if not chance(rng, f):
        return False, False, []
    inuit = inuit_region(c) or (c.id in URBAN_INUIT and chance(rng, 0.15))
    if inuit:
        return True, True, [inuit_language(c)]
    langs = indigenous_languages(c)
    extra = [langs[0]] if chance(rng, 0.75) else []
    if len(langs) > 1 and chance(rng, 0.3):
        extra.append(langs[1])
    return True, False, extra


def localise(p, c, rng, boost=1.0, immigrant=0):
    """Indigenous leadership and languages for a locally rooted service."""
    led, inuit, langs = indigenous_flags(c, rng, boost)
    if led:
        p["attributes"].add("indigenous_led")
        if inuit:
            p["attributes"].add("inuit_specific")
        p["languages"] = langs + [x for x in p["languages"] if x not in langs]
    elif c.prov == "NU" and chance(rng, 0.6):
        p["languages"] = [inuit_language(c)] + p["languages"]
    if immigrant and c.size in ("metro", "city", "town"):
        add_immigrant(p["languages"], c, rng, immigrant)
    return p


def common_attrs(p, rng, c, ti=0.6, acc=0.5, lgbt=None, h24=0.0, harm=0.15, surv=0.03):
    a = p["attributes"]
    if chance(rng, ti):
        a.add("trauma_informed")
    if chance(rng, acc):
        a.add("accessible")
    if lgbt is None:
        lgbt = {"metro": 0.35, "city": 0.2, "town": 0.08, "small": 0.03}[c.size]
    if chance(rng, lgbt):
        a.add("lgbtq2s_affirming")
    if chance(rng, h24):
        a.add("open_24_7")
    if chance(rng, harm):
        a.add("harm_reduction")
    if chance(rng, surv):
        a.add("survivor_led")


# --- archetypes: each returns one provider for community c ------------------------------------


def a_women_shelter(c, rng):
    svc = ["shelter.emergency"]
    for s, pr in (("counselling.trauma", 0.55), ("safety.planning", 0.75),
                  ("case.management", 0.5), ("legal.family", 0.1)):
        if chance(rng, pr):
            svc.append(s)
    p = provider(c, rng, rng.choice(["Women's Shelter", "Women's Safe House", "House for Women",
                                     "Refuge for Women and Children"]), svc,
                 genders=["female"] if chance(rng, 0.55) else ["female", "nonbinary"],
                 ages=(16, None) if chance(rng, 0.3) else (18, None),
                 accepts_trafficking_victims=not chance(rng, 0.1),
                 accepts_without_status=chance(rng, 0.7),
                 capacity=shelter_capacity(rng, 6, 40, people=c.people), confidential=chance(rng, 0.92))
    common_attrs(p, rng, c, ti=0.8, acc=0.45, h24=0.9, harm=0.25, surv=0.06)
    return localise(p, c, rng, boost=1.0, immigrant=1)


def a_youth_shelter(c, rng, minors=False, accepting=False):
    """A youth shelter; with minors=True, one that takes any child 12 to 17 who was trafficked;
    with accepting=True, one that takes trafficking victims (its ages always include 16-17)."""
    svc = ["shelter.emergency"]
    for s, pr in (("counselling.trauma", 0.5), ("case.management", 0.6),
                  ("safety.planning", 0.4), ("education", 0.2)):
        if chance(rng, pr):
            svc.append(s)
    ages = weighted(rng, [((12, 17), 3), ((16, 24), 4), ((16, 21), 2), ((13, 24), 1)])
    genders = weighted(rng, [(None, 5), (["female"], 2), (["female", "nonbinary"], 2),
                             (["male"], 0.6)])
    refuses = chance(rng, 0.1)
    if minors:
        ages, genders, refuses = (12, 17), None, False
    if accepting:
        refuses = False
    p = provider(c, rng, rng.choice(["Youth Shelter", "Youth Safe House", "Youth Emergency Home"]),
                 svc, genders=genders, ages=ages,
                 accepts_trafficking_victims=not refuses,
                 accepts_without_status=chance(rng, 0.6),
                 capacity=shelter_capacity(rng, 4, 30, people=c.people), confidential=chance(rng, 0.8))
    p["attributes"].add("youth_serving")
    common_attrs(p, rng, c, ti=0.75, acc=0.4, h24=0.85, harm=0.3, surv=0.03,
                 lgbt={"metro": 0.5, "city": 0.3, "town": 0.1, "small": 0.05}[c.size])
    return localise(p, c, rng, boost=1.0)


def a_mens_shelter(c, rng):
    svc = ["shelter.emergency"]
    for s, pr in (("case.management", 0.6), ("counselling.trauma", 0.2),
                  ("addiction.treatment", 0.15), ("employment.training", 0.2)):
        if chance(rng, pr):
            svc.append(s)
    p = provider(c, rng, rng.choice(["Men's Shelter", "Men's Hostel", "House for Men"]), svc,
                 genders=["male"], ages=(18, None),
                 accepts_trafficking_victims=not chance(rng, 0.25),
                 accepts_without_status=chance(rng, 0.5),
                 capacity=shelter_capacity(rng, 15, 80, people=c.people), confidential=chance(rng, 0.2))
    common_attrs(p, rng, c, ti=0.35, acc=0.4, h24=0.8, harm=0.5, surv=0.0, lgbt=0.05)
    return localise(p, c, rng, boost=0.8, immigrant=1)


def a_general_shelter(c, rng):
    svc = ["shelter.emergency"]
    for s, pr in (("case.management", 0.5), ("housing.long_term", 0.25),
                  ("income.support", 0.15)):
        if chance(rng, pr):
            svc.append(s)
    p = provider(c, rng, rng.choice(["Community Shelter", "Emergency Shelter", "Drop-in Shelter",
                                     "Family Shelter"]), svc,
                 ages=(18, None) if chance(rng, 0.85) else None,
                 accepts_trafficking_victims=not chance(rng, 0.15),
                 accepts_without_status=chance(rng, 0.5),
                 capacity=shelter_capacity(rng, 10, 90, people=c.people), confidential=chance(rng, 0.25))
    common_attrs(p, rng, c, ti=0.3, acc=0.5, h24=0.75, harm=0.55, surv=0.0)
    return localise(p, c, rng, boost=0.9, immigrant=1)


def a_transitional(c, rng):
    svc = ["shelter.transitional"]
    for s, pr in (("case.management", 0.7), ("housing.long_term", 0.4),
                  ("counselling.trauma", 0.35), ("employment.training", 0.25),
                  ("education", 0.15)):
        if chance(rng, pr):
            svc.append(s)
    youth = chance(rng, 0.25)
    genders = weighted(rng, [(["female"], 4), (["female", "nonbinary"], 3), (None, 2),
                             (["male"], 0.5)])
    ages = weighted(rng, [((16, 24), 2), ((18, 29), 1)]) if youth else (18, None)
    p = provider(c, rng, rng.choice(["Transitional House", "Second-Stage Housing",
                                     "Transitional Residence"]), svc,
                 genders=genders, ages=ages, accepts_trafficking_victims=not chance(rng, 0.08),
                 accepts_without_status=chance(rng, 0.45),
                 capacity=shelter_capacity(rng, 4, 24, people=c.people), wait_days=rng.randint(3, 30),
                 confidential=chance(rng, 0.85))
    if youth:
        p["attributes"].add("youth_serving")
    common_attrs(p, rng, c, ti=0.75, acc=0.4, h24=0.2, harm=0.2, surv=0.08)
    return localise(p, c, rng, boost=1.0)


def a_anti_trafficking(c, rng):
    svc = ["safety.planning", "case.management"]
    for s, pr in (("counselling.trauma", 0.6), ("transport.assistance", 0.15),
                  ("legal.criminal", 0.15), ("income.support", 0.1), ("repatriation", 0.04),
                  ("return.home", 0.1)):
        if chance(rng, pr):
            svc.append(s)
    p = provider(c, rng, rng.choice(["Anti-Trafficking Response Program",
                                     "Survivor Support Network", "Exploitation Response Team"]),
                 svc, delivery=weighted(rng, [("both", 6), ("in_person", 3), ("remote", 1)]),
                 wait_days=rng.randint(0, 3), confidential=chance(rng, 0.5))
    common_attrs(p, rng, c, ti=0.95, acc=0.4, h24=0.35, harm=0.4, surv=0.35)
    return localise(p, c, rng, boost=1.0, immigrant=2)


def a_counselling(c, rng):
    svc = ["counselling.trauma"]
    for s, pr in (("safety.planning", 0.35), ("case.management", 0.2),
                  ("addiction.treatment", 0.1)):
        if chance(rng, pr):
            svc.append(s)
    youth = chance(rng, 0.2)
    p = provider(c, rng, rng.choice(["Counselling Centre", "Trauma Therapy Collective",
                                     "Family Counselling Service", "Wellness Counselling"]),
                 svc, delivery=weighted(rng, [("both", 5), ("in_person", 4), ("remote", 1)]),
                 ages=weighted(rng, [((12, 24), 2), ((None, 24), 1), ((6, 18), 1)])
                 if youth else (None if chance(rng, 0.7) else (16, None)),
                 wait_days=weighted(rng, [(0, 2), (rng.randint(1, 10), 4),
                                          (rng.randint(11, 30), 3)]))
    if youth:
        p["attributes"].add("youth_serving")
    if c.north and p["delivery"] == "in_person":
        p["delivery"] = "both"
    common_attrs(p, rng, c, ti=0.7, acc=0.5, h24=0.03, harm=0.2, surv=0.04)
    return localise(p, c, rng, boost=1.0, immigrant=1)


def a_sexual_assault_centre(c, rng):
    svc = ["counselling.trauma", "safety.planning"]
    if chance(rng, 0.45):
        svc.append("medical.sexual_health")
    if chance(rng, 0.3):
        svc.append("legal.criminal")
    p = provider(c, rng, rng.choice(["Sexual Assault Centre", "Sexual Violence Support Centre"]),
                 svc, delivery="both", genders=None if chance(rng, 0.6) else ["female", "nonbinary"],
                 wait_days=rng.randint(0, 14))
    common_attrs(p, rng, c, ti=0.95, acc=0.5, h24=0.4, harm=0.2, surv=0.08)
    return localise(p, c, rng, boost=1.0, immigrant=1)


def a_sexual_health(c, rng):
    svc = ["medical.sexual_health"]
    if chance(rng, 0.25):
        svc.append("counselling.trauma")
    youth = chance(rng, 0.3)
    p = provider(c, rng, rng.choice(["Sexual Health Clinic", "Community Health Centre",
                                     "Youth Health Clinic" if youth else "Women's Health Clinic"]),
                 svc, ages=(12, 29) if youth else None, wait_days=rng.randint(0, 7))
    if youth:
        p["attributes"].add("youth_serving")
    common_attrs(p, rng, c, ti=0.6, acc=0.6, h24=0.0, harm=0.5, surv=0.0)
    return localise(p, c, rng, boost=0.8, immigrant=1)


def a_health(c, rng):
    """Hospital emergency department, urgent care or nursing station."""
    svc = ["medical.emergency"]
    if chance(rng, 0.6):
        svc.append("medical.sexual_health")
    if c.size in ("metro", "city"):
        kind = rng.choice(["Hospital Emergency Department", "General Hospital",
                           "Health Sciences Centre"])
    elif c.north or c.size == "small":
        kind = rng.choice(["Health Centre", "Nursing Station"])
    else:
        kind = rng.choice(["District Hospital", "Urgent Care Centre", "Health Centre"])
    p = provider(c, rng, kind, svc, wait_days=0, accepts_without_status=True)
    p["attributes"].update(["open_24_7", "accessible"])
    if chance(rng, 0.35):
        p["attributes"].add("trauma_informed")
    if c.prov == "NU":
        p["languages"] = [inuit_language(c)] + [x for x in p["languages"] if x != "iku"]
    return p


def a_addiction(c, rng):
    svc = ["addiction.treatment"]
    if chance(rng, 0.35):
        svc.append("counselling.trauma")
    p = provider(c, rng, rng.choice(["Recovery Centre", "Withdrawal Management Service",
                                     "Addiction Services", "Treatment Centre"]), svc,
                 delivery=weighted(rng, [("in_person", 5), ("both", 4), ("remote", 1)]),
                 ages=(18, None) if chance(rng, 0.6) else ((12, 24) if chance(rng, 0.3) else None),
                 wait_days=weighted(rng, [(0, 2), (rng.randint(1, 14), 3),
                                          (rng.randint(15, 30), 3)]))
    common_attrs(p, rng, c, ti=0.55, acc=0.5, h24=0.2, harm=0.6, surv=0.0)
    return localise(p, c, rng, boost=1.2)


def a_legal_aid(c, rng):
    svc = ["legal.criminal"]
    for s, pr in (("legal.family", 0.6), ("legal.immigration", 0.2), ("legal.labour", 0.1)):
        if chance(rng, pr):
            svc.append(s)
    p = provider(c, rng, rng.choice(["Community Legal Clinic", "Legal Aid Office",
                                     "Victim-Witness Legal Service"]), svc,
                 delivery=weighted(rng, [("both", 6), ("in_person", 4)]),
                 wait_days=rng.randint(0, 21))
    common_attrs(p, rng, c, ti=0.4, acc=0.6, h24=0.0, harm=0.0, surv=0.0)
    return localise(p, c, rng, boost=0.6, immigrant=1)


def a_immigration_legal(c, rng):
    svc = ["legal.immigration"]
    for s, pr in (("legal.labour", 0.45), ("case.management", 0.2), ("repatriation", 0.05)):
        if chance(rng, pr):
            svc.append(s)
    p = provider(c, rng, rng.choice(["Immigration and Refugee Legal Clinic",
                                     "Newcomer Legal Clinic", "Refugee Law Office"]), svc,
                 delivery=weighted(rng, [("both", 6), ("in_person", 3), ("remote", 1)]),
                 accepts_without_status=True, wait_days=rng.randint(0, 21))
    common_attrs(p, rng, c, ti=0.5, acc=0.5, h24=0.0, harm=0.0, surv=0.0)
    return localise(p, c, rng, boost=0.2, immigrant=4)


def a_labour_legal(c, rng):
    svc = ["legal.labour"]
    for s, pr in (("legal.immigration", 0.4), ("employment.training", 0.2),
                  ("case.management", 0.2)):
        if chance(rng, pr):
            svc.append(s)
    p = provider(c, rng, rng.choice(["Migrant Workers' Centre", "Workers' Rights Clinic",
                                     "Labour Rights Legal Clinic"]), svc,
                 delivery=weighted(rng, [("both", 6), ("in_person", 3), ("remote", 1)]),
                 accepts_without_status=True, wait_days=rng.randint(0, 14))
    langs = p["languages"]
    for lang in MIGRANT_WORKER:
        if len(langs) >= 5:
            break
        if lang not in langs and chance(rng, 0.35):
            langs.append(lang)
    common_attrs(p, rng, c, ti=0.35, acc=0.4, h24=0.0, harm=0.0, surv=0.05)
    return p


def a_family_legal(c, rng):
    p = provider(c, rng, rng.choice(["Family Law Clinic", "Family Justice Centre"]),
                 ["legal.family"] + (["safety.planning"] if chance(rng, 0.3) else []),
                 delivery=weighted(rng, [("both", 5), ("in_person", 5)]),
                 wait_days=rng.randint(0, 30))
    common_attrs(p, rng, c, ti=0.5, acc=0.5)
    return localise(p, c, rng, boost=0.6, immigrant=1)


def a_settlement(c, rng):
    svc = ["interpretation", "case.management"]
    for s, pr in (("employment.training", 0.6), ("education", 0.6), ("income.support", 0.2),
                  ("housing.long_term", 0.2), ("legal.immigration", 0.1)):
        if chance(rng, pr):
            svc.append(s)
    p = provider(c, rng, rng.choice(["Newcomer Settlement Services", "Immigrant Services Centre",
                                     "Multicultural Council", "Settlement and Language Centre"]),
                 svc, delivery=weighted(rng, [("in_person", 4), ("both", 6)]),
                 accepts_without_status=chance(rng, 0.4), wait_days=rng.randint(0, 14))
    common_attrs(p, rng, c, ti=0.3, acc=0.5)
    add_immigrant(p["languages"], c, rng, rng.randint(3, 9))
    return p


def a_indigenous_centre(c, rng):
    svc = ["cultural.support"]
    for s, pr in (("counselling.trauma", 0.6), ("case.management", 0.5),
                  ("employment.training", 0.25), ("education", 0.15), ("housing.long_term", 0.1),
                  ("transport.assistance", 0.1), ("addiction.treatment", 0.1),
                  ("return.home", 0.15)):
        if chance(rng, pr):
            svc.append(s)
    inuit = inuit_region(c) or (c.id in URBAN_INUIT and chance(rng, 0.25))
    if inuit:
        kind = rng.choice(["Inuit Wellness Centre", "Inuit Community Services",
                           "Inuit Family Resource Centre"])
        langs = [inuit_language(c)]
    else:
        kind = rng.choice(["Indigenous Friendship Centre", "Healing Lodge",
                           "Indigenous Family Services", "Métis Family Services"
                           if c.prov in ("AB", "SK", "MB") else "Indigenous Wellness Centre"])
        local = indigenous_languages(c)
        langs = [local[0]] + ([local[1]] if len(local) > 1 and chance(rng, 0.4) else [])
        if kind.startswith("Métis"):
            langs = ["crg"]
    p = provider(c, rng, kind, svc, delivery=weighted(rng, [("in_person", 5), ("both", 5)]),
                 wait_days=rng.randint(0, 10))
    p["languages"] = langs + [x for x in p["languages"] if x not in langs]
    p["attributes"].add("indigenous_led")
    if inuit:
        p["attributes"].add("inuit_specific")
    # Whom the cultural support is for: Inuit or Métis services their people; friendship centres
    # every Indigenous person; most other centres the First Nations of their region.
    if inuit:
        p["peoples"] = ["inuit"]
    elif kind.startswith("Métis"):
        p["peoples"] = ["metis"]
    elif kind == "Indigenous Friendship Centre" or chance(rng, 0.3):
        p["peoples"] = ["first_nations", "inuit", "metis"]
    else:
        p["peoples"] = ["first_nations"]
    common_attrs(p, rng, c, ti=0.8, acc=0.4, h24=0.05, harm=0.35, surv=0.03, lgbt=0.1)
    if chance(rng, 0.15):
        p["attributes"].add("youth_serving")
    return p


def a_employment(c, rng):
    svc = ["employment.training"]
    for s, pr in (("education", 0.4), ("income.support", 0.2)):
        if chance(rng, pr):
            svc.append(s)
    youth = chance(rng, 0.25)
    p = provider(c, rng, rng.choice(["Employment Hub", "Skills and Careers Centre",
                                     "Job Readiness Program"]), svc,
                 delivery=weighted(rng, [("in_person", 5), ("both", 5)]),
                 ages=(15, 30) if youth else (16, None), wait_days=rng.randint(0, 21))
    if youth:
        p["attributes"].add("youth_serving")
    common_attrs(p, rng, c, ti=0.25, acc=0.6)
    return localise(p, c, rng, boost=0.7, immigrant=1)


def a_education(c, rng):
    p = provider(c, rng, rng.choice(["Adult Learning Centre", "Literacy and Upgrading Centre",
                                     "Language Classes for Adults"]), ["education"],
                 delivery=weighted(rng, [("in_person", 6), ("both", 4)]),
                 ages=(16, None), wait_days=rng.randint(0, 30))
    common_attrs(p, rng, c, ti=0.2, acc=0.6)
    return localise(p, c, rng, boost=0.7, immigrant=2)


def a_income(c, rng):
    svc = ["income.support"]
    if chance(rng, 0.3):
        svc.append("housing.long_term")
    p = provider(c, rng, rng.choice(["Income Assistance Office", "Community Benefits Office"]),
                 svc, delivery=weighted(rng, [("in_person", 4), ("both", 6)]),
                 ages=(18, None), accepts_without_status=chance(rng, 0.2),
                 wait_days=rng.randint(0, 14))
    common_attrs(p, rng, c, ti=0.15, acc=0.7, harm=0.0)
    return localise(p, c, rng, boost=0.5)


def a_housing(c, rng):
    svc = ["housing.long_term"]
    if chance(rng, 0.4):
        svc.append("case.management")
    p = provider(c, rng, rng.choice(["Housing Help Centre", "Supportive Housing Program",
                                     "Housing First Team"]), svc,
                 ages=(18, None) if chance(rng, 0.7) else (16, 24),
                 accepts_without_status=chance(rng, 0.3), wait_days=rng.randint(7, 30))
    if p["ages"] == (16, 24):
        p["attributes"].add("youth_serving")
    common_attrs(p, rng, c, ti=0.4, acc=0.5, harm=0.5)
    return localise(p, c, rng, boost=1.0)


def a_victim_services(c, rng):
    svc = ["safety.planning", "legal.criminal"]
    for s, pr in (("counselling.trauma", 0.4), ("case.management", 0.4),
                  ("transport.assistance", 0.15)):
        if chance(rng, pr):
            svc.append(s)
    p = provider(c, rng, rng.choice(["Victim Services", "Court Support Program",
                                     "Victim and Witness Assistance"]), svc,
                 delivery=weighted(rng, [("both", 7), ("in_person", 3)]),
                 wait_days=rng.randint(0, 5))
    common_attrs(p, rng, c, ti=0.8, acc=0.5, h24=0.15)
    return localise(p, c, rng, boost=0.8, immigrant=1)


def a_transport(c, rng):
    svc = ["transport.assistance"]
    if chance(rng, 0.3):
        svc.append("return.home")  # travel home within Canada; repatriation is to another country
    p = provider(c, rng, rng.choice(["Travel Assistance Fund", "Safe Passage Program"]), svc,
                 delivery="remote", wait_days=rng.randint(0, 3), confidential=False)
    common_attrs(p, rng, c, ti=0.5, acc=0.3)
    return localise(p, c, rng, boost=1.0)


ARCHETYPES = {
    "women_shelter": a_women_shelter, "youth_shelter": a_youth_shelter,
    "mens_shelter": a_mens_shelter, "general_shelter": a_general_shelter,
    "transitional": a_transitional, "anti_trafficking": a_anti_trafficking,
    "counselling": a_counselling, "sexual_assault": a_sexual_assault_centre,
    "sexual_health": a_sexual_health, "health": a_health, "addiction": a_addiction,
    "legal_aid": a_legal_aid, "immigration_legal": a_immigration_legal,
    "labour_legal": a_labour_legal, "family_legal": a_family_legal,
    "settlement": a_settlement, "indigenous": a_indigenous_centre, "employment": a_employment,
    "education": a_education, "income": a_income, "housing": a_housing,
    "victim_services": a_victim_services, "transport": a_transport,
}

# Relative frequency of each kind of provider by size of community.
MIX = {
    "metro": {"women_shelter": 8, "youth_shelter": 4, "mens_shelter": 1.2, "general_shelter": 3,
              "transitional": 5, "anti_trafficking": 4, "counselling": 10, "sexual_assault": 3,
              "sexual_health": 5, "health": 2, "addiction": 5, "legal_aid": 4,
              "immigration_legal": 4, "labour_legal": 2, "family_legal": 3, "settlement": 8,
              "indigenous": 2, "employment": 6, "education": 4, "income": 3, "housing": 4,
              "victim_services": 3, "transport": 0.4},
    "city": {"women_shelter": 8, "youth_shelter": 3, "mens_shelter": 0.8, "general_shelter": 3,
             "transitional": 4, "anti_trafficking": 2, "counselling": 9, "sexual_assault": 3,
             "sexual_health": 4, "health": 2, "addiction": 5, "legal_aid": 4,
             "immigration_legal": 1.5, "labour_legal": 0.8, "family_legal": 2, "settlement": 4,
             "indigenous": 3, "employment": 5, "education": 3, "income": 3, "housing": 3,
             "victim_services": 3, "transport": 0.4},
    "town": {"women_shelter": 8, "youth_shelter": 1.2, "mens_shelter": 0.3, "general_shelter": 2,
             "transitional": 2.5, "anti_trafficking": 0.6, "counselling": 8, "sexual_assault": 2,
             "sexual_health": 2.5, "health": 3, "addiction": 4, "legal_aid": 3,
             "immigration_legal": 0.2, "labour_legal": 0.3, "family_legal": 1.5,
             "settlement": 1.2, "indigenous": 4, "employment": 4, "education": 2, "income": 3,
             "housing": 2, "victim_services": 3, "transport": 0.5},
    "small": {"women_shelter": 3, "youth_shelter": 0.2, "general_shelter": 0.3,
              "transitional": 0.3, "counselling": 3, "sexual_health": 0.5, "health": 4,
              "addiction": 1, "legal_aid": 0.5, "family_legal": 0.2, "indigenous": 6,
              "employment": 1, "education": 1, "income": 2, "housing": 0.3,
              "victim_services": 1.5, "transport": 1},
    "north": {"women_shelter": 1.5, "counselling": 2, "health": 5, "addiction": 0.7,
              "indigenous": 5, "employment": 0.8, "education": 1, "income": 2,
              "victim_services": 1, "transport": 1.5},
}


def mix_for(c):
    if c.north and c.size in ("small", "town") and c.people < 25_000:
        table = MIX["north"]
    else:
        table = MIX[c.size]
    f = indigenous_share(c)
    out = []
    for kind in sorted(table):
        w = table[kind]
        if kind == "indigenous":
            w *= f
        if kind == "women_shelter" and c.north and c.people < 1000:
            w *= 0.2
        out.append((kind, w))
    return out


# ----------------------------------------------------------------------------------------------
# Anchors: hand-specified providers that the acceptance scenarios (shared/scenarios) rely on.
# Each is placed only if its community is present; ids are numbered before every other provider
# of the community, so they stay stable whatever --providers is.

INTERPRETATION_LANGUAGES = [
    "eng", "fra", "ase", "fcs", "iku", "ike", "ikt", "cre", "crk", "csw", "oji", "ojs", "ojb",
    "moh", "mic", "dgr", "chp", "atj", "moe", "ara", "apc", "zho", "cmn", "yue", "fas", "prs",
    "pus", "spa", "por", "tgl", "ilo", "pan", "hin", "urd", "ben", "guj", "tam", "tel", "mal",
    "sin", "nep", "vie", "kor", "jpn", "tha", "khm", "mya", "ukr", "rus", "pol", "hun", "ron",
    "hbs", "ell", "tur", "kur", "som", "amh", "tir", "swa", "yor", "ibo", "hat", "jam", "deu",
    "ita", "heb",
]


def anchor_specs():
    """(community, key, archetype-free fields) for every anchor."""
    A = []

    def add(comm, key, name, services, **kw):
        A.append((comm, key, name, services, kw))

    # National remote services (placed in Ottawa, or Toronto without it).
    add("@national", "nat-interp", "Many Voices National Interpretation Line (fictitious)",
        ["interpretation"], delivery="remote", serves=["national"],
        attributes={"trauma_informed", "open_24_7"}, languages=list(INTERPRETATION_LANGUAGES),
        confidential=False, address=None, hours="24/7")
    add("@national", "nat-hotline", "Northern Star National Trafficking Hotline (fictitious)",
        ["safety.planning", "case.management"], delivery="remote", serves=["national"],
        attributes={"trauma_informed", "survivor_led", "lgbtq2s_affirming", "open_24_7"},
        languages=["eng", "fra", "spa", "tgl", "cmn", "ara", "iku", "cre", "oji"],
        confidential=True, hours="24/7")
    add("@national", "nat-legal", "Plainlaw National Legal Information Line (fictitious)",
        ["legal.criminal", "legal.immigration", "legal.labour", "legal.family"],
        delivery="remote", serves=["national"], attributes={"trauma_informed", "accessible"},
        languages=["eng", "fra", "spa", "tgl", "pan"], confidential=False,
        hours="Mon-Fri 08:00-20:00", wait_days=2)
    add("@national", "nat-indig", "Sweet Water Indigenous Wellness Line (fictitious)",
        ["counselling.trauma"], delivery="remote", serves=["national"],
        attributes={"trauma_informed", "indigenous_led", "open_24_7"},
        languages=["eng", "fra", "cre", "oji", "iku"], confidential=True, hours="24/7")
    add("@national", "nat-youth", "Kite String Youth Help Line (fictitious)",
        ["counselling.trauma", "safety.planning"], delivery="remote", serves=["national"],
        attributes={"trauma_informed", "youth_serving", "lgbtq2s_affirming", "open_24_7"},
        languages=["eng", "fra"], ages=(None, 24), confidential=True, hours="24/7")
    add("@national", "nat-repat", "Homeward Safe Return Program (fictitious)",
        ["repatriation", "return.home", "transport.assistance", "case.management"], delivery="both",
        serves=["national"], attributes={"trauma_informed"},
        languages=["eng", "fra", "spa", "tgl", "hun", "ukr", "rus", "tha", "vie"],
        confidential=False, hours="Mon-Fri 09:00-17:00", wait_days=5)

    # Scenario 1 and the Toronto core.
    add("toronto-on", "to-youth-shelter", "Kestrel Youth Safe House (fictitious)",
        ["shelter.emergency", "counselling.trauma", "case.management"],
        attributes={"trauma_informed", "youth_serving", "lgbtq2s_affirming", "open_24_7"},
        languages=["eng"], ages=(12, 17), capacity=(14, 3), confidential=True, hours="24/7",
        partners=["to-youth-counsel", "to-cas"])
    add("toronto-on", "to-cas", "Tamarack Child and Family Protection Services (fictitious)",
        ["child.protection"], delivery="both",
        attributes={"trauma_informed", "youth_serving", "accessible", "open_24_7"},
        languages=["eng", "fra"], ages=(None, 17), hours="24/7")
    add("toronto-on", "to-youth-counsel", "Juniper Youth Trauma Counselling (fictitious)",
        ["counselling.trauma", "safety.planning"], delivery="both",
        attributes={"trauma_informed", "youth_serving", "lgbtq2s_affirming"},
        languages=["eng", "spa", "tgl"], ages=(None, 24), wait_days=1,
        partners=["to-youth-shelter"])
    add("toronto-on", "to-women-shelter", "Larkspur Survivors' Safe House (fictitious)",
        ["shelter.emergency", "counselling.trauma", "safety.planning"], genders=["female",
                                                                                  "nonbinary"],
        attributes={"trauma_informed", "survivor_led", "lgbtq2s_affirming", "open_24_7"},
        languages=["eng", "spa", "tgl", "kor"], ages=(16, None), capacity=(20, 2),
        confidential=True, hours="24/7", partners=["to-migrant-legal"])
    add("toronto-on", "to-migrant-legal", "Osprey Migrant Workers' Legal Centre (fictitious)",
        ["legal.immigration", "legal.labour"], delivery="both",
        attributes={"trauma_informed", "accessible"},
        languages=["eng", "spa", "tgl", "pan", "pol", "ukr"], wait_days=2)
    add("toronto-on", "to-youth-shelter-2", "Waxwing Young Women's Emergency Home (fictitious)",
        ["shelter.emergency"], genders=["female", "nonbinary"], ages=(13, 24),
        attributes={"youth_serving", "open_24_7"}, languages=["eng", "por"], capacity=(10, 1),
        confidential=True, hours="24/7")

    # Scenario 2: Iqaluit.
    add("iqaluit-nu", "iq-safe-house", "Snow Goose Women's and Youth Safe House (fictitious)",
        ["shelter.emergency", "counselling.trauma", "safety.planning"],
        attributes={"trauma_informed", "indigenous_led", "inuit_specific", "youth_serving",
                    "open_24_7"},
        languages=["iku", "eng"], genders=["female", "nonbinary"], ages=(16, None),
        capacity=(10, 2), confidential=True, hours="24/7",
        partners=["iq-wellness", "iq-cfs"])
    add("iqaluit-nu", "iq-wellness", "Snow Bunting Inuit Wellness Centre (fictitious)",
        ["counselling.trauma", "cultural.support", "case.management"], delivery="both",
        attributes={"trauma_informed", "indigenous_led", "inuit_specific", "youth_serving"},
        languages=["iku", "eng"], wait_days=1, partners=["iq-safe-house"], peoples=["inuit"])
    add("iqaluit-nu", "iq-cfs", "Aurora Child and Family Services, Qikiqtani (fictitious)",
        ["child.protection"], delivery="both",
        attributes={"trauma_informed", "youth_serving", "open_24_7"},
        languages=["iku", "eng"], ages=(None, 17), hours="24/7")
    add("iqaluit-nu", "iq-health", "Tundra Regional Health Centre (fictitious)",
        ["medical.emergency", "medical.sexual_health"],
        attributes={"trauma_informed", "accessible", "open_24_7"},
        languages=["iku", "eng", "fra"], hours="24/7")

    # Scenario 3: Halifax.
    add("halifax-ns", "hx-youth-counsel", "Tidewater Youth Counselling (fictitious)",
        ["counselling.trauma", "safety.planning"], delivery="both",
        attributes={"trauma_informed", "youth_serving", "lgbtq2s_affirming"},
        languages=["eng"], ages=(12, 24), wait_days=2, partners=["hx-cfs"])
    add("halifax-ns", "hx-cfs", "Harbourlight Child Protection Services (fictitious)",
        ["child.protection"], delivery="both",
        attributes={"trauma_informed", "youth_serving", "accessible", "open_24_7"},
        languages=["eng", "fra"], ages=(None, 17), hours="24/7")
    add("halifax-ns", "hx-at", "Cormorant Exploitation Response Team (fictitious)",
        ["safety.planning", "case.management", "counselling.trauma"], delivery="both",
        attributes={"trauma_informed", "survivor_led"}, languages=["eng", "ara"],
        confidential=True)

    # Scenario 4: Hamilton.
    add("hamilton-on", "ha-mens-shelter", "Ironwood Men's Hostel (fictitious)",
        ["shelter.emergency", "case.management"], genders=["male"], ages=(18, None),
        attributes={"trauma_informed", "harm_reduction", "open_24_7"}, languages=["eng", "pol"],
        capacity=(36, 4), confidential=False, hours="24/7", partners=["ha-legal", "ha-health"])
    add("hamilton-on", "ha-health", "Escarpment General Hospital (fictitious)",
        ["medical.emergency", "medical.sexual_health"],
        attributes={"accessible", "open_24_7"}, languages=["eng"], hours="24/7")
    add("hamilton-on", "ha-legal", "Bayfront Workers' and Newcomers' Legal Clinic (fictitious)",
        ["legal.immigration", "legal.labour", "legal.criminal"], delivery="both",
        attributes={"trauma_informed", "accessible"}, languages=["eng", "spa", "ara"],
        wait_days=3)

    # Scenario 5: Edmonton.
    add("edmonton-ab", "ed-transitional", "Wild Rose Young Women's Transitional Lodge "
        "(fictitious)", ["shelter.transitional", "case.management", "counselling.trauma"],
        attributes={"trauma_informed", "indigenous_led", "youth_serving"},
        languages=["eng", "crk", "crg"], genders=["female", "nonbinary"], ages=(16, 24),
        capacity=(12, 2), wait_days=4, confidential=True, partners=["ed-metis", "ed-jobs"])
    add("edmonton-ab", "ed-metis", "Saskatoon Berry Métis Family Services (fictitious)",
        ["counselling.trauma", "cultural.support", "case.management"], delivery="both",
        attributes={"trauma_informed", "indigenous_led"}, languages=["eng", "crg", "crk"],
        wait_days=3, peoples=["metis"])
    add("edmonton-ab", "ed-jobs", "Sunfield Youth Skills and Careers Centre (fictitious)",
        ["employment.training", "education"],
        attributes={"youth_serving", "accessible"}, languages=["eng"], ages=(15, 30),
        wait_days=7)
    add("edmonton-ab", "ed-women-transitional", "Alderbrook Second-Stage Housing (fictitious)",
        ["shelter.transitional", "housing.long_term"], genders=["female"], ages=(18, None),
        attributes={"trauma_informed", "accessible"}, languages=["eng", "tgl"],
        capacity=(20, 0), wait_days=21, confidential=True)

    # Scenario 6: Brampton.
    add("brampton-on", "br-sexual-health", "Chickadee Youth Health Clinic (fictitious)",
        ["medical.sexual_health"],
        attributes={"trauma_informed", "youth_serving", "lgbtq2s_affirming", "accessible"},
        languages=["eng", "pan", "urd", "hin"], ages=(12, 29), wait_days=1)
    add("brampton-on", "br-counsel", "Foxglove Family Counselling (fictitious)",
        ["counselling.trauma", "safety.planning"], delivery="both",
        attributes={"trauma_informed", "youth_serving"}, languages=["eng", "pan", "guj"],
        ages=(12, None), wait_days=3, partners=["br-sexual-health", "br-cas"])
    add("brampton-on", "br-cas", "Redpoll Child and Family Protection Services (fictitious)",
        ["child.protection"], delivery="both",
        attributes={"trauma_informed", "youth_serving", "open_24_7"},
        languages=["eng", "pan"], ages=(None, 17), hours="24/7")
    return A


def build_anchors(by_id, national_home, rng):
    out = []
    for comm, key, name, services, kw in anchor_specs():
        cid = national_home if comm == "@national" else comm
        c = by_id.get(cid)
        if c is None:
            print(f"gen_directory: warning: community {cid} missing; anchor {key} skipped",
                  file=sys.stderr)
            continue
        kw = dict(kw)
        hours = kw.pop("hours", None)
        partners = kw.pop("partners", [])
        attrs = set(kw.pop("attributes", set()))
        has_addr = "address" in kw
        p = provider(c, rng, "", services, name=name, attributes=attrs, _key=key,
                     _partner_keys=partners, **kw)
        if hours:
            p["intake"] = (p["intake"][0], hours)
        if has_addr:
            p["address"] = kw["address"]
        p["verified"] = TODAY - datetime.timedelta(days=rng.randint(5, 120))  # never stale
        out.append(p)
    return out


# ----------------------------------------------------------------------------------------------
# Structural providers: what every province has (child protection, police units, hospitals,
# province-wide remote lines). Listed by priority; trimmed if --providers is small.


def km(a, b):
    """Great-circle distance between two communities, in kilometres."""
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (math.sin((la2 - la1) / 2) ** 2
         + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2)
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def main_cities(prov, comms):
    """The province's main cities (MAIN_CITIES): the capital, then the most populous communities
    that are not suburbs of a bigger main city. Derived from populations only."""
    biggest = sorted(comms, key=lambda c: (-c.people, c.id))
    if not biggest:
        return []
    capital = next((c for c in comms if c.id == CAPITALS[prov]), biggest[0])
    chosen = [capital]
    for c in biggest:
        if len(chosen) >= MAIN_CITIES.get(prov, 1):
            break
        if c is capital or any(km(c, m) < MAIN_CITY_SUBURB_KM for m in chosen):
            continue
        chosen.append(c)
    return chosen


def is_youth_bed(p):
    """An emergency bed for a trafficked 16- or 17-year-old."""
    lo, hi = p["ages"] or (None, None)
    return ("shelter.emergency" in p["services"] and "youth_serving" in p["attributes"]
            and p["accepts_trafficking_victims"] and (lo or 0) <= 16 and (hi or 200) >= 17)


def is_minor_bed(p):
    """An emergency bed for a trafficked 15-year-old girl (the audit's minor in child welfare)."""
    lo, hi = p["ages"] or (None, None)
    return (is_youth_bed(p) and (lo or 0) <= 15 and (not p["genders"] or "female" in p["genders"]))


def main_city_floors(c, rank, present, rng):
    """What every main city really has (docs/directory.md, "Its shape, on purpose"), for each kind
    it lacks among `present` (the providers already placed in c). rank 0 is the capital and 1 the
    next city: both get a youth shelter that takes children from 12 and a general (homeless)
    shelter that takes men; the others a youth shelter whose ages include 16-17. Provincial
    capitals get second-stage (transitional) housing. Men's shelters are not added: they stay
    rare, as they are. Shelters added here keep their usual share refusing trafficking victims,
    except youth shelters, which are placed to take them."""
    def has(f):
        return any(f(p) for p in present)

    out = []
    if rank <= 1 and not has(is_minor_bed):
        out.append(a_youth_shelter(c, rng, minors=True))
    elif not has(is_youth_bed):
        out.append(a_youth_shelter(c, rng, accepting=True))
    if not has(lambda p: "child.protection" in p["services"]):
        p = provider(c, rng, "Child and Family Protection Services", ["child.protection"],
                     delivery="both",  # every agency takes reports by phone, day and night
                     ages=(None, 17), wait_days=0)
        p["attributes"].update(["youth_serving", "open_24_7"])
        p["intake"] = (p["intake"][0], "24/7")
        common_attrs(p, rng, c, ti=0.6, acc=0.6, lgbt=0.1, harm=0.0, surv=0.0)
        if c.prov == "NU":
            p["languages"] = [inuit_language(c)] + [x for x in p["languages"] if x != "iku"]
        out.append(p)
    if not has(lambda p: "shelter.emergency" in p["services"] and p["genders"]
               and "female" in p["genders"] and "male" not in p["genders"]
               and not (p["ages"] and p["ages"][1] is not None)):
        out.append(a_women_shelter(c, rng))
    if rank <= 1 and not has(lambda p: "shelter.emergency" in p["services"]
                             and (not p["genders"] or "male" in p["genders"])
                             and not (p["ages"] and p["ages"][1] is not None)):
        out.append(a_general_shelter(c, rng))  # the city's homeless shelter, the one men can use
    if rank == 0 and c.prov not in TERRITORIES and not has(
            lambda p: "shelter.transitional" in p["services"]):
        out.append(a_transitional(c, rng))  # second-stage housing in every provincial capital
    if not has(lambda p: p["_kind"] in ("Sexual Assault Centre", "Sexual Violence Support Centre")):
        q = a_sexual_assault_centre(c, rng)
        q["delivery"] = "both"
        out.append(q)
    if not has(lambda p: "legal.criminal" in p["services"] and p["delivery"] != "remote"
               and not p["law_enforcement"]):
        out.append(a_legal_aid(c, rng))
    if c.prov not in TERRITORIES and (rank == 0 or c.people >= SETTLEMENT_POP):
        if not has(lambda p: "interpretation" in p["services"] and p["delivery"] != "remote"):
            out.append(a_settlement(c, rng))
        if c.people >= IMMIGRATION_CLINIC_POP and not has(
                lambda p: "legal.immigration" in p["services"] and p["delivery"] != "remote"):
            out.append(a_immigration_legal(c, rng))
    return out


# How far a community may be from its nearest child-protection office or police unit before a
# regional one is opened in the most populous community out of reach ([province, territory]).
OFFICE_RADIUS_KM = [250, 500]
POLICE_RADIUS_KM = [300, 500]


def regional_sites(comms, sites, radius):
    """sites, then the most populous community farther than radius km from every site, again
    until none is left."""
    sites = list(sites)
    near = {c.id: min((km(c, s) for s in sites), default=math.inf) for c in comms}
    while True:
        far = [c for c in comms if near[c.id] > radius]
        if not far:
            return sites
        s = min(far, key=lambda c: (-c.people, c.id))
        sites.append(s)
        for c in comms:
            near[c.id] = min(near[c.id], km(c, s))


# Indigenous child and family services agencies (synthetic, like every provider): First Nations
# agencies for the communities where a local service is likely Indigenous-led (indigenous_share),
# and in the cities with large Indigenous populations; an Inuit agency for each Inuit region
# outside Nunavut (Nunavut's own agency serves a mostly Inuit territory) and in Ottawa; a Métis
# agency for the whole of Alberta and of Manitoba. Each carries the peoples it is for and a
# catchment; agencies for the same people never share a community.
FN_SHARE = 0.6          # communities at least this likely to have Indigenous-led services
FN_RADIUS_KM = 300      # one First Nations agency within this distance of each of them
FN_REACH_KM = 450       # beyond this a community is left to the mainstream agency alone
URBAN_KM = 30           # an urban agency's catchment: the city and what lies this close
METIS_AGENCY = {"AB": "edmonton-ab", "MB": "winnipeg-mb"}
URBAN_FN = {"toronto-on", "ottawa-on", "thunder-bay-on", "winnipeg-mb", "regina-sk",
            "saskatoon-sk", "prince-albert-sk", "edmonton-ab", "calgary-ab", "vancouver-bc",
            "prince-george-bc", "montreal-qc"}
URBAN_INUIT_CFS = {"ottawa-on"}


def an_indigenous_cfs(c, rng, people, catchment):
    if people == "inuit":
        kind, langs = "Inuit Child and Family Services", [inuit_language(c)]
    elif people == "metis":
        kind, langs = "Métis Child and Family Services", ["crg"]
    else:
        kind, langs = "First Nations Child and Family Services", indigenous_languages(c)[:1]
    p = provider(c, rng, kind, ["child.protection", "cultural.support"], delivery="both", ages=(None, 17),
                 wait_days=0)
    p["languages"] = langs + [x for x in p["languages"] if x not in langs]
    p["attributes"].update(["youth_serving", "open_24_7", "indigenous_led", "trauma_informed"])
    if people == "inuit":
        p["attributes"].add("inuit_specific")
    p["intake"] = (p["intake"][0], "24/7")
    p["peoples"] = [people]
    p["catchment"] = sorted(x.id for x in catchment)
    return p


def indigenous_cfs(prov, comms, rng):
    out = []
    by_id = {c.id: c for c in comms}

    def around(city, taken):
        return [c for c in comms if c.id not in taken and km(c, city) <= URBAN_KM]

    # Inuit: one agency per Inuit region outside Nunavut, and the urban one.
    if prov != "NU":
        region = [c for c in comms if inuit_region(c)]
        if region:
            site = min(region, key=lambda c: (-c.people, c.id))
            out.append(an_indigenous_cfs(site, rng, "inuit", region))
        for cid in sorted(URBAN_INUIT_CFS & by_id.keys()):
            out.append(an_indigenous_cfs(by_id[cid], rng, "inuit", around(by_id[cid], set())))
    # Métis: a province-wide agency.
    if prov in METIS_AGENCY and METIS_AGENCY[prov] in by_id:
        out.append(an_indigenous_cfs(by_id[METIS_AGENCY[prov]], rng, "metis", comms))
    # First Nations: urban agencies, then regional ones for the rest.
    if prov == "NU":
        return out
    taken = set()
    for cid in sorted(URBAN_FN & by_id.keys()):
        area = around(by_id[cid], taken)
        taken.update(c.id for c in area)
        out.append(an_indigenous_cfs(by_id[cid], rng, "first_nations", area))
    rural = [c for c in comms if indigenous_share(c) >= FN_SHARE and not inuit_region(c)
             and c.id not in taken]
    sites = regional_sites(rural, [], FN_RADIUS_KM)
    areas = {s.id: [] for s in sites}
    for c in rural:
        s = min(sites, key=lambda s: (km(c, s), s.id))
        if km(c, s) <= FN_REACH_KM:
            areas[s.id].append(c)
    for s in sites:
        out.append(an_indigenous_cfs(s, rng, "first_nations", areas[s.id]))
    return out


def structural(communities, by_prov, rng, anchors=()):
    out = []
    for prov in PROVINCES:
        comms = by_prov.get(prov, [])
        if not comms:
            continue
        biggest = sorted(comms, key=lambda c: (-c.people, c.id))
        capital = next((c for c in comms if c.id == CAPITALS[prov]), biggest[0])
        home = capital
        # Child protection: capital, and every community of 100,000 or more; in the
        # territories every regional centre (population 1,500+).
        cp_sites = [capital] + [c for c in biggest if c is not capital and c.people >= 100_000]
        if prov in TERRITORIES:
            cp_sites += [c for c in biggest
                         if c is not capital and c.people >= 1500 and c not in cp_sites][:3]
        # Regional offices wherever a community is far from every site: statutory services have
        # an office within a few hours of everyone (their catchments tile the province).
        cp_sites = regional_sites(comms, cp_sites, OFFICE_RADIUS_KM[prov in TERRITORIES])
        for c in cp_sites:
            p = provider(c, rng, "Child and Family Protection Services", ["child.protection"],
                         delivery="both",  # every agency takes reports by phone, day and night
                         ages=(None, 17), wait_days=0)
            p["attributes"].update(["youth_serving", "open_24_7"])
            p["intake"] = (p["intake"][0], "24/7")
            common_attrs(p, rng, c, ti=0.6, acc=0.6, lgbt=0.1, harm=0.0, surv=0.0)
            if c.prov == "NU":
                p["languages"] = [inuit_language(c)] + [x for x in p["languages"] if x != "iku"]
            out.append((0, c.people, p))
        for p in indigenous_cfs(prov, comms, rng):
            out.append((0, p["_comm"].people, p))
        # Police human-trafficking units: communities of 250,000 or more, and the capital; then
        # regional units (provincial police or RCMP detachments) so that every community has one.
        police_sites = [c for c in [capital] + [c for c in biggest
                                                if c is not capital and c.people >= 250_000]
                        if not (c.people < 20_000 and c is capital and prov not in TERRITORIES)]
        police_sites = regional_sites(comms, police_sites or biggest[:1],
                                      POLICE_RADIUS_KM[prov in TERRITORIES])
        for c in police_sites:
            p = provider(c, rng, rng.choice(["Police Counter-Trafficking Liaison Unit",
                                             "Police Human Exploitation Unit"]),
                         ["police.liaison"], delivery="both",  # reports by phone too
                         law_enforcement=True, accepts_without_status=chance(rng, 0.8))
            p["attributes"].add("open_24_7")
            p["intake"] = (p["intake"][0], "24/7")
            if chance(rng, 0.6):
                p["attributes"].add("trauma_informed")
            out.append((1, c.people, p))
        # Province-wide remote lines, each likelier in bigger provinces.
        size = sum(c.people for c in comms)
        big = min(1.0, 0.35 + size / 3_000_000)
        lines = [
            ("Crisis and Safety Line", ["counselling.trauma", "safety.planning"], 0.9,
             {"trauma_informed", "open_24_7"}),
            ("Legal Aid Line", ["legal.criminal", "legal.family"], 0.8, {"accessible"}),
            ("Migrant Worker Rights Line", ["legal.labour", "legal.immigration"], big * 0.7,
             {"trauma_informed"}),
            ("Income Assistance Line", ["income.support"], 0.85, {"accessible"}),
            ("Medical and Victim Travel Program", ["transport.assistance"],
             0.95 if prov in TERRITORIES else 0.3, set()),
            ("Addiction Support Line", ["addiction.treatment", "counselling.trauma"], big * 0.6,
             {"harm_reduction"}),
        ]
        for kind, svc, pr, attrs in lines:
            if not chance(rng, pr):
                continue
            p = provider(home, rng, kind, svc, name=f"{PROVINCE_ADJ[prov]} {kind} (fictitious)",
                         delivery="remote",
                         attributes=set(attrs), wait_days=0 if "open_24_7" in attrs else
                         rng.randint(0, 5), confidential=chance(rng, 0.5))
            if "open_24_7" in attrs:
                p["intake"] = (p["intake"][0], "24/7")
            if prov == "NU":
                p["languages"] = ["iku", "ikt"] + [x for x in p["languages"] if x != "iku"]
            out.append((2, home.people, p))
        # Floors that the real network has almost everywhere it has people: a women's shelter
        # in every town of 40,000 (more in cities) and in most northern regional centres; an
        # Indigenous friendship or cultural centre where Indigenous people live; a youth
        # shelter, transitional housing, an immigration clinic, a labour-rights clinic and an
        # anti-trafficking programme in most big cities.
        for c in comms:
            if c.people >= 40_000 and not (c.north and c.people < 25_000):
                for _ in range(min(4, 1 + c.people // 600_000)):
                    out.append((3, c.people, a_women_shelter(c, rng)))
            elif c.north and c.people >= 1500 and chance(rng, 0.6):
                out.append((3, c.people, a_women_shelter(c, rng)))
            share = indigenous_share(c)
            if c.people >= 50_000 and share >= 0.2 and chance(rng, 0.9):
                out.append((3, c.people, a_indigenous_centre(c, rng)))
            elif c.people >= 800 and share >= 0.6 and chance(rng, 0.45):
                out.append((3, c.people, a_indigenous_centre(c, rng)))
            if c.id in URBAN_INUIT and c.prov != "NU" and c.people >= 100_000:
                q = a_indigenous_centre(c, rng)
                if "inuit_specific" not in q["attributes"]:
                    q = a_indigenous_centre(c, rng)
                out.append((3, c.people, q))
            if c.people >= 400_000:
                # Every large city has at least one emergency shelter for trafficked minors.
                out.append((3, c.people, a_youth_shelter(c, rng, minors=True)))
                for kind, pr in (("youth_shelter", 0.4), ("transitional", 0.7),
                                 ("immigration_legal", 0.85), ("labour_legal", 0.7),
                                 ("anti_trafficking", 0.7)):
                    if chance(rng, pr):
                        out.append((3, c.people, ARCHETYPES[kind](c, rng)))
        # Main cities: youth emergency beds, child protection, a women's shelter, sexual-assault
        # counselling, legal aid, settlement and immigration help, wherever still missing.
        for rank, c in enumerate(main_cities(prov, comms)):
            present = [p for p in anchors if p["community"] == c.id]
            present += [q for _, _, q in out if q["community"] == c.id]
            for p in main_city_floors(c, rank, present, rng):
                out.append((3, c.people, p))
        # Hospitals and nursing stations.
        for c in comms:
            if c.people >= 20_000 and not (c.north and c.people < 25_000):
                n, pr = min(4, 1 + c.people // 600_000), 1.0
            elif c.people >= 10_000 and not c.north:
                n, pr = 1, 0.35
            elif c.north or not c.road:
                n, pr = 1, (0.55 if c.people >= 500 else 0.3)
            else:
                n, pr = 1, 0.02
            for _ in range(n):
                if chance(rng, pr):
                    out.append((4, c.people, a_health(c, rng)))
    # Priority first, then the biggest communities first; stable on ties.
    order = sorted(range(len(out)), key=lambda i: (out[i][0], -out[i][1], i))
    return [out[i][2] for i in order]


PROVINCE_ADJ = {
    "AB": "Chinook Country", "BC": "Coastline", "MB": "Red River", "NB": "Fundy", "NL": "Rockbound",
    "NS": "Bluenose Coast", "NT": "Barrenlands", "NU": "Floe Edge", "ON": "Great Lakes",
    "PE": "Red Sands", "QC": "Fleuve", "SK": "Big Sky", "YT": "Midnight Sun",
}


# ----------------------------------------------------------------------------------------------
# Cross-border service areas: where people really travel for help.


def widen_serves(p, rng):
    c = p["_comm"]
    if p["serves"] == ["national"] or p["law_enforcement"] or "child.protection" in p["services"]:
        return  # police and child protection are statutory: they serve their own jurisdiction
    extra = []
    if c.id == "ottawa-on" and chance(rng, 0.4):
        extra = ["QC", "NU"] if chance(rng, 0.3) else ["QC"]
    elif c.id == "gatineau-qc" and chance(rng, 0.4):
        extra = ["ON"]
    elif c.id == "winnipeg-mb" and chance(rng, 0.15):
        extra = ["NU"]  # Kivalliq
    elif c.id == "yellowknife-nt" and chance(rng, 0.25):
        extra = ["NU"]  # Kitikmeot
    elif c.id == "montreal-qc" and "inuit_specific" in p["attributes"]:
        extra = []  # Nunavik is in Quebec already
    elif c.id in ("lloydminster-ab", "lloydminster-sk"):
        extra = ["SK" if c.prov == "AB" else "AB"]
    elif c.prov == "NB" and c.id.startswith("campbellton") and chance(rng, 0.5):
        extra = ["QC"]
    if extra:
        p["serves"] = sorted(set(p["serves"]) | set(extra))


# ----------------------------------------------------------------------------------------------
# Assembly


def generate(communities, n_providers, seed):
    rng = random.Random(seed)
    by_id = {c.id: c for c in communities}
    by_prov = {}
    for c in communities:
        by_prov.setdefault(c.prov, []).append(c)
    home = next((h for h in NATIONAL_HOME if h in by_id), None)
    if home is None:
        home = max(communities, key=lambda c: (c.people, c.id)).id

    anchors = build_anchors(by_id, home, rng)
    struct = structural(communities, by_prov, rng, anchors)
    room = max(0, n_providers - len(anchors))
    # Structure takes at most 70% of the directory; the rest follows population.
    struct = struct[: int(room * 0.7)]
    n_random = max(0, room - len(struct))

    weights = cumulative([c.people ** 0.9 * (0.6 if c.north else 1.0) for c in communities])
    mixes = {}
    rand = []
    for _ in range(n_random):
        c = communities[pick(rng, weights)]
        mix = mixes.get(c.id)
        if mix is None:
            mix = mixes[c.id] = mix_for(c)
        rand.append(ARCHETYPES[weighted(rng, mix)](c, rng))

    providers = anchors + struct + rand
    for p in providers:
        finish(p, rng)
        widen_serves(p, rng)
    providers = assign_catchments(providers, by_prov)
    open_cultural_support(providers, by_prov)
    assign_ids(providers)
    link_partners(providers, rng)
    dedupe_names(providers, rng)
    providers.sort(key=lambda p: p["id"])
    return providers


CATCHMENT_NEEDS = ("child.protection", "police.liaison")


def assign_catchments(providers, by_prov):
    """Every community of a province in exactly one catchment per statutory service
    (CATCHMENT_NEEDS): the nearest office of the province's mainstream providers of it (those not
    for specific peoples). A second mainstream office in the same community (a structural one
    beside a hand-written anchor) is dropped: it would have no catchment. Agencies for specific
    peoples keep the catchments indigenous_cfs() gave them. Returns the providers kept."""
    dropped = set()
    for need in CATCHMENT_NEEDS:
        for prov, comms in by_prov.items():
            offices, seen = [], set()
            for i, p in enumerate(providers):
                if (need in p["services"] and not p["peoples"] and p["_comm"].prov == prov
                        and i not in dropped):
                    if p["community"] in seen:
                        dropped.add(i)
                    else:
                        seen.add(p["community"])
                        offices.append(p)
            if not offices:
                continue
            areas = {id(p): [] for p in offices}
            for c in comms:
                best = min(offices, key=lambda p: km(c, p["_comm"]))
                areas[id(best)].append(c.id)
            for p in offices:
                p["catchment"] = sorted(areas[id(p)])
    return [p for i, p in enumerate(providers) if i not in dropped]


def open_cultural_support(providers, by_prov):
    """Friendship centres welcome every Indigenous person: where a province has Indigenous
    cultural services but none for all peoples, the one in its most populous community (not an
    Inuit-specific one) is for all."""
    everyone = ["first_nations", "inuit", "metis"]
    for prov in sorted(by_prov):
        centres = [p for p in providers if p["_comm"].prov == prov and p["peoples"]
                   and "cultural.support" in p["services"] and "child.protection" not in p["services"]]
        if not centres or any(p["peoples"] == everyone for p in centres):
            continue
        pool = [p for p in centres if p["peoples"] != ["inuit"]] or centres
        max(pool, key=lambda p: p["_comm"].people)["peoples"] = everyone


def assign_ids(providers):
    counters = {}
    for p in providers:
        c = p["_comm"]
        k = counters.get(c.id, 0) + 1
        counters[c.id] = k
        p["id"] = f"{c.prov.lower()}-{c.slug}-{k:03d}"


def link_partners(providers, rng):
    """Formal referral protocols: shelters with local counselling, legal and health providers;
    child protection with local youth services. Anchors keep their hand-written partners."""
    keyed = {p["_key"]: p["id"] for p in providers if p["_key"]}
    support = {"counselling.trauma", "legal.criminal", "legal.immigration", "legal.labour",
               "medical.sexual_health", "case.management"}
    helpers, youth = {}, {}
    for p in providers:
        if not p["law_enforcement"] and support.intersection(p["services"]):
            helpers.setdefault(p["community"], []).append(p)
        if "youth_serving" in p["attributes"]:
            youth.setdefault(p["community"], []).append(p)
    for p in providers:
        if p["_key"]:
            p["partners"] = sorted(keyed[k] for k in p["_partner_keys"] if k in keyed)
            continue
        services = set(p["services"])
        if services & SHELTER_NEEDS and chance(rng, 0.6):
            pool = helpers.get(p["community"], [])
        elif services == {"child.protection"} and chance(rng, 0.5):
            pool = youth.get(p["community"], [])
        else:
            continue
        k = min(len(pool), rng.randint(1, 3))
        chosen = {q["id"] for q in rng.sample(pool, k) if q is not p} if k else set()
        p["partners"] = sorted(chosen)


def dedupe_names(providers, rng):
    seen = set()
    for p in providers:
        key = (p["community"], p["name"])
        tries = 0
        while key in seen and tries < 8 and p["_kind"]:
            p["name"] = f"{rng.choice(WORDS)} {p['_kind']} (fictitious)"
            key = (p["community"], p["name"])
            tries += 1
        seen.add(key)


# ----------------------------------------------------------------------------------------------
# Output

# YAML 1.1 readers take these as booleans or null: Ontario's code "ON" must be quoted.
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"}


def ys(s):
    """A YAML scalar: plain when safe, double-quoted otherwise."""
    plain_ok = (
        s and s[0] not in "!&*-?{}[],#|>@`\"'%:" and ": " not in s and " #" not in s
        and not s.endswith(":") and s.lower() not in _RESERVED and s.strip() == s
    )
    if plain_ok:
        try:
            float(s)
            plain_ok = False
        except ValueError:
            pass
    if plain_ok:
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def flow(items):
    return "[" + ", ".join(items) + "]"


def tf(b):
    return "true" if b else "false"


def render(providers, seed, argv_note):
    out = [
        "# SYNTHETIC DIRECTORY — every organisation below is fictitious. Names, phone numbers "
        "(555-01xx) and",
        "# addresses are invented; communities are real. Generated by",
        f"#   python3 {TOOL}{argv_note}",
        "# Do not use for real referrals.",
        "schema: 1",
        "synthetic: true",
        f"generated: {{tool: {TOOL}, seed: {seed}}}",
        "providers:",
    ]
    a = out.append
    for p in providers:
        a(f"  - id: {p['id']}")
        a(f"    name: {ys(p['name'])}")
        a(f"    community: {p['community']}")
        a(f"    services: {flow(sorted(set(p['services']), key=NEED_RANK.__getitem__))}")
        a(f"    delivery: {p['delivery']}")
        a(f"    serves: {flow(ys(x) for x in p['serves'])}")
        a(f"    attributes: {flow(sorted(p['attributes'], key=ATTR_RANK.__getitem__))}")
        langs = []
        for x in p["languages"]:
            if x not in langs:
                langs.append(x)
        a(f"    languages: {flow(langs)}")
        if p["peoples"]:
            a(f"    peoples: {flow(p['peoples'])}")
        if p["genders"]:
            a(f"    genders: {flow(p['genders'])}")
        if p["ages"] and (p["ages"][0] is not None or p["ages"][1] is not None):
            lo, hi = p["ages"]
            parts = ([f"min: {lo}"] if lo is not None else []) + \
                    ([f"max: {hi}"] if hi is not None else [])
            a(f"    ages: {{{', '.join(parts)}}}")
        a(f"    accepts_trafficking_victims: {tf(p['accepts_trafficking_victims'])}")
        a(f"    accepts_without_status: {tf(p['accepts_without_status'])}")
        a(f"    law_enforcement: {tf(p['law_enforcement'])}")
        if p["capacity"] and set(p["services"]) & SHELTER_NEEDS:
            a(f"    capacity: {{beds: {p['capacity'][0]}, available: {p['capacity'][1]}}}")
        a(f"    wait_days: {p['wait_days']}")
        if p["partners"]:
            a(f"    partners: {flow(p['partners'])}")
        if p["catchment"]:
            a(f"    catchment: {flow(p['catchment'])}")
        a(f"    intake: {{phone: \"{p['intake'][0]}\", hours: \"{p['intake'][1]}\"}}")
        if p["address"] and not p["confidential"]:
            a(f"    address: \"{p['address']}\"")
        a(f"    confidential: {tf(p['confidential'])}")
        a(f"    verified: {p['verified'].isoformat()}")
    return "\n".join(out) + "\n"


def stats(providers, communities):
    """Markdown tables: providers per service per province, and the shape of shelters."""
    cols = PROVINCES + ["national"]

    def col(p):
        return "national" if p["serves"] == ["national"] else p["_comm"].prov

    lines = [f"{len(providers)} providers in {len({p['community'] for p in providers})} of "
             f"{len(communities)} communities.", ""]
    head = "| service | " + " | ".join(cols) + " | total |"
    lines += [head, "|" + " --- |" * (len(cols) + 2)]
    count = {}
    for p in providers:
        for s in set(p["services"]):
            count[(s, col(p))] = count.get((s, col(p)), 0) + 1
    for s in NEEDS:
        row = [count.get((s, k), 0) for k in cols]
        lines.append(f"| {s} | " + " | ".join(str(x) if x else "·" for x in row)
                     + f" | {sum(row)} |")
    per = [sum(1 for p in providers if col(p) == k) for k in cols]
    lines.append("| **providers** | " + " | ".join(str(x) for x in per) + f" | {sum(per)} |")

    lines += ["", "Shelters (emergency or transitional), by province:", ""]
    rows = [
        ("shelters", lambda p: True),
        ("women only", lambda p: p["genders"] and "male" not in p["genders"]),
        ("take men", lambda p: not p["genders"] or "male" in p["genders"]),
        ("men only", lambda p: p["genders"] == ["male"]),
        ("take a 15-year-old", lambda p: not p["ages"] or ((p["ages"][0] or 0) <= 15
                                                           and (p["ages"][1] or 200) >= 15)),
        ("refuse trafficking victims", lambda p: not p["accepts_trafficking_victims"]),
        ("refuse people without status", lambda p: not p["accepts_without_status"]),
        ("full (available 0)", lambda p: p["capacity"] and p["capacity"][1] == 0),
        ("indigenous_led", lambda p: "indigenous_led" in p["attributes"]),
        ("inuit_specific", lambda p: "inuit_specific" in p["attributes"]),
        ("confidential", lambda p: p["confidential"]),
    ]
    shelters = [p for p in providers if set(p["services"]) & SHELTER_NEEDS]
    lines += ["| shelters | " + " | ".join(PROVINCES) + " | total |",
              "|" + " --- |" * (len(PROVINCES) + 2)]
    for label, f in rows:
        r = [sum(1 for p in shelters if p["_comm"].prov == k and f(p)) for k in PROVINCES]
        lines.append(f"| {label} | " + " | ".join(str(x) if x else "·" for x in r)
                     + f" | {sum(r)} |")
    stale = sum(1 for p in providers if (TODAY - p["verified"]).days > 365)
    lines += ["", f"Stale entries (verified more than 12 months before {TODAY}): {stale} "
              f"({100.0 * stale / max(1, len(providers)):.1f}%).",
              f"Law-enforcement providers: "
              f"{sum(1 for p in providers if p['law_enforcement'])}; remote-only: "
              f"{sum(1 for p in providers if p['delivery'] == 'remote')}; confidential: "
              f"{sum(1 for p in providers if p['confidential'])}."]
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Generate nrm's synthetic provider directory (fictitious organisations in "
                    "real communities).")
    ap.add_argument("--communities", default="data/communities.csv",
                    help="communities CSV (default: data/communities.csv)")
    ap.add_argument("--seed", type=int, default=2018, help="random seed (default: 2018)")
    ap.add_argument("--providers", type=int, default=DEFAULT_PROVIDERS,
                    help=f"how many providers (default: {DEFAULT_PROVIDERS})")
    ap.add_argument("--out", help="write the directory here (default: stdout, unless --stats)")
    ap.add_argument("--stats", action="store_true",
                    help="print counts per service per province as markdown to stdout")
    ap.add_argument("--synthetic-communities", type=int, default=0, metavar="N",
                    help="add N fictitious communities around the real ones (scale tests)")
    ap.add_argument("--communities-out", metavar="F",
                    help="write the real and synthetic communities, merged, to this CSV")
    args = ap.parse_args(argv)

    communities = load_communities(args.communities)
    if not communities:
        sys.exit(f"{args.communities}: no communities")
    note = f" --communities {args.communities} --seed {args.seed}"
    if args.synthetic_communities:
        if not args.communities_out:
            sys.exit("--synthetic-communities needs --communities-out")
        srng = random.Random(f"communities-{args.seed}")
        extra = synthetic_communities(communities, args.synthetic_communities, srng, highway_ids(args.communities))
        real_rows = load_communities(args.communities)
        write_communities(args.communities_out, real_rows + extra)
        communities = sorted(communities + extra, key=lambda c: c.id)
        note += (f" --synthetic-communities {args.synthetic_communities}"
                 f" --communities-out {args.communities_out}")
    if args.providers != DEFAULT_PROVIDERS:
        note += f" --providers {args.providers}"
    if args.out:
        note += f" --out {args.out}"

    providers = generate(communities, args.providers, args.seed)
    if args.out or not args.stats:
        text = render(providers, args.seed, note)
        if args.out:
            with open(args.out, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        else:
            sys.stdout.write(text)
    if args.stats:
        sys.stdout.write(stats(providers, communities))


if __name__ == "__main__":
    main()
