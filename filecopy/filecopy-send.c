/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filecopy-send FILE... > stream: pack files into the qvm-copy stream on stdout. When stdin is
 * a pipe or a socket it carries the receiver's reply, which is read, checked (CRC) and
 * reported in plain words. vm-copy-to runs this program as the local end of a
 * bulkhead.Filecopy call, with --as/--target for the messages and --move for vm-move-to.
 *
 * Trust: only the reply is untrusted (see untrusted-reply.c); its last_name is sanitised
 * before it is shown.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "filecopy.h"
#include "log.h"
#include "macro.h"
#include "strutil.h"

struct options {
	const char *prog;   /* the name in messages */
	const char *target; /* the receiving VM, for messages; NULL = unknown */
	bool move, quiet, summary, progress, wait_reply, no_reply;
	char **files;
	size_t n_files;
};

static int usage(FILE *f, const char *prog, int code)
{
	fprintf(f,
		"Usage: %s [OPTIONS] FILE...\n\n"
		"Write FILEs (directories recursively, symlinks as links) as a Bulkhead/Qubes file\n"
		"stream to stdout. If stdin is a pipe or socket, read the receiver's reply from it.\n\n"
		"  --move          delete the sources after a complete, confirmed copy\n"
		"  --target VM     name the receiving VM in messages\n"
		"  --as NAME       program name for messages\n"
		"  --summary       print a one-line summary (default on a terminal)\n"
		"  --no-reply      do not read a reply even if stdin is a pipe\n"
		"  -q, --quiet     no progress bar, no summary\n"
		"  -h, --help      show this help\n",
		prog);
	return code;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "move", no_argument, NULL, 'm' },	{ "target", required_argument, NULL, 't' },
		{ "as", required_argument, NULL, 'a' }, { "summary", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },	{ "no-reply", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },	{}
	};
	int c;

	o->summary = o->progress = isatty(STDERR_FILENO);
	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			o->move = true;
			break;
		case 't':
			o->target = optarg;
			break;
		case 'a':
			o->prog = optarg;
			break;
		case 's':
			o->summary = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'n':
			o->no_reply = true;
			break;
		case 'h':
			exit(usage(stdout, o->prog, 0));
		default:
			return -EINVAL;
		}
	}
	o->files = argv + optind;
	o->n_files = (size_t)(argc - optind);
	return o->n_files ? 0 : -EINVAL;
}

