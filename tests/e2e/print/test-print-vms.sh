#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Printing between two real VMs: in work, vm-print and the CUPS queue "Bulkhead" send a
# multi-page PDF (text, a link, an embedded file, JavaScript, a form) through the broker; the
# host's filter has it rendered to pixels in a new disposable of dvm (bulkhead.PrintRender),
# gone after the job, and rebuilds it; print's bulkhead.Print submits the result with lp to its
# CUPS, whose PDF printer writes a file. The printout's pages must look like the original's and
# hold none of its active content. A denied job and hostile ones (malformed, enormous, a page
# bomb) print nothing and end with an error in work. With print_render host, the host's
# sandbox renders instead; no VM may call bulkhead.PrintRender itself.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/print/print-lib.sh"
pl_e2e_skip_unless_possible
MKPDF=$BULKHEAD_SOURCE_ROOT/tests/print/make-test-pdf.py
# The caller's qrexec daemon (started by bulkheadd) starts this filter for bulkhead.Print.
export BULKHEAD_PRINT_FILTER=$BULKHEAD_BUILD_ROOT/print/bulkhead-print-filter
e2e_setup

mkdir -p "$E2E_DIR/policy"
allow_policy() {
	cat >"$E2E_DIR/policy/50-e2e.policy.tmp" <<-'POLICY'
	bulkhead.Print  *  work  @default  allow target=print
	bulkhead.Print  *  work  print     allow
	POLICY
	mv "$E2E_DIR/policy/50-e2e.policy.tmp" "$E2E_DIR/policy/50-e2e.policy"
}
allow_policy
# The shipped default policy behind the test's own: it denies bulkhead.PrintRender to VMs.
cp "$BULKHEAD_SOURCE_ROOT/packaging/policy/90-default.policy" "$E2E_DIR/policy/"
"$BULKHEAD_QREXEC_POLICY_DAEMON" --policy-dir "$E2E_DIR/policy" \
	--audit-log "$E2E_DIR/audit.log" >>"$E2E_DIR/policy.log" 2>&1 &
POLICY_PID=$!
trap 'kill $POLICY_PID 2>/dev/null; e2e_cleanup' EXIT

"$VMCTL" create work --label blue && "$VMCTL" create print --label gray &&
	"$VMCTL" create dvm --label purple
ok $? "create work, print and dvm"
# dvm's pool (one preloaded disposable) boots while work and print do.
"$VMCTL" prefs dvm template_for_dispvms true
ok $? "dvm is the disposable template (the host's only one: documents are rendered there)"
"$VMCTL" start work && "$VMCTL" start print
ok $? "start work and print"

OUT=/home/user/printout.pdf
in_print() { timeout 120 "$VMCTL" run -u root print -- sh -c "$1"; }
in_work() { timeout 180 "$VMCTL" run work -- sh -c "$1"; }
# The user's printer in print: a PDF printer writing a file, as the default destination.
pl_vm_printer print "$OUT" >/dev/null
ok $? "print's cupsd runs; its PDF printer is set up as the default"
# cupsd starts on demand (docs/print.md): nothing in work has printed yet.
is "$(in_work 'pidof cupsd >/dev/null && echo running || echo "not running"')" "not running" \
	"work's cupsd has not been started: nothing there has printed yet"
diag "cupsd in print, started by lpstat: $(in_print 'cat /proc/$(pidof cupsd)/stat' |
	awk '{ printf "%.2f s CPU (user+sys)", ($14 + $15) / 100 }')"
printout_gone() { in_print "rm -f $OUT"; }
# The filter's log line for each job rendered in a disposable, in bulkheadd's log (the daemons'
# stderr), and what bulkheadd did with disposables.
LOG=$E2E_DIR/bulkheadd.log
RENDERED='Rendered the job from work in disposable'
renders() { grep -c "$RENDERED" "$LOG"; }
disposables_started() { grep -cE '(Started|Took preloaded) disposable' "$LOG"; }
vm_gone() { # vm_gone VM: no domain, no volume, no runtime dir or socket left of it (30 s)
	for _ in $(seq 150); do
		! "$VMCTL" list | awk '{ print $1 }' | grep -qx "$1" &&
			! ls -d "$BULKHEAD_STATE_DIR/vms/$1" "$BULKHEAD_RUNTIME_DIR/vms/$1" \
				"$BULKHEAD_RUNTIME_DIR/qrexec/$1".* >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}
