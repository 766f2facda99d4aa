#!/usr/bin/env bash
# CLI test for `firewarden doc sample`: the PDF it writes (page count,
# standard output), the same bytes from separate processes, exit codes
# (0 ok, 2 usage, 3 rendering error) and a clear error, not boxes, when
# fontconfig cannot find WenQuanYi Micro Hei.  pdfinfo (poppler-utils) is
# required.  Usage: doc.sh /path/to/firewarden.
set -u

fw=${1:?usage: doc.sh /path/to/firewarden}
fails=0
tmp=$(mktemp -d /tmp/fw-cli-doc.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
ok() {
	echo "ok: $*"
}

command -v pdfinfo >/dev/null || {
	echo "FAIL: pdfinfo is missing: run scripts/setup (poppler-utils)"
	exit 1
}

pages() {
	pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'
}

# expect WANT_RC STDERR_SUBSTRING -- ARGS...
expect() {
	local want_rc=$1 want_err=$2 rc
	shift 3
	"$fw" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	if [[ $rc != "$want_rc" ]]; then
		fail "firewarden $*: exit $rc, want $want_rc ($(cat "$tmp/err"))"
	elif [[ -n $want_err && $(cat "$tmp/err") != *"$want_err"* ]]; then
		fail "firewarden $*: stderr '$(cat "$tmp/err")' lacks '$want_err'"
	else
		ok "firewarden $* -> $rc"
	fi
}

expect 0 "" -- doc sample "$tmp/a.pdf"
[[ $(pages "$tmp/a.pdf") == 1 ]] && ok "one page" || fail "sample: $(pages "$tmp/a.pdf") pages, want 1"
expect 0 "" -- doc sample --pages 2 "$tmp/b.pdf"
[[ $(pages "$tmp/b.pdf") == 2 ]] && ok "two pages" || fail "--pages 2: $(pages "$tmp/b.pdf") pages, want 2"
expect 0 "" -- doc sample "$tmp/b2.pdf" --pages 2
expect 0 "" -- doc sample --pages 2 -
cp "$tmp/out" "$tmp/b3.pdf"

# Separate processes (other addresses, other hash orders): same bytes.
cmp -s "$tmp/b.pdf" "$tmp/b2.pdf" && cmp -s "$tmp/b.pdf" "$tmp/b3.pdf" &&
	ok "byte-identical across processes" ||
	fail "renders in separate processes differ"

expect 0 "" -- doc --help
expect 2 "usage" -- doc
expect 2 "usage" -- doc sample
expect 2 "usage" -- doc print "$tmp/c.pdf"
expect 2 "usage" -- doc sample --pages 3 "$tmp/c.pdf"
expect 2 "usage" -- doc sample "$tmp/c.pdf" "$tmp/d.pdf"
expect 3 "" -- doc sample "$tmp/no/such/dir/c.pdf"

# A fontconfig that knows other fonts, CJK ones included (Noto CJK, when
# installed), or no font at all: refused by name, nothing written.
mkdir -p "$tmp/fc-cache"
fonts_conf() {
	printf '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
	printf '<fontconfig>%s<cachedir>%s</cachedir></fontconfig>\n' "$1" \
		"$tmp/fc-cache"
}
fonts_conf "<dir>/usr/share/fonts/opentype/noto</dir><dir>/usr/share/fonts/truetype/dejavu</dir>" >"$tmp/other.conf"
fonts_conf "" >"$tmp/none.conf"
for conf in other none; do
	FONTCONFIG_FILE="$tmp/$conf.conf" expect 3 \
		'font "WenQuanYi Micro Hei" is not installed' -- \
		doc sample "$tmp/$conf.pdf"
	[[ -e $tmp/$conf.pdf ]] && fail "$conf: a PDF was written" ||
		ok "$conf: no PDF"
done

if [[ $fails -gt 0 ]]; then
	echo "$fails failure(s)"
	exit 1
fi
echo "all ok"
