/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filecopy-receive --incoming DIR --source VM < stream > reply: unpack a file stream into
 * DIR/VM/, write the reply, exit 0 only on complete success. The bulkhead.Filecopy service runs
 * it with DIR = ~/Incoming and VM = $QREXEC_REMOTE_DOMAIN (set by the broker: trusted).
 *
 * Trust: stdin is the sending VM's stream: hostile. The receiver confines itself (sandbox.c)
 * before it reads a byte of it; everything after is filecopy_receive() (receive.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
#include "filecopy.h"
#include "log.h"
#include "macro.h"
#include "sandbox.h"
#include "strutil.h"
#include "validate.h"

/* LeakSanitizer reads /proc at exit, and /proc is gone once the sandbox's pivot_root is done:
 * in sanitizer builds, check for leaks before entering it (the library's receive path is
 * leak-checked in-process by the unit tests). */
#if defined(__SANITIZE_ADDRESS__)
#define HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_LSAN 1
#endif
#endif
#ifdef HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#define leak_check_before_sandbox() __lsan_do_leak_check()
#else
#define leak_check_before_sandbox() \
	do {                        \
	} while (0)
#endif

struct options {
	const char *incoming, *source, *config;
	const char *max_files, *max_bytes;
	bool no_sandbox;
};

static int usage(FILE *f, int code)
{
	fprintf(f,
		"Usage: filecopy-receive --incoming DIR --source VM [OPTIONS] < stream > reply\n\n"
		"Unpack a Bulkhead/Qubes file stream into DIR/VM/ and write the reply.\n\n"
		"  --max-files N      refuse a stream with more than N entries\n"
		"  --max-bytes SIZE   refuse more than SIZE bytes in all (K, M, G, T suffixes)\n"
		"  --config FILE      read limits from FILE instead of the default files\n"
		"  --no-sandbox       do not enter a user+mount namespace\n"
		"  -h, --help         show this help\n");
	return code;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = { { "incoming", required_argument, NULL, 'i' },
						  { "source", required_argument, NULL, 's' },
						  { "max-files", required_argument, NULL, 'f' },
						  { "max-bytes", required_argument, NULL, 'b' },
						  { "config", required_argument, NULL, 'c' },
						  { "no-sandbox", no_argument, NULL, 'n' },
						  { "help", no_argument, NULL, 'h' },
						  {} };
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		const char **slot = c == 'i'   ? &o->incoming
				    : c == 's' ? &o->source
				    : c == 'f' ? &o->max_files
				    : c == 'b' ? &o->max_bytes
				    : c == 'c' ? &o->config
					       : NULL;
		if (c == 'h')
			exit(usage(stdout, 0));
		if (c == 'n')
			o->no_sandbox = true;
		else if (slot)
			*slot = optarg;
		else
			return -EINVAL;
	}
	return optind == argc && o->incoming && o->source ? 0 : -EINVAL;
}

/* Defaults, then the configuration files (or --config), the environment, the options. */
static int load_limits(const struct options *o, struct filecopy_limits *l)
{
	char where[FILECOPY_PATH_MAX] = "";
	_cleanup_free_ char *text = NULL;
	unsigned line = 0;
	int r;

	filecopy_limits_init(l);
	if (o->config) {
		r = fd_read_file(AT_FDCWD, o->config, 64 * 1024, &text, NULL);
		if (r == 0)
			r = filecopy_limits_parse(l, text, &line);
		if (r < 0)
			return log_error_errno(r, "Bad limits in %s:%u: %m", o->config, line);
	} else if ((r = filecopy_limits_load(l, where, sizeof(where))) < 0) {
		return log_error_errno(r, "Bad limits in %s: %m", where);
	}
	if (o->max_files && filecopy_parse_size(o->max_files, &l->max_files) < 0)
		return log_error_errno(EINVAL, "Bad --max-files '%s'", o->max_files);
	if (o->max_bytes && filecopy_parse_size(o->max_bytes, &l->max_bytes) < 0)
		return log_error_errno(EINVAL, "Bad --max-bytes '%s'", o->max_bytes);
	return 0;
}