# check_disposable_job OUTCOME: the last job was rendered in a disposable of dvm that bulkheadd
# started for it, and nothing of that disposable is left.
check_disposable_job() {
	local line vm
	line=$(grep -o "$RENDERED .*" "$LOG" | tail -1)
	vm=$(sed -nE 's/.*disposable (disp[0-9]+) of dvm.*/\1/p' <<<"$line")
	like "$line" "disposable disp[0-9]+ of dvm: $1" "  rendered in a disposable of dvm ($vm)"
	grep -qE "(Started|Took preloaded) disposable $vm( |\$)" "$LOG"
	ok $? "  which bulkheadd started for it"
	vm_gone "$vm"
	ok $? "  and which is gone after the job: no domain, volume, runtime dir or socket"
}
# The printout, once CUPS has written all of it (a PDF that pdfinfo reads with N pages).
fetch_printout() {
	local i
	for i in $(seq 60); do
		in_print "cat $OUT 2>/dev/null" >"$E2E_DIR/printout.pdf"
		[ "$(pl_pages "$E2E_DIR/printout.pdf")" = "$1" ] && return 0
		sleep 1
	done
	return 1
}

python3 "$MKPDF" "$E2E_DIR/doc.pdf" --pages 3
in_work 'cat >/tmp/doc.pdf' <"$E2E_DIR/doc.pdf"
ok $? "a 3-page PDF with text, a link, an embedded file, JavaScript and a form is in work"
is "$(pl_active_content "$E2E_DIR/doc.pdf" | wc -w)" 9 "  (nine kinds of active content in it)"

in_work 'vm-print /tmp/doc.pdf' >"$E2E_DIR/vm-print.out" 2>"$E2E_DIR/vm-print.err"
status=$?
is "$status" 0 "vm-print /tmp/doc.pdf in work exits 0"
[ "$status" -eq 0 ] || diag "$(cat "$E2E_DIR/vm-print.err")"
like "$(cat "$E2E_DIR/vm-print.out")" "request id is out-[0-9]+" "  print's lp took the job"
ok "$(fetch_printout 3; echo $?)" "  print's printer wrote a 3-page PDF"
is "$(pl_active_content "$E2E_DIR/printout.pdf")" "" \
	"  with no /JS, /JavaScript, /URI, /EmbeddedFile, /AcroForm, /Font, /Annots"
pages_match() {
	local p rmse
	for p in 1 2 3; do
		rmse=$(pl_page_rmse "$E2E_DIR/doc.pdf" "$E2E_DIR/printout.pdf" "$p")
		ok "$(awk -v r="$rmse" 'BEGIN { exit !(r != "" && r < 0.08) }'; echo $?)" \
			"  page $p matches the original's rendering (RMSE $rmse < 0.08)"
	done
}
pages_match
check_disposable_job done

printout_gone
in_work 'lp -d Bulkhead -t report /tmp/doc.pdf' >"$E2E_DIR/lp.out" 2>&1
is "$?" 0 "lp -d Bulkhead in work queues the job (any application's Print dialog does the same)"
like "$(in_work 'pidof cupsd')" "^[0-9]+" "  its first client started work's cupsd"
ok "$(fetch_printout 3; echo $?)" "  the CUPS backend sends it through the broker to print's printer"
is "$(pl_active_content "$E2E_DIR/printout.pdf")" "" "  sanitised the same way"

hostile() { # hostile NAME SHELL-IN-WORK REGEX
	printout_gone
	in_work "$2" 2>"$E2E_DIR/err"
	is "$?" 65 "$1: vm-print exits 65"
	like "$(cat "$E2E_DIR/err")" "$3" "  and says why: $(grep -o 'not printed: .*' "$E2E_DIR/err" | head -1)"
}
{ printf '%%PDF-1.7\n'; head -c 20000 /dev/urandom; } >"$E2E_DIR/malformed.pdf"
in_work 'cat >/tmp/malformed.pdf' <"$E2E_DIR/malformed.pdf"
hostile "a malformed PDF" 'vm-print /tmp/malformed.pdf' "not a PDF document that can be read"
check_disposable_job failed
python3 "$MKPDF" "$E2E_DIR/bomb.pdf" --pages 500 --blank
in_work 'cat >/tmp/bomb.pdf' <"$E2E_DIR/bomb.pdf"
hostile "a page bomb of 500 pages" 'vm-print /tmp/bomb.pdf' "has 500 pages; at most 100"
check_disposable_job failed
before=$(disposables_started)
hostile "an enormous PDF (70 MB from a pipe)" \
	'{ printf "%%PDF-1.7\n"; head -c 70000000 /dev/zero; } | vm-print -' "over 64 MiB"
