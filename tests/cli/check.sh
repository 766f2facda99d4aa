#!/usr/bin/env bash
# CLI test for `firewarden check` and `firewarden workdays`: outputs and
# exit codes (0 ok, 1 check failed, 2 usage, 3 calendar I/O, 4 rejected
# input).  Usage: check.sh /path/to/firewarden; run from the source root
# so that data/calendar is found.  Rule IDs: ID-0xx, CAL-0xx.
set -u

fw=${1:?usage: check.sh /path/to/firewarden}
unset FIREWARDEN_DATA
fails=0
tmp=$(mktemp -d /tmp/fw-cli-check.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# expect WANT_RC WANT_STDOUT WANT_STDERR_SUBSTRING -- ARGS...
expect() {
	local want_rc=$1 want_out=$2 want_err=$3 rc out err
	shift 4
	out=$("$fw" "$@" 2>"$tmp/err")
	rc=$?
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

# check uscc (ID-001..ID-005)
expect 0 valid '' -- check uscc 914403001922038216
expect 0 valid '' -- check uscc 9144030071526726xg
expect 0 valid '' -- check uscc ' 91440300708461136T '
expect 0 valid 'warning: embedded organisation code fails GB 11714' -- \
	check uscc 91441900MAC8G9H0J1
expect 1 'invalid: USCC check character should be 6' '' -- \
	check uscc 914403001922038217
expect 1 'invalid: USCC must be 18 characters' '' -- check uscc 12345
expect 1 'invalid: USCC contains I, O, S, V or Z' '' -- \
	check uscc 9144030019220O8216
expect 1 'invalid: USCC must be 18 characters' '' -- check uscc ''

# check idcard (ID-010..ID-014)
expect 0 valid '' -- check idcard 11010519491231002X
expect 0 valid '' -- check idcard 11010519491231002x
expect 0 valid '' -- check idcard 110105491231002
expect 1 'invalid: ID card check character should be X' '' -- \
	check idcard 110105194912310021
expect 1 'invalid: ID card birth date 1949-02-30 is not a real date' '' -- \
	check idcard 110105194902300021

# check usage
expect 2 '' 'usage: firewarden check' -- check
expect 2 '' 'usage: firewarden check' -- check uscc
expect 2 '' 'usage: firewarden check' -- check uscc a b
expect 2 '' 'unknown check passport' -- check passport X
expect 0 '*' '' -- check --help
expect 0 '*' '' -- check uscc --help

# workdays (CAL-001..CAL-006)
expect 0 2026-02-14 '' -- workdays add 2026-02-13 1
expect 0 2026-02-24 '' -- workdays add 2026-02-14 1
expect 0 2026-01-04 '' -- workdays add 2025-12-31 1
expect 0 2026-10-08 '' -- workdays add 2026-09-30 1
expect 0 2026-02-15 '' -- workdays add 2026-02-15 0
expect 0 4 '' -- workdays between 2026-04-30 2026-05-10
expect 0 -4 '' -- workdays between 2026-05-10 2026-04-30
expect 0 0 '' -- workdays between 2026-02-15 2026-02-23
expect 4 '' 'no working-day calendar for 2028' -- \
	workdays add 2027-12-31 1
expect 4 '' 'no working-day calendar for 2028' -- \
	workdays between 2027-12-01 2028-01-10
# CAL-008: the provisional 2027 counts, and says so on stderr.
expect 0 2027-01-04 'the 2027 calendar is provisional' -- \
	workdays add 2026-12-31 1
expect 0 248 'the 2027 calendar is provisional' -- \
	workdays between 2026-12-31 2027-12-31
expect 4 '' '2026-02-30 is not a real date' -- workdays add 2026-02-30 1
expect 4 '' 'date must be YYYY-MM-DD' -- workdays add 2026-2-3 1
expect 4 '' 'date must be YYYY-MM-DD' -- workdays between '' 2026-02-03
expect 2 '' 'N must be a whole number' -- workdays add 2026-02-13 -1
expect 2 '' 'N must be a whole number' -- workdays add 2026-02-13 x
expect 2 '' 'usage: firewarden workdays' -- workdays
expect 2 '' 'usage: firewarden workdays' -- workdays add 2026-02-13
expect 2 '' 'usage: firewarden workdays' -- workdays sub 2026-02-13 1
expect 0 '*' '' -- workdays --help

# FIREWARDEN_DATA chooses the calendar directory.
mkdir -p "$tmp/data/calendar"
printf '{"year":2030,"source":"test","holidays":[]}\n' \
	>"$tmp/data/calendar/CN-2030.json"
export FIREWARDEN_DATA=$tmp/data
expect 0 2030-01-07 '' -- workdays add 2030-01-04 1
expect 4 '' 'no working-day calendar for 2026' -- \
	workdays add 2026-02-13 1
printf '{"year":2031,"source":"test","holidays":[]}\n' \
	>"$tmp/data/calendar/CN-2030.json"
expect 3 '' 'CN-2030.json' -- workdays add 2030-01-04 1
export FIREWARDEN_DATA=$tmp/nonexistent
expect 3 '' 'calendar directory' -- workdays add 2030-01-04 1
unset FIREWARDEN_DATA

if ((fails > 0)); then
	echo "$fails failure(s)"
	exit 1
fi
echo "all passed"
