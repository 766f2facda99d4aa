#!/usr/bin/env bash
# CLI test for `firewarden penalty suggest|items|higher` (the discretion
# engine, PEN-001..PEN-017): JSON fields read with python3's json module,
# exit codes (0 ok, 2 usage or an unknown value, 3 data not loadable),
# nothing on stdout on an error.  Usage: penalty.sh /path/to/firewarden;
# run from the source root so that data/penalty is found.
set -u

fw=${1:?usage: penalty.sh /path/to/firewarden}
unset FIREWARDEN_DATA
fails=0
tmp=$(mktemp -d /tmp/fw-cli-penalty.XXXXXX)
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
# $tmp/out (bound to j; rule(ID, NAME) is that rule of j["rules"] or
# None) and compare its str() with WANT.
json_is() {
	local got
	got=$(python3 -c 'import json,sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
def rule(i, n):
	r = [x for x in j.get("rules", []) if x["id"] == i and x["rule"] == n]
	return r[0]["status"] if r else None
print(eval(sys.argv[2]))' "$tmp/out" "$1" 2>&1)
	if [[ $got != "$2" ]]; then
		echo "FAIL: JSON $1 = '$got', want '$2'"
		fails=$((fails + 1))
	else
		echo "ok: JSON $1 = $2"
	fi
}

suggest() {
	expect 0 '*' '' -- penalty suggest "$@"
}

# The keys of the issue, in order among the others.
suggest --item FPL-60-3 --party unit --tier general
json_is '[k for k in j if k in ("item", "basis", "statutory", "outcome",
	"range", "rules")]' \
	"['item', 'basis', 'statutory', 'outcome', 'range', 'rules']"
json_is 'j["item"], j["statutory"], j["outcome"], j["range"]' \
	"('FPL-60-3', {'min': 5000, 'max': 50000, 'warning': False}, 'fine', {'min': 18500, 'max': 36500})"
json_is 'j["basis"]' '《中华人民共和国消防法》第六十条第一款第（三）项、第二款、第三款'
json_is '[r["id"] for r in j["rules"]]' "['PEN-003', 'PEN-009']"
json_is 'j["template"], j["fire_service_decides"], j["band"]' \
	'(True, True, None)'

# PEN-009: the tiers at their edges.
suggest --item FPL-58-4 --party unit --tier minor
json_is 'j["range"]' "{'min': 30000, 'max': 111000}"
suggest --item FPL-58-4 --party unit --tier serious
json_is 'j["range"]' "{'min': 219000, 'max': 300000}"
suggest --item FPL-65-2 --party individual --tier general
json_is 'j["range"]' "{'min': 950, 'max': 1550}"
suggest --item GD-47 --party unit --tier general --area 1500
json_is 'j["band"], j["statutory"]["min"], j["range"]' \
	"('gt-1000', 20000, {'min': 29000, 'max': 41000})"
suggest --item GD-48 --party unit --tier minor --area 10000
json_is 'j["band"], j["range"]' "('1000-10000', {'min': 5000, 'max': 9500})"
suggest --item GD-44 --party unit --tier serious --band serious
json_is 'j["range"]' "{'min': 41000, 'max': 50000}"

# PEN-007: 不予处罚 (minor, corrected, no harm), mandatory.
suggest --item FPL-60-1 --party unit --tier minor --corrected --harm none
json_is 'j["outcome"], j["range"]' "('no-penalty', None)"
json_is 'rule("PEN-007", "minor-corrected-no-harm"), rule("PEN-008", "education")' \
	"('applied', 'applied')"
json_is '[l["code"] for l in j["minor"]["limits"]][:2], j["minor"]["on_the_spot"]' \
	"(['smoke-detectors', 'sprinkler-heads'], True)"
# ... not with harm, not uncorrected.
suggest --item FPL-60-1 --party unit --tier minor --corrected --harm minor
json_is 'j["outcome"]' 'fine'
suggest --item FPL-60-1 --party unit --tier minor
json_is 'j["outcome"]' 'fine'

# PEN-005: no fault.
suggest --item FPL-58-4 --party unit --tier serious --harm serious --no-fault
json_is 'j["outcome"], rule("PEN-005", "no-fault")' "('no-penalty', 'applied')"

# PEN-010: 首违不罚 proposed; the outcome stays a fine.
suggest --item FPL-60-5 --party unit --tier minor --first --corrected \
	--harm minor
