# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the networking tests and benchmark: HTTP servers on the host's loopback (the
# only servers these tests ever talk to) and timed, hashed downloads on the host and in a VM.
# Source after lib.sh and e2e_setup; net_cleanup stops the servers.

NET_HTTP_PIDS=

net_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# net_serve DIR PORT: an HTTP server for DIR on 127.0.0.1:PORT.
net_serve() {
	mkdir -p "$1"
	python3 -m http.server --bind 127.0.0.1 --directory "$1" "$2" >/dev/null 2>&1 &
	NET_HTTP_PIDS="$NET_HTTP_PIDS $!"
	for _ in $(seq 1 50); do
		(exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# net_random_file FILE MIB: MIB MiB of random bytes (nothing along the way can compress them).
net_random_file() {
	head -c "$(($2 * 1024 * 1024))" /dev/urandom >"$1"
}

# The download both sides run: curl into sha256sum, timed around curl alone. Prints
# "NANOSECONDS SHA256" (nothing if the transfer failed or was cut).
NET_DOWNLOAD='t0=$(date +%s%N); h=$(curl -sSf --max-time "$2" "$1" | sha256sum) &&
	echo "$(($(date +%s%N) - t0)) ${h%% *}"'

# net_download_host URL SECONDS / net_download_vm VM URL SECONDS
net_download_host() {
	bash -c "$NET_DOWNLOAD" sh "$1" "$2"
}
net_download_vm() {
	timeout $(($3 + 60)) "$VMCTL" run "$1" -- bash -c "$NET_DOWNLOAD" sh "$2" "$3"
}

net_cleanup() {
	[ -n "$NET_HTTP_PIDS" ] && kill $NET_HTTP_PIDS 2>/dev/null
	NET_HTTP_PIDS=
}
