/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net-filter: one per running `nat` VM, between the VM's NIC and its passt. QEMU listens on
 * the guest socket (-netdev stream,server=on); passt is this process's child, on one end of a
 * socketpair (passt --fd), so it needs no socket file it could not create once it has dropped
 * to `nobody`, and it lives and dies with this link. Both speak frames as a 4-byte big-endian
 * length and an Ethernet frame. Every frame from the guest is parsed
 * (net-frame.c) and matched against the VM's rules (net-rules.c) before passt sees it; passt's
 * bytes go to the guest as they are (passt only answers what the guest began: no port is
 * forwarded inbound). Each direction has a queue: a slow side is buffered for, then no longer
 * read from; no frame is ever dropped for lack of room, or cut.
 *
 *   net-filter --domain NAME --guest SOCK --passt PASST-PROGRAM --rules FILE
 *
 * SIGHUP re-reads FILE, the compiled rules bulkheadd writes: a change holds for the next
 * packet, for flows already open too, since every packet is judged, not only a flow's first.
 *
 * Trust: the guest's frames are hostile; the rules file and passt are the host's. A rules file
 * that is missing or does not parse denies everything. A framing error from the guest ends
 * the process (only this VM's link); bulkheadd restarts it. Once both links are up it runs in
 * its sandbox (common/sandbox-profiles.c): no socket, no exec, no kill, only the rules' dir.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"
#include "log.h"
#include "macro.h"
#include "net.h"
#include "sandbox.h"
#include "strutil.h"
#include "unaligned.h"
#include "validate.h"

#define CONNECT_TIMEOUT_MS 20000
#define RULES_FILE_MAX (NET_RULES_MAX * (NET_RULE_TEXT_MAX + 1))
#define DENY_LOGS_PER_LOAD 20

/* The buffers, sized so that passt never finds its socket full while the guest's TCP windows
 * are open: passt drops a frame it cannot write at once (its TCP then waits for a timeout to
 * send it again), so here a slow guest must mean queued bytes, not lost frames. Most of
 * TO_GUEST is never touched (malloc maps it lazily). */
#define TO_GUEST_QUEUE (4u << 20)
#define FROM_GUEST_QUEUE (256u << 10)
#define TO_PASST_QUEUE (1u << 20)
#define PASST_SNDBUF (4 << 20) /* passt's end of the socketpair: the kernel's share of the above */
#define FRAME_BUF (4 + NET_FRAME_MAX)

struct filter {
	const char *domain, *guest_path, *passt_exe, *rules_path;
	int guest_fd, passt_fd, sig_fd;
	pid_t passt_pid;
	struct net_ruleset rules;
	unsigned long passed, denied, dropped;
	/* guest -> from_guest -> (judged, one whole frame at a time) -> to_passt -> passt;
	 * passt -> to_guest -> guest, as it is: passt's framing is the host's, and QEMU checks it. */
	struct net_queue from_guest, to_passt, to_guest;
	uint8_t frame[FRAME_BUF];
};

static void load_rules(struct filter *f)
{
	_cleanup_free_ char *text = NULL;
	size_t line = 0;
	int r = fd_read_file(AT_FDCWD, f->rules_path, RULES_FILE_MAX, &text, NULL);

	if (r >= 0)
		r = net_ruleset_parse(text, true, &f->rules, &line);
	if (r < 0) {
		f->rules.n = 0;
		log_error_errno(r, "%s:%zu: cannot load the rules, denying everything: %m",
				f->rules_path, line);
		return;
	}
	log_info("Loaded %zu rules from %s", f->rules.n, f->rules_path);
	f->denied = 0;
}

static int connect_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (str_copy(sa.sun_path, sizeof(sa.sun_path), path) < 0)
		return -ENAMETOOLONG;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return TAKE_FD(fd);
}

/* QEMU may still be setting up its socket when bulkheadd starts us. */
static int connect_retry(const char *path)
{
	struct timespec pause = { .tv_nsec = 50 * 1000 * 1000 };
	int fd = -ENOENT;

	for (int waited = 0; waited < CONNECT_TIMEOUT_MS; waited += 50) {
		fd = connect_unix(path);
		if (fd >= 0 || (fd != -ENOENT && fd != -ECONNREFUSED))
			break;
		nanosleep(&pause, NULL);
	}
	if (fd < 0)
		return log_error_errno(fd, "Cannot connect to %s: %m", path);
	return fd;
}

