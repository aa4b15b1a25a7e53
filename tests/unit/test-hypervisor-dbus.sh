#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# org.bulkhead.Manager1 as docs/interfaces.md fixes it, on a private bus, without booting a
# VM: introspection, typed properties, the registry in libvirt's metadata, and errors that
# name the VM. (Booting is the e2e suite's job.)
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
command -v dbus-daemon >/dev/null || skip_all "dbus-daemon not installed"
command -v busctl >/dev/null || skip_all "busctl not installed"
if [ "$(id -u)" -eq 0 ] && ! getent passwd libvirt-qemu >/dev/null; then
	skip_all "as root, libvirt's QEMU driver needs the libvirt-qemu user"
fi
e2e_setup
call() { busctl --user call org.bulkhead.Manager1 /org/bulkhead/Manager1 org.bulkhead.Manager1 "$@" 2>&1; }

intro=$(busctl --user introspect org.bulkhead.Manager1 /org/bulkhead/Manager1 2>&1)
for m in 'ListVMs +method +- +a\{sa\{sv\}\}' 'CreateVM +method +sa\{sv\}' 'RemoveVM +method +s ' \
	'Start +method +s ' 'Shutdown +method +sb ' 'Kill +method +s ' 'GetProperty +method +ss +v' \
	'SetProperty +method +ssv ' 'GetSystemInfo +method +- +s' 'StateChanged +signal +ss' \
	'GetFirewall +method +s +as' 'SetFirewall +method +sas '; do
	like "$intro" "\.$m" "introspection: ${m%% *}"
done

out=$(call CreateVM 'sa{sv}' work 4 label s blue memory u 300 tags as 2 mail trusted autostart b false)
is "$out" "" "CreateVM with typed properties"
out=$(call ListVMs)
like "$out" '"work" 10 "class" s "AppVM" "label" s "blue" "state" s "Halted" "template" s "host" "memory" u 300 "vcpus" u 1 "tags" as 2 "mail" "trusted" "default_dispvm" s "" "autostart" b false "net" s "none"' \
	"ListVMs returns a{sa{sv}} with every key"
is "$(call GetProperty ss work memory)" "v u 300" "GetProperty memory is a u"
is "$(call GetProperty ss work tags)" 'v as 2 "mail" "trusted"' "GetProperty tags is an as"
is "$(call SetProperty ssv work vcpus u 2)" "" "SetProperty with the typed value"
is "$(call SetProperty ssv work label s purple)" "" "SetProperty with a string"
is "$(call GetProperty ss work vcpus)" "v u 2" "  read back"
like "$(call SetProperty ssv work label s pink)" "VM 'work': invalid label 'pink'" "a bad label is refused, naming VM and value"
like "$(call SetProperty ssv work colour s red)" "'colour' is not a settable property" "an unknown key is refused"
like "$(call GetProperty ss nosuch memory)" "VM 'nosuch' does not exist" "unknown VM"
like "$(call Start s 'a/b')" "'a/b' is not a valid VM name" "invalid name"
like "$(call Shutdown sb work false)" "VM 'work' is not running" "Shutdown of a halted VM"
like "$(call Kill s work)" "VM 'work' is not running" "Kill of a halted VM"
like "$(call CreateVM 'sa{sv}' dom0 0)" "admin VM is the host" "dom0 is reserved"
like "$(call CreateVM 'sa{sv}' x 1 template s debian)" "template 'debian' does not exist" "unknown template"
like "$(call CreateVM 'sa{sv}' y 1 memory u 16)" "VM 'y': invalid memory '16'" "too little memory"
like "$(busctl --user call org.bulkhead.Manager1 /org/bulkhead/Manager1 org.bulkhead.Manager1 Start ss a b 2>&1)" \
	"Start takes \(s\)" "a wrong signature is an InvalidArgs error"
sys=$(call GetSystemInfo)
like "$sys" '\\"dom0\\": \{\\"type\\": \\"AdminVM\\"' "GetSystemInfo has dom0 as AdminVM"
like "$sys" '\\"work\\": \{\\"type\\": \\"AppVM\\", \\"tags\\": \[\\"mail\\", \\"trusted\\"\]' "  and work with its tags"

