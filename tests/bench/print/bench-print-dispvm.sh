#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Print throughput with the renderer in a disposable VM (real VMs, TCG here), as ratios against
# poppler alone in the same run (docs/print.md):
#   raw        pdftoppm -r 150 on all pages on the host, one process: what rendering costs
#   raw in VM  the same in a running VM (work), timed inside it: what rendering costs there
#              (TCG here: emulated), the floor for any renderer in a VM
#   host       the same job with print_render host: rendered in the host's sandbox
#   dispvm     vm-print in work -> broker -> filter -> bulkhead.PrintRender in a new disposable
#              of dvm (taken from the pool) -> raster PDF -> bulkhead.Print -> lp in print
# Reported: pages/s of each; path/raw; the share of the path spent sanitising (the filter logs
# each job's sanitising time: disposable taken, document in, pixels out, PDF written) and
# where the disposable's time goes (taking it, the renderer's start, its first pixels, the end).
# Each disposable round starts once the pool holds a ready disposable again, as a user's job
# would find it. Run under flock /tmp/bulkhead-vm.lock.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/print/print-lib.sh"
pl_e2e_skip_unless_possible
PAGES=${BULKHEAD_BENCH_PRINT_PAGES:-30}
ROUNDS=${BULKHEAD_BENCH_ROUNDS:-3}
DVM_VCPUS=${BULKHEAD_BENCH_DVM_VCPUS:-1} # the disposables' vCPUs (dvm's vcpus; the default is 1)
export BULKHEAD_PRINT_FILTER=$BULKHEAD_BUILD_ROOT/print/bulkhead-print-filter
e2e_setup
e2e_policy 'bulkhead.Print  *  work  print  allow'
LOG=$E2E_DIR/bulkheadd.log
OUT=/home/user/printout.pdf

now() { date +%s.%N; }
rate() { awk -v p="$PAGES" -v t="$1" 'BEGIN { printf "%.1f", p / t }'; }
min() { sort -g | head -1; }
ready_count() { grep -c 'is ready (paused)' "$LOG"; }
# One job from work into print's printer: wall-clock seconds until lp took it.
job() {
	local t0 t1
	timeout 120 "$VMCTL" run -u root print -- rm -f "$OUT"
	t0=$(now)
	timeout 300 "$VMCTL" run work -- vm-print --target print /home/user/doc.pdf >/dev/null || return 1
	t1=$(now)
	awk -v a="$t0" -v z="$t1" 'BEGIN { print z - a }'
}
# The last job's sanitising time in the filter, in seconds.
sanitised() { grep -o 'sanitised in [0-9]* ms' "$LOG" | tail -1 | awk '{ print $3 / 1000 }'; }
# pdftoppm in work, timed inside the VM: seconds.
raw_in_vm() {
	timeout 300 "$VMCTL" run work -- sh -c 'mkdir -p /tmp/raw && a=$(date +%s.%N) &&
		pdftoppm -r 150 /home/user/doc.pdf /tmp/raw/p && z=$(date +%s.%N) &&
		rm -rf /tmp/raw && echo "$z - $a" | bc -l'
}

python3 "$BULKHEAD_SOURCE_ROOT/tests/print/make-test-pdf.py" "$E2E_DIR/doc.pdf" --pages "$PAGES"
mkdir -p "$E2E_DIR/raw"
"$VMCTL" create work --label blue && "$VMCTL" create print --label gray &&
	"$VMCTL" create dvm --label purple && "$VMCTL" prefs dvm vcpus "$DVM_VCPUS" &&
	"$VMCTL" prefs dvm template_for_dispvms true &&
	"$VMCTL" start work && "$VMCTL" start print
ok $? "work, print and the disposable template dvm (with its pool of one)"
pl_vm_printer print "$OUT" >/dev/null
ok $? "print's PDF printer is set up"
timeout 120 "$VMCTL" run work -- sh -c 'cat >/home/user/doc.pdf' <"$E2E_DIR/doc.pdf"
ok $? "a $PAGES-page PDF is in work"

t_raw= t_vm= t_host= s_host= t_disp= s_disp=
for i in $(seq "$ROUNDS"); do
	t0=$(now); pdftoppm -r 150 "$E2E_DIR/doc.pdf" "$E2E_DIR/raw/p"; t1=$(now)
	t_raw+="$(awk -v a="$t0" -v z="$t1" 'BEGIN { print z - a }') "
	t_vm+="$(raw_in_vm) "
	"$VMCTL" prefs --global print_render host
	t_host+="$(job) " s_host+="$(sanitised) "
	"$VMCTL" prefs --global print_render ''
	# the i-th disposable of the pool is ready (paused), as a user's job would find it
	for _ in $(seq 600); do [ "$(ready_count)" -ge "$i" ] && break; sleep 0.2; done
	t_disp+="$(job) " s_disp+="$(sanitised) "
done
best() { tr ' ' '\n' | grep . | min; }
t_raw=$(best <<<"$t_raw") t_vm=$(best <<<"$t_vm") t_host=$(best <<<"$t_host") t_disp=$(best <<<"$t_disp")
s_host=$(best <<<"$s_host") s_disp=$(best <<<"$s_disp")
is "$(grep -c 'Rendered the job from work in disposable disp[0-9]* of dvm: done' "$LOG")" "$ROUNDS" \
	"each disposable round rendered in a disposable of its own"
is "$(grep -c "in the host's sandbox" "$LOG")" "$ROUNDS" "each host round in the host's sandbox"

diag "$PAGES pages of text, 150 DPI, best of $ROUNDS (this build: $(basename "$BULKHEAD_BUILD_ROOT"), TCG, disposables with $DVM_VCPUS vCPU)"
diag "raw pdftoppm       $(printf '%7.3f' "$t_raw") s  $(rate "$t_raw") pages/s"
diag "raw pdftoppm in VM $(printf '%7.3f' "$t_vm") s  $(rate "$t_vm") pages/s"
diag "path, host sandbox $(printf '%7.3f' "$t_host") s  $(rate "$t_host") pages/s  (sanitising $s_host s)"
diag "path, disposable   $(printf '%7.3f' "$t_disp") s  $(rate "$t_disp") pages/s  (sanitising $s_disp s)"
diag "$(awk -v r="$t_raw" -v h="$t_host" -v d="$t_disp" -v sh="$s_host" -v sd="$s_disp" 'BEGIN {
	printf "ratios: path/raw throughput disposable %.3f, host sandbox %.3f; disposable/host %.2f; sanitising is %.0f%% of the path with the disposable, %.0f%% with the host sandbox; sanitising in the disposable takes %.1fx the host sandbox", r / d, r / h, h / d, 100 * sd / d, 100 * sh / h, sd / sh }')"
diag "$(awk -v v="$t_vm" -v d="$t_disp" -v sd="$s_disp" 'BEGIN {
	printf "against pdftoppm in a VM: disposable path/raw-in-VM throughput %.2f, sanitising/raw-in-VM %.2f", v / d, v / sd }')"
diag "each disposable job, ms from its start (disposable named, renderer answered, first pixels, end):"
grep -o 'Rendered the job from work in disposable .*' "$LOG" | sed -n 's/.*(ms from the start: /#   /p' |
	sed 's/)\.$//' | while read -r l; do diag "$l"; done

"$VMCTL" prefs dvm preload_dispvm_max 0
"$VMCTL" shutdown work --wait && "$VMCTL" shutdown print --wait
ok $? "shut down"
e2e_stop_bulkheadd
tap_done
