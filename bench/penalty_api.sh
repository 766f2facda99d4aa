#!/usr/bin/env bash
# Benchmark of the discretion engine through the API (issue 8; results go
# to bench/RESULTS.md under "Discretion engine", by hand, with the machine
# they ran on).  Measures only; nothing here asserts a number.
#   1. a fresh SQLite database, an officer (case:read), logged in
#   2. wrk -t2 -cC -dDUR GET /api/v1/penalty/suggest?… with the session
#      cookie, cycling through a mix of queries (items,
#      parties, tiers and facts) like bench_penalty's in-process mix
# Usage: bench/penalty_api.sh   (BUILD=build DUR=10 C=32 THREADS=4)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DUR=${DUR:-10}
C=${C:-32}
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=debugoptimized >/dev/null
ninja -C "$BUILD" >/dev/null
bin="$PWD/$BUILD/firewarden"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fwpenbench.XXXXXX")
chmod 755 "$tmp"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
export FIREWARDEN_DATA="$PWD/data"
port=${PORT:-18092}
pw='Bench-Passw0rd-2026!'

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

echo "$pw" | "$bin" user add --login bench --role officer --password-stdin \
	--db "sqlite:$tmp/pen.db" --keys "$tmp/keys" >/dev/null
"$bin" serve --db "sqlite:$tmp/pen.db" --keys "$tmp/keys" \
	--listen "127.0.0.1:$port" --quiet --no-jobs --threads "${THREADS:-4}" \
	2>"$tmp/serve.log" &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
login=$(curl -si -H 'Content-Type: application/json' \
	-d "{\"login\":\"bench\",\"password\":\"$pw\"}" \
	"http://127.0.0.1:$port/api/v1/auth/login" | tr -d '\r')
cookie=$(printf '%s' "$login" | awk -F': ' 'tolower($1)=="set-cookie"{split($2,a,";"); print a[1]}')
csrf=$(printf '%s' "$login" | sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p')

# The query mix: every item of the loaded edition for its party types
# and bands, three tiers, four sets of facts.
"$bin" penalty items >"$tmp/items.json"
node - "$tmp/items.json" "$tmp/mix.lua" <<'JS'
const { readFileSync, writeFileSync } = require('node:fs');
const [src, out] = process.argv.slice(2);
const items = JSON.parse(readFileSync(src, 'utf8')).items;
const facts = [{}, { first: true, corrected: true, harm: 'minor' },
  { self_found: true }, { corrected: true, harm: 'none' }];
const lines = ['return {'];
for (const it of items) {
  for (const [party, bands] of Object.entries(it.parties))
    for (const b of bands)
      for (const tier of ['minor', 'general', 'serious'])
        for (const f of facts)
          lines.push(JSON.stringify('/api/v1/penalty/suggest?' + new URLSearchParams({ item: it.id, party,
            ...(bands.length > 1 ? { band: b.band } : {}), tier, ...f }).toString()) + ',');
}
lines.push('}');
writeFileSync(out, lines.join('\n'));
writeFileSync(`${out}.first`, JSON.parse(lines[1].slice(0, -1)));
console.log(`${lines.length - 2} queries`);
JS
path=$(cat "$tmp/mix.lua.first")
echo "one answer: $(curl -s -H "Cookie: $cookie" \
	"http://127.0.0.1:$port$path" | head -c 200)"
cat >"$tmp/wrk.lua" <<LUA
local mix = dofile("$tmp/mix.lua")
local i = 0
function request()
  i = i % #mix + 1
  return wrk.format("GET", mix[i], { ["Cookie"] = "$cookie" })
end
LUA
echo "== wrk -t2 -c$C -d${DUR}s GET /api/v1/penalty/suggest (server --threads ${THREADS:-4})"
wrk -t2 -c"$C" -d"${DUR}s" --latency -s "$tmp/wrk.lua" "http://127.0.0.1:$port" |
	grep -E 'Requests/sec|^ +50%|^ +90%|^ +99%|Non-2xx|Socket errors|requests in'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
