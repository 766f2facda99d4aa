#!/usr/bin/env bash
# CLI test for `firewarden hazard judge|editions` (GB 35181, HAZ-J01..J06):
# JSON fields read with python3's json module, exit codes (0 ok, 2 usage
# or an unknown value, 3 data not loadable), nothing on stdout on an
# error.  Usage: hazard_judge.sh /path/to/firewarden; run from the source
# root so that data/hazard is found.
set -u

fw=${1:?usage: hazard_judge.sh /path/to/firewarden}
unset FIREWARDEN_DATA
fails=0
tmp=$(mktemp -d /tmp/fw-cli-hazard.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

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
# $tmp/out (bound to j) and compare its str() with WANT.
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

judge() {
	expect 0 '*' '' -- hazard judge "$@"
}

# The keys, exactly and in order.
judge --edition 2017 --place crowded --elements 6.5
json_is 'list(j)' \
	"['edition', 'outcome', 'method', 'elements', 'counted', 'threshold', 'reason']"

# HAZ-J04: a direct element.
json_is 'j["edition"], j["outcome"], j["method"], j["elements"]' \
	"('2017', 'major', 'direct', ['6.5'])"
json_is 'j["counted"], j["threshold"], j["reason"]' \
	"(None, None, 'direct element 6.5')"
judge --edition 2017 --place other --elements '7.3.1, 6.10,6.9,6.10'
json_is 'j["outcome"], j["method"], j["elements"], j["reason"]' \
	"('major', 'direct', ['6.9', '6.10', '7.3.1'], 'direct elements 6.9, 6.10')"

# HAZ-J05: crowded places, the listed rule at 2 and 3 of 3.
judge --edition 2017 --place crowded --elements 7.3.1,7.5
json_is 'j["outcome"], j["method"], j["counted"], j["threshold"]' \
	"('not-major', None, 2, 3)"
judge --edition 2017 --place crowded --elements 7.3.1,7.5,7.9.3
json_is 'j["outcome"], j["method"], j["counted"], j["threshold"]' \
	"('major', 'composite', 3, 3)"
json_is 'j["reason"]' \
	'3 of the counted elements for crowded places (threshold 3): 7.3.1, 7.5, 7.9.3'
# ... and any four.
judge --edition 2017 --place crowded --elements 7.1.1,7.2.2,7.6.1
json_is 'j["outcome"], j["counted"], j["threshold"]' "('not-major', 3, 4)"
judge --edition 2017 --place crowded --elements 7.1.1,7.2.2,7.6.1,7.7.2
json_is 'j["outcome"], j["method"], j["counted"], j["threshold"]' \
	"('major', 'composite', 4, 4)"
# Flammable goods: the listed rule; the crowded list does not count.
judge --edition 2017 --place flammable --elements 7.1.1,7.4.5,7.4.6
json_is 'j["outcome"], j["counted"], j["threshold"]' "('major', 3, 3)"
judge --edition 2017 --place flammable --elements 7.3.1,7.3.2,7.5
json_is 'j["outcome"], j["counted"], j["threshold"]' "('not-major', 3, 4)"
# Important and other places.
judge --edition 2017 --place important --elements 7.1.1,7.3.1,7.5,7.9.5
json_is 'j["outcome"], j["counted"], j["threshold"]' "('major', 4, 4)"
judge --edition 2017 --place other --elements 7.1.1,7.2.1,7.3.1,7.4.1,7.5
json_is 'j["outcome"], j["counted"], j["threshold"]' "('not-major', 5, 6)"
judge --edition 2017 --place other \
	--elements 7.1.1,7.2.1,7.3.1,7.4.1,7.5,7.6.1
json_is 'j["outcome"], j["counted"], j["threshold"]' "('major', 6, 6)"
# Duplicates count once; no element at all.
judge --edition 2017 --place crowded --elements 7.3.1,7.3.1,7.3.1
json_is 'j["outcome"], j["elements"], j["counted"]' \
	"('not-major', ['7.3.1'], 1)"
judge --edition 2017 --place crowded --elements ''
json_is 'j["outcome"], j["elements"], j["counted"], j["threshold"]' \
	"('not-major', [], 0, 3)"

# HAZ-J03: each exclusion, even with a direct element.
for x in expert-review stopped not-capable; do
	judge --edition 2017 --place crowded --elements 6.5,6.6 --exclusion "$x"
	json_is 'j["outcome"], j["method"], j["counted"], j["threshold"]' \
		"('excluded', None, None, None)"
	json_is "'($x): not judged a major hazard' in j['reason']" 'True'
done
json_is 'j["reason"]' \
	'excluded by GB 35181-2017 5.1.3 c) (not-capable): not judged a major hazard'

# HAZ-J02: by date.
judge --date 2020-01-01 --place crowded --elements 6.5
json_is 'j["edition"]' '2017'
expect 2 '' 'replaced on 2025-11-01' -- hazard judge --date 2025-11-01 \
	--place crowded --elements 6.5
expect 2 '' 'date' -- hazard judge --date 2025-13-01 --place crowded \
	--elements 6.5

# HAZ-J06: unknown values and missing options exit 2, stdout empty.
expect 2 '' 'edition: unknown edition 2099' -- hazard judge --edition 2099 \
	--place crowded --elements 6.5
expect 2 '' 'place: unknown place category school' -- hazard judge \
	--edition 2017 --place school --elements 6.5
expect 2 '' 'elements: unknown element 7.3.99' -- hazard judge \
	--edition 2017 --place crowded --elements 6.5,7.3.99
expect 2 '' 'exclusion: unknown exclusion mercy' -- hazard judge \
	--edition 2017 --place crowded --elements 6.5 --exclusion mercy
expect 2 '' '--elements' -- hazard judge --edition 2017 --place crowded \
	--elements 6.5,,7.3.1
expect 2 '' '--place is required' -- hazard judge --edition 2017 \
	--elements 6.5
expect 2 '' '--elements is required' -- hazard judge --edition 2017 \
	--place crowded
expect 2 '' 'one of --edition and --date' -- hazard judge --place crowded \
	--elements 6.5
expect 2 '' 'one of --edition and --date' -- hazard judge --edition 2017 \
	--date 2020-01-01 --place crowded --elements 6.5
expect 2 '' 'unexpected argument' -- hazard judge --edition 2017 \
	--place crowded --elements 6.5 extra
expect 2 '' 'unknown command' -- hazard weigh
expect 2 '' 'usage' -- hazard
expect 0 '*' '' -- hazard --help
expect 0 '*' '' -- hazard judge --help

# Editions, and where the data comes from.
expect 0 '*' '' -- hazard editions
json_is '[(e["edition"], e["effective"], e["effective_confirmed"],
	e["superseded"]) for e in j]' \
	"[('2017', '2018-07-01', False, '2025-11-01')]"
