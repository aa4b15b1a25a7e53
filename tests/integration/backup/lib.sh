# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the backup tests: a private bulkheadd (tests/e2e/hypervisor/lib.sh), a
# passphrase file, and helpers that run vmctl backup with small Argon2id costs.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
command -v qemu-img >/dev/null || skip_all "qemu-img not installed (qemu-utils)"
command -v qemu-io >/dev/null || skip_all "qemu-io not installed (qemu-utils)"
e2e_skip_unless_possible
e2e_setup
PASS=$E2E_DIR/passphrase
printf 'correct horse battery staple\n' >"$PASS"
DEST=$E2E_DIR/dest

bk() { # bk ACTION ARGS...: vmctl backup with the test passphrase
	local action=$1
	shift
	"$VMCTL" backup "$action" --passphrase-file "$PASS" "$@"
}

bk_create() { bk create --kdf-memory 1M --kdf-ops 1 "$@"; }

volume() { echo "$BULKHEAD_STATE_DIR/vms/$1/private.qcow2"; }

# put_random VM OFFSET SIZE: write random bytes into the VM's volume, as the guest would.
put_random() {
	head -c "$3" /dev/urandom >"$E2E_DIR/random"
	qemu-io -f qcow2 -c "write -q -s $E2E_DIR/random $2 $3" "$(volume "$1")" >/dev/null
}

# json_field JSON KEY: a number from vmctl's one-line JSON.
json_field() { printf '%s' "$1" | grep -o "\"$2\": [0-9]*" | tail -1 | grep -o '[0-9]*$'; }

# same_volume A B: the same file byte for byte, and the same disk as QEMU reads it.
same_volume() {
	cmp -s "$1" "$2" && qemu-img compare -q -f qcow2 -F qcow2 "$1" "$2"
}

vm_count() { "$VMCTL" list | tail -n +2 | wc -l; }

# For the benchmarks: bench_volume VM MIB fills VM's volume with MIB MiB, half random bytes
# (media, already compressed data), half the host's shared libraries (compressible code).
bench_volume() {
	local raw=$E2E_DIR/bench.raw half=$(($2 / 2))
	truncate -s $(($2 + 64))M "$raw"
	head -c "${half}M" /dev/urandom | dd of="$raw" bs=1M conv=notrunc status=none
	find /usr/lib/x86_64-linux-gnu -type f -size +64k -print0 | sort -z | xargs -0 cat 2>/dev/null |
		head -c "${half}M" | dd of="$raw" bs=1M seek="$half" conv=notrunc status=none
	qemu-img convert -q -O qcow2 "$raw" "$(volume "$1")" && rm -f "$raw"
}

now() { date +%s%N; }
best() { # best VAR COMMAND...: the shortest of ROUNDS runs, in ns, into VAR
	local var=$1 b= t0 t
	shift
	for _ in $(seq 1 "${ROUNDS:-2}"); do
		t0=$(now)
		"$@" >/dev/null || return 1
		t=$(($(now) - t0))
		[ -z "$b" ] || [ "$t" -lt "$b" ] && b=$t
	done
	printf -v "$var" '%s' "$b"
}
ratio() { echo "scale=2; $1 / $2" | bc; }
mbs() { echo "scale=1; $1 * 1000 / $2" | bc; } # mbs BYTES NS -> MB/s