json_is 'j["outcome"], rule("PEN-010", "first-violation-exemption")' \
	"('fine', 'proposed')"
suggest --item FPL-60-5 --party unit --tier serious --first --corrected \
	--harm minor
json_is 'rule("PEN-010", "first-violation-exemption")' 'not-available'

# PEN-011..PEN-013: 从轻 and 减轻.
suggest --item FPL-60-1 --party unit --tier general --mitigating coerced
json_is 'j["range"], j["tier_range"], j["reduction"]' \
	"({'min': 18500, 'max': 27500}, {'min': 18500, 'max': 36500}, {'min': 1, 'max': 4999})"
json_is 'rule("PEN-011", "lighter"), rule("PEN-013", "reduction")' \
	"('applied', 'available')"
suggest --item FPL-60-1 --party unit --tier general --mitigating coerced \
	confessed --mitigating meritorious,other_statutory
json_is 'j["range"]' "{'min': 18500, 'max': 27500}"
json_is '("coerced, confessed, meritorious, other_statutory" in
	[r for r in j["rules"] if r["id"] == "PEN-011"][0]["reason"])' 'True'
suggest --item FPL-60-1 --party unit --tier general --self-found
json_is 'j["range"], rule("PEN-012", "self-found"), j["reduction"]' \
	"({'min': 18500, 'max': 27500}, 'applied', None)"
suggest --item FPL-60-1 --party unit --tier general --mitigating \
	eliminated_harm --reduce
json_is 'j["range"], rule("PEN-013", "reduction")' \
	"({'min': 1, 'max': 4999}, 'applied')"
suggest --item FPL-65-2 --party individual --tier serious --age 16
json_is 'j["range"], rule("PEN-011", "lighter")' \
	"({'min': 1550, 'max': 1775}, 'applied')"
suggest --item FPL-63 --party individual --tier serious --age 13
json_is 'j["outcome"], rule("PEN-006", "age-under-14")' \
	"('no-penalty', 'applied')"

# PEN-004, PEN-014, PEN-015.
suggest --item GD-49 --party individual --tier serious --corrected
json_is 'j["outcome"], rule("PEN-004", "fine-condition")' \
	"('no-penalty', 'applied')"
suggest --item FPL-67 --party individual --tier general
json_is 'j["outcome"], j["range"], j["warning"]' "('warning', None, True)"
suggest --item FPL-60-3 --party individual --tier minor
json_is 'j["warning"], j["simple_procedure"], j["range"]' \
	"(True, True, {'min': 0, 'max': 150})"

# PEN-017: --amount.
suggest --item FPL-60-3 --party unit --tier general --amount 40000
json_is 'j["amount"]' "{'yuan': 40000, 'check': 'above-range'}"
suggest --item FPL-60-3 --party unit --tier general --amount 20000
json_is 'j["amount"]["check"]' 'in-range'
suggest --item FPL-60-3 --party unit --tier general --amount 60000
json_is 'j["amount"]["check"]' 'above-maximum'

# PEN-016: the higher norm.
expect 0 '*' '' -- penalty higher --party unit --items FPL-60-3,FPL-58-4,GD-49
json_is 'j["chosen"], j["rule"], j["source"]' \
	"('FPL-58-4', 'PEN-016', '行政处罚法 art. 29')"
expect 2 '' 'items: FPL-63 sets no penalty for a unit' -- penalty higher \
	--party unit --items FPL-60-3,FPL-63

# PEN-002: unknown values and bad flags exit 2, stdout empty.
expect 2 '' 'item: unknown item FPL-99' -- penalty suggest --item FPL-99 \
	--party unit --tier general
expect 2 '' 'party: unknown party firm' -- penalty suggest --item FPL-60-3 \
	--party firm --tier general
expect 2 '' 'party: FPL-61 sets no penalty for an individual' -- penalty \
	suggest --item FPL-61 --party individual --tier general
expect 2 '' 'tier: unknown tier grave' -- penalty suggest --item FPL-60-3 \
	--party unit --tier grave
expect 2 '' 'harm: unknown harm some' -- penalty suggest --item FPL-60-3 \
	--party unit --tier general --harm some
expect 2 '' 'mitigating: unknown mitigating pity' -- penalty suggest \
	--item FPL-60-3 --party unit --tier general --mitigating coerced pity
