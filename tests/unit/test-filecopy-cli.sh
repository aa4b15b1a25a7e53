#!/bin/bash
# The filecopy programs as a user (and the broker) runs them: filecopy-send, filecopy-receive,
# the bulkhead.Filecopy service, vm-copy-to / vm-move-to: exit codes and messages.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
send=$1 recv=$2 service=$3 copyto=$4 moveto=$5 vmctl=$6

work=$(mktemp -d "${TMPDIR:-/tmp}/bulkhead-test-cli-XXXXXX")
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
mkdir -p src/tree/sub in
printf 'hello\n' >src/tree/a.txt
printf 'deep\n' >src/tree/sub/b.txt
ln -s ../a.txt src/tree/sub/link
: >src/empty

# Run the receiver on one end of two FIFOs and the sender on the other: "$@" are receiver args.
pipe_copy() { # pipe_copy SENDER-ARGS... -- RECEIVER-ARGS...
	local sargs=() rargs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do sargs+=("$1"); shift; done
	shift
	rargs=("$@")
	rm -f s2r r2s
	mkfifo s2r r2s
	"$recv" "${rargs[@]}" <s2r >r2s 2>recv.err &
	local rpid=$!
	"$send" "${sargs[@]}" >s2r <r2s 2>send.err
	send_status=$?
	wait $rpid
	recv_status=$?
}

# --- stand-alone: stream to a file, receive from the file ---
"$send" src/tree src/empty >stream </dev/null 2>send.err; is "$?" 0 "filecopy-send FILE... > stream exits 0"
"$recv" --incoming in --source work <stream >reply 2>recv.err; is "$?" 0 "filecopy-receive < stream exits 0"
is "$(stat -c %s reply)" 20 "  the reply is 20 bytes (code, pad, crc, empty name)"
diff -r src/tree in/work/tree >/dev/null; is "$?" 0 "  the tree arrived in DIR/VM/"
is "$(readlink in/work/tree/sub/link)" "../a.txt" "  with its relative link"
like "$(cat recv.err)" "(own user\+mount namespace|without a namespace)" "  it logs which sandbox it used"

# --- both directions over pipes, as the broker connects them ---
pipe_copy --summary src/tree -- --incoming in --source work
is "$send_status" 0 "sender with a reply on stdin exits 0"
is "$recv_status" 0 "  and the receiver too"
ok "$([ -f 'in/work/tree (1)/a.txt' ]; echo $?)" "  an existing name is kept: the copy is 'tree (1)'"
like "$(cat send.err)" "kept beside them \(e\.g\. 'tree \(1\)'\)" "  and the sender is told"
like "$(cat send.err)" "^Copied [0-9]+ items \(.*\) in [0-9.]+ s \(.*/s\)\.$" "  one-line summary"

# --- refusals ---
pipe_copy src/tree -- --incoming in --source work --max-files 2
is "$send_status" 1 "over --max-files: the sender exits 1"
is "$recv_status" 1 "  the receiver exits 1"
like "$(cat send.err)" "larger than the target VM accepts" "  with a sentence a person understands"
like "$(cat recv.err)" "Receiving from work failed" "  the receiver logs the failure"

printf 'max_bytes = 3\n' >limits.conf
pipe_copy src/tree -- --incoming in --source work --config limits.conf
is "$send_status" 1 "max_bytes from --config is enforced"
BULKHEAD_FILECOPY_MAX_BYTES=3 pipe_copy src/tree -- --incoming in --source work
is "$send_status" 1 "max_bytes from the environment is enforced"

printf 'max_bites = 3\n' >bad.conf
"$recv" --incoming in --source work --config bad.conf </dev/null >/dev/null 2>err; is "$?" 2 "a bad config line exits 2"
like "$(cat err)" "bad.conf:1" "  naming the file and line"

# A hostile stream: a name with a bidi override (U+202E) and an escape sequence (14 bytes).
{
	printf '\x0f\0\0\0\xa4\x81\0\0\x02\0\0\0\0\0\0\0' # namelen 15, 0100644, 2 bytes
	head -c 16 /dev/zero                                           # times
	printf 'gpj\xe2\x80\xae.exe\x1b[2J\0OK'
	head -c 32 /dev/zero # end marker
} >hostile
"$recv" --incoming in --source evil <hostile >reply 2>recv.err; is "$?" 1 "a hostile name: the receiver exits 1"
is "$(od -An -tu4 -N4 reply | tr -d ' ')" 84 "  the reply carries EILSEQ (84)"
ok "$(grep -q $'\x1b' recv.err; [ $? -ne 0 ]; echo $?)" "  the log line has no raw escape byte"
is "$(find in/evil -type f | wc -l)" 0 "  nothing was written"

head -c 100 stream >cut
"$recv" --incoming in --source cut <cut >reply 2>/dev/null; is "$?" 1 "a cut stream: exit 1"
is "$(od -An -tu4 -N4 reply | tr -d ' ')" 121 "  the reply is EREMOTEIO"

# --- usage ---
"$recv" --incoming in </dev/null >/dev/null 2>err; is "$?" 2 "filecopy-receive without --source exits 2"
"$recv" --incoming in --source '../x' </dev/null >/dev/null 2>err; is "$?" 2 "an invalid VM name exits 2"
"$send" >/dev/null 2>err </dev/null; is "$?" 2 "filecopy-send without files exits 2"
"$send" nosuch >/dev/null 2>err </dev/null; is "$?" 1 "a missing file exits 1"
like "$(cat err)" "cannot send 'nosuch': No such file" "  naming it"
"$send" --move src/empty >/dev/null 2>err </dev/null; is "$?" 2 "--move without a reply channel exits 2"
ok "$([ -e src/empty ]; echo $?)" "  and deletes nothing"
mkfifo fifo
"$send" fifo >/dev/null 2>err </dev/null; is "$?" 1 "a FIFO argument exits 1"
like "$(cat err)" "only files, directories and symbolic links" "  explaining why"