/* Is fd a pipe or socket (where a reply can come from)? */
static bool is_channel(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *to_target(const struct options *o, char *buf, size_t size)
{
	if (!o->target || o->target[0] == '@')
		return "";
	snprintf(buf, size, " to %s", o->target);
	return buf;
}

static void print_summary(const struct options *o, const struct filecopy_sender *s, double secs)
{
	char b[32], rate[32], t[64];
	uint64_t entries = s->files;

	filecopy_format_bytes(b, sizeof(b), s->bytes);
	filecopy_format_bytes(rate, sizeof(rate), secs > 0 ? (uint64_t)(s->bytes / secs) : 0);
	fprintf(stderr, "%s %llu %s (%s)%s in %.1f s (%s/s).\n", o->move ? "Moved" : "Copied",
		(unsigned long long)entries, entries == 1 ? "item" : "items", b,
		to_target(o, t, sizeof(t)), secs, rate);
}

static int report_remote(const struct options *o, const struct filecopy_reply *reply)
{
	char name[256], t[64];

	fprintf(stderr, "%s: the copy%s failed: %s\n", o->prog, to_target(o, t, sizeof(t)),
		filecopy_error_sentence(reply->error_code));
	if (reply->last_name_len)
		fprintf(stderr, "%s: (while receiving '%s')\n", o->prog,
			filecopy_name_sanitize(name, sizeof(name), reply->last_name,
					       reply->last_name_len));
	return 1;
}

static const char *failure_sentence(int r)
{
	switch (r) {
	case -EBADE:
		return "the data the target VM received does not match what was sent (CRC "
		       "mismatch); do not trust the copy";
	case -ENODATA:
		return "the other side closed the connection without a reply (was the copy "
		       "refused by policy?)";
	case -EBADMSG:
		return "the other side sent a malformed reply";
	case -EPROTO:
		return "the other side stopped reading early but reported success";
	case -EPIPE:
		return "the other side closed the connection before the copy was complete";
	default:
		return NULL;
	}
}

static int report(const struct options *o, const struct filecopy_sender *s, int r,
		  const struct filecopy_reply *reply)
{
	const char *sentence = failure_sentence(r);
	char t[64];

	if (r == -EREMOTE)
		return report_remote(o, reply);
	if (sentence) {
		fprintf(stderr, "%s: the copy%s failed: %s.\n", o->prog, to_target(o, t, sizeof(t)),
			sentence);
		return 1;
	}
	if (r == -ESTALE)
		fprintf(stderr, "%s: cannot send '%s': it changed while being copied\n", o->prog,
			s->failed_path);
	else if (r == -EINVAL)
		fprintf(stderr,
			"%s: cannot send '%s': only files, directories and symbolic links "
			"can be copied\n",
			o->prog, s->failed_path);
	else
		fprintf(stderr, "%s: cannot send '%s': %s\n", o->prog, s->failed_path,
			strerror(-r));
	return 1;
}

static void report_success(const struct options *o, const struct filecopy_sender *s,
			   const struct filecopy_reply *reply)
{
	char name[256];

	if (s->skipped)
		fprintf(stderr, "%s: skipped %llu special file(s) (FIFOs, sockets, devices)\n",
			o->prog, (unsigned long long)s->skipped);
	if (reply->last_name_len)
		fprintf(stderr,
			"%s: some names already existed in the target's incoming folder; the new "
			"copies were kept beside them (e.g. '%s')\n",
			o->prog,
			filecopy_name_sanitize(name, sizeof(name), reply->last_name,
					       reply->last_name_len));
}

static int remove_sources(const struct options *o, struct filecopy_sender *s)
{
	char failed[FILECOPY_PATH_MAX] = "";
	int r = filecopy_remove_sent(s, failed, sizeof(failed));

	if (r < 0)
		fprintf(stderr, "%s: copied, but could not delete '%s': %s\n", o->prog, failed,
			strerror(-r));
	return r < 0 ? 1 : 0;
}

/* Send every argument, then the end marker, then read the reply. */
static int send_all(const struct options *o, struct filecopy_sender *s,
		    struct filecopy_reply *reply)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < o->n_files; i++)
		r = filecopy_send_path(s, o->files[i]);
	/* An early reply ends the sending: read it and report it. */
	if (r == 0 || s->early_reply)
		return filecopy_send_end(s, reply);
	return r;
}

static void start_progress(const struct options *o, struct filecopy_sender *s)
{
	uint64_t bytes, files;

	if (!o->progress || o->quiet)
		return;
	filecopy_scan(o->files, o->n_files, &bytes, &files);
	s->progress = filecopy_progress_new(STDERR_FILENO, bytes, files);
}

/* After the stream: report, and for a move delete the sources. Returns the exit code. */
static int finish(const struct options *o, struct filecopy_sender *s, int r,
		  const struct filecopy_reply *reply, double start)
{
	if (r < 0)
		return report(o, s, r, reply);
	report_success(o, s, reply);
	r = o->move ? remove_sources(o, s) : 0;
	if (r == 0 && o->summary && !o->quiet)
		print_summary(o, s, now() - start);
	return r;
}

/* The reply comes on stdin when it is a pipe or socket. Returns 0 or an exit code. */
static int init_sender(const struct options *o, struct filecopy_sender *s)
{
	int reply_fd = !o->no_reply && is_channel(STDIN_FILENO) ? STDIN_FILENO : -1;

	if (o->move && reply_fd < 0) {
		/* Without the receiver's word, nothing says the copy is whole: never delete then. */
		fprintf(stderr,
			"%s: --move needs the receiver's reply on stdin (a pipe or socket)\n",
			o->prog);
		return 2;
	}
	if (filecopy_sender_init(s, STDOUT_FILENO, reply_fd) < 0)
		return log_oom(), 1;
	s->record = o->move;
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { .prog = "filecopy-send" };
	struct filecopy_sender s;
	struct filecopy_reply reply;
	double start = now();
	int r;

	log_set_ident("filecopy-send");
	signal(SIGPIPE, SIG_IGN);
	if (parse_options(argc, argv, &o) < 0)
		return usage(stderr, o.prog, 2);
	if (isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s: stdout is a terminal; redirect it to a file or pipe\n",
			o.prog);
		return 2;
	}
	r = init_sender(&o, &s);
	if (r != 0)
		return r;
	start_progress(&o, &s);
	r = send_all(&o, &s, &reply);
	filecopy_progress_free(s.progress);
	s.progress = NULL;
	r = finish(&o, &s, r, &reply, start);
	filecopy_sender_finish(&s);
	return r;
}
