#!/usr/bin/env bash
# CLI test for `firewarden draw verify` and `firewarden draw run`: the
# committed bundles (made by tests/draw/reference.py, not by firewarden)
# verify; tampered copies do not, and the first difference is named; text
# that is not JSON and usage errors exit 2; `draw run` on the inputs of
# each bundle prints that bundle byte for byte, and its output verifies.
# Exit codes: 0 valid/printed, 1 does not verify, 2 usage or not JSON,
# 4 inputs rejected.  Usage: draw.sh /path/to/firewarden; run from the
# source root.  Needs python3 (to strip the computed fields).
set -u

fw=${1:?usage: draw.sh /path/to/firewarden}
vec=tests/draw
fails=0
tmp=$(mktemp -d /tmp/fw-cli-draw.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# expect WANT_RC WANT_STDOUT_PREFIX WANT_STDERR_SUBSTRING -- ARGS...
# WANT_STDOUT_PREFIX '*' accepts anything; stdin comes from $stdin_file.
stdin_file=/dev/null
expect() {
	local want_rc=$1 want_out=$2 want_err=$3 rc out err
	shift 4
	out=$("$fw" "$@" <"$stdin_file" 2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
	if [[ $rc != "$want_rc" ]]; then
		echo "FAIL: firewarden $*: exit $rc, want $want_rc" \
			"(stdout: ${out:0:300}; stderr: $err)"
		fails=$((fails + 1))
	elif [[ $want_out != '*' && $out != "$want_out"* ]]; then
		echo "FAIL: firewarden $*: stdout '${out:0:300}', want '$want_out'"
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

# tamper NAME SED-EXPRESSION [BUNDLE]: a changed copy in $tmp/NAME.json
tamper() {
	sed "$2" "${3:-$vec/basic.json}" >"$tmp/$1.json"
	if cmp -s "$tmp/$1.json" "${3:-$vec/basic.json}"; then
		echo "FAIL: tamper $1 changed nothing"
		fails=$((fails + 1))
	fi
}

# The committed bundles verify.
expect 0 "valid
plan DG-2026-Q3-0001: 10 selected, 6 unassigned, full bundle" '' -- \
	draw verify $vec/basic.json
expect 0 "valid
plan DG-2026-JOINT-07: 8 selected, 4 unassigned, full bundle" '' -- \
	draw verify $vec/joint.json
expect 0 'valid' '' -- draw verify $vec/edge.json
expect 0 "valid
plan DG-2026-Q3-0001: 10 selected, 6 unassigned, public bundle" '' -- \
	draw verify $vec/basic-public.json
stdin_file=$vec/joint.json
expect 0 'valid' '' -- draw verify -
stdin_file=/dev/null

# Tampered copies: exit 1 and the first difference.
tamper order '0,/"candidate": "u06"/s//"candidate": "u05"/'
expect 1 'invalid: selected[0].candidate: expected "u06", bundle has "u05"' \
	'' -- draw verify "$tmp/order.json"
tamper insp 's/"inspectors": \["f05", "f04"\]/"inspectors": ["f05", "f03"]/'
expect 1 'invalid: selected[5].inspectors[1]: expected "f04", bundle has "f03"' \
	'' -- draw verify "$tmp/insp.json"
tamper reorder 's/"inspectors": \["f05", "f04"\]/"inspectors": ["f04", "f05"]/'
expect 0 'valid' '' -- draw verify "$tmp/reorder.json"
tamper key 's/1284447122511fb5/1284447122511fb4/'
expect 1 'invalid: selected[0].key: expected "1284447122511fb5' '' -- \
	draw verify "$tmp/key.json"
tamper unas 's/^    "u13"$/    "u12"/'
expect 1 'invalid: unassigned[5]: expected "u13", bundle has "u12"' '' -- \
	draw verify "$tmp/unas.json"
tamper beacon 's/"value": "8c4d/"value": "8c4e/'
expect 1 'invalid: seed: expected "' '' -- draw verify "$tmp/beacon.json"
tamper plan 's/"plan_id": "DG-2026-Q3-0001"/"plan_id": "DG-2026-Q3-0002"/'
expect 1 'invalid: seed: expected "' '' -- draw verify "$tmp/plan.json"
tamper cand 's/{"id": "u09", "stratum": "441900003|general|low"/{"id": "u09", "stratum": "441900003|key-crowded|high"/'
expect 1 'invalid: candidates_hash: expected "' '' -- \
	draw verify "$tmp/cand.json"
tamper area 's/"id": "f05", "department": "fire", "areas": \["441900105"\]/"id": "f05", "department": "fire", "areas": ["441900003"]/'
expect 1 'invalid: roster_hash: expected "' '' -- draw verify "$tmp/area.json"
tamper confl '/"inspector": "f04", "candidate": "u11"/d; s/{"inspector": "f01", "candidate": "u05"},/{"inspector": "f01", "candidate": "u05"}/'
expect 1 'invalid: roster_hash: expected "' '' -- \
	draw verify "$tmp/confl.json"
tamper load 's/"max_load": 2/"max_load": 3/'
expect 1 'invalid: selected[2].inspectors: expected 2 entries, bundle has 0' \
	'' -- draw verify "$tmp/load.json"
tamper dup 's/{"id": "u02", "stratum"/{"id": "u01", "stratum"/'
expect 1 'invalid: candidates[1].id: duplicate candidate id "u01"' '' -- \
	draw verify "$tmp/dup.json"
tamper tab 's/{"id": "u07", "stratum"/{"id": "u\\t07", "stratum"/'
expect 1 'invalid: candidates[6].id: contains a tab' '' -- \
	draw verify "$tmp/tab.json"
tamper comma 's/{"id": "u07", "stratum"/{"id": "u,07", "stratum"/'
expect 1 'invalid: candidates[6].id: contains a comma' '' -- \
	draw verify "$tmp/comma.json"
tamper ctl 's/{"id": "u07", "stratum"/{"id": "u\\u000107", "stratum"/'
expect 1 'invalid: candidates[6].id: contains the byte 0x01' '' -- \
	draw verify "$tmp/ctl.json"
tamper extra 's/"max_load": 2,/"max_load": 2, "winner": "u01",/'
expect 1 'invalid: unknown field "winner"' '' -- draw verify "$tmp/extra.json"
tamper ver 's/"version": "firewarden-draw-v1"/"version": "firewarden-draw-v2"/'
expect 1 'invalid: version: expected "firewarden-draw-v1", bundle has "firewarden-draw-v2"' \
	'' -- draw verify "$tmp/ver.json"
tamper pkey 's/1284447122511fb5/1284447122511fb4/' $vec/basic-public.json
expect 1 'invalid: selected[0].key: expected "1284447122511fb5' '' -- \
	draw verify "$tmp/pkey.json"
tamper pcand 's/{"id": "u09", "stratum": "441900003|general|low"/{"id": "u09", "stratum": "441900003|key-crowded|high"/' \
	$vec/basic-public.json
expect 1 'invalid: candidates_hash: expected "' '' -- \
	draw verify "$tmp/pcand.json"
tamper proster 's/"roster_hash": "7c80/"roster_hash": "7c81/' \
	$vec/basic-public.json
expect 1 'invalid: seed: expected "' '' -- draw verify "$tmp/proster.json"
tamper pnull 's/"conflicts": null/"conflicts": []/' $vec/basic-public.json
expect 1 'invalid: inspectors and conflicts must both be lists' '' -- \
	draw verify "$tmp/pnull.json"

# Not a bundle at all: exit 2.
printf 'garbage\n' >"$tmp/garbage.json"
expect 2 '' 'malformed JSON at line 1 column 1' -- \
	draw verify "$tmp/garbage.json"
head -c 1500 $vec/basic.json >"$tmp/truncated.json"
expect 2 '' 'malformed JSON' -- draw verify "$tmp/truncated.json"
: >"$tmp/empty.json"
expect 2 '' 'malformed JSON' -- draw verify "$tmp/empty.json"
printf '[1, 2]' >"$tmp/array.json"
expect 2 '' "expected '{'" -- draw verify "$tmp/array.json"
tamper dupkey 's/"max_load": 2,/"max_load": 2, "max_load": 2,/'
expect 2 '' 'max_load: duplicate key' -- draw verify "$tmp/dupkey.json"
expect 2 '' 'No such file or directory' -- draw verify "$tmp/nonexistent.json"
stdin_file=$tmp/garbage.json
expect 2 '' 'malformed JSON' -- draw verify -
stdin_file=/dev/null

# Usage.
expect 2 '' 'usage: firewarden draw' -- draw
expect 2 '' 'usage: firewarden draw' -- draw verify
expect 2 '' 'usage: firewarden draw' -- draw verify a b
expect 2 '' 'unknown draw command frob' -- draw frob x
expect 2 '' 'usage: firewarden draw' -- draw run --private x
expect 0 'usage: firewarden draw' '' -- draw --help
expect 0 'usage: firewarden draw' '' -- draw verify --help

# draw run: the inputs of each bundle give the bundle, byte for byte.
strip() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
for k in ("candidates_hash", "roster_hash", "seed", "selected", "unassigned"):
    del d[k]
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
' "$1" "$2"
}
for b in basic joint edge; do
	strip $vec/$b.json "$tmp/$b.in.json"
	expect 0 '{' '' -- draw run "$tmp/$b.in.json"
	"$fw" draw run "$tmp/$b.in.json" >"$tmp/$b.out.json" 2>/dev/null
	if cmp -s "$tmp/$b.out.json" $vec/$b.json; then
		echo "ok: draw run $b.in.json gives $b.json byte for byte"
	else
		echo "FAIL: draw run $b.in.json differs from $b.json"
		fails=$((fails + 1))
	fi
	stdin_file=$tmp/$b.out.json
	expect 0 'valid' '' -- draw verify -
	stdin_file=/dev/null
done
"$fw" draw run --public "$tmp/basic.in.json" >"$tmp/public.out.json"
if cmp -s "$tmp/public.out.json" $vec/basic-public.json; then
	echo "ok: draw run --public gives basic-public.json byte for byte"
else
	echo "FAIL: draw run --public differs from basic-public.json"
	fails=$((fails + 1))
fi
stdin_file=$tmp/basic.in.json
expect 0 '{' '' -- draw run -
stdin_file=/dev/null
expect 4 '' 'candidates_hash: computed by the draw, not an input' -- \
	draw run $vec/basic.json
sed 's/{"id": "u02", "stratum"/{"id": "u01", "stratum"/' \
	"$tmp/basic.in.json" >"$tmp/dup.in.json"
expect 4 '' 'duplicate candidate id "u01"' -- draw run "$tmp/dup.in.json"
sed 's/"max_load": 2/"max_load": 0/' "$tmp/basic.in.json" >"$tmp/ml.in.json"
expect 4 '' 'max_load: must be 1 or more' -- draw run "$tmp/ml.in.json"
sed 's/"inspectors": \[/"inspectors": null, "x": [/' "$tmp/basic.in.json" \
	>"$tmp/unknown.in.json"
expect 4 '' 'unknown field "x"' -- draw run "$tmp/unknown.in.json"
head -c 700 "$tmp/basic.in.json" >"$tmp/bad.in.json"
expect 2 '' 'malformed JSON' -- draw run "$tmp/bad.in.json"
expect 2 '' 'malformed JSON' -- draw run "$tmp/garbage.json"

# The reference script agrees with itself and with the bundles.
if python3 -c 'import hashlib; hashlib.new("sm3")' 2>/dev/null ||
	openssl dgst -sm3 </dev/null >/dev/null 2>&1; then
	for b in basic joint edge basic-public; do
		if [[ $(python3 $vec/reference.py verify $vec/$b.json) == valid ]]
		then
			echo "ok: reference.py verify $b.json"
		else
			echo "FAIL: reference.py verify $b.json"
			fails=$((fails + 1))
		fi
	done
	if [[ $(python3 $vec/reference.py verify "$tmp/order.json") == \
		'invalid: selected[0].candidate: expected "u06", bundle has "u05"' ]]
	then
		echo "ok: reference.py names the same difference"
	else
		echo "FAIL: reference.py verify order.json"
		fails=$((fails + 1))
	fi
	python3 $vec/reference.py run "$tmp/edge.in.json" >"$tmp/edge.ref.json"
	if cmp -s "$tmp/edge.ref.json" $vec/edge.json; then
		echo "ok: reference.py run edge.in.json"
	else
		echo "FAIL: reference.py run edge.in.json"
		fails=$((fails + 1))
	fi
fi

if ((fails > 0)); then
	echo "$fails failure(s)"
	exit 1
fi
echo "all passed"
