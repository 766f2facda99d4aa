#!/usr/bin/env bash
# Benchmarks of the registry at city scale (issue 3; results go to
# bench/RESULTS.md by hand, with the machine they ran on).  Everything
# runs on loopback in a temporary directory and stops by itself.
# Measures only; nothing here asserts a number.
#   1. import of a ROWS-row (default 1 000 000) market-supervision CSV
#      into a fresh SQLite file: rows/s and peak RSS; then the same file
#      again (every row unchanged).  It runs first: right after the
#      seeding below, the same import took 23.5-23.7 s instead of 18-20 s
#      on the 2-core VM of bench/RESULTS.md, the kernel's share doubling
#      (page-cache copies and page clearing; see RESULTS.md "Registry,
#      fifth run"), so it would measure what seeding left behind
#   2. seed-demo of UNITS (default 2 000 000) units into a fresh SQLite
#      file: seconds and peak RSS (/usr/bin/time)
#   3. `job run risk.recompute` on the seeded file, twice (all written,
#      then nothing changed): seconds and peak RSS
#   4. wrk (-t2 -c64 -dDUR --latency) against `serve` on the seeded file:
#      GET /api/v1/units/{id} and a filtered, sorted list page (town +
#      category + name prefix), each beside nginx serving a static file of
#      the same size in the same run; req/s, p50, p99, ratio to nginx, and
#      the server's VmRSS / VmHWM from /proc
# Usage: bench/registry.sh   (BUILD=build UNITS=2000000 ROWS=1000000 DUR=10)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
UNITS=${UNITS:-2000000}
ROWS=${ROWS:-1000000}
DUR=${DUR:-10}
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=debugoptimized >/dev/null
ninja -C "$BUILD" >/dev/null
bin="$BUILD/firewarden"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fwregbench.XXXXXX")
chmod 755 "$tmp"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
export FIREWARDEN_DATA="$PWD/data"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
echo

# --- 1. import --------------------------------------------------------------
echo "== import units: $ROWS rows (SQLite, 250 000 rows a transaction, one audit entry a unit)"
python3 bench/gen-units-csv.py "$ROWS" >"$tmp/units.csv"
echo "file: $(du -m "$tmp/units.csv" | cut -f1) MB"
for pass in "first (all created)" "again (all unchanged)"; do
	echo "--- $pass"
	/usr/bin/time -f 'import: %e s elapsed, %U s user, %S s sys, %M KiB max RSS' \
		"$bin" import units "$tmp/units.csv" --db "sqlite:$tmp/import.db" \
		--keys "$tmp/keys" 2>&1 | grep -v '^firewarden: info'
done
rm -f "$tmp"/import.db* "$tmp/units.csv"
echo

# --- 2. seed-demo -----------------------------------------------------------
echo "== seed-demo --units $UNITS (SQLite, one transaction)"
/usr/bin/time -f 'seed-demo: %e s elapsed, %U s user, %S s sys, %M KiB max RSS' \
	"$bin" seed-demo --units "$UNITS" --seed 1 --db "sqlite:$tmp/city.db" \
	--keys "$tmp/keys" 2>&1 | grep -v '^firewarden: info'
echo "database: $(du -m "$tmp/city.db" | cut -f1) MB"
echo

# --- 3. risk recompute ------------------------------------------------------
# Before `serve`, whose job thread would otherwise do it at start-up (it
# never ran on this database) while the HTTP numbers are taken.
echo "== risk.recompute on $UNITS units (first run: every score written; again: nothing changed)"
for pass in first again; do
	/usr/bin/time -f "risk $pass: %e s elapsed, %U s user, %S s sys, %M KiB max RSS" \
		"$bin" job run risk.recompute --db "sqlite:$tmp/city.db" --keys "$tmp/keys" 2>&1 |
		grep -v '^firewarden: info'
done
echo

# --- 4. HTTP on the seeded city -------------------------------------------
port=18090
nport=18091
pw='Bench-Passw0rd-2026!'
echo "$pw" | "$bin" user add --login bench --role officer --password-stdin \
	--db "sqlite:$tmp/city.db" --keys "$tmp/keys" >/dev/null 2>&1
"$bin" serve --db "sqlite:$tmp/city.db" --keys "$tmp/keys" \
	--listen "127.0.0.1:$port" --quiet --threads "${THREADS:-2}" 2>"$tmp/serve.log" &
spid=$!
pids+=("$spid")
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
login=$(curl -si -H 'Content-Type: application/json' \
	-d "{\"login\":\"bench\",\"password\":\"$pw\"}" \
	"http://127.0.0.1:$port/api/v1/auth/login")
