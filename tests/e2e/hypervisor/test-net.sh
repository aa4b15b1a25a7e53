#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Networking in real VMs (docs/networking.md): a `none` VM has only lo; a `nat` VM reaches an
# HTTP server this test runs on the host's loopback, through the gateway address passt maps
# there; a firewall rule denying that port stops the fetch while another allowed port still
# works, and rule changes hold at once, without restarting the VM. Only servers on 127.0.0.1
# that the test itself starts are ever contacted.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
e2e_skip_unless_possible
command -v passt >/dev/null || skip_all "passt not installed"
command -v python3 >/dev/null || skip_all "python3 not installed (the test's HTTP servers)"
command -v curl >/dev/null || skip_all "curl not installed (the large download, host and guest)"
[ -x "${BULKHEAD_NET_FILTER:-}" ] || skip_all "net-filter not built"
e2e_setup

. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/net-lib.sh"

net_pids() { pgrep -f "(passt|net-filter) .*$E2E_DIR" || true; }
stop_servers() { net_cleanup; for p in $(net_pids); do kill -9 "$p"; done; }
trap 'stop_servers; e2e_cleanup' EXIT

# Two HTTP servers on the host's loopback, on free ports, each serving a known body; A also
# serves a large random file.
serve() { # serve DIR PORT BODY
	mkdir -p "$1" && echo "$3" >"$1/index.html" && net_serve "$1" "$2"
}
PORT_A=$(net_free_port); PORT_B=$(net_free_port)
serve "$E2E_DIR/www-a" "$PORT_A" "body-a-$$"
serve "$E2E_DIR/www-b" "$PORT_B" "body-b-$$"
BIG_MIB=20
net_random_file "$E2E_DIR/www-a/big.bin" "$BIG_MIB"
BIG_SUM=$(sha256sum "$E2E_DIR/www-a/big.bin" | cut -d' ' -f1)

# fetch VM PORT: GET / from the host's loopback through the gateway, with bash's /dev/tcp (no
# HTTP client needed in the guest); prints the body's last line or nothing.
fetch() {
	timeout 90 "$VMCTL" run "$1" -- timeout 10 bash -c "exec 3<>/dev/tcp/10.0.2.2/$2 &&
		printf 'GET / HTTP/1.0\r\nHost: h\r\n\r\n' >&3 && tail -n 1 <&3" 2>/dev/null
}

"$VMCTL" create quiet --label gray; ok $? "create quiet (net none, the default)"
"$VMCTL" create web --label orange --net nat; ok $? "create web --net nat"
is "$("$VMCTL" prefs web net)" "nat" "web's net is nat"
like "$("$VMCTL" list)" 'quiet +Halted .* none' "list shows quiet's NET column: none"
like "$("$VMCTL" list --json)" '"web": \{.*"net": "nat"' "list --json has net"

"$VMCTL" start quiet && "$VMCTL" start web; ok $? "start both"
links=$(timeout 90 "$VMCTL" run quiet -- sh -c 'ls /sys/class/net | tr "\n" " "')
is "$links" "lo " "quiet (none) has no interface but lo"
like "$(timeout 90 "$VMCTL" run web -- ip -4 -o addr show)" 'inet 10\.0\.2\.15/24' \
	"web (nat) has its address"
like "$(timeout 60 "$VMCTL" run web -- cat /etc/resolv.conf)" 'nameserver 10\.0\.2\.3' \
	"  and a resolv.conf naming passt's DNS forwarder"

is "$(fetch web "$PORT_A")" "body-a-$$" "web fetches from an HTTP server on the host's loopback"
is "$(fetch web "$PORT_B")" "body-b-$$" "  and from a second one"

# A download large enough that the guest (slow under TCG) cannot take it as fast as passt
# gets it from the host: every byte must still arrive, in order, and in reasonable time.
got=$(net_download_vm web "http://10.0.2.2:$PORT_A/big.bin" 300)
is "${got#* }" "$BIG_SUM" "web downloads $BIG_MIB MiB of random bytes, SHA-256 intact"
[ -n "$got" ] && diag "$BIG_MIB MiB in $((${got%% *} / 1000000)) ms"

is "$("$VMCTL" firewall web list --json)" '["allow *"]' "the default firewall allows everything"
"$VMCTL" firewall web add --before 1 "deny 10.0.2.2:$PORT_A/tcp"; ok $? "firewall add a deny rule"
is "$(fetch web "$PORT_A")" "" "  the denied port is unreachable, at once (no restart)"
is "$(fetch web "$PORT_B")" "body-b-$$" "  while the other port still works"
like "$(cat "$E2E_DIR/bulkheadd.log")" "Denied 10\.0\.2\.2 port $PORT_A proto 6" \
	"  and the denial is logged"
"$VMCTL" firewall web del 1; ok $? "firewall del the rule"
is "$(fetch web "$PORT_A")" "body-a-$$" "  the port is reachable again, without a restart"

"$VMCTL" firewall web reset && "$VMCTL" firewall web del 1 &&
	"$VMCTL" firewall web add "allow 10.0.2.2:$PORT_B"; ok $? "only port B allowed"
is "$(fetch web "$PORT_A")" "" "  unmatched traffic is denied"
is "$(fetch web "$PORT_B")" "body-b-$$" "  the allowed port works"

# A filter that dies takes its passt with it; bulkheadd starts a new pair, QEMU takes the new
# filter's connection, and the VM's network comes back with its rules.
filter=$(pgrep -f "net-filter --domain web .*$E2E_DIR")
old_passt=$(pgrep -P "$filter" -f "passt .*--fd 3")
kill -9 $filter
for _ in $(seq 1 100); do
	new=$(pgrep -f "net-filter --domain web .*$E2E_DIR")
	[ -n "$new" ] && [ "$new" != "$filter" ] && break
	sleep 0.1
done
ok "$([ -n "$new" ] && [ "$new" != "$filter" ]; echo $?)" "a killed net-filter is restarted"
is "$(fetch web "$PORT_B")" "body-b-$$" "  and the network works again"
is "$(fetch web "$PORT_A")" "" "  with the VM's rules"
is "$(pgrep -u nobody -f "passt .*--fd" -P "$new" | wc -l)" 1 "  with one passt, its child"
ok "$([ -n "$old_passt" ] && ! kill -0 "$old_passt" 2>/dev/null; echo $?)" \
	"  and the old passt ended with its filter"

# The filter is on the host: inside, the guest sees one plain NIC and nothing to reconfigure.
like "$(timeout 60 "$VMCTL" run web -- sh -c 'ls /sys/class/net | tr "\n" " "')" '^[a-z0-9]+ lo $|^lo [a-z0-9]+ $' \
	"web has one NIC beside lo"

web_passt=$(pgrep -P "$(pgrep -f "net-filter --domain web .*$E2E_DIR")" -f "passt .*--fd 3")
"$VMCTL" shutdown quiet --wait && "$VMCTL" shutdown web --wait; ok $? "shutdown both"
# The filter sees QEMU go, gives its passt up to 2 s to follow, and exits.
for _ in $(seq 1 50); do [ -z "$(net_pids)" ] && break; sleep 0.1; done
is "$(net_pids | wc -l)" 0 "no net-filter left after the VM stopped"
ok "$([ -n "$web_passt" ] && ! kill -0 "$web_passt" 2>/dev/null; echo $?)" "  nor its passt"
e2e_stop_bulkheadd
tap_done
