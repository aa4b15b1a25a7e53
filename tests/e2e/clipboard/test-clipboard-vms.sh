#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The inter-VM clipboard across real VM boundaries: text copied in VM work's X clipboard,
# Ctrl+Shift+C on work's window on the host display, Ctrl+Shift+V on personal's window, and
# personal's own X clipboard holds exactly that text; the global clipboard is wiped after it.
# A paste policy does not allow (personal -> work) never reaches work.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
e2e_skip_unless_possible
[ -x "${BULKHEAD_GUID:-}" ] && [ -x "$BULKHEAD_GUEST_DIR/bin/gui-agent" ] || skip_all "guid/gui-agent not built"
[ -x "${BULKHEAD_QREXEC_POLICY_DAEMON:-}" ] || skip_all "qrexec-policy-daemon not built"
export BULKHEAD_GUEST_GUI=1
for p in Xvfb xterm xwininfo xdotool xclip; do command -v $p >/dev/null || skip_all "$p not installed"; done

e2e_host_display
e2e_setup
e2e_policy 'bulkhead.ClipboardPaste * work personal allow'

"$VMCTL" create work --label blue >/dev/null && "$VMCTL" create personal --label green >/dev/null
"$VMCTL" start work && "$VMCTL" start personal; ok $? "start work and personal"
for vm in work personal; do
	timeout 120 "$VMCTL" run "$vm" -- sh -c \
		"DISPLAY=:0 setsid xterm -title $vm-term </dev/null >/dev/null 2>&1 &"
done
window() { # window VM: the host window of VM's xterm (60 s)
	timeout 60 xdotool search --sync --name "^\\[$1\\] $1-term\$" 2>/dev/null | head -n1
}
wwork=$(window work) && wpersonal=$(window personal)
ok "$([ -n "$wwork" ] && [ -n "$wpersonal" ]; echo $?)" "both VMs' xterms are on the host display"
press() { xdotool windowfocus --sync "$1" key --clearmodifiers "$2"; }
vm_clipboard() { # vm_clipboard VM: what VM's own X clipboard holds
	timeout 30 "$VMCTL" run "$1" -- sh -c 'DISPLAY=:0 timeout 5 xclip -o -selection clipboard' 2>/dev/null
}

timeout 60 "$VMCTL" run work -- sh -c \
	'printf "quarterly numbers: 42" | DISPLAY=:0 setsid xclip -selection clipboard >/dev/null 2>&1'
is "$(vm_clipboard work)" "quarterly numbers: 42" "text is on work's own X clipboard"

press "$wwork" ctrl+shift+c
for _ in $(seq 50); do "$VMCTL" clipboard show --json | grep -q '"source":"work"' && break; sleep 0.2; done
like "$("$VMCTL" clipboard show --json)" '"source":"work","type":"text/plain;charset=utf-8","size":21' \
	"Ctrl+Shift+C on work's window: the global clipboard holds 21 bytes from work"

press "$wpersonal" ctrl+shift+v
for _ in $(seq 50); do [ "$(vm_clipboard personal)" = "quarterly numbers: 42" ] && break; sleep 0.3; done
is "$(vm_clipboard personal)" "quarterly numbers: 42" "Ctrl+Shift+V on personal's window: personal's clipboard has the text"
is "$("$VMCTL" clipboard show)" "The global clipboard is empty." "the global clipboard is wiped after the paste"

# personal -> work is not allowed: the data must never reach work.
timeout 60 "$VMCTL" run personal -- sh -c \
	'printf "private note" | DISPLAY=:0 setsid xclip -selection clipboard >/dev/null 2>&1'
press "$wpersonal" ctrl+shift+c
for _ in $(seq 50); do "$VMCTL" clipboard show --json | grep -q '"source":"personal"' && break; sleep 0.2; done
press "$wwork" ctrl+shift+v
sleep 3
is "$(vm_clipboard work)" "quarterly numbers: 42" "a paste policy does not allow never reaches work"
like "$(cat "$E2E_DIR/audit.log")" 'bulkhead.ClipboardPaste.*deny|deny.*bulkhead.ClipboardPaste' \
	"the audit log records the denied paste"

"$VMCTL" shutdown work --wait && "$VMCTL" shutdown personal --wait; ok $? "shutdown both"
e2e_stop_bulkheadd
tap_done