# The firewall, without a VM running: validated, kept in the VM's state dir, edited in place.
is "$(call GetFirewall s work)" 'as 1 "allow *"' "a VM without rules allows everything"
like "$(call SetFirewall sas work 2 'deny 10.0.2.2:8080/tcp' 'allow 10.0.0/8')" \
	"VM 'work': invalid firewall rule 'allow 10.0.0/8'" "SetFirewall refuses a bad rule, naming it"
is "$(call GetFirewall s work)" 'as 1 "allow *"' "  and saves none of the list"
like "$(call GetFirewall s nosuch)" "VM 'nosuch' does not exist" "GetFirewall of an unknown VM"
"$VMCTL" firewall work add deny 10.0.2.2:8080/tcp && "$VMCTL" firewall work add --before 1 \
	"allow localhost:80"; ok $? "vmctl firewall add, appended and inserted"
is "$("$VMCTL" firewall work list)" "$(printf '1\tallow localhost:80\n2\tallow *\n3\tdeny 10.0.2.2:8080/tcp')" \
	"  list shows them numbered, in order"
is "$("$VMCTL" firewall work list --json)" '["allow localhost:80", "allow *", "deny 10.0.2.2:8080/tcp"]' \
	"  list --json"
"$VMCTL" firewall work del "allow *" && "$VMCTL" firewall work del 1; ok $? "del by text and by number"
is "$(cat "$BULKHEAD_STATE_DIR/vms/work/firewall")" "deny 10.0.2.2:8080/tcp" "  the rules live in the state dir"
err=$("$VMCTL" firewall work del 5 2>&1); is "$?" 1 "del of a rule that is not there fails"
err=$("$VMCTL" firewall work add permit 1.2.3.4 2>&1); is "$?" 1 "add of a bad rule fails"
like "$err" "invalid firewall rule 'permit 1.2.3.4'" "  naming it"
"$VMCTL" firewall work reset; is "$("$VMCTL" firewall work list --json)" '["allow *"]' "reset: allow *"
is "$("$VMCTL" prefs work net)" "none" "a new VM's net is none"
all=$("$VMCTL" prefs work)
is "$(echo "$all" | awk '{ print $1 }' | tr '\n' ' ')" \
	"class state label template memory vcpus tags default_dispvm autostart menu template_for_dispvms preload_dispvm_max net internal " \
	"vmctl prefs VM lists every property bulkheadd keeps, and the state"
like "$all" "net +none" "  net among them, with its value"
"$VMCTL" create web --net nat; ok $? "create --net nat"
like "$("$VMCTL" list)" "web +Halted +AppVM +red +host +[0-9]+ +nat" "vmctl list shows NET"
err=$("$VMCTL" prefs web net wifi 2>&1); is "$?" 1 "net takes none or nat only"
"$VMCTL" remove web

# The registry is libvirt: a restarted bulkheadd reads the same VMs back from the metadata.
kill "$BULKHEADD_PID"; wait "$BULKHEADD_PID"
e2e_start_bulkheadd
is "$(call GetProperty ss work label)" 'v s "purple"' "properties survive a bulkheadd restart (libvirt metadata)"
is "$("$VMCTL" prefs work tags)" "mail,trusted" "vmctl prefs reads them"
"$VMCTL" prefs work tags web; is "$("$VMCTL" prefs work tags)" "web" "vmctl prefs sets them"
like "$(call GetSystemInfo)" '\\"work\\": \{[^}]*\\"internal\\": false' "work is not internal by default"
"$VMCTL" prefs work internal true
is "$("$VMCTL" prefs work internal)" "true" "vmctl prefs marks a VM internal"
like "$(call GetSystemInfo)" '\\"work\\": \{[^}]*\\"internal\\": true' "  and the policy's system info says so"
"$VMCTL" prefs work internal false
mkdir -p "$BULKHEAD_STATE_DIR/vms/work"
printf 'boot ok\r\n\033]0;pwned\007\033[2J\n' >"$BULKHEAD_STATE_DIR/vms/work/console.log"
is "$("$VMCTL" console work | tr -d '\r')" "$(printf 'boot ok\n\\x1b]0;pwned\\x07\\x1b[2J')" \
	"vmctl console shows the VM's terminal escapes as text, never sends them"
