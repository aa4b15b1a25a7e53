#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Print throughput, as ratios against poppler alone in the same run (docs/print.md):
#   raw        pdftoppm -r 150 on all pages, one process, no sandbox: what rendering costs
#   sanitise   bulkhead-print-sanitise: sandbox + pdfinfo + pdftoppm + PPM parser + raster PDF
#   path       vm-print in a process VM -> broker -> host filter -> bulkhead.Print -> lp, to a
#              private cupsd: the whole print path up to the job being queued
# Reported: pages/s of each, sanitise/raw, and the share of the path spent sanitising.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/print/print-lib.sh"
PR=$BULKHEAD_BUILD_ROOT/print
PAGES=${BULKHEAD_BENCH_PRINT_PAGES:-30}
ROUNDS=${BULKHEAD_BENCH_ROUNDS:-3}
command -v cupsd >/dev/null && command -v pdftoppm >/dev/null || skip_all "cups or poppler-utils missing"
export PATH=$BULKHEAD_BUILD_ROOT/qrexec:$PATH
export BULKHEAD_PRINT_FILTER=$PR/bulkhead-print-filter

now() { date +%s.%N; }
# best of ROUNDS wall-clock seconds of a shell command
best() {
	local cmd=$1 b="" t0 t1 i
	for i in $(seq "$ROUNDS"); do
		t0=$(now)
		eval "$cmd" || return 1
		t1=$(now)
		b=$(awk -v a="$t0" -v z="$t1" -v b="$b" 'BEGIN { t = z - a; print (b == "" || t < b) ? t : b }')
	done
	echo "$b"
}
rate() { awk -v p="$PAGES" -v t="$1" 'BEGIN { printf "%.1f", p / t }'; }

tb_init
chmod 711 "$TB"
pl_cupsd "$TB/cups"
r=$?
cp "$TB/cups/pid" "$TB/pids/extra-cupsd"
[ "$r" = 0 ] || { echo "Bail out! the private cupsd did not start"; exit 1; }
python3 "$BULKHEAD_SOURCE_ROOT/tests/print/make-test-pdf.py" "$TB/doc.pdf" --pages "$PAGES"
mkdir -p "$TB/raw"

t_raw=$(best "pdftoppm -r 150 '$TB/doc.pdf' '$TB/raw/p'")
ok $? "raw: pdftoppm renders $PAGES pages"
t_san=$(best "'$PR/bulkhead-print-sanitise' <'$TB/doc.pdf' >'$TB/out.pdf'")
ok $? "sanitise: bulkhead-print-sanitise converts $PAGES pages"
is "$(pl_pages "$TB/out.pdf")" "$PAGES" "  into $PAGES pages"

tb_vm work
tb_vm print
tb_policy 50-print 'bulkhead.Print  *  work  print  allow'
tb_service print bulkhead.Print "exec $PR/bulkhead.Print"
tb_vm_setenv print "CUPS_SERVER=$TB/cups/cups.sock"
tb_start || { echo "Bail out! the test bed did not start"; exit 1; }
cp "$TB/doc.pdf" "$TB/vm/work/home/doc.pdf"
t_path=$(best "tb_run work '$PR/vm-print' --target print '$TB/vm/work/home/doc.pdf' >/dev/null")
ok $? "path: vm-print through the broker into print's CUPS"
# The filter logs how long each job's sanitising took: its share of that same job's path.
t_in_path=$(grep -o 'sanitised in [0-9]* ms' "$TB/log/work.log" | awk '{ print $3 / 1000 }' |
	sort -n | head -1)

diag "$PAGES pages of text, 150 DPI, best of $ROUNDS (this build: $(basename "$BULKHEAD_BUILD_ROOT"))"
diag "raw       $(printf '%6.3f' "$t_raw") s  $(rate "$t_raw") pages/s"
diag "sanitise  $(printf '%6.3f' "$t_san") s  $(rate "$t_san") pages/s"
diag "path      $(printf '%6.3f' "$t_path") s  $(rate "$t_path") pages/s"
diag "$(awk -v r="$t_raw" -v s="$t_san" -v a="$t_path" -v i="$t_in_path" 'BEGIN {
	printf "ratios: sanitise/raw throughput %.2f, path/raw %.2f; sanitising is %.0f%% of the path (in the filter: %.3f s of the best job), and Bulkhead'"'"'s own work (sandbox, pdfinfo, parse, compress) %.0f%% of sanitising", r / s, r / a, 100 * i / a, i, 100 * (s - r) / s }')"
tap_done