static void log_denied(struct filter *f, const struct net_packet *p)
{
	uint32_t a = p->daddr;

	if (++f->denied > DENY_LOGS_PER_LOAD)
		return;
	log_info("Denied %u.%u.%u.%u port %u proto %u%s", a >> 24, (a >> 16) & 0xff,
		 (a >> 8) & 0xff, a & 0xff, p->dport, p->proto,
		 f->denied == DENY_LOGS_PER_LOAD ? " (further denials not logged)" : "");
}

/* The verdict on one guest frame: does it go on to passt? */
static bool allowed(struct filter *f, const uint8_t *untrusted_frame, size_t len)
{
	struct net_packet p;
	int kind = net_frame_parse(untrusted_frame, len, &p);

	if (kind == NET_FRAME_ARP)
		return true;
	if (kind != NET_FRAME_IPV4) {
		f->dropped++;
		return false;
	}
	if (net_ruleset_decide(&f->rules, &p) == NET_ALLOW)
		return true;
	log_denied(f, &p);
	return false;
}

/* Move every whole frame the guest has sent through the filter, as long as to_passt has room
 * for it; what does not fit waits in from_guest, and the guest is not read meanwhile. */
static int judge_frames(struct filter *f)
{
	uint32_t len;

	while (net_queue_peek(&f->from_guest, f->frame, 4) == 4) {
		len = unaligned_read_be32(f->frame);
		if (len < NET_FRAME_MIN || len > NET_FRAME_MAX)
			return -EBADMSG;
		if (f->from_guest.len < 4 + len || net_queue_room(&f->to_passt) < 4 + len)
			return 0;
		net_queue_peek(&f->from_guest, f->frame, 4 + len);
		net_queue_consume(&f->from_guest, 4 + len);
		if (allowed(f, f->frame + 4, len)) {
			net_queue_push(&f->to_passt, f->frame, 4 + len);
			f->passed++;
		}
	}
	return 0;
}

/* Read into a queue or write from it; a peer with nothing to give or no room is no error. */
static int move(ssize_t (*op)(struct net_queue *, int), struct net_queue *q, int fd)
{
	ssize_t r = op(q, fd);

	return r < 0 && r != -EAGAIN ? (int)r : 0;
}

/* What to wait for: a side is read only while its bytes have somewhere to go (for the guest,
 * room for one more whole frame in to_passt), and written while there is something for it. */
static void set_events(const struct filter *f, struct pollfd *guest, struct pollfd *passt)
{
	bool guest_in =
		net_queue_room(&f->from_guest) > 0 && net_queue_room(&f->to_passt) >= FRAME_BUF;

	*guest = (struct pollfd){ .fd = f->guest_fd,
				  .events = (guest_in ? POLLIN : 0) |
					    (f->to_guest.len ? POLLOUT : 0) };
	*passt = (struct pollfd){ .fd = f->passt_fd,
				  .events = (net_queue_room(&f->to_guest) ? POLLIN : 0) |
					    (f->to_passt.len ? POLLOUT : 0) };
}

/* One round: read what is ready, judge, then write what is queued (at once: a write that finds
 * the peer full just waits for POLLOUT next round). A peer that hung up ends the link. */
static int pump(struct filter *f, const struct pollfd *guest, const struct pollfd *passt)
{
	int r = 0;

	if ((guest->revents | passt->revents) & (POLLHUP | POLLERR | POLLNVAL))
		return -ECONNRESET;
	if (guest->revents & POLLIN)
		r = move(net_queue_read, &f->from_guest, f->guest_fd);
	if (r == 0 && (passt->revents & POLLIN))
		r = move(net_queue_read, &f->to_guest, f->passt_fd);
	if (r == 0)
		r = judge_frames(f);
	if (r == 0 && f->to_passt.len)
		r = move(net_queue_write, &f->to_passt, f->passt_fd);
	if (r == 0 && f->to_guest.len)
		r = move(net_queue_write, &f->to_guest, f->guest_fd);
	/* to_passt may have made room for a frame waiting in from_guest */
	return r == 0 ? judge_frames(f) : r;
}