err=$("$VMCTL" prefs work memory lots 2>&1); is "$?" 1 "vmctl prefs with a bad value exits 1"
like "$err" "^vmctl: prefs: VM 'work': invalid memory 'lots'$" "  with one line naming VM, key and value"
err=$("$VMCTL" start 2>&1); is "$?" 2 "vmctl start without a name is a usage error"
err=$("$VMCTL" remove nosuch 2>&1); is "$?" 1 "vmctl remove of an unknown VM fails"
like "$err" "VM 'nosuch' does not exist" "  naming it"
"$VMCTL" create big --memory 65536; ok $? "create a VM with 64 GiB"
err=$("$VMCTL" start big 2>&1); is "$?" 1 "starting it on a smaller machine fails"
like "$err" "^vmctl: start: Not enough memory to start VM 'big': it needs [0-9]+ MiB, [0-9]+ MiB available$" \
	"  naming the VM, what it needs and what is available"
like "$(dbus-send --session --print-reply --dest=org.bulkhead.Manager1 /org/bulkhead/Manager1 \
	org.bulkhead.Manager1.Start string:big 2>&1)" "^Error org\.bulkhead\.Error\.NoMemory: Not enough memory" \
	"  as org.bulkhead.Error.NoMemory"
like "$(dbus-send --session --print-reply --dest=org.bulkhead.Manager1 /org/bulkhead/Manager1 \
	org.bulkhead.Manager1.Kill string:nosuch 2>&1)" "^Error org\.bulkhead\.Error\.NoSuchVM: VM 'nosuch' does not exist" \
	"an unknown VM is org.bulkhead.Error.NoSuchVM"
"$VMCTL" remove big
is "$(call RemoveVM s work)" "" "RemoveVM"
is "$(call ListVMs)" "a{sa{sv}} 0" "no VMs left"
e2e_stop_bulkheadd
err=$(DBUS_SESSION_BUS_ADDRESS=unix:path=$E2E_DIR/nobus "$VMCTL" list 2>&1); is "$?" 1 "vmctl without a bus exits 1"
like "$err" "^vmctl: list: cannot " "  and says so"

# D-Bus activation with the packaged service file (its Exec pointed at the build tree): the
# first call on a fresh bus starts bulkheadd.
kill "$(cat "$E2E_DIR/bus.pid")"
mkdir -p "$E2E_DIR/services"
sed "s|@libexecdir@/bulkheadd|$BULKHEADD|" \
	"$BULKHEAD_SOURCE_ROOT/packaging/dbus/org.bulkhead.Manager1.service.in" \
	>"$E2E_DIR/services/org.bulkhead.Manager1.service"
cat >"$E2E_DIR/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$E2E_DIR/bus2</listen>
  <servicedir>$E2E_DIR/services</servicedir>
  <auth>EXTERNAL</auth>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
CONF
dbus-daemon --config-file="$E2E_DIR/bus.conf" --fork --print-pid=4 4>"$E2E_DIR/bus.pid"
export DBUS_SESSION_BUS_ADDRESS=unix:path=$E2E_DIR/bus2
out=$("$VMCTL" list --json 2>&1); is "$out" "{}" "the first vmctl call activates bulkheadd through the service file"
pid=$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
	org.freedesktop.DBus.GetConnectionUnixProcessID string:org.bulkhead.Manager1 | awk '{print $2}')
like "$(cat "/proc/$pid/cmdline" 2>/dev/null | tr '\0' ' ')" "^$BULKHEADD" "  the name's owner is bulkheadd"
kill "$pid"
tap_done
