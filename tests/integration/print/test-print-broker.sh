#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration: printing through the real broker between process VMs, with a real CUPS. work
# runs vm-print; the policy sends bulkhead.Print to "print", whose receiver submits with lp to
# a private cupsd whose queue writes a PDF file. Work's daemon starts the host filter, which
# sanitises the document in its sandbox before print sees a byte. Checked as a user would:
# the printout's pages look like the original's, none of the active content is left, a denied
# or hostile job prints nothing and says why.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/print/print-lib.sh"
PR=$BULKHEAD_BUILD_ROOT/print
MKPDF=$BULKHEAD_SOURCE_ROOT/tests/print/make-test-pdf.py
command -v cupsd >/dev/null && command -v pdftoppm >/dev/null || skip_all "cups or poppler-utils missing"
id lp >/dev/null 2>&1 || skip_all "no lp user (the cups package makes it)"

export BULKHEAD_PRINT_FILTER=$PR/bulkhead-print-filter
tb_init
# cupsd runs its filters as lp: they must reach the queue's PPD under $TB (run/ stays 0700).
chmod 711 "$TB"
CUPS=$TB/cups
pl_cupsd "$CUPS"
r=$?
cp "$CUPS/pid" "$TB/pids/extra-cupsd"
[ "$r" = 0 ] || { echo "Bail out! the private cupsd did not start"; exit 1; }
tb_vm work
tb_vm print
tb_vm mail
tb_policy 50-print 'bulkhead.Print  *  work  mail      deny
bulkhead.Print  *  work  @default  allow target=print
bulkhead.Print  *  work  print     allow'
# Each VM's receiver leaves a mark when it runs: a refused job must not even start it.
for vm in print mail; do
	tb_service "$vm" bulkhead.Print "echo run >>$TB/$vm-calls; exec $PR/bulkhead.Print"
done
tb_vm_setenv print "CUPS_SERVER=$CUPS/cups.sock"
tb_start || { echo "Bail out! the test bed did not start"; exit 1; }
# A session bus listener records the desktop notifications the filter sends.
dbus-monitor --address "$DBUS_SESSION_BUS_ADDRESS" \
	"interface='org.freedesktop.Notifications'" >"$TB/notifications" 2>/dev/null &
echo $! >"$TB/pids/extra-monitor"

W=$TB/vm/work/home
OUT=$CUPS/out/print.pdf
python3 "$MKPDF" "$W/doc.pdf" --pages 3

wait_printout() {
	local i
	for i in $(seq 100); do
		[ -s "$OUT" ] && [ "$(pl_pages "$OUT")" = "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
calls() { cat "$TB/$1-calls" 2>/dev/null | wc -l; }

tb_run work "$PR/vm-print" "$W/doc.pdf" >"$TB/out" 2>"$TB/err"
is "$?" 0 "vm-print FILE (target @default, policy: print) exits 0"
like "$(cat "$TB/out")" "request id is out-[0-9]+" "  lp in print took the job"
ok "$(wait_printout 3; echo $?)" "  the print VM's printer wrote a 3-page PDF"
is "$(pl_active_content "$OUT")" "" "  with no /JS, /URI, /EmbeddedFile, /AcroForm, /Font, /Annots"
is "$(pl_active_content "$W/doc.pdf" | wc -w)" 9 "  (the original had nine of them)"
for p in 1 2 3; do
	rmse=$(pl_page_rmse "$W/doc.pdf" "$OUT" "$p")
	ok "$(awk -v r="$rmse" 'BEGIN { exit !(r != "" && r < 0.08) }'; echo $?)" \
		"  page $p looks like the original's (RMSE $rmse < 0.08)"
done
is "$(pdftotext "$OUT" - 2>/dev/null | tr -d '[:space:]\f')" "" "  and holds no text, only pixels"
like "$(pdftotext "$W/doc.pdf" - 2>/dev/null)" "quick brown fox" "  (the original's text is text)"
is "$(calls print)" 1 "  the receiver ran once"

rm -f "$OUT"
tb_run work "$PR/vm-print" --target mail "$W/doc.pdf" 2>"$TB/err"
is "$?" 126 "a job the policy denies exits 126"
is "$(calls mail)" 0 "  mail's receiver never ran"

printf 'this is not a PDF at all\n' >"$W/garbage.pdf"
tb_run work "$PR/vm-print" "$W/garbage.pdf" 2>"$TB/err"
is "$?" 65 "a file that is not a PDF is refused by vm-print (65)"
{ printf '%%PDF-1.7\n'; head -c 20000 /dev/urandom; } >"$W/malformed.pdf"
tb_run work "$PR/vm-print" "$W/malformed.pdf" 2>"$TB/err"
is "$?" 65 "a malformed PDF exits 65"
like "$(cat "$TB/err")" "not printed: not a PDF document that can be read" "  and says why"

python3 "$MKPDF" "$W/bomb.pdf" --pages 150 --blank
tb_run work "$PR/vm-print" "$W/bomb.pdf" 2>"$TB/err"
is "$?" 65 "a page bomb (150 pages) exits 65"
like "$(cat "$TB/err")" "has 150 pages; at most 100" "  and says how many"

python3 "$MKPDF" "$W/huge.pdf" --pages 1 --mediabox 3000 3000
tb_run work "$PR/vm-print" "$W/huge.pdf" 2>"$TB/err"
is "$?" 65 "a page of 42 x 42 inches exits 65"
like "$(cat "$TB/err")" "pixels at 150 DPI" "  and names the page's size"

{ printf '%%PDF-1.7\n'; head -c 70000000 /dev/zero; } >"$W/enormous.pdf"
cat "$W/enormous.pdf" | tb_run work "$PR/vm-print" - 2>"$TB/err"
is "$?" 65 "an enormous document (70 MB through a pipe) is cut off by the host (65)"
like "$(cat "$TB/err")" "over 64 MiB" "  and says so"
rm -f "$W/enormous.pdf"

is "$(calls print)" 1 "no refused job reached the print VM"
ok "$([ ! -e "$OUT" ]; echo $?)" "  and nothing was printed"
sleep 0.5
is "$(grep -c 'Bulkhead: print refused' "$TB/notifications")" 4 \
	"each document the host refused raised a desktop notification"
tap_done