/* Inside the incoming folder (the namespace's root, or the folder itself without one): from
 * here on files beneath it only, and no system call the unpacking does not need. */
static int enter_seccomp(enum filecopy_sandbox kind, const char *dir)
{
	struct sandbox_path here = { kind == FILECOPY_SANDBOX_NAMESPACE ? "/" : dir,
				     SANDBOX_FS_READ | SANDBOX_FS_WRITE | SANDBOX_FS_CREATE };
	struct sandbox_status st;
	int r = sandbox_apply(&sandbox_profile_filecopy_receive, &here, 1, &st);

	if (r < 0)
		return log_error_errno(r, "Cannot enter the sandbox: %m");
	if (st.landlock_abi == 0)
		log_notice("This kernel has no Landlock: files are confined by the walks only.");
	return 0;
}

static int enter_sandbox(const struct options *o, const char *dir, int *ret_dirfd)
{
	enum filecopy_sandbox kind;
	int reason, r = filecopy_sandbox_enter(dir, !o->no_sandbox, ret_dirfd, &kind, &reason);

	if (r < 0)
		return log_error_errno(r, "Cannot set up the incoming folder %s: %m", dir);
	if (kind == FILECOPY_SANDBOX_NAMESPACE)
		log_info(
			"Receiving from %s into %s: own user+mount namespace rooted there, %s walks.",
			o->source, dir,
			filecopy_have_openat2() ? "openat2 RESOLVE_BENEATH" : "O_NOFOLLOW");
	else if (o->no_sandbox)
		log_notice(
			"Receiving from %s into %s without a namespace (--no-sandbox): confined by "
			"%s walks only.",
			o->source, dir,
			filecopy_have_openat2() ? "openat2 RESOLVE_BENEATH|NO_SYMLINKS"
						: "O_NOFOLLOW component");
	else
		log_notice_errno(reason,
				 "Receiving from %s into %s without a namespace (%m): confined by "
				 "%s walks only.",
				 o->source, dir,
				 filecopy_have_openat2() ? "openat2 RESOLVE_BENEATH|NO_SYMLINKS"
							 : "O_NOFOLLOW component");
	return enter_seccomp(kind, dir);
}

static int report(const struct options *o, int r, const struct filecopy_receive_stats *st)
{
	char name[LOG_UNTRUSTED_BUFSIZE];

	if (r == 0) {
		log_info("Received %llu entries, %llu bytes from %s%s (files written as %s).",
			 (unsigned long long)st->files, (unsigned long long)st->bytes, o->source,
			 st->renamed ? ", some kept beside existing names" : "",
			 st->tmpfile ? "O_TMPFILE" : "hidden temporary names");
		return 0;
	}
	log_error("Receiving from %s failed at '%s': %s", o->source,
		  log_untrusted(name, st->last_name, strlen(st->last_name)),
		  filecopy_error_sentence(st->error));
	return 1;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct filecopy_limits limits;
	struct filecopy_receive_stats *st;
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int dirfd = -1;

	log_set_ident("filecopy-receive");
	log_parse_environment();
	signal(SIGPIPE, SIG_IGN);
	if (parse_options(argc, argv, &o) < 0)
		return usage(stderr, 2);
	if (!vm_name_is_valid(o.source))
		return log_error("Invalid source VM name '%s'.", o.source), 2;
	if (load_limits(&o, &limits) < 0)
		return 2;
	dir = str_new_printf("%s/%s", o.incoming, o.source);
	st = calloc(1, sizeof(*st));
	if (!dir || !st)
		return log_oom(), 1;
	leak_check_before_sandbox();
	if (enter_sandbox(&o, dir, &dirfd) < 0)
		return free(st), 1;
	int r = report(&o, filecopy_receive(STDIN_FILENO, STDOUT_FILENO, dirfd, &limits, st), st);
	free(st);
	return r;
}
