#!/usr/bin/env bash
# Benchmark of the hazard module at city scale (issue 6; results go to
# bench/RESULTS.md by hand, with the machine they ran on).  Measures only;
# nothing here asserts a number.
#   1. seed-demo of UNITS (default 2 000 000) units into a fresh SQLite file
#   2. HAZARDS (default 5 000 000) hazards generated in SQL over those
#      units: OPEN_PCT (default 10) % still open (found, ordered, reported,
#      transferred) with their step due within ±30 days of today, the rest
#      closed over the last two years; 1 in 200 major; then ANALYZE
#   3. through `serve`, each request RUNS (default 7) times with curl (the
#      first one after start-up included in max, not in the median):
#        - the overdue scan: GET /api/v1/hazards?overdue=1 (city, and one
#          town), a page of 20 with the exact count of overdue hazards
#        - the escalation candidates the job reads (same predicate, sqlite3)
#        - the town dashboard: GET /api/v1/hazards/summary (city, one town)
#      the median and the maximum time_total, and the query plans
#      (EXPLAIN QUERY PLAN) naming the indexes used
# Usage: bench/hazards.sh   (BUILD=build UNITS=2000000 HAZARDS=5000000)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
UNITS=${UNITS:-2000000}
HAZARDS=${HAZARDS:-5000000}
OPEN_PCT=${OPEN_PCT:-10}
RUNS=${RUNS:-7}
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=debugoptimized >/dev/null
ninja -C "$BUILD" >/dev/null
bin="$BUILD/firewarden"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fwhzbench.XXXXXX")
chmod 755 "$tmp"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
export FIREWARDEN_DATA="$PWD/data"
db="$tmp/city.db"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
echo

echo "== seed-demo --units $UNITS"
/usr/bin/time -f 'seed-demo: %e s' "$bin" seed-demo --units "$UNITS" --seed 1 \
	--db "sqlite:$db" --keys "$tmp/keys" 2>&1 | grep -v '^firewarden: info'

echo "== $HAZARDS hazards ($OPEN_PCT % open)"
today=$(TZ=Asia/Shanghai date +%F)
start=$(date +%s.%N)
sqlite3 "$db" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
CREATE TEMP TABLE u AS SELECT row_number() OVER (ORDER BY id) - 1 AS n,
  id, town_code, grid_id FROM units;
CREATE INDEX temp.u_n ON u (n);
BEGIN;
WITH RECURSIVE seq(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM seq
  WHERE k < $HAZARDS - 1)
INSERT INTO hazards (id, no, unit_id, town, grid_id, type_code, source,
  source_id, item_code, description, legal_basis, location, dept, photos,
  found_on, deadline, status, step_due, escalation, escalated_on, level,
  returns, notice_no, close_reason, closed_on, version, created_at,
  updated_at, created_by)
SELECT 1000000000000000 + k, 'BH' || k, u.id, u.town_code, u.grid_id,
  'HZ-EXIT', 'patrol', NULL, NULL, '安全出口堵塞（基准数据）', NULL, NULL,
  'fire', '',
  date('$today', '-' || (k % 700) || ' days'),
  date('$today', ((k * 7919) % 61 - 30) || ' days'),
  CASE WHEN (k * 37) % 100 < $OPEN_PCT THEN
    CASE k % 4 WHEN 0 THEN 'found' WHEN 1 THEN 'ordered'
      WHEN 2 THEN 'reported' ELSE 'transferred' END
    ELSE 'closed' END,
  CASE WHEN (k * 37) % 100 < $OPEN_PCT THEN
    date('$today', ((k * 7919) % 61 - 30) || ' days') END,
  CASE WHEN (k * 37) % 100 < $OPEN_PCT AND (k * 7919) % 61 < 30
    AND k % 3 = 0 THEN 1 ELSE 0 END, NULL,
  CASE WHEN k % 200 = 0 THEN 'major' ELSE 'general' END, 0, NULL,
  CASE WHEN (k * 37) % 100 < $OPEN_PCT THEN NULL ELSE 'rectified' END,
  CASE WHEN (k * 37) % 100 < $OPEN_PCT THEN NULL
    ELSE date('$today', '-' || (k % 700) || ' days') END,
  1, 0, 0, 'bench'
FROM seq JOIN u ON u.n = k % (SELECT COUNT(*) FROM u);
COMMIT;
DELETE FROM hazard_closed;
INSERT INTO hazard_closed (town, year, n)
  SELECT town, CAST(substr(closed_on, 1, 4) AS INTEGER), COUNT(*)
  FROM hazards WHERE status = 'closed' AND closed_on IS NOT NULL
  GROUP BY town, CAST(substr(closed_on, 1, 4) AS INTEGER);
