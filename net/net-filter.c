/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net-filter: one per running `nat` VM, between the VM's NIC and its passt. QEMU listens on
 * the guest socket (-netdev stream,server=on); passt is this process's child, on one end of a
 * socketpair (passt --fd), so it needs no socket file it could not create once it has dropped
 * to `nobody`, and it lives and dies with this link. Both speak frames as a 4-byte big-endian
 * length and an Ethernet frame. Every frame from the guest is parsed
 * (net-frame.c) and matched against the VM's rules (net-rules.c) before passt sees it; frames
 * from passt go to the guest as they are (passt only answers what the guest began: no port is
 * forwarded inbound).
 *
 *   net-filter --domain NAME --guest SOCK --passt PASST-PROGRAM --rules FILE
 *
 * SIGHUP re-reads FILE, the compiled rules bulkheadd writes: a change holds for the next
 * packet, for flows already open too, since every packet is judged, not only a flow's first.
 *
 * Trust: the guest's frames are hostile; the rules file and passt are the host's. A rules file
 * that is missing or does not parse denies everything. A framing error from either peer ends
 * the process (only this VM's link); bulkheadd restarts it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
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
#include "strutil.h"
#include "unaligned.h"
#include "validate.h"

#define CONNECT_TIMEOUT_MS 20000
#define RULES_FILE_MAX (NET_RULES_MAX * (NET_RULE_TEXT_MAX + 1))
#define DENY_LOGS_PER_LOAD 20

struct filter {
	const char *domain, *guest_path, *passt_exe, *rules_path;
	int guest_fd, passt_fd, sig_fd;
	pid_t passt_pid;
	struct net_ruleset rules;
	unsigned long passed, denied, dropped;
	uint8_t frame[4 + NET_FRAME_MAX];
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

/* One frame into f->frame (length prefix included); 0 at a clean EOF, else its total size. */
static ssize_t read_frame(struct filter *f, int fd)
{
	ssize_t k = fd_read_full(fd, f->frame, 4);
	uint32_t len;

	if (k <= 0)
		return k;
	if (k < 4)
		return -EPIPE;
	len = unaligned_read_be32(f->frame);
	if (len < NET_FRAME_MIN || len > NET_FRAME_MAX)
		return -EBADMSG;
	k = fd_read_exact(fd, f->frame + 4, len);
	return k < 0 ? k : (ssize_t)len + 4;
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
static bool allowed(struct filter *f, size_t len)
{
	struct net_packet p;
	int kind = net_frame_parse(f->frame + 4, len, &p);

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

static int from_guest(struct filter *f)
{
	ssize_t n = read_frame(f, f->guest_fd);

	if (n <= 0)
		return n == 0 ? -ECONNRESET : (int)n;
	if (!allowed(f, (size_t)n - 4))
		return 0;
	f->passed++;
	return fd_write_all(f->passt_fd, f->frame, (size_t)n);
}

static int from_passt(struct filter *f)
{
	ssize_t n = read_frame(f, f->passt_fd);

	if (n <= 0)
		return n == 0 ? -ECONNRESET : (int)n;
	return fd_write_all(f->guest_fd, f->frame, (size_t)n);
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

static int run(struct filter *f)
{
	struct pollfd pfd[] = { { .fd = f->sig_fd, .events = POLLIN },
				{ .fd = f->guest_fd, .events = POLLIN },
				{ .fd = f->passt_fd, .events = POLLIN } };
	int r = 0;

	while (r == 0) {
		if (poll(pfd, ELEMENTSOF(pfd), -1) < 0) {
			r = errno == EINTR ? 0 : -errno;
			continue;
		}
		if (pfd[0].revents)
			r = on_signal(f);
		if (r == 0 && pfd[1].revents)
			r = from_guest(f);
		if (r == 0 && pfd[2].revents)
			r = from_passt(f);
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

/* passt with the link's fixed addresses (net.h), IPv4 only, nothing forwarded inbound, no
 * DHCP or NDP (the guest init configures itself), the gateway mapped to the host's loopback
 * (its default), DNS queries to NET_DNS_ADDR forwarded to the host's resolver. */
static const char *const passt_options[] = {
	"--foreground", "--quiet",    "--stderr",      "--ipv4-only",
	"--fd",		"3",	      "--address",     NET_GUEST_ADDR,
	"--netmask",	"24",	      "--gateway",     NET_GATEWAY_ADDR,
	"--dns",	NET_DNS_ADDR, "--dns-forward", NET_DNS_ADDR,
	"--tcp-ports",	"none",	      "--udp-ports",   "none",
	"--no-dhcp",	"--no-ndp",   "--no-dhcpv6",   "--no-ra",
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

/* passt also ends on its own when its end of the socketpair closes. */
static void stop_passt(struct filter *f)
{
	if (f->passt_pid <= 0)
		return;
	kill(f->passt_pid, SIGTERM);
	waitpid(f->passt_pid, NULL, 0);
	f->passt_pid = 0;
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
	r = run(&f);
	if (r < 0)
		log_error_errno(r, "Link of VM %s ended: %m", f.domain);
	stop_passt(&f);
	return r < 0 ? 1 : 0;
}
