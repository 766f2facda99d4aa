#!/usr/bin/env bash
# CLI test for `firewarden gb26875 decode|encode`: outputs, JSON fields
# (read with python3's json module) and exit codes (0 ok, 1 invalid
# frame, 2 usage).  Usage: gb26875.sh /path/to/firewarden.
set -u

fw=${1:?usage: gb26875.sh /path/to/firewarden}
fails=0
tmp=$(mktemp -d /tmp/fw-cli-gb26875.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# Published frames (see tests/unit/test_gb26875.c).
FIRE=404001000101203A091A090C790300000000385B0100000030000202010101280A000200020020202020202020202020202020202020202020202020202020202020202000023A091A090C462323
CONFIRM=404001000101233A091A090C385B01000000790300000000000003AB2323
DENY=404001000101233A091A090C385B01000000790300000000000006AE2323
GBTEXT=404000000101180D11160A140000000000000605040302013000020201010300D90006000200A3C1C7F8A3B1B2E3DFC8B2B8D7DFC0C8000000000000000000000000000000301213010814682323
BADSUM=404000000101180D11160A140000000000000605040302013000020201010300D90006000200A3C1C7F8A3B1B2E3DFC8B2B8D7DFC0C8000000000000000000000000000000301213010814632323
INSPECT=404001000101203A091A090C385B010000007903000000000300015B010A0F2323
CLOCK=404001000101203A091A090C385B010000007903000000000800015A01023A091A090C7D2323
READ81=404001000101203A091A090C385B01000000790300000000030004510100FE2323
UITD=404001000101203A091A090C790300000000385B01000000090002150108023A091A090C422323

# expect WANT_RC WANT_STDOUT WANT_STDERR_SUBSTRING -- ARGS...
# WANT_STDOUT '*' accepts anything; stdout is left in $tmp/out.
expect() {
	local want_rc=$1 want_out=$2 want_err=$3 rc out err
	shift 4
	"$fw" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
	if [[ $rc != "$want_rc" ]]; then
		echo "FAIL: firewarden $*: exit $rc, want $want_rc" \
			"(stderr: $err)"
		fails=$((fails + 1))
	elif [[ $want_out != '*' && $out != "$want_out" ]]; then
		echo "FAIL: firewarden $*: stdout '$out', want '$want_out'"
		fails=$((fails + 1))
	elif [[ -n $want_err && $err != *"$want_err"* ]]; then
		echo "FAIL: firewarden $*: stderr '$err' lacks '$want_err'"
		fails=$((fails + 1))
	elif [[ -z $want_err && -n $err ]]; then
		echo "FAIL: firewarden $*: unexpected stderr '$err'"
		fails=$((fails + 1))
	else
		echo "ok: firewarden $*"
	fi
}

# json_is EXPR WANT: evaluate a Python expression over the JSON in
# $tmp/out (bound to j) and compare its repr-free str() with WANT.
json_is() {
	local got
	got=$(python3 -c 'import json,sys
j = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$tmp/out" "$1" 2>&1)
	if [[ $got != "$2" ]]; then
		echo "FAIL: JSON $1 = '$got', want '$2'"
		fails=$((fails + 1))
	else
		echo "ok: JSON $1 = $2"
	fi
}

# decode: the worked example of the protocol notes.
expect 0 '*' '' -- gb26875 decode "$FIRE"
json_is 'j["serial"], j["version"], j["command"], j["command_name"]' \
	"(1, '1.1', 2, 'send_data')"
json_is 'j["time"], j["source"], j["destination"]' \
	"('2012-09-26T09:58:32+08:00', 889, 88888)"
json_is 'j["type"], j["type_name"], j["count"], len(j["objects"])' \
	"(2, 'component_state', 1, 1)"
json_is '[j["objects"][0][k] for k in ("system_type", "system_address",
	"component_type", "component_address", "state", "state_flags",
	"description", "time")]' \
	"[1, 1, 40, 131082, 2, ['fire_alarm'], '', '2012-09-26T09:58:02+08:00']"
json_is '[j["objects"][0][k] for k in ("system_type_name",
	"component_type_name", "component_address_bytes")]' \
	"['fire alarm system', 'smoke detector', '0a000200']"
