#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The print sanitiser alone on the host (bulkhead-print-sanitise, the real sandbox and poppler):
# what comes out looks like what went in and holds nothing else; what it refuses produces no
# output at all and a reason that names the problem. Then the disposable's renderer,
# bulkhead.PrintRender, run here as a plain process (--render-with): the same stream, parsed
# and rebuilt by the same code, refused for the same reasons.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/print/print-lib.sh"
SAN=$1
RENDER_SERVICE=$2
MKPDF=$BULKHEAD_SOURCE_ROOT/tests/print/make-test-pdf.py
command -v pdftoppm >/dev/null || skip_all "poppler-utils missing"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

python3 "$MKPDF" "$T/doc.pdf" --pages 4
"$SAN" --stats <"$T/doc.pdf" >"$T/out.pdf" 2>"$T/err"
is "$?" 0 "a 4-page PDF with a link, a script, a form and an attachment converts"
like "$(cat "$T/err")" "pages 4 bytes [0-9]+" "  --stats counts its pages"
is "$(pl_pages "$T/out.pdf")" 4 "  the result has 4 pages"
is "$(pl_active_content "$T/out.pdf")" "" "  and none of the active content"
is "$(pdfinfo "$T/out.pdf" | awk '/^Page size/ { print $3, $5 }')" "595.2 842.4" \
	"  A4 stays A4 (to the pixel at 150 DPI)"
for p in 1 4; do
	rmse=$(pl_page_rmse "$T/doc.pdf" "$T/out.pdf" "$p")
	ok "$(awk -v r="$rmse" 'BEGIN { exit !(r != "" && r < 0.08) }'; echo $?)" \
		"  page $p looks like the original's (RMSE $rmse < 0.08)"
done
python3 "$MKPDF" "$T/other.pdf" --pages 1 --blank
rmse=$(pl_page_rmse "$T/other.pdf" "$T/out.pdf" 1)
ok "$(awk -v r="$rmse" 'BEGIN { exit !(r > 0.08) }'; echo $?)" \
	"  (a blank page is told apart: RMSE $rmse > 0.08)"

refused() { # refused NAME INPUT-FILE REGEX
	"$SAN" <"$2" >"$T/out.pdf" 2>"$T/err"
	is "$?" 1 "$1 is refused"
	is "$(wc -c <"$T/out.pdf")" 0 "  nothing is written"
	like "$(cat "$T/err")" "$3" "  the reason: $(sed 's/.*Not printed: //' "$T/err" | head -1)"
}
printf 'hello\n' >"$T/text"
refused "text" "$T/text" "not a PDF document that can be read"
{ printf '%%PDF-1.5\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R'; head -c 5000 /dev/urandom; } >"$T/bad"
refused "a truncated, corrupt PDF" "$T/bad" "not a PDF document that can be read"
python3 "$MKPDF" "$T/bomb.pdf" --pages 101 --blank
refused "a page bomb of 101 pages" "$T/bomb.pdf" "has 101 pages; at most 100"
python3 "$MKPDF" "$T/huge.pdf" --pages 1 --mediabox 2000 2000
refused "a 28-inch page" "$T/huge.pdf" "page 1 is 4167x4167 pixels"
head -c 67108865 /dev/zero >"$T/enormous"
refused "64 MiB and one byte" "$T/enormous" "over 64 MiB"
python3 "$MKPDF" "$T/hundred.pdf" --pages 100 --blank
"$SAN" <"$T/hundred.pdf" >"$T/out.pdf" 2>"$T/err"
is "$?" 0 "exactly 100 pages convert"

VIA="--render-with $RENDER_SERVICE"
QREXEC_REMOTE_DOMAIN=work "$SAN" $VIA <"$T/doc.pdf" >"$T/out.pdf" 2>"$T/err"
is "$?" 1 "bulkhead.PrintRender refuses a caller that is not the host"
like "$(cat "$T/err")" "Only the host's print filter" "  and says so"
export QREXEC_REMOTE_DOMAIN=dom0 TMPDIR=$T/tmp
mkdir "$TMPDIR"
"$SAN" --stats $VIA <"$T/doc.pdf" >"$T/out.pdf" 2>"$T/err"
is "$?" 0 "bulkhead.PrintRender: the 4-page PDF converts"
is "$(pl_pages "$T/out.pdf")" 4 "  to 4 pages"
is "$(pl_active_content "$T/out.pdf")" "" "  with none of the active content"
rmse=$(pl_page_rmse "$T/doc.pdf" "$T/out.pdf" 4)
ok "$(awk -v r="$rmse" 'BEGIN { exit !(r != "" && r < 0.08) }'; echo $?)" \
	"  page 4 looks like the original's (RMSE $rmse < 0.08)"
via_refused() { # via_refused NAME INPUT-FILE REGEX
	"$SAN" $VIA <"$2" >"$T/out.pdf" 2>"$T/err"
	is "$?" 1 "bulkhead.PrintRender: $1 is refused"
	like "$(cat "$T/err")" "$3" "  the reason: $(sed 's/.*Not printed: //' "$T/err" | head -1)"
}
via_refused "a truncated, corrupt PDF" "$T/bad" "not a PDF document that can be read"
via_refused "a page bomb of 101 pages" "$T/bomb.pdf" "has 101 pages; at most 100"
via_refused "a 28-inch page" "$T/huge.pdf" "page 1 is 4167x4167 pixels"
is "$(ls -d "$TMPDIR"/bulkhead-render.* 2>/dev/null | wc -l)" 0 \
	"  it leaves no directory behind"
tap_done
