#!/usr/bin/env python3
"""The audit's HTML report on the SHIPPED data, printed to PDF by headless Chromium (ctest: audit_print).

What a coordinator would see when printing the report for a minister, checked on the national report
(letter and A4 portrait) and on the `--province NU` report (letter):

  - the report opens with the summary;
  - the map's provinces are the 13 outlines of data/outlines.geojson (one SVG path each, one subpath per
    ring of the outline); the NU map is zoomed (its outline spans the frame; its 25 dots are clearly
    visible) and labels name worst-served communities, which the PDF shows on the map's page;
  - the print layout: the page size asked for, a page count in a sane range, no word in the side
    margins (nothing clipped or overflowing), text not shrunk to fit (median word height), the
    11-profile matrix with every province's 11 shares on its row, each province's gaps starting a page,
    and every figure of four digits or more with thousands separators;
  - the `--province NU --lang fr` report (letter) in French: the summary, the map's legend, headings and
    shares as French writes them ("87,5 %"), no English heading left, nothing in the margins.

Skipped (exit 77, with the reason) when chromium is absent; pdfinfo and pdftotext come from
poppler-utils, which scripts/setup installs.

Usage: print_check.py NRM_BINARY SOURCE_ROOT
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

SKIP = 77
CODES = "AB BC MB NB NL NS NT NU ON PE QC SK YT".split()
PAPER = {"letter": (612.0, 792.0), "A4": (595.3, 841.9)}
MARGIN_PT = 12 / 25.4 * 72  # the report's @page margin, 12 mm
CHROMIUM = shutil.which("chromium")

failures = []


def check(ok, message):
    if not ok:
        failures.append(message)
        print(f"print_check: FAILED: {message}", file=sys.stderr)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def chromium(args, workdir):
    profile = tempfile.mkdtemp(dir=workdir)
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", f"--user-data-dir={profile}"] + args
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120)


def print_pdf(html_path, paper, workdir):
    """The report printed on `paper` (the report itself names no size: the printer's paper applies)."""
    text = Path(html_path).read_text()
    sized = Path(workdir) / (Path(html_path).stem + f"-{paper}.html")
    sized.write_text(text.replace("</head>", f"<style>@page{{size:{paper} portrait}}</style>\n</head>", 1))
    pdf = Path(workdir) / (sized.stem + ".pdf")
    chromium(["--no-pdf-header-footer", f"--print-to-pdf={pdf}", sized.as_uri()], workdir)
    return pdf


class Words(HTMLParser):
    """pdftotext -bbox output: per page its size and words with their boxes (points, y down)."""

    def __init__(self):
        super().__init__()
        self.pages, self._word = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "page":
            self.pages.append({"width": float(a["width"]), "height": float(a["height"]), "words": []})
        elif tag == "word":
            self._word = {k: float(a[k]) for k in ("xmin", "ymin", "xmax", "ymax")}
            self._word["text"] = ""

    def handle_data(self, data):
        if self._word is not None:
            self._word["text"] += data

    def handle_endtag(self, tag):
        if tag == "word" and self._word is not None:
            self.pages[-1]["words"].append(self._word)
            self._word = None


def words_of(pdf):
    parser = Words()
    parser.feed(run(["pdftotext", "-bbox", str(pdf), "-"]).stdout)
    return parser.pages


def page_text(page):
    return " ".join(w["text"] for w in page["words"])


def check_pdf(name, pdf, paper, pages_range, html):
    info = run(["pdfinfo", str(pdf)]).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    print(f"print_check: {name}: {pages} pages, {size.group(1)} x {size.group(2)} pt")
    check(abs(float(size.group(1)) - PAPER[paper][0]) < 2 and abs(float(size.group(2)) - PAPER[paper][1]) < 2,
          f"{name}: page size {size.group(1)} x {size.group(2)} pt, expected {paper} portrait {PAPER[paper]}")
    check(pages_range[0] <= pages <= pages_range[1], f"{name}: {pages} pages, expected {pages_range[0]} to {pages_range[1]}")
    doc = words_of(pdf)
    # Nothing in the side margins: a table or a line wider than the page would run into them.
    for n, page in enumerate(doc, 1):
        for w in page["words"]:
            if w["xmax"] > page["width"] - MARGIN_PT + 2 or w["xmin"] < MARGIN_PT - 2:
                check(False, f"{name}: page {n}: '{w['text']}' reaches into the margin "
                             f"(x {w['xmin']:.0f} to {w['xmax']:.0f} of {page['width']:.0f} pt)")
                break
    # Not shrunk to fit: horizontal words (wider than tall) of 3 letters or more are of readable size.
    heights = sorted(w["ymax"] - w["ymin"] for p in doc for w in p["words"]
                     if len(w["text"]) >= 3 and w["xmax"] - w["xmin"] > w["ymax"] - w["ymin"])
    median = heights[len(heights) // 2]
    check(median >= 8.0, f"{name}: median word height {median:.1f} pt: the text was shrunk to fit the page")
    check("Summary" in page_text(doc[0]), f"{name}: the first page has no summary")
    # The matrix: on its page, each province's row holds the 11 profiles' shares.
    matrix = [p for p in doc if "every profile" in page_text(p) and "Population within" in page_text(p)]
    check(len(matrix) == 1, f"{name}: the matrix's title is on {len(matrix)} pages, expected 1")
    if matrix:
        page = matrix[0]
        shares = [w for w in page["words"] if re.fullmatch(r"\d+\.\d%", w["text"])]
        codes = [w for w in page["words"] if w["text"] in html["matrix_codes"] and w["xmin"] < 80]
        rows = {}  # a code is also on the bars' page: its matrix row is the one with shares on its line
        for c in codes:
            mid = (c["ymin"] + c["ymax"]) / 2
            on_line = sum(1 for s in shares if abs((s["ymin"] + s["ymax"]) / 2 - mid) < 3)
            rows[c["text"]] = max(rows.get(c["text"], 0), on_line)
        for code in html["matrix_codes"]:
            check(rows.get(code) == html["profiles"],
                  f"{name}: matrix row {code}: {rows.get(code)} shares on its line, expected {html['profiles']}")
        last = html["last_profile_words"]
        check(all(any(w["text"].strip(",.;") == x for w in page["words"]) for x in last),
              f"{name}: the matrix's last header ({' '.join(last)}) is not all on its page")
    # Each province's gaps open a page: its heading is the page's first line.
    for code in html["gap_codes"]:
        heads = [(n, p) for n, p in enumerate(doc, 1) for w in p["words"] if w["text"] == f"({code}):"]
        check(len(heads) == 1, f"{name}: the gaps heading of {code} is found {len(heads)} times")
        if heads:
            n, p = heads[0]
            head_y = min(w["ymin"] for w in p["words"] if w["text"] == f"({code}):")
            check(min(w["ymin"] for w in p["words"]) > head_y - 2, f"{name}: {code}'s gaps do not start page {n}")
    # The map's labels are on the map's page.
    maps = [p for p in doc if any(w["text"] == "People:" for w in p["words"])]
    check(len(maps) == 1, f"{name}: the map's size legend is on {len(maps)} pages, expected 1")
    if maps:
        text = page_text(maps[0])
        missing = [label for label in html["labels"] if label.split()[0] not in text]
        check(not missing, f"{name}: map labels not on the map's page: {missing}")
        check(all(c in text.split() for c in html["label_codes"]), f"{name}: province labels missing on the map's page")
    # Thousands separators: no figure of 4 digits or more without them (dates and digests aside).
    everything = "\n".join(page_text(p) for p in doc)
    everything = re.sub(r"FNV-1a [0-9a-f]{16}|\d{4}-\d\d-\d\d|[\w.-]*\d[\w.-]*\.(yaml|csv|geojson|json)", "", everything)
    bare = re.findall(r"(?<![\d,.\w-])\d{4,}(?![\d\w-])", everything)
    check(not bare, f"{name}: figures without thousands separators: {sorted(set(bare))[:10]}")
    return doc


def check_french_pdf(name, pdf, pages_range):
    """The French report printed: French words where the English report has its own, none of those."""
    info = run(["pdfinfo", str(pdf)]).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    print(f"print_check: {name}: {pages} pages")
    check(pages_range[0] <= pages <= pages_range[1], f"{name}: {pages} pages, expected {pages_range[0]} to {pages_range[1]}")
    doc = words_of(pdf)
    for n, page in enumerate(doc, 1):
        for w in page["words"]:
            if w["xmax"] > page["width"] - MARGIN_PT + 2 or w["xmin"] < MARGIN_PT - 2:
                check(False, f"{name}: page {n}: '{w['text']}' reaches into the margin")
                break
    first = page_text(doc[0])
    check("Résumé" in first, f"{name}: the first page has no Résumé (summary)")
    check("Audit des lacunes de services" in first, f"{name}: the first page has no French title")
    everything = "\n".join(page_text(p) for p in doc)
    for phrase in ("Carte", "Couverture par province et territoire", "Lacunes par province et territoire",
                   "Personnes", "sans parcours", "Profils", "ne peuvent pas joindre chaque service"):
        check(phrase in everything, f"{name}: '{phrase}' is not in the PDF")
    for phrase in ("Summary", "People:", "Gaps per province", "Coverage per province", "no pathway",
                   "cannot reach every service", "Each dot is a community"):
        check(phrase not in everything, f"{name}: English '{phrase}' is in the PDF")
    # Shares with a decimal comma (pdftotext may keep the no-break space before % in the word or not).
    check(re.search(r"\d+,\d\s?%", everything) is not None, f"{name}: no share written as French writes it (87,5 %)")
    check(re.search(r"\d+\.\d%", everything) is None, f"{name}: a share written as English writes it (87.5%)")


class Report(HTMLParser):
    """What the test needs of a report's HTML: map paths, dots, labels, the matrix."""

    def __init__(self):
        super().__init__()
        self.paths, self.dots, self.labels, self.label_codes = {}, [], [], []
        self.matrix_codes, self.profiles, self.last_profile, self.gap_codes = [], 0, "", []
        self.svg, self._in, self._text = {}, None, ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class", "")
        if tag == "svg" and a.get("id") == "map":
            self.svg = a
        elif tag == "path" and cls == "province":
            self.paths[a["data-province"]] = a["d"]
        elif cls == "community" and tag in ("circle", "rect"):
            self.dots.append(float(a["r"]) if tag == "circle" else float(a["width"]) / 1.7725)
        elif cls in ("community-label", "region-label"):
            self._in, self._text = cls, ""
        elif tag == "th" and cls == "profile":
            self.profiles += 1
            self._in, self._text = "profile", ""
        elif tag == "table" and a.get("id") == "coverage-matrix":
            self._in = "matrix"
        elif tag == "section" and cls == "province-gaps":
            self.gap_codes.append(a["data-province"])

    def handle_data(self, data):
        if self._in:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "text" and self._in in ("community-label", "region-label"):
            (self.labels if self._in == "community-label" else self.label_codes).append(self._text.strip())
            self._in = None
        elif tag == "th" and self._in == "profile":
            self.last_profile = self._text.strip()
            self._in, self._text = "matrix", ""
        elif tag == "th" and self._in == "matrix" and self._text.strip() in CODES:
            self.matrix_codes.append(self._text.strip())
            self._text = ""
        elif tag in ("th", "td") and self._in == "matrix":
            self._text = ""
        elif tag == "table" and self._in == "matrix":
            self._in = None


def read_report(path):
    r = Report()
    r.feed(Path(path).read_text())
    return r


def rings_of(outlines):
    out = {}
    for f in outlines["features"]:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        out[f["properties"]["province"]] = sum(len(p) for p in polys)
    return out


def points(d):
    return [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", d)]


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    nrm, root = sys.argv[1], Path(sys.argv[2])
    if not CHROMIUM:
        print("print_check: SKIPPED: chromium is absent (scripts/setup installs Debian's chromium package)")
        return SKIP
    for tool in ("pdfinfo", "pdftotext"):
        if not shutil.which(tool):
            print(f"print_check: {tool} is absent: install poppler-utils (scripts/setup does)", file=sys.stderr)
            return 1
    outlines = json.loads((root / "data" / "outlines.geojson").read_text())
    rings = rings_of(outlines)
    communities = sum(1 for line in (root / "data" / "communities.csv").read_text().splitlines()[1:] if line)
    nu_communities = sum(1 for line in (root / "data" / "communities.csv").read_text().splitlines()[1:]
                         if line.split(",")[2] == "NU")
    with tempfile.TemporaryDirectory() as work:
        started = time.monotonic()
        national, nu = Path(work) / "national.html", Path(work) / "nu.html"
        run([nrm, "audit", "--as-of", "2026-11-27", "--format", "html", "--out", str(national)])
        run([nrm, "audit", "--as-of", "2026-11-27", "--province", "NU", "--format", "html", "--out", str(nu)])
        nu_fr = Path(work) / "nu-fr.html"
        run([nrm, "audit", "--lang", "fr", "--as-of", "2026-11-27", "--province", "NU", "--format", "html",
             "--out", str(nu_fr)])
        audited = time.monotonic()

        n = read_report(national)
        check(sorted(n.paths) == CODES, f"national map: province paths {sorted(n.paths)}, expected the 13")
        for code, d in n.paths.items():
            check(d.count("M") == rings.get(code), f"national map: {code} has {d.count('M')} subpaths, "
                                                    f"outlines.geojson {rings.get(code)} rings")
        check(len(n.dots) == communities, f"national map: {len(n.dots)} dots, expected {communities}")
        check(len(n.labels) >= 5, f"national map: {len(n.labels)} community labels, expected at least 5")
        check(sorted(n.label_codes) == CODES, f"national map: province labels {n.label_codes}")
        check(n.profiles == 11, f"national matrix: {n.profiles} profiles, expected 11")
        check(n.matrix_codes == CODES, f"national matrix: rows {n.matrix_codes}")
        check(n.gap_codes == CODES, f"national gaps: sections {n.gap_codes}")
        check('<section id="summary">' in national.read_text(), "national: no summary section")

        u = read_report(nu)
        check(u.svg.get("data-zoom") == "2", f"NU map: zoom {u.svg.get('data-zoom')}, expected 2")
        check("NU" in u.paths and all(c not in u.paths for c in CODES if c != "NU"),
              f"NU map: audited paths {sorted(u.paths)}, expected NU alone (neighbours as context)")
        if "NU" in u.paths:
            # Fitted: the outline spans the frame's width or its height (960 wide; the legends, 84
            # units, are below the frame; 12 units of margin each side).
            xs, ys = zip(*points(u.paths["NU"]))
            frame_height = float(u.svg["viewbox"].split()[3]) - 84
            check(max(xs) - min(xs) > 0.95 * (960 - 24) or max(ys) - min(ys) > 0.95 * (frame_height - 24),
                  f"NU map: the outline spans {max(xs) - min(xs):.0f} x {max(ys) - min(ys):.0f} units of a "
                  f"960 x {frame_height:.0f} frame: not zoomed to it")
        check(len(u.dots) == nu_communities == 25, f"NU map: {len(u.dots)} dots, expected the 25 communities")
        check(min(u.dots) >= 3.2, f"NU map: smallest dot radius {min(u.dots):.1f}, expected at least 3.2 units")
        check(len(u.labels) >= 5, f"NU map: {len(u.labels)} community labels, expected at least 5")

        facts = {"matrix_codes": n.matrix_codes, "profiles": n.profiles, "gap_codes": n.gap_codes,
                 "labels": n.labels, "label_codes": n.label_codes,
                 "last_profile_words": re.findall(r"\w+", n.last_profile)}
        for paper in ("letter", "A4"):
            check_pdf(f"national ({paper})", print_pdf(national, paper, work), paper, (15, 80), facts)
        facts_nu = {"matrix_codes": u.matrix_codes, "profiles": u.profiles, "gap_codes": u.gap_codes,
                    "labels": u.labels, "label_codes": ["NU"], "last_profile_words": re.findall(r"\w+", u.last_profile)}
        check_pdf("NU (letter)", print_pdf(nu, "letter", work), "letter", (3, 20), facts_nu)
        check('<html lang="fr">' in nu_fr.read_text(), "NU in French: not <html lang=\"fr\">")
        check_french_pdf("NU in French (letter)", print_pdf(nu_fr, "letter", work), (3, 20))
        print(f"print_check: audits {audited - started:.1f} s, printing and checks {time.monotonic() - audited:.1f} s")
    if failures:
        print(f"print_check: {len(failures)} failures", file=sys.stderr)
        return 1
    print("print_check: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