mkdir "$tmp/data" "$tmp/data/hazard" "$tmp/empty"
python3 - "$tmp/data/hazard/gb35181-2025.json" <<'EOF'
import json, sys
d = json.load(open("data/hazard/gb35181-2017.json", encoding="utf-8"))
d.update(edition="2025", standard="GB 35181-2025", title="重大火灾隐患判定规则",
	effective="2025-11-01", effective_confirmed=True)
del d["superseded"]
json.dump(d, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
EOF
cp data/hazard/gb35181-2017.json "$tmp/data/hazard/"
expect 0 '*' '' -- hazard editions --data "$tmp/data/hazard"
json_is '[e["edition"] for e in j]' "['2017', '2025']"
FIREWARDEN_DATA="$tmp/data" expect 0 '*' '' -- hazard judge \
	--date 2026-11-20 --place crowded --elements 6.5
json_is 'j["edition"], j["outcome"]' "('2025', 'major')"
expect 0 '*' '' -- hazard judge --data "$tmp/data/hazard" \
	--date 2025-10-31 --place crowded --elements 6.5
json_is 'j["edition"]' '2017'
expect 3 '' 'no gb35181-*.json file' -- hazard editions --data "$tmp/empty"
echo '{"format": "firewarden-gb35181-v1", "colour": 1}' \
	>"$tmp/empty/gb35181-2030.json"
expect 3 '' 'gb35181-2030.json: colour: unknown key' -- hazard judge \
	--data "$tmp/empty" --edition 2030 --place crowded --elements 6.5

if ((fails > 0)); then
	echo "$fails failure(s)"
	exit 1
fi
echo "all passed"