# GB18030 text, spaces and colons in the input.
expect 0 '*' '' -- gb26875 decode "${GBTEXT:0:20} ${GBTEXT:20:30}:${GBTEXT:50}"
json_is 'j["objects"][0]["description"]' 'Ａ区１层呷哺走廊'
json_is 'j["destination"]' '1108152157446'
# Replies and commands.
expect 0 '*' '' -- gb26875 decode "$CONFIRM"
json_is 'j["command_name"], j["type"], j["objects"], "heartbeat" in j' \
	"('confirm', None, [], False)"
expect 0 '*' '' -- gb26875 decode --pretty "$INSPECT"
json_is 'j["type_name"], j["objects"][0]["timeout_minutes"]' \
	"('inspect', 10)"
expect 0 '*' '' -- gb26875 decode "$UITD"
json_is 'j["objects"][0]["state_flags"]' "['main_power_fault']"
# A bare application data unit.
expect 0 '*' '' -- gb26875 decode --adu 030101022801020304032003040009020715
json_is '[j["objects"][0][k] for k in ("analog_type", "quantity", "unit",
	"raw_value", "value")] + ["serial" in j]' \
	"[3, 'temperature', '°C', 800, 80.0, False]"
# A standard type whose length does not fit: shown raw, exit 1.
expect 1 '*' 'length does not match the object count' -- \
	gb26875 decode --adu 400101010A
json_is 'j["type"], j["objects"], j["adu"]' "(64, [], '400101010a')"
# A vendor type is fine.
expect 0 '*' '' -- gb26875 decode --adu 3C01544F4B454E
json_is 'j["type"], j["type_name"], j["adu"]' "(60, 'reserved', '3c01544f4b454e')"
# From standard input.
printf '%s\n' "$FIRE" >"$tmp/in"
out=$("$fw" gb26875 decode - <"$tmp/in")
[[ $out == *'"state_flags":["fire_alarm"]'* ]] &&
	echo "ok: decode -" || { echo "FAIL: decode - gave $out"; fails=$((fails + 1)); }

# Invalid frames: exit 1 with the reason.
expect 1 '' 'checksum is 63, computed 68' -- gb26875 decode "$BADSUM"
expect 1 '' 'start marker' -- gb26875 decode "4141${CONFIRM:4}"
expect 1 '' 'end marker' -- gb26875 decode "${CONFIRM:0:56}2324"
expect 1 '' 'length' -- gb26875 decode "${CONFIRM}00"
expect 1 '' 'shorter than the 30-byte minimum' -- gb26875 decode 4040
expect 1 '' 'over the 1024-byte limit' -- gb26875 decode --adu \
	"$(printf '00%.0s' $(seq 1 1025))"

# A stream with garbage: two frames, the rest counted.
expect 1 '*' 'frames 2, bytes skipped 8, gaps 3' -- gb26875 decode --stream \
	"5245473A31${FIRE}4040${CONFIRM}00"
[[ $(wc -l <"$tmp/out") == 2 ]] && echo "ok: two JSON lines" ||
	{ echo "FAIL: stream output lines"; fails=$((fails + 1)); }
expect 0 '*' 'frames 2, bytes skipped 0' -- gb26875 decode --stream \
	"${FIRE}${CONFIRM}"
expect 1 '' 'bad checksum 1' -- gb26875 decode --stream "$BADSUM"

# Usage errors.
expect 2 '' 'usage' -- gb26875
expect 2 '' 'usage' -- gb26875 decode
expect 2 '' 'hex digits' -- gb26875 decode 4G40
expect 2 '' 'hex digits' -- gb26875 decode 404
expect 2 '' 'usage' -- gb26875 decode --adu --stream 40
expect 2 '' 'unknown command' -- gb26875 frobnicate
expect 0 '*' '' -- gb26875 --help
expect 0 '*' '' -- gb26875 decode --help
expect 0 '*' '' -- gb26875 encode inspect --help

# encode: the published centre frames, byte for byte.
H=(--serial 1 --source 88888 --destination 889 --time '2012-09-26 09:58:32')
expect 0 "$INSPECT" '' -- gb26875 encode inspect "${H[@]}" --timeout 10
expect 0 "$INSPECT" '' -- gb26875 encode inspect "${H[@]}"
expect 0 "$CLOCK" '' -- gb26875 encode clock-sync "${H[@]}" \
	--set '2012-09-26T09:58:02'
expect 0 "$READ81" '' -- gb26875 encode read-uitd-state "${H[@]}"
expect 0 "$CONFIRM" '' -- gb26875 encode confirm --reply-to "$FIRE" \
	--time '2012-09-26 09:58:35'