/* SIGHUP reloads; SIGTERM and SIGINT end the loop (a positive return). */
static int on_signal(struct filter *f)
{
	struct signalfd_siginfo si;

	if (read(f->sig_fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return 0;
	if (si.ssi_signo != SIGHUP)
		return 1;
	load_rules(f);
	return 0;
}

/* Neither side can wedge the other: a peer that stops reading (the guest's RX ring full under
 * emulation) fills only its own direction's queue, and then only that direction's sender is no
 * longer read; the kernel's socket buffers and QEMU's queues hold the rest, losing nothing. */
static int run(struct filter *f)
{
	struct pollfd pfd[3] = { { .fd = f->sig_fd, .events = POLLIN } };
	int r = 0;

	while (r == 0) {
		set_events(f, &pfd[1], &pfd[2]);
		if (poll(pfd, ELEMENTSOF(pfd), -1) < 0) {
			r = errno == EINTR ? 0 : -errno;
			continue;
		}
		if (pfd[0].revents)
			r = on_signal(f);
		if (r == 0)
			r = pump(f, &pfd[1], &pfd[2]);
	}
	log_info("Passed %lu frames, dropped %lu malformed or non-IPv4 ones", f->passed,
		 f->dropped);
	return r;
}

static int make_signalfd(void)
{
	sigset_t mask;
	int fd;

	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	/* SIGPIPE stays blocked, never read: a peer gone shows as EPIPE from write. */
	sigdelset(&mask, SIGPIPE);
	fd = signalfd(-1, &mask, SFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* passt with the link's fixed addresses and MTU (net.h), IPv4 only, nothing forwarded inbound, no
 * DHCP or NDP (the guest init configures itself), the gateway mapped to the host's loopback
 * (its default), DNS queries to NET_DNS_ADDR forwarded to the host's resolver. */
static const char *const passt_options[] = {
	"--foreground",	 "--quiet",    "--stderr",    "--ipv4-only",
	"--fd",		 "3",	       "--address",   NET_GUEST_ADDR,
	"--netmask",	 "24",	       "--gateway",   NET_GATEWAY_ADDR,
	"--mtu",	 NET_MTU,      "--dns",	      NET_DNS_ADDR,
	"--dns-forward", NET_DNS_ADDR, "--tcp-ports", "none",
	"--udp-ports",	 "none",       "--no-dhcp",   "--no-ndp",
	"--no-dhcpv6",	 "--no-ra",
};

static _noreturn_ void exec_passt(struct filter *f, int fd)
{
	const char *argv[ELEMENTSOF(passt_options) + 2] = { f->passt_exe };
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	/* passt gets its end as fd 3 and nothing else of ours (or of what bulkheadd leaked). */
	if ((fd == 3 ? fcntl(fd, F_SETFD, 0) : dup2(fd, 3)) < 0 || close_range(4, ~0U, 0) < 0)
		_exit(127);
	memcpy(argv + 1, passt_options, sizeof(passt_options));
	execv(f->passt_exe, (char *const *)argv);
	log_error_errno(errno, "Cannot run %s: %m", f->passt_exe);
	_exit(127);
}

static int start_passt(struct filter *f)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return log_error_errno(errno, "socketpair: %m");
	/* Above the default (about 200 KiB), within net.core.wmem_max: see TO_GUEST_QUEUE. */
	if (setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &(int){ PASST_SNDBUF }, sizeof(int)) < 0)
		log_warning_errno(errno, "Cannot enlarge passt's socket buffer: %m");
	f->passt_pid = fork();
	if (f->passt_pid == 0)
		exec_passt(f, sv[1]);
	close(sv[1]);
	if (f->passt_pid < 0) {
		close(sv[0]);
		return log_error_errno(errno, "fork for passt: %m");
	}
	f->passt_fd = sv[0];
	log_info("Started passt (pid %d)", (int)f->passt_pid);
	return 0;
}

/* passt ends when its end of the socketpair closes (the sandbox allows no kill): reap it, but
 * never hang bulkheadd's wait for this process on a passt that does not. */
static void stop_passt(struct filter *f)
{
	struct timespec pause = { .tv_nsec = 20 * 1000 * 1000 };

	if (f->passt_pid <= 0)
		return;
	close(f->passt_fd);
	f->passt_fd = -1;
	for (int i = 0; i < 100 && waitpid(f->passt_pid, NULL, WNOHANG) == 0; i++)
		nanosleep(&pause, NULL);
	f->passt_pid = 0;
}

static int start_links(struct filter *f)
{
	int r = fd_set_nonblock(f->guest_fd, true);

	if (r >= 0)
		r = fd_set_nonblock(f->passt_fd, true);
	if (r < 0)
		return log_error_errno(r, "Cannot make the links non-blocking: %m");
	r = net_queue_init(&f->from_guest, FROM_GUEST_QUEUE);
	if (r >= 0)
		r = net_queue_init(&f->to_passt, TO_PASST_QUEUE);
	if (r >= 0)
		r = net_queue_init(&f->to_guest, TO_GUEST_QUEUE);
	if (r < 0)
		return log_error_errno(r, "Cannot allocate the link's buffers: %m");
	return 0;
}

/* Everything is open and passt started: from here on the two sockets, and reading the rules'
 * directory (the file is replaced by a rename, so its directory, not its inode, is granted). */
static int enter_sandbox(struct filter *f)
{
	_cleanup_free_ char *dir = strdup(f->rules_path);
	struct sandbox_path rules = { dir ? dirname(dir) : NULL, SANDBOX_FS_READ };
	struct sandbox_status st;
	int r = dir ? sandbox_apply(&sandbox_profile_net_filter, &rules, 1, &st) : -ENOMEM;

	if (r < 0)
		return log_error_errno(r, "Cannot enter the sandbox: %m");
	if (st.landlock_abi == 0)
		log_notice("This kernel has no Landlock: file access is limited by seccomp only.");
	return 0;
}

static int parse_args(int argc, char **argv, struct filter *f)
{
	static const struct option opts[] = { { "domain", required_argument, NULL, 'd' },
					      { "guest", required_argument, NULL, 'g' },
					      { "passt", required_argument, NULL, 'p' },
					      { "rules", required_argument, NULL, 'r' },
					      {} };
	const char **dst[] = { ['d'] = &f->domain,
			       ['g'] = &f->guest_path,
			       ['p'] = &f->passt_exe,
			       ['r'] = &f->rules_path };
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == '?')
			return -EINVAL;
		*dst[c] = optarg;
	}
	if (optind != argc || !f->domain || !f->guest_path || !f->passt_exe || !f->rules_path)
		return -EINVAL;
	return vm_name_is_valid(f->domain) ? 0 : -EINVAL;
}

int main(int argc, char **argv)
{
	static struct filter f = { .guest_fd = -1, .passt_fd = -1 };
	char ident[64];
	int r;

	log_parse_environment();
	if (parse_args(argc, argv, &f) < 0) {
		log_error(
			"usage: net-filter --domain NAME --guest SOCK --passt PROGRAM --rules FILE");
		return 2;
	}
	snprintf(ident, sizeof(ident), "net-filter[%s]", f.domain);
	log_set_ident(ident);
	f.sig_fd = make_signalfd();
	if (f.sig_fd < 0)
		return log_error_errno(f.sig_fd, "signalfd: %m"), 1;
	load_rules(&f);
	f.guest_fd = connect_retry(f.guest_path);
	if (f.guest_fd < 0 || start_passt(&f) < 0)
		return 1;
	if (start_links(&f) < 0 || enter_sandbox(&f) < 0) {
		stop_passt(&f);
		return 1;
	}
	r = run(&f);
	if (r < 0)
		log_error_errno(r, "Link of VM %s ended: %m", f.domain);
	stop_passt(&f);
	net_queue_free(&f.from_guest);
	net_queue_free(&f.to_passt);
	net_queue_free(&f.to_guest);
	return r < 0 ? 1 : 0;
}
