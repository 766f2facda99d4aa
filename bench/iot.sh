#!/usr/bin/env bash
# Benchmark of the IoT ingest (issue 9; results go to bench/RESULTS.md by
# hand, with the machine they ran on).  Measures only; nothing here
# asserts a number.
#   1. `firewarden gateway` (standalone, SQLite) with DEVICES (default
#      5 000) simulated GB/T 26875.3 devices (bench/sim_gb26875.c), each
#      sending RATE frames per second (default 6) with at most WINDOW
#      frames waiting for their confirm (default 2), for DURATION seconds
#      (default 20): events sent and confirmed (a confirm is sent once the
#      frame's events are committed), events stored per second, the
#      latency from sending a frame to its confirm (p50/p90/p99/max) — an
#      upper bound of "frame arrival to stored event" — the gateway's own
#      histogram of receipt to commit, and the gateway's CPU time and peak
#      RSS over the run.
#      GW_ARGS: more options for both gateways (e.g. --batch-ms 100);
#      BIN: another firewarden binary to measure (default $BUILD's).
#   2. MQTT: mosquitto on 127.0.0.1, `firewarden gateway --mqtt`, MESSAGES
#      (default 200 000) QoS 1 readings published by PUBLISHERS (default 2)
#      bench/mqtt_pub.c processes to MQTT_DEVICES (default 1 000) device
#      topics; messages stored per second, from the first publish to the
#      last row stored.
#   3. MQTT backlog: the same messages published while the gateway is
#      away (its persistent session keeps them in mosquitto), then the
#      gateway started: messages stored per second from its start to the
#      last row, i.e. the ingest's own rate without the publishers
#      sharing the cores (MQTT_BACKLOG=0 skips it).
# Usage: bench/iot.sh   (BUILD=build DEVICES=5000 RATE=6 WINDOW=2 DURATION=20
#                        MESSAGES=200000 MQTT_DEVICES=1000 PUBLISHERS=2)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DEVICES=${DEVICES:-5000}
RATE=${RATE:-6}
WINDOW=${WINDOW:-2}
DURATION=${DURATION:-20}
MESSAGES=${MESSAGES:-200000}
MQTT_DEVICES=${MQTT_DEVICES:-1000}
PUBLISHERS=${PUBLISHERS:-2}
GW_ARGS=${GW_ARGS:-}
MQTT_BACKLOG=${MQTT_BACKLOG:-1}
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" --buildtype=debugoptimized >/dev/null
ninja -C "$BUILD" >/dev/null
bin=${BIN:-$BUILD/firewarden}
sim="$BUILD/bench/sim_gb26875"
pub="$BUILD/bench/mqtt_pub"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fwiotbench.XXXXXX")
chmod 755 "$tmp"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
export FIREWARDEN_DATA="$PWD/data"

# Each simulated device is a socket on both sides.
need=$((DEVICES + 512))
if [ "$(ulimit -n)" -lt "$need" ]; then
	ulimit -n "$need" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
echo "open files: $(ulimit -n)"
echo

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# A database with units and DEVICES devices (registered in SQL: the
# benchmark measures the ingest, not the registry's API).
setup_db() {
	local db=$1 proto=$2 n=$3 fmt=$4
	"$bin" seed-demo --units 200 --seed 1 --db "sqlite:$db" --keys "$tmp/keys" \
		>/dev/null 2>&1
	sqlite3 "$db" <<SQL
CREATE TEMP TABLE u AS SELECT row_number() OVER (ORDER BY id) - 1 AS n,
  id, town_code, grid_id FROM units;
WITH RECURSIVE seq(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM seq
  WHERE k < $n - 1)
INSERT INTO iot_devices (id, protocol, source, unit_id, building_id, town,
  grid_id, name, kind, thresholds, status, online, version, created_at,
  updated_at, created_by)
SELECT 1000000 + k, '$proto', $fmt, u.id, NULL, u.town_code, u.grid_id,
  'bench ' || k, 'uitd', '{}', 'active', 0, 1, strftime('%s','now'),
  strftime('%s','now'), 'bench'
FROM seq JOIN u ON u.n = k % 200;
SQL
}

