#!/usr/bin/env bash
# CLI test of certificate codes (specs/ecert-v1.md, docs/modules/ecert.md):
# a key made by openssl, content signed by `firewarden ecert sign` and
# verified both by `firewarden ecert verify --key` and independently by
# openssl (the steps docs/modules/ecert.md gives the public); content
# signed by openssl verified by firewarden; the canonical bytes compared
# with a known answer; a changed byte exits 1, text that is not a
# certificate code exits 2; with the database, keys, rotation and a
# retired key that still verifies.  Usage: ecert.sh /path/to/firewarden.
# Needs openssl (3.0: SM2 with -rawin and distid) and basenc (coreutils).
set -u

fw=${1:?usage: ecert.sh /path/to/firewarden}
fails=0
tmp=$(mktemp -d /tmp/fw-cli-ecert.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export FIREWARDEN_DATA=${FIREWARDEN_DATA:-$(cd "$(dirname "$0")/../.." && pwd)/data}

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# expect WANT_RC WANT_STDERR_SUBSTRING -- ARGS...: stdout in $tmp/out.
expect() {
	local want_rc=$1 want_err=$2 rc
	shift 3
	"$fw" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [[ $rc != "$want_rc" ]]; then
		fail "firewarden $1 $2: exit $rc, want $want_rc ($(head -c 300 "$tmp/err"))"
	elif [[ -n $want_err ]] && ! grep -qF -- "$want_err" "$tmp/err"; then
		fail "firewarden $1 $2: stderr '$(cat "$tmp/err")' lacks '$want_err'"
	elif [[ $want_rc != 0 && -s $tmp/out ]]; then
		fail "firewarden $1 $2: printed '$(head -c 200 "$tmp/out")' on exit $want_rc"
	else
		echo "ok: firewarden $1 $2 (exit $rc)"
	fi
}

# b64url_decode TEXT FILE: base64url without padding to bytes, the way
# docs/modules/ecert.md tells an outsider (pad with =, then basenc).
b64url_decode() {
	local s=$1
	while (( ${#s} % 4 != 0 )); do s="$s="; done
	printf '%s' "$s" | basenc --base64url -d >"$2"
}
b64url_encode() {
	basenc --base64url -w0 "$1" | tr -d '='
}

# A key pair made by openssl, not by firewarden.
openssl genpkey -algorithm SM2 -out "$tmp/key.pem" 2>/dev/null ||
	{ echo "FAIL: openssl genpkey -algorithm SM2"; exit 1; }
openssl pkey -in "$tmp/key.pem" -pubout -out "$tmp/pub.pem"
openssl genpkey -algorithm SM2 -out "$tmp/other.pem" 2>/dev/null
openssl pkey -in "$tmp/other.pem" -pubout -out "$tmp/other-pub.pem"
# kid = SM3 of the DER SubjectPublicKeyInfo.
kid=$(openssl pkey -pubin -in "$tmp/pub.pem" -outform DER | openssl dgst -sm3 -r | cut -c1-64)
[[ $kid =~ ^[0-9a-f]{64}$ ]] || fail "kid from openssl: $kid"

# Content in any order and layout; sign puts it in canonical form and adds kid.
cat >"$tmp/content.json" <<'EOF'
{
  "v": 1,
  "type": "gathering-place-permit",
  "no": "东消投字〔2026〕第0001号",
  "holder": "东莞市明珠娱乐有限公司",
  "uscc": "91441900MAC8G9H0J1",
  "place": "明珠KTV",
  "address": "东莞市南城街道鸿福路88号",
  "use": "歌舞娱乐",
  "area_m2": 1250,
  "route": "commitment",
  "issued": "2026-03-15",
  "issuer": "东莞市消防救援支队",
  "url": "https://fw.example.cn/v/0001"
}
EOF
# The canonical bytes, written out by hand: keys sorted bytewise, no
# spaces, UTF-8 as is, no newline at the end.
printf '%s' '{"address":"东莞市南城街道鸿福路88号","area_m2":1250,"holder":"东莞市明珠娱乐有限公司","issued":"2026-03-15","issuer":"东莞市消防救援支队","kid":"'"$kid"'","no":"东消投字〔2026〕第0001号","place":"明珠KTV","route":"commitment","type":"gathering-place-permit","url":"https://fw.example.cn/v/0001","uscc":"91441900MAC8G9H0J1","use":"歌舞娱乐","v":1}' >"$tmp/want.bin"

expect 0 '' -- ecert sign --key "$tmp/key.pem" "$tmp/content.json"
code=$(cat "$tmp/out")
[[ $code =~ ^FWC1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$ ]] || fail "code shape: $code"

# firewarden verifies it with the public key alone: exit 0, the content.
expect 0 '' -- ecert verify --key "$tmp/pub.pem" "$code"
grep -q '"holder": "东莞市明珠娱乐有限公司"' "$tmp/out" || fail "verify did not print the content: $(cat "$tmp/out")"
grep -q "\"kid\": \"$kid\"" "$tmp/out" || fail "verify printed another kid"
printf '%s\n' "$code" >"$tmp/code.txt"
expect 0 '' -- ecert verify --key "$tmp/pub.pem" - <"$tmp/code.txt"

# Independently, as docs/modules/ecert.md says: split, decode, openssl.
IFS=. read -r prefix c64 s64 <<<"$code"
[[ $prefix == FWC1 ]] || fail "prefix $prefix"
b64url_decode "$c64" "$tmp/content.bin"
b64url_decode "$s64" "$tmp/sig.der"
cmp -s "$tmp/content.bin" "$tmp/want.bin" ||
	fail "content bytes differ from the known answer: $(cat "$tmp/content.bin")"
# OpenSSL 3.0 signs with an empty SM2 identifier unless given distid.
ossl_verify() {
	openssl pkeyutl -verify -pubin -inkey "$1" -rawin -digest sm3 \
		-pkeyopt distid:1234567812345678 -in "$2" -sigfile "$3"
}
if ossl_verify "$tmp/pub.pem" "$tmp/content.bin" "$tmp/sig.der" >"$tmp/ossl" 2>&1 &&
	grep -q 'Signature Verified Successfully' "$tmp/ossl"; then
	echo "ok: openssl pkeyutl -verify accepts the firewarden signature"
else
	fail "openssl pkeyutl -verify: $(cat "$tmp/ossl")"
fi
if openssl pkeyutl -verify -pubin -inkey "$tmp/pub.pem" -rawin -digest sm3 \
	-in "$tmp/content.bin" -sigfile "$tmp/sig.der" >/dev/null 2>&1; then
	fail "openssl verified without distid: the identifier is not 1234567812345678"
fi
# The same with python's base64 instead of basenc, when there is python.
if command -v python3 >/dev/null; then
	python3 -c 'import base64,sys; s=sys.argv[1]; sys.stdout.buffer.write(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))' \
		"$c64" >"$tmp/content-py.bin"
	cmp -s "$tmp/content-py.bin" "$tmp/want.bin" || fail "python base64url decode differs"
fi

# The other way round: openssl signs, firewarden verifies.
openssl pkeyutl -sign -inkey "$tmp/key.pem" -rawin -digest sm3 \
	-pkeyopt distid:1234567812345678 -in "$tmp/want.bin" -out "$tmp/ossl-sig.der"
ocode="FWC1.$(b64url_encode "$tmp/want.bin").$(b64url_encode "$tmp/ossl-sig.der")"
expect 0 '' -- ecert verify --key "$tmp/pub.pem" "$ocode"
# The private key file serves as --key too.
expect 0 '' -- ecert verify --key "$tmp/key.pem" "$ocode"

# One changed byte of the content (area 1250 -> 1251): exit 1, and
# openssl agrees.
sed 's/"area_m2":1250/"area_m2":1251/' "$tmp/content.bin" >"$tmp/bad.bin"
cmp -s "$tmp/bad.bin" "$tmp/content.bin" && fail "the tampering changed nothing"
bcode="FWC1.$(b64url_encode "$tmp/bad.bin").$s64"
expect 1 'invalid' -- ecert verify --key "$tmp/pub.pem" "$bcode"
ossl_verify "$tmp/pub.pem" "$tmp/bad.bin" "$tmp/sig.der" >/dev/null 2>&1 &&
	fail "openssl accepted the changed content"
# One changed byte of the signature (the last one): exit 1.
cp "$tmp/sig.der" "$tmp/bad-sig.der"
last=$(($(stat -c %s "$tmp/sig.der") - 1))
orig=$(od -An -tu1 -j "$last" -N1 "$tmp/sig.der" | tr -d ' ')
printf "$(printf '\\%03o' $(( (orig ^ 1) & 255 )))" |
	dd of="$tmp/bad-sig.der" bs=1 seek="$last" conv=notrunc 2>/dev/null
expect 1 'bad_signature' -- ecert verify --key "$tmp/pub.pem" \
	"FWC1.$c64.$(b64url_encode "$tmp/bad-sig.der")"
# Another key: exit 1.
expect 1 'bad_signature' -- ecert verify --key "$tmp/other-pub.pem" "$code"

# Not certificate codes: exit 2.
expect 2 'not a certificate code' -- ecert verify --key "$tmp/pub.pem" garbage
expect 2 'not a certificate code' -- ecert verify --key "$tmp/pub.pem" "FWC2.$c64.$s64"
expect 2 'not a certificate code' -- ecert verify --key "$tmp/pub.pem" "FWC1.$c64"
expect 2 'not a certificate code' -- ecert verify --key "$tmp/pub.pem" "FWC1.$c64.$s64.$s64"
expect 2 'not a certificate code' -- ecert verify --key "$tmp/pub.pem" \
	"FWC1.$(basenc --base64url -w0 "$tmp/content.bin").$s64="
expect 2 'not a certificate code' -- ecert verify --key "$tmp/pub.pem" \
	"FWC1.$(base64 -w0 "$tmp/content.bin" | tr -d '=').$s64"
printf 'not json' >"$tmp/nj.bin"
expect 2 'not JSON' -- ecert verify --key "$tmp/pub.pem" \
	"FWC1.$(b64url_encode "$tmp/nj.bin").$s64"
# Usage errors: exit 2; an unreadable key file: exit 3.
expect 2 '' -- ecert verify --key "$tmp/pub.pem"
expect 2 '' -- ecert verify --key "$tmp/pub.pem" "$code" "$code"
expect 2 '' -- ecert frobnicate
expect 3 'cannot read' -- ecert verify --key "$tmp/none.pem" "$code"

# sign refuses what cannot be canonical content: exit 4; not JSON: exit 2.
expect 4 'area_m2' -- ecert sign --key "$tmp/key.pem" '{"area_m2":1.5,"v":1}'
expect 4 'kid' -- ecert sign --key "$tmp/key.pem" '{"kid":"abc","v":1}'
expect 2 'content' -- ecert sign --key "$tmp/key.pem" '{"v":1,'
expect 2 'content' -- ecert sign --key "$tmp/key.pem" '{"v":1,"v":2}'

# With the database: the platform's keys, a rotation, a retired key.
db="sqlite:$tmp/fw.db"
keys="$tmp/keys"
expect 0 '' -- ecert rotate-key --db "$db" --keys "$keys"
kid1=$(grep -oE '[0-9a-f]{64}' "$tmp/out")
[[ $(stat -c %a "$keys/ecert-sm2.pem") == 600 ]] || fail "key file mode $(stat -c %a "$keys/ecert-sm2.pem")"
expect 0 '' -- ecert sign --key "$keys/ecert-sm2.pem" "$tmp/content.json"
code1=$(cat "$tmp/out")
expect 0 '' -- ecert verify --db "$db" --keys "$keys" "$code1"
grep -q '"area_m2": 1250' "$tmp/out" || fail "verify (database) did not print the content"
# A key the platform does not hold: exit 1, unknown key.
expect 1 'unknown_key' -- ecert verify --db "$db" --keys "$keys" "$code"
expect 0 '' -- ecert rotate-key --db "$db" --keys "$keys"
kid2=$(grep -oE '[0-9a-f]{64}' "$tmp/out")
[[ -n $kid1 && -n $kid2 && $kid1 != "$kid2" ]] || fail "rotation kept the key: $kid1 $kid2"
[[ -f $keys/ecert-sm2-${kid1:0:16}.retired.pem ]] || fail "retired key file missing"
# Signed with the retired key, it still verifies.
expect 0 '' -- ecert verify --db "$db" --keys "$keys" "$code1"
expect 0 '' -- ecert keys --db "$db" --keys "$keys"
grep -c '"kid"' "$tmp/out" | grep -qx 2 || fail "ecert keys: $(cat "$tmp/out")"
grep -q "\"kid\": \"$kid1\"" "$tmp/out" || fail "ecert keys lacks the retired key"
grep -q '"retired_at": null' "$tmp/out" || fail "ecert keys: no current key"
grep -q '"retired_at": [0-9]' "$tmp/out" || fail "ecert keys: no retired key"
"$fw" audit verify --deep --db "$db" >"$tmp/out" 2>"$tmp/err" ||
	fail "audit verify --deep after rotations: $(cat "$tmp/out" "$tmp/err")"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