ANALYZE;
SQL
end=$(date +%s.%N)
echo "generated in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s;" \
	"open: $(sqlite3 "$db" "SELECT COUNT(*) FROM hazards WHERE status <> 'closed'");" \
	"overdue: $(sqlite3 "$db" "SELECT COUNT(*) FROM hazards WHERE status <> 'closed' AND step_due < '$today'");" \
	"database: $(du -m "$db" | cut -f1) MB"
echo

pw='Bench-Passw0rd-2026!'
town=441900121
echo "$pw" | "$bin" user add --login bench --role officer --password-stdin \
	--db "sqlite:$db" --keys "$tmp/keys" >/dev/null 2>&1
echo "$pw" | "$bin" user add --login benchtown --role officer --password-stdin \
	--jurisdiction "town:$town" --db "sqlite:$db" --keys "$tmp/keys" >/dev/null 2>&1
port=$((20000 + RANDOM % 20000))
"$bin" serve --db "sqlite:$db" --keys "$tmp/keys" --listen "127.0.0.1:$port" \
	--quiet --no-jobs 2>"$tmp/serve.log" &
pids+=($!)
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
cookie_of() {
	curl -si -H 'Content-Type: application/json' \
		-d "{\"login\":\"$1\",\"password\":\"$pw\"}" \
		"http://127.0.0.1:$port/api/v1/auth/login" | tr -d '\r' |
		awk -F': ' 'tolower($1)=="set-cookie"{split($2,a,";"); print a[1]}'
}
city=$(cookie_of bench)
townc=$(cookie_of benchtown)

# time_total of RUNS requests: "median max" in ms, and the answer's total.
timeit() {
	local cookie=$1 path=$2 i t=()
	for i in $(seq "$RUNS"); do
		t+=("$(curl -s -o "$tmp/out.json" -w '%{time_total}' -H "Cookie: $cookie" \
			"http://127.0.0.1:$port$path")")
	done
	printf '%s\n' "${t[@]}" | sort -n | awk '{ v[NR] = $1 * 1000 } END {
		printf "median %.1f ms, max %.1f ms", v[int((NR + 1) / 2)], v[NR] }'
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(", rows", d["page"]["total"] if "page" in d else "?")' "$tmp/out.json"
}
printf '%-44s ' "overdue scan, city (page of 20 + count)"; timeit "$city" "/api/v1/hazards?overdue=1&sort=step_due&limit=20"
printf '%-44s ' "overdue scan, one town"; timeit "$townc" "/api/v1/hazards?overdue=1&sort=step_due&limit=20"
printf '%-44s ' "town dashboard, city (all towns)"; timeit "$city" "/api/v1/hazards/summary"
printf '%-44s ' "town dashboard, one town"; timeit "$townc" "/api/v1/hazards/summary"
printf '%-44s ' "open hazards list, one town"; timeit "$townc" "/api/v1/hazards?status=ordered&limit=20"
echo
echo "== escalation candidates (the job's predicate), sqlite3"
t0=$(date +%s%N)
n=$(sqlite3 "$db" "SELECT COUNT(*) FROM hazards WHERE status <> 'closed' AND step_due < '$today' AND escalation = 0")
t1=$(date +%s%N)
echo "$n rows in $(( (t1 - t0) / 1000000 )) ms (including sqlite3 start-up)"
echo
echo "== query plans"
for q in \
	"SELECT COUNT(*) FROM hazards h WHERE 1 = 1 AND h.status <> 'closed' AND h.step_due < '$today'" \
	"SELECT COUNT(*) FROM hazards h WHERE 1 = 1 AND h.town = '$town' AND h.status <> 'closed' AND h.step_due < '$today'" \
	"SELECT h.town, COUNT(*), SUM(CASE WHEN h.step_due < '$today' THEN 1 ELSE 0 END), SUM(CASE WHEN h.escalation > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN h.level = 'major' THEN 1 ELSE 0 END) FROM hazards h WHERE 1 = 1 AND h.status <> 'closed' GROUP BY h.town" \
	"SELECT h.town, COUNT(*) FROM hazards h WHERE 1 = 1 AND h.town = '$town' AND h.status <> 'closed' GROUP BY h.town"; do
	echo "-- $q"
	sqlite3 "$db" "EXPLAIN QUERY PLAN $q"
done