# CPU seconds (user + system) and peak RSS of a process.
cpu_of() { awk '{print ($14 + $15) / '"$(getconf CLK_TCK)"'}' "/proc/$1/stat"; }
rss_of() { awk '/VmHWM/{print $2 " " $3}' "/proc/$1/status"; }
# PUBLISHERS bench/mqtt_pub processes, per messages each, their reports
# in $tmp/<$1>K.json; returns when all are acknowledged by mosquitto.
publish_all() {
	local k p ppids=()
	for k in $(seq 0 $((PUBLISHERS - 1))); do
		"$pub" "$mport" "$per" "$dper" 1 $((k * dper)) >"$tmp/$1$k.json" &
		ppids+=($!)
	done
	for p in "${ppids[@]}"; do wait "$p"; done
}
# Until $db holds MESSAGES events (n: the count), at most 120 s after t0.
wait_stored() {
	local t
	while :; do
		n=$(sqlite3 "$db" 'PRAGMA busy_timeout = 5000; SELECT COUNT(*) FROM iot_events' | tail -1)
		[ "$n" -ge "$MESSAGES" ] && break
		t=$(date +%s.%N)
		if python3 -c "import sys; sys.exit(0 if $t - $t0 > 120 else 1)"; then
			echo "timeout: $n of $MESSAGES stored"
			break
		fi
		sleep 0.2
	done
}

# --- 1. GB/T 26875.3 gateway ------------------------------------------------
echo "== GB/T 26875.3 gateway: $DEVICES devices, $RATE frames/s each, window $WINDOW, ${DURATION}s (SQLite)"
db="$tmp/gw.db"
setup_db "$db" gb26875 "$DEVICES" "printf('%012X', 1048576 + k)"
port=$(free_port)
"$bin" gateway --listen "127.0.0.1:$port" --db "sqlite:$db" --keys "$tmp/keys" \
	--stats 5 $GW_ARGS 2>"$tmp/gw.log" &
gw=$!
pids+=("$gw")
for _ in $(seq 100); do grep -q 'listening' "$tmp/gw.log" && break; sleep 0.1; done
cpu0=$(cpu_of "$gw")
"$sim" --port "$port" --devices "$DEVICES" --base 0x100000 --rate "$RATE" \
	--window "$WINDOW" --duration "$DURATION" --alarms 1 >"$tmp/sim.json"
cpu1=$(cpu_of "$gw")
kill -USR1 "$gw"
sleep 0.5
stored=$(sqlite3 "$db" 'SELECT COUNT(*) FROM iot_events')
echo "simulator: $(cat "$tmp/sim.json")"
echo "gateway:   $(grep 'gateway:' "$tmp/gw.log" | tail -1 | sed 's/.*gateway: //')"
python3 - "$tmp/sim.json" "$stored" "$cpu0" "$cpu1" "$DURATION" "$(rss_of "$gw")" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
stored, c0, c1, d = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
print(f"events sent {s['events']}, confirmed frames {s['confirms']}/{s['frames']}, "
      f"stored {stored} ({stored / s['seconds']:.0f} events/s over {s['seconds']:.1f} s)")
print(f"send -> confirm (stored) latency ms: p50 {s['latency_ms']['p50']}, p90 {s['latency_ms']['p90']}, "
      f"p99 {s['latency_ms']['p99']}, max {s['latency_ms']['max']}")
print(f"gateway CPU {c1 - c0:.1f} s over {s['seconds']:.1f} s ({(c1 - c0) / s['seconds'] * 100:.0f} % of one core), "
      f"{(c1 - c0) / max(stored, 1) * 1e6:.1f} us per stored event, peak RSS {sys.argv[6]}")
PY
kill "$gw"
wait "$gw" 2>/dev/null || true
echo

