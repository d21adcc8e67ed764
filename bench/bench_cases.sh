#!/usr/bin/env bash
# Load benchmark of tracked cases on `nrm serve` (--threads 2, shipped data, loopback, wrk): whole
# lifecycles as fast as they go, each one open (POST /v1/cases) -> the shelter accepts (a bed taken,
# the live engine swapped) -> the legal clinic declines (the answer computes the replacement) ->
# the worker confirms the replacement (POST .../steps) -> the new clinic accepts -> close: six
# transitions, each committed with synchronous=FULL before its answer. First alone, then with
# referral lookups (POST /v1/referrals) running alongside. Prints transitions and lookups per second
# with their latency percentiles, how many lifecycles finished, and the disk's own fsync time (one
# commit with synchronous=FULL, measured first: it bounds what one writer can do). Build Release first.
# Needs wrk (apt-get install wrk) and python3.
# Usage: bench/bench_cases.sh [NRM_BINARY] [SECONDS] [CONNECTIONS]   (default build/release/nrm, 15 s, 16)
set -euo pipefail
cd "$(dirname "$0")/.."
nrm=${1:-build/release/nrm}
seconds=${2:-15}
connections=${3:-16}
command -v wrk >/dev/null || { echo "bench_cases: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[ -x "$nrm" ] || { echo "bench_cases: $nrm not found; build Release first (scripts/setup release)" >&2; exit 1; }

work=$(mktemp -d)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

db="$work/nrm.db"
front=$("$nrm" token create --role frontline --db "$db" 2>/dev/null)
coord=$("$nrm" token create --role coordinator --db "$db" 2>/dev/null)
"$nrm" serve --port 0 --db "$db" --threads 2 >"$work/out" 2>"$work/err" &
server=$!
for _ in $(seq 100); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
address=$(sed -n 's/^listening on //p' "$work/out")
[ -n "$address" ] || { cat "$work/err" >&2; exit 1; }

# The case every lifecycle opens, and its best pathway: a shelter that also counsels, then a legal clinic.
kase='{"location": "thunder-bay-on", "age": 24, "gender": "female", "languages": ["eng"], "exploitation": "sex", "when": "2026-06-01T14:00", "needs": ["shelter.emergency", "counselling.trauma", "legal.criminal"]}'
read -r shelter clinic < <(curl -s -H "Authorization: Bearer $front" -d "$kase" "http://$address/v1/referrals" |
  python3 -c 'import json,sys; s=json.load(sys.stdin)["pathways"][0]["steps"]; assert len(s)==2; print(s[0]["provider"], s[1]["provider"])')
shelter_admin=$("$nrm" token create --role provider_admin --provider "$shelter" --db "$db" 2>/dev/null)
clinic_admin=$("$nrm" token create --role provider_admin --provider "$clinic" --db "$db" 2>/dev/null)
# A bed for every lifecycle (each keeps one: the person is there when the case closes).
curl -s -o /dev/null -X PUT -H "Authorization: Bearer $coord" -d '{"beds": 100000, "available": 100000}' \
  "http://$address/v1/providers/$shelter/capacity"
# The replacement after the clinic declines is the same for every lifecycle: its provider, once.
ref=$(curl -s -H "Authorization: Bearer $front" -d "{\"case\": $kase, \"steps\": [\"$shelter\", \"$clinic\"], \"consent\": {\"share\": true}}" \
  "http://$address/v1/cases" | python3 -c 'import json,sys; print(json.load(sys.stdin)["reference"])')
next=$(curl -s -X POST -H "Authorization: Bearer $clinic_admin" -d '{"reason": "full"}' "http://$address/v1/cases/$ref/steps/$clinic/decline" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["replacement"]["steps"][-1]["provider"])')
next_admin=$("$nrm" token create --role provider_admin --provider "$next" --db "$db" 2>/dev/null)
echo "pathway: $shelter (shelter), $clinic (declines), then $next"
python3 - "$work/fsync.db" <<'PY'
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA journal_mode=WAL"); c.execute("PRAGMA synchronous=FULL"); c.execute("CREATE TABLE t(x)")
t = time.time()
for i in range(300): c.execute("INSERT INTO t VALUES (?)", (i,))
print("one commit with synchronous=FULL on this disk: %.2f ms" % ((time.time() - t) / 300 * 1000))
PY

cat >"$work/cases.lua" <<LUA
-- Each thread keeps a queue of the next transitions; an answer says which transition it answers
-- (wrk does not say which request a response belongs to), so the next one is queued from it.
local open_body = '{"case": $kase, "steps": ["$shelter", "$clinic"], "consent": {"share": true}}'
queue, done_cycles, refused = {}, 0, 0  -- globals: done() reads them with thread:get
local function post(path, token, body)
  return wrk.format("POST", path, {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end
function request()
  local job = table.remove(queue, 1)
  if job == nil then return post("/v1/cases", "$front", open_body) end
  return job
end
function response(status, headers, body)
  if status >= 400 then refused = refused + 1 return end
  local ref = body:match('"reference":"([%w%-]+)"')
  if ref == nil then return end
  local base = "/v1/cases/" .. ref
  if status == 201 then
    table.insert(queue, post(base .. "/steps/$shelter/accept", "$shelter_admin", ""))
  elseif body:sub(1, 12) == '{"provider":' then  -- the clinic declined: confirm the replacement
    local steps, at = {}, body:find('"replacement":', 1, true)
    if at == nil then return end
    for id in body:sub(at):gmatch('"provider":"([^"]+)"') do table.insert(steps, '"' .. id .. '"') end
    table.insert(queue, post(base .. "/steps", "$front", '{"steps": [' .. table.concat(steps, ", ") .. ']}'))
  elseif body:sub(1, 12) == '{"age_band":' then  -- an acceptance: the shelter's holds a bed
    if body:find('"beds_available"', 1, true) then
      table.insert(queue, post(base .. "/steps/$clinic/decline", "$clinic_admin", '{"reason": "full"}'))
    else
      table.insert(queue, post(base .. "/close", "$front", '{"outcome": "supported"}'))
    end
  else
    local last
    for e in body:gmatch('"event":"(%a+)"') do last = e end
    if last == "requested" then
      table.insert(queue, post(base .. "/steps/$next/accept", "$next_admin", ""))
    elseif last == "closed" then
      done_cycles = done_cycles + 1
    end
  end
end
local threads = {}
function setup(thread) table.insert(threads, thread) end
function done(summary, latency, requests)
  local cycles, bad = 0, 0
  for _, t in ipairs(threads) do cycles = cycles + t:get("done_cycles"); bad = bad + t:get("refused") end
  io.write(string.format("lifecycles finished: %d (%.1f/s, 6 transitions each); refused (4xx/5xx): %d\n",
    cycles, cycles / (summary.duration / 1e6), bad))
end
LUA
cat >"$work/refer.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $front"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$kase'
LUA

echo "== case transitions alone: $connections connections, ${seconds}s (wrk -t2 --latency)"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/cases.lua" "http://$address"
echo
echo "== case transitions ($connections connections) with referral lookups alongside (8 connections), ${seconds}s"
wrk -t1 -c8 -d"${seconds}s" --latency -s "$work/refer.lua" "http://$address/v1/referrals" >"$work/lookups" &
lookups=$!
wrk -t1 -c"$connections" -d"${seconds}s" --latency -s "$work/cases.lua" "http://$address"
wait "$lookups"
echo
echo "-- referral lookups alongside:"
cat "$work/lookups"
echo
curl -s "http://$address/metrics" >"$work/metrics"
grep -E '^nrm_(case_transitions_total|capacity_updates_total)' "$work/metrics" || true
echo "-- time in the server per request (from /metrics; the rest of the latency is waiting: for a thread, for the writer, for the disk):"
python3 - "$work/metrics" <<'PY'
import re, sys
sums, counts = {}, {}
for line in open(sys.argv[1]):
    m = re.match(r'nrm_http_request_duration_seconds_(sum|count)\{endpoint="([a-z_]+)"\} ([0-9.e+-]+)', line)
    if m: (sums if m.group(1) == "sum" else counts)[m.group(2)] = float(m.group(3))
for e in sorted(counts):
    if counts[e]: print("  %-14s %8d requests, %6.2f ms each" % (e, counts[e], 1000 * sums[e] / counts[e]))
PY