# --- the service: source from QREXEC_REMOTE_DOMAIN, files in ~/Incoming/<source>/ ---
HOME=$work/home QREXEC_REMOTE_DOMAIN=work BULKHEAD_FILECOPY_RECEIVE=$recv sh "$service" <stream >reply 2>/dev/null
is "$?" 0 "bulkhead.Filecopy receives into ~/Incoming/\$QREXEC_REMOTE_DOMAIN"
ok "$([ -f home/Incoming/work/tree/a.txt ]; echo $?)" "  the files are there"
HOME=$work/home QREXEC_REMOTE_DOMAIN= BULKHEAD_FILECOPY_RECEIVE=$recv sh "$service" <stream >/dev/null 2>err; is "$?" 2 "  and refuses to run without it"

# --- vm-copy-to / vm-move-to over a stand-in transport (FIFOs in place of qrexec) ---
cat >qrexec-client-vm <<SH
#!/bin/bash
# TARGET SERVICE PROGRAM ARGS...: connect PROGRAM to "$recv" as the target's service would be.
target=\$1; shift 2
rm -f t1 t2; mkfifo t1 t2
HOME=$work/home "$recv" --incoming "$work/home/Incoming" --source src-vm <t1 >t2 2>/dev/null &
"\$@" >t1 <t2; st=\$?; wait; exit \$st
SH
chmod +x qrexec-client-vm
export BULKHEAD_QREXEC_CLIENT_VM=$work/qrexec-client-vm BULKHEAD_FILECOPY_SEND=$send
cp -r src/tree movetree
"$copyto" personal src/tree 2>err; is "$?" 0 "vm-copy-to VM DIR exits 0"
ok "$([ -f home/Incoming/src-vm/tree/sub/b.txt ]; echo $?)" "  the files arrive"
"$moveto" personal movetree 2>err; is "$?" 0 "vm-move-to VM DIR exits 0"
ok "$([ ! -e movetree ] && [ -f home/Incoming/src-vm/movetree/a.txt ]; echo $?)" \
	"  the source is gone only after it arrived"
cp -r src/tree movetree
BULKHEAD_FILECOPY_MAX_FILES=1 "$moveto" personal movetree 2>err
is "$?" 1 "vm-move-to that fails exits 1"
ok "$([ -f movetree/sub/b.txt ]; echo $?)" "  and keeps the sources"
"$copyto" personal does-not-exist 2>err; is "$?" 1 "vm-copy-to with a missing file exits 1"
like "$(cat err)" "cannot access 'does-not-exist'" "  before any call"
"$copyto" 'bad/name' src/tree 2>err; is "$?" 2 "vm-copy-to with an invalid VM name exits 2"
"$copyto" 2>err; is "$?" 2 "vm-copy-to without arguments exits 2"
"$copyto" --help | grep -q 'Usage: vm-copy-to'; is "$?" 0 "vm-copy-to --help"

# --- vmctl copy/move on the host: SRC's agent runs vm-copy-to through the broker ---
err=$("$vmctl" copy src/tree work- 2>&1); is "$?" 2 "vmctl copy FILE work- exits 2"
like "$err" "quote it, as in 'work->personal', or use --from work --to DST" \
	"  explaining that the shell took '>'"
err=$("$vmctl" copy src/tree 2>&1); is "$?" 2 "vmctl copy without a direction exits 2"
err=$("$vmctl" copy --from work src/tree 2>&1); is "$?" 2 "--from without --to exits 2"
err=$("$vmctl" copy src/tree 'work->work' 2>&1); is "$?" 2 "copying a VM to itself exits 2"
err=$("$vmctl" copy src/tree 'work->bad/vm' 2>&1); is "$?" 2 "an invalid VM name exits 2"
err=$("$vmctl" copy 'work->personal' 2>&1); is "$?" 2 "no FILE exits 2"
export BULKHEAD_RUNTIME_DIR=$work/run
mkdir -p run/qrexec
err=$("$vmctl" copy src/tree 'work->personal' 2>&1); is "$?" 1 "a VM that is not running exits 1"
like "$err" "VM 'work' is not running" "  saying so"
: >run/qrexec/work.sock
cat >qrexec-client <<SH
#!/bin/bash
# -d VM --command PROGRAM ARGS...: run it here, as the agent would in VM (build-tree programs).
printf '%s\n' "\$*" >>"$work/qrexec-client.log"
shift 3; prog=\$(basename "\$1"); shift
exec "\$(dirname "$copyto")/\$prog" "\$@"
SH
chmod +x qrexec-client
export BULKHEAD_QREXEC_CLIENT=$work/qrexec-client
rm -rf home/Incoming/src-vm
"$vmctl" copy src/tree 'work->personal' 2>err; is "$?" 0 "vmctl copy FILE 'work->personal' exits 0"
like "$(cat qrexec-client.log)" "^-d work --command .*/vm-copy-to --summary -- personal src/tree$" \
	"  asking work's agent to run vm-copy-to personal FILE"
ok "$([ -f home/Incoming/src-vm/tree/sub/b.txt ]; echo $?)" "  and the files arrive"
like "$(cat err)" "^Copied [0-9]+ items" "  with a one-line summary"
cp -r src/tree movetree
"$vmctl" move --from work --to personal movetree 2>err; is "$?" 0 "vmctl move --from --to exits 0"
like "$(tail -1 qrexec-client.log)" "vm-move-to --summary -- personal movetree$" "  through vm-move-to"
ok "$([ ! -e movetree ]; echo $?)" "  the source is gone"

tap_done