# --- 2. MQTT -----------------------------------------------------------------
echo "== MQTT: $MESSAGES QoS 1 messages to $MQTT_DEVICES devices from $PUBLISHERS publishers (mosquitto, SQLite)"
db="$tmp/mq.db"
setup_db "$db" mqtt "$MQTT_DEVICES" "'bench-' || k"
mport=$(free_port)
cat >"$tmp/mosquitto.conf" <<CONF
listener $mport 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
max_inflight_messages 0
CONF
/usr/sbin/mosquitto -c "$tmp/mosquitto.conf" 2>"$tmp/mosquitto.log" &
broker=$!
pids+=("$broker")
sleep 0.5
"$bin" gateway --mqtt "mqtt://127.0.0.1:$mport" --db "sqlite:$db" --keys "$tmp/keys" \
	--stats 5 $GW_ARGS 2>"$tmp/mq.log" &
gw=$!
pids+=("$gw")
for _ in $(seq 100); do grep -qs 'subscribed' "$tmp/mq.log" && break; sleep 0.1; done
cpu0=$(cpu_of "$gw")
bcpu0=$(cpu_of "$broker")
t0=$(date +%s.%N)
per=$((MESSAGES / PUBLISHERS))
dper=$((MQTT_DEVICES / PUBLISHERS))
publish_all pub
MESSAGES=$((per * PUBLISHERS))
wait_stored
t1=$(date +%s.%N)
cpu1=$(cpu_of "$gw")
bcpu1=$(cpu_of "$broker")
kill -USR1 "$gw"
sleep 0.5
for k in $(seq 0 $((PUBLISHERS - 1))); do echo "publisher $k: $(cat "$tmp/pub$k.json")"; done
echo "gateway:   $(grep 'gateway:' "$tmp/mq.log" | tail -1 | sed 's/.*gateway: //')"
python3 -c "
n, t0, t1, c0, c1 = $n, $t0, $t1, $cpu0, $cpu1
print(f'stored {n} messages in {t1 - t0:.2f} s: {n / (t1 - t0):.0f} messages/s; gateway CPU {c1 - c0:.1f} s '
      f'({(c1 - c0) / max(n, 1) * 1e6:.1f} us per message), peak RSS $(rss_of "$gw"); '
      f'mosquitto CPU {$bcpu1 - $bcpu0:.1f} s')
"
kill "$gw"
wait "$gw" 2>/dev/null || true

# --- 3. MQTT backlog ----------------------------------------------------------
[ "$MQTT_BACKLOG" = 1 ] || exit 0
echo
echo "== MQTT backlog: $MESSAGES QoS 1 messages queued by mosquitto for a persistent session, then drained"
db="$tmp/mqb.db"
setup_db "$db" mqtt "$MQTT_DEVICES" "'bench-' || k"
# The session is made, then the gateway goes away.
"$bin" gateway --mqtt "mqtt://127.0.0.1:$mport?client_id=fw-bench" --db "sqlite:$db" \
	--keys "$tmp/keys" --stats 5 $GW_ARGS 2>"$tmp/mqb0.log" &
gw=$!
pids+=("$gw")
for _ in $(seq 100); do grep -q 'subscribed' "$tmp/mqb0.log" && break; sleep 0.1; done
kill "$gw"
wait "$gw" 2>/dev/null || true
publish_all pubb
t0=$(date +%s.%N)
"$bin" gateway --mqtt "mqtt://127.0.0.1:$mport?client_id=fw-bench" --db "sqlite:$db" \
	--keys "$tmp/keys" --stats 5 $GW_ARGS 2>"$tmp/mqb.log" &
gw=$!
pids+=("$gw")
cpu0=0		# its whole CPU time, start-up included
wait_stored
t1=$(date +%s.%N)
cpu1=$(cpu_of "$gw")
for k in $(seq 0 $((PUBLISHERS - 1))); do echo "publisher $k: $(cat "$tmp/pubb$k.json")"; done
python3 -c "
n, t0, t1, c0, c1 = $n, $t0, $t1, $cpu0, $cpu1
print(f'drained {n} queued messages in {t1 - t0:.2f} s from the gateway\'s start: {n / (t1 - t0):.0f} messages/s; '
      f'gateway CPU {c1 - c0:.1f} s ({(c1 - c0) / max(n, 1) * 1e6:.1f} us per message), peak RSS $(rss_of "$gw")')
"
kill "$gw"
wait "$gw" 2>/dev/null || true
