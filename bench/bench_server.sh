#!/usr/bin/env bash
# Load benchmark of `nrm serve` with wrk on loopback, shipped data: referral POSTs per second and
# latency percentiles at 32 connections, then capacity PUTs per second (each one fsync'd before
# its 200), then referrals again with the attack traffic of issue 13 running alongside from a second
# loopback address (bench/attack_traffic.py: chunk-extension floods, idle connections past the
# per-address cap, 60 KB ids, -1e999, duplicate keys). Build Release first (scripts/setup release).
# Needs wrk (apt-get install wrk) and python3.
# Usage: bench/bench_server.sh [NRM_BINARY] [SECONDS]   (default: build/release/nrm, 15 s)
set -euo pipefail
cd "$(dirname "$0")/.."
nrm=${1:-build/release/nrm}
seconds=${2:-15}
command -v wrk >/dev/null || { echo "bench_server: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[ -x "$nrm" ] || { echo "bench_server: $nrm not found; build Release first (scripts/setup release)" >&2; exit 1; }

work=$(mktemp -d)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

token=$("$nrm" token create --role coordinator --db "$work/nrm.db" 2>/dev/null)
"$nrm" serve --port 0 --db "$work/nrm.db" --threads 2 >"$work/out" 2>"$work/err" &
server=$!
for _ in $(seq 100); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
address=$(sed -n 's/^listening on //p' "$work/out")
[ -n "$address" ] || { cat "$work/err" >&2; exit 1; }

cat >"$work/refer.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $token"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"location": "thunder-bay-on", "age": 24, "gender": "female", "languages": ["eng"], "exploitation": "sex", "needs": ["shelter.emergency", "counselling.trauma"]}'
LUA
shelters=$(curl -s -H "Authorization: Bearer $token" "http://$address/v1/providers?need=shelter.emergency" |
  python3 -c 'import json,sys; print(" ".join(p["id"] for p in json.load(sys.stdin)["providers"] if p.get("capacity",{}).get("beds",0)>=1))')
lua_list=$(for s in $shelters; do printf '"%s",' "$s"; done)
cat >"$work/capacity.lua" <<LUA
local ids = {${lua_list}}
local n = 0
request = function()
  n = n + 1
  local id = ids[(n % #ids) + 1]
  return wrk.format("PUT", "/v1/providers/" .. id .. "/capacity",
    {["Authorization"] = "Bearer $token", ["Content-Type"] = "application/json"},
    '{"available": ' .. (n % 2) .. '}')
end
LUA

echo "== referrals: POST /v1/referrals, 32 connections, ${seconds}s (wrk -t2 -c32 --latency)"
wrk -t2 -c32 -d"${seconds}s" --latency -s "$work/refer.lua" "http://$address/v1/referrals"
echo
echo "== capacity: PUT /v1/providers/{id}/capacity, 32 connections, ${seconds}s"
wrk -t2 -c32 -d"${seconds}s" --latency -s "$work/capacity.lua" "http://$address/v1/providers/x/capacity"
echo
echo "== referrals with attack traffic alongside (from 127.0.0.2), 32 connections, ${seconds}s"
python3 bench/attack_traffic.py "${address##*:}" "$token" "$seconds" >"$work/attack" &
attacker=$!
sleep 0.5
wrk -t2 -c32 -d"${seconds}s" --latency -s "$work/refer.lua" "http://$address/v1/referrals"
wait "$attacker"
echo "attack traffic, by kind and status:"
cat "$work/attack"
echo
curl -s "http://$address/metrics" | grep -E '^nrm_http_(requests_total|errors_total|connections_refused)' || true
