#!/usr/bin/env bash
# Benchmark of payment callbacks (issue 8 part 6; results go to
# bench/RESULTS.md by hand, with the machine they ran on).  Measures only;
# nothing here asserts a number.
#   1. a fresh SQLite database with N (default 100 000) served cases of
#      200 yuan, each with its open payment notice, made in SQL
#   2. one platform key (`firewarden payment key`), and N callbacks, one
#      per notice with the right amount, signed with HMAC-SM3 in advance
#      (Node's crypto) into a file wrk's script reads
#   3. wrk -t2 -cC -dDUR against POST /api/v1/payments/callback: every
#      request verifies the signature, parses the body, settles the
#      notice and the case, writes the timeline step, the callback row and
#      three audit entries in one transaction; then the results are
#      counted in the database (accepted; replays would show as fewer
#      accepted than requests)
# Usage: bench/payments.sh   (BUILD=build N=100000 DUR=10 C=32 THREADS=4)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
N=${N:-100000}
DUR=${DUR:-10}
C=${C:-32}
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=debugoptimized >/dev/null
ninja -C "$BUILD" >/dev/null
bin="$PWD/$BUILD/firewarden"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fwpaybench.XXXXXX")
chmod 755 "$tmp"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
export FIREWARDEN_DATA="$PWD/data"
db="$tmp/pay.db"
port=${PORT:-18090}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

"$bin" migrate --db "sqlite:$db" --keys "$tmp/keys" >/dev/null 2>&1
today=$(TZ=Asia/Shanghai date +%F)
due=$(TZ=Asia/Shanghai date -d '+15 days' +%F)
year=$(TZ=Asia/Shanghai date +%Y)
echo "== $N served cases with open payment notices"
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE seq(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM seq WHERE k < $N)
INSERT INTO cases (id, no, procedure, source, party_type, party_name, town,
  facts, found_on, filed_on, status, decision_due, outcome, decision_no,
  decided_on, fine_fen, served_on, pay_status, payment_due, created_at,
  updated_at, created_by)
SELECT k, 'BENCH-C-' || k, 'simple', 'on_spot', 'individual', 'bench', '441900003',
  'bench', '$today', '$today', 'served', '$today', 'fine', 'BENCH-D-' || k,
  '$today', 20000, '$today', 'due', '$due', 1, 1, 'bench' FROM seq;
WITH RECURSIVE seq(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM seq WHERE k < $N)
INSERT INTO case_payments (id, case_id, code, amount_fen, due, status,
  created_at, updated_at)
SELECT k, k, '4419$year' || printf('%08d', k), 20000, '$due', 'open', 1, 1 FROM seq;
COMMIT;
ANALYZE;
SQL

key=$("$bin" payment key bench --keys "$tmp/keys" 2>/dev/null)
echo "== $N signed callbacks"
start=$(date +%s.%N)
node - "$tmp/cb.txt" "$key" "$N" "$year" <<'JS'
const { createHmac } = require('node:crypto');
const { writeFileSync } = require('node:fs');
const [out, key, n, year] = process.argv.slice(2);
const k = Buffer.from(key, 'hex');
const now = Math.floor(Date.now() / 1000);
const lines = [];
for (let i = 1; i <= Number(n); i++) {
  const body = JSON.stringify({ txn_id: `B-${i}`, code: `4419${year}${String(i).padStart(8, '0')}`,
    amount_fen: 20000, paid_at: now });
  lines.push(`${createHmac('sm3', k).update(body).digest('hex')} ${body}`);
}
writeFileSync(out, lines.join('\n') + '\n');
JS
echo "signed in $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b - a}') s"
# One signed callback a line ("<signature> <body>"); thread k of 2
# sends lines k, k + 2, k + 4 ... so no callback is sent twice until the
# file is used up (then the first is replayed).
cat >"$tmp/wrk.lua" <<LUA
local counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  cbs = {}
  for line in io.lines("$tmp/cb.txt") do
    local sig, body = line:match("^(%x+) (.*)$")
    cbs[#cbs + 1] = { body, sig }
  end
  i = id
end
function request()
  local c = cbs[i] or cbs[1]
  i = i + 2
  return wrk.format("POST", "/api/v1/payments/callback", {
    ["Content-Type"] = "application/json",
    ["X-Fw-Platform"] = "bench",
    ["X-Fw-Signature"] = c[2] }, c[1])
end
LUA

"$bin" serve --db "sqlite:$db" --keys "$tmp/keys" --listen "127.0.0.1:$port" \
	--quiet --no-jobs --threads "${THREADS:-4}" 2>"$tmp/serve.log" &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

echo "== wrk -t2 -c$C -d${DUR}s POST /api/v1/payments/callback (SQLite, server --threads ${THREADS:-4})"
wrk -t2 -c"$C" -d"${DUR}s" --latency -s "$tmp/wrk.lua" "http://127.0.0.1:$port" |
	grep -E 'Requests/sec|^ +50%|^ +90%|^ +99%|Non-2xx|Socket errors|requests in'
# Requests still in flight when wrk stops finish first.
kill "${pids[0]}"
wait "${pids[0]}" 2>/dev/null || true
pids=()
echo "== results in the database"
sqlite3 "$db" "SELECT result, COUNT(*) FROM payment_callbacks GROUP BY result"
sqlite3 "$db" "SELECT 'cases paid', COUNT(*) FROM cases WHERE pay_status = 'paid'"
sqlite3 "$db" "SELECT 'audit entries', COUNT(*) FROM audit_entries"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