expect 0 "$DENY" '' -- gb26875 encode deny --reply-to "$FIRE" \
	--time '2012-09-26 09:58:35'
expect 0 "$CONFIRM" '' -- gb26875 encode confirm --serial 1 --source 88888 \
	--destination 889 --time '2012-09-26 09:58:35'
# A deny answers a bad checksum; a confirm does not.
expect 0 '*' '' -- gb26875 encode deny --reply-to "$BADSUM" --time now
deny=$(cat "$tmp/out")
expect 0 '*' '' -- gb26875 decode "$deny"
json_is 'j["command_name"], j["serial"], j["source"], j["destination"]' \
	"('deny', 0, 1108152157446, 0)"
expect 1 '' 'checksum' -- gb26875 encode confirm --reply-to "$BADSUM"
expect 1 '' 'not confirmed' -- gb26875 encode confirm --reply-to "$CONFIRM"
# Every request and control decodes back to what was asked.
expect 0 '*' '' -- gb26875 encode read-component-state --serial 7 \
	--component 1:2:0x01110203 --component 13:3:305419896 --time zero
frame=$(cat "$tmp/out")
expect 0 '*' '' -- gb26875 decode "$frame"
json_is '[(o["system_type"], o["system_address"], o["component_address"])
	for o in j["objects"]] + [j["command_name"], j["serial"], j["time"],
	j["time_kind"]]' \
	"[(1, 2, 17891843), (13, 3, 305419896), 'request', 7, None, 'zero']"
expect 0 '*' '' -- gb26875 encode read-system-log --system 1:1 --count 10 \
	--start '2021-07-02 09:00:04'
frame=$(cat "$tmp/out")
expect 0 '*' '' -- gb26875 decode "$frame"
json_is '[j["type"]] + [j["objects"][0][k] for k in ("system_type",
	"system_address", "count", "start_time")]' \
	"[64, 1, 1, 10, '2021-07-02T09:00:04+08:00']"
for kind in init read-uitd-version read-uitd-config read-uitd-time; do
	expect 0 '*' '' -- gb26875 encode "$kind"
	frame=$(cat "$tmp/out")
	expect 0 '*' '' -- gb26875 decode "$frame"
	json_is 'j["objects"][0]["reserved"], j["count"]' "(0, 1)"
done
for kind in read-system-state read-system-version read-system-config \
	read-system-time; do
	expect 0 '*' '' -- gb26875 encode "$kind" --system 1:1 --system 24:9
	frame=$(cat "$tmp/out")
	expect 0 '*' '' -- gb26875 decode "$frame"
	json_is '[(o["system_type"], o["system_address"]) for o in
		j["objects"]]' "[(1, 1), (24, 9)]"
done
for kind in read-analog read-component-config; do
	expect 0 '*' '' -- gb26875 encode "$kind" --component 1:1:42
	frame=$(cat "$tmp/out")
	expect 0 '*' '' -- gb26875 decode "$frame"
	json_is 'j["objects"][0]["component_address"]' '42'
done
expect 0 '*' '' -- gb26875 encode read-uitd-log --count 5 --start zero
frame=$(cat "$tmp/out")
expect 0 '*' '' -- gb26875 decode "$frame"
json_is '[j["objects"][0][k] for k in ("count", "start_time",
	"start_time_kind")]' "[5, None, 'zero']"
# encode usage errors.
expect 2 '' 'usage' -- gb26875 encode
expect 2 '' 'unknown kind' -- gb26875 encode reboot
expect 2 '' 'needs --system' -- gb26875 encode read-system-state
expect 2 '' 'needs --count and --start' -- gb26875 encode read-uitd-log
expect 2 '' 'does not take' -- gb26875 encode init --timeout 3
expect 2 '' '--timeout must be' -- gb26875 encode inspect --timeout 0
expect 2 '' '--serial must be' -- gb26875 encode init --serial 65536
expect 2 '' 'address' -- gb26875 encode init --source 281474976710656
expect 2 '' '--time' -- gb26875 encode init --time '2012-02-30 00:00:00'
expect 2 '' '--system takes' -- gb26875 encode read-system-state --system 1
expect 2 '' '--component takes' -- gb26875 encode read-analog \
	--component 1:1:4294967296
expect 2 '' 'unexpected argument' -- gb26875 encode init extra
expect 2 '' '--reply-to' -- gb26875 encode confirm --reply-to xyz

if ((fails > 0)); then
	echo "$fails failure(s)"
	exit 1
fi
echo "all passed"