is "$(disposables_started)" "$before" "  refused as it came in: no disposable was started for it"

# The same refusal through the Bulkhead queue: CUPS records the reason for the job.
in_work 'lp -d Bulkhead /tmp/malformed.pdf' >/dev/null 2>&1
is "$?" 0 "lp -d Bulkhead queues a malformed PDF in work"
for i in $(seq 60); do
	log=$(timeout 60 "$VMCTL" run -u root work -- cat /var/log/cups/error_log 2>/dev/null)
	grep -q "not printed: not a PDF document that can be read" <<<"$log" && break
	sleep 1
done
like "$log" "not printed: not a PDF document that can be read" \
	"  the job's error says why it was not printed"
like "$(in_work 'lpstat -W completed -o Bulkhead')" "Bulkhead-[0-9]+" \
	"  and the job is over (cancelled, not retried)"

# The fallback: print_render host renders in the host's sandbox, no disposable involved.
"$VMCTL" prefs --global print_render host
ok $? "vmctl prefs --global print_render host"
printout_gone
before=$(disposables_started) jobs=$(renders)
in_work 'vm-print /tmp/doc.pdf' >/dev/null 2>"$E2E_DIR/err"
is "$?" 0 "  vm-print prints"
ok "$(fetch_printout 3; echo $?)" "  the 3 pages reach print's printer"
pages_match
like "$(grep -o 'Rendering the job from work in .*' "$LOG" | tail -1)" \
	"in the host's sandbox \(print_render is host\)" "  rendered in the host's sandbox, says the filter"
is "$(disposables_started) $(renders)" "$before $jobs" "  and no disposable was started"
"$VMCTL" prefs --global print_render ''
ok $? "print_render unset again"

# Only the filter calls the renderer: a VM's own call is denied by the default policy.
before=$(disposables_started)
in_work 'echo "%PDF-1.4" | qrexec-client-vm @dispvm:dvm bulkhead.PrintRender' >/dev/null 2>&1
is "$?" 126 "work calling bulkhead.PrintRender in @dispvm:dvm itself is denied (126)"
is "$(disposables_started)" "$before" "  and starts no disposable"
printout_gone

cat >"$E2E_DIR/policy/50-e2e.policy.tmp" <<-'POLICY'
bulkhead.Print  *  work  @anyvm  deny
POLICY
mv "$E2E_DIR/policy/50-e2e.policy.tmp" "$E2E_DIR/policy/50-e2e.policy"
sleep 1
in_work 'vm-print /tmp/doc.pdf' 2>"$E2E_DIR/err"
is "$?" 126 "a job the policy denies: vm-print exits 126"
sleep 3
is "$(in_print "test -e $OUT && echo printed || echo nothing")" "nothing" \
	"no refused or denied job printed anything in print"
is "$(in_print 'lpstat -W completed -o out | wc -l')" 3 "  print's CUPS saw exactly the three good jobs"

# The hold the filter relies on: a disposable asked for with "hold" and never called lives
# exactly as long as its requester's connection, which is what ends a job's disposable however
# the job ends (a renderer that never exits included).
coproc HOLDER { python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"dvm hold\n")
print(s.makefile().readline().strip(), flush=True)
sys.stdin.readline()' "$BULKHEAD_RUNTIME_DIR/dispvm.sock"; }
holder=$HOLDER_PID
read -r -t 120 reply <&"${HOLDER[0]}"
held=${reply#OK }
like "$reply" "^OK disp[0-9]+$" "bulkheadd gives a held disposable ($held)"
sleep 2
is "$("$VMCTL" prefs "$held" state 2>/dev/null)" "Running" "  which runs while it is held, with no call"
echo >&"${HOLDER[1]}"
wait "$holder"
vm_gone "$held"
ok $? "  and is destroyed, leaving nothing, when its holder lets go"

"$VMCTL" prefs dvm preload_dispvm_max 0
for _ in $(seq 150); do
	[ -z "$("$VMCTL" list | awk '$3 == "DispVM"')" ] && break
	sleep 0.2
done
is "$("$VMCTL" list | awk '$3 == "DispVM" { print $1 }')" "" "no disposable left once dvm's pool is emptied"
"$VMCTL" shutdown work --wait && "$VMCTL" shutdown print --wait
ok $? "shutdown work and print"
is "$(e2e_qemu_pids | wc -l)" 0 "no QEMU process left"
e2e_stop_bulkheadd
tap_done