cookie=$(printf '%s' "$login" | tr -d '\r' | awk -F': ' 'tolower($1)=="set-cookie"{split($2,a,";"); print a[1]}')

# A unit in the middle of 虎门镇, and pages of its three-small places by
# name prefix: 虎门华兴 (a trade name: a few hundred units) and 虎门 (the
# town's name starts most of their names: tens of thousands, all counted
# for the page's total).
town=441900121
# (the 30 000th, or the middle one in a smaller city)
id=$(sqlite3 "$tmp/city.db" "SELECT id FROM units WHERE town_code = '$town' ORDER BY id LIMIT 1
  OFFSET min(30000, (SELECT COUNT(*) / 2 FROM units WHERE town_code = '$town'))")
[ -n "$id" ] || { echo "no unit in town $town"; exit 1; }
q() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
one="/api/v1/units/$id"
page="/api/v1/units?town=$town&category=three_small&prefix=$(q 虎门华兴)&sort=name&limit=20"
wide="/api/v1/units?town=$town&category=three_small&prefix=$(q 虎门)&sort=name&limit=20"

mkdir -p "$tmp/nginx/html" "$tmp/nginx/logs"
# The first answer of each request, as nginx will serve it; a failure here
# would make every number below meaningless, so it stops the run.
for u in "$one" "$page" "$wide"; do
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$port$u")
	[ "$code" = 200 ] || { echo "GET $u: HTTP $code"; tail -20 "$tmp/serve.log"; exit 1; }
done
curl -s -H "Cookie: $cookie" "http://127.0.0.1:$port$one" >"$tmp/nginx/html/one.json"
curl -s -H "Cookie: $cookie" "http://127.0.0.1:$port$page" >"$tmp/nginx/html/page.json"
curl -s -H "Cookie: $cookie" "http://127.0.0.1:$port$wide" >"$tmp/nginx/html/wide.json"
cat >"$tmp/nginx/nginx.conf" <<NGX
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nport;
    root $tmp/nginx/html;
    location / { default_type application/json; }
  }
}
NGX
nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" -g 'daemon off;' &
pids+=($!)
sleep 0.5

# wrk's summary as "req/s p50 p99" (latencies in ms).
measure() {
	wrk -t2 -c64 -d"${DUR}s" --latency "$@" | awk '
		function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
		/Requests\/sec/ { rps = $2 }
		/^ +50%/ { p50 = ms($2) }
		/^ +99%/ { p99 = ms($2) }
		/Non-2xx/ { bad = $NF }
		END { printf "%.0f %.2f %.2f %s\n", rps, p50, p99, bad + 0 }'
}
compare() {
	local name=$1 path=$2 file=$3
	local f n
	read -r nr n50 n99 nbad < <(measure "http://127.0.0.1:$nport/$file")
	read -r fr f50 f99 fbad < <(measure -H "Cookie: $cookie" "http://127.0.0.1:$port$path")
	printf '%-34s %9s %8s %8s %6s\n' "$name" "req/s" "p50 ms" "p99 ms" "non2xx"
	printf '  %-32s %9s %8s %8s %6s\n' "nginx ($(wc -c <"$tmp/nginx/html/$file") bytes)" "$nr" "$n50" "$n99" "$nbad"
	printf '  %-32s %9s %8s %8s %6s\n' "firewarden" "$fr" "$f50" "$f99" "$fbad"
	printf '  ratio to nginx: %s\n' "$(awk -v a="$fr" -v b="$nr" 'BEGIN { printf "%.0f %%", 100 * a / b }')"
}
echo "== HTTP on $UNITS units (wrk -t2 -c64 -d${DUR}s, loopback, --threads ${THREADS:-2})"
total() { curl -s -H "Cookie: $cookie" "http://127.0.0.1:$port$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["page"]["total"])'; }
echo "single unit: GET $one"
echo "list page:   GET $page ($(total "$page") units match)"
echo "wide page:   GET $wide ($(total "$wide") units match)"
compare "GET /api/v1/units/{id}" "$one" one.json
compare "list: town+category+prefix 虎门华兴" "$page" page.json
compare "list: town+category+prefix 虎门" "$wide" wide.json
kill -0 "$spid" 2>/dev/null || { echo "the server stopped:"; tail -20 "$tmp/serve.log"; }
echo "server memory: $(awk '/^VmRSS|^VmHWM/ {printf "%s %d MB  ", $1, $2 / 1024}' "/proc/$spid/status")"