expect 2 '' 'band: GD-47 has several statutory bands' -- penalty suggest \
	--item GD-47 --party unit --tier general
expect 2 '' 'area: 1000 m² lies in no band of GD-47' -- penalty suggest \
	--item GD-47 --party unit --tier general --area 1000
expect 2 '' 'reduce: reduced punishment' -- penalty suggest \
	--item FPL-60-3 --party unit --tier general --reduce
expect 2 '' 'age: an age is given for an individual only' -- penalty \
	suggest --item FPL-60-3 --party unit --tier general --age 16
expect 2 '' '--age must be a whole number' -- penalty suggest \
	--item FPL-60-3 --party individual --tier general --age old
expect 2 '' '--amount must be a whole number' -- penalty suggest \
	--item FPL-60-3 --party unit --tier general --amount -5
expect 2 '' 'unknown option' -- penalty suggest --item FPL-60-3 \
	--party unit --tier general --lenient
expect 2 '' '--item is required' -- penalty suggest --party unit \
	--tier general
expect 2 '' '--party is required' -- penalty suggest --item FPL-60-3 \
	--tier general
expect 2 '' '--tier is required' -- penalty suggest --item FPL-60-3 \
	--party unit
expect 2 '' 'unexpected argument' -- penalty suggest --item FPL-60-3 \
	--party unit --tier general extra
expect 2 '' 'version: unknown version v9' -- penalty suggest --version v9 \
	--item FPL-60-3 --party unit --tier general
expect 2 '' 'unknown command' -- penalty weigh
expect 2 '' 'usage' -- penalty
expect 0 '*' '' -- penalty --help
expect 0 '*' '' -- penalty suggest --help

# Items, and where the data comes from.
expect 0 '*' '' -- penalty items
json_is 'j["version"], j["effective"], len(j["items"])' "('v1', '2022-07-01', 29)"
json_is '[i["id"] for i in j["items"]][:5]' \
	"['FPL-58-1', 'FPL-58-2', 'FPL-58-3', 'FPL-58-4', 'FPL-58-P3']"
json_is '[(t["tier"], t["from"], t["to"]) for t in j["tiers"]]' \
	"[('minor', 0, 30), ('general', 30, 70), ('serious', 70, 100)]"
json_is '[i["parties"]["unit"][1]["area"] for i in j["items"] if i["id"] == "GD-47"]' \
	"[{'gt': 1000}]"
mkdir -p "$tmp/data/penalty" "$tmp/empty"
python3 - "$tmp/data/penalty/items-v2.json" <<'EOF'
import json, sys
d = json.load(open("data/penalty/items-v1.json", encoding="utf-8"))
d.update(version="v2", effective="2026-01-01")
d["tiers"]["bands"][0]["to"] = 20
d["tiers"]["bands"][1]["from"] = 20
json.dump(d, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
EOF
cp data/penalty/items-v1.json "$tmp/data/penalty/"
FIREWARDEN_DATA="$tmp/data" expect 0 '*' '' -- penalty suggest \
	--item FPL-60-3 --party unit --tier minor
json_is 'j["version"], j["range"]' "('v2', {'min': 5000, 'max': 14000})"
expect 0 '*' '' -- penalty suggest --data "$tmp/data/penalty" --version v1 \
	--item FPL-60-3 --party unit --tier minor
json_is 'j["version"], j["range"]' "('v1', {'min': 5000, 'max': 18500})"
expect 3 '' 'no items-*.json file' -- penalty items --data "$tmp/empty"
echo '{"format": "firewarden-penalty-items-v1", "colour": 1}' \
	>"$tmp/empty/items-v3.json"
expect 3 '' 'items-v3.json: colour: unknown key' -- penalty suggest \
	--data "$tmp/empty" --item FPL-60-3 --party unit --tier general
python3 - "$tmp/empty/items-v3.json" <<'EOF'
import json, sys
d = json.load(open("data/penalty/items-v1.json", encoding="utf-8"))
d["version"] = "v3"
d["items"][9]["parties"]["unit"][0]["min"] = 90000
json.dump(d, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
EOF
expect 3 '' 'items[FPL-60-1].parties.unit[default].min: 90000 is above max (50000)' \
	-- penalty items --data "$tmp/empty"

if ((fails > 0)); then
	echo "$fails failure(s)"
	exit 1
fi
echo "all passed"
