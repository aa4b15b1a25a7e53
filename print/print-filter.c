/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkhead-print-filter --source VM --target VM --runtime-dir DIR --link-fd N: the host's
 * part of bulkhead.Print (docs/print.md). The caller's qrexec daemon starts it for a call the
 * policy allowed (qrexec/daemon-filter.c) with the call's link on fd N. It takes the document
 * (at most PRINT_DOC_MAX bytes), has it rendered to pixels in a new disposable VM
 * (render-dispvm.c) or, without a disposable template or with print_render host, in the
 * host's sandbox (render.c), rebuilds it as a raster PDF (sanitise.c), and only then calls
 * bulkhead.Print in the target with the result, as the source VM, relaying the receiver's
 * output and exit status back. A job refused here never reaches the target: the caller gets
 * the reason on stderr and exit status 65, and the desktop a notification.
 *
 * Trust: source and target come from the daemon's command line (the daemon's own --domain and
 * the policy's answer). Everything on the links was written by a VM: the caller's document,
 * the receiver's output. Both are bounded; the receiver's output is passed on, not parsed.
 */
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"
#include "filter-link.h"
#include "log.h"
#include "macro.h"
#include "notify.h"
#include "print.h"
#include "qrexec.h"
#include "render-dispvm.h"
#include "spool.h"
#include "strutil.h"
#include "validate.h"

#define EXIT_REJECTED 65    /* EX_DATAERR: the document was refused, see stderr */
#define IDLE_MS (60 * 1000) /* the longest a peer may stay silent */
#define RELAY_MAX (64 * 1024)

struct filter {
	const char *source, *target, *runtime_dir;
	struct flink caller, dest;
	struct qrexec_exec exec;
	uint64_t doc_len;
};

static int receive_request(struct filter *f)
{
	struct msg m;
	int r = flink_next(&f->caller, &m, IDLE_MS);

	if (r <= 0 || m.type != QREXEC_MSG_EXEC_REQUEST)
		return -EBADMSG;
	if (qrexec_parse_exec_request(&m, &f->exec) < 0 || f->exec.flags != 0)
		return -EBADMSG;
	return flink_send(&f->caller, QREXEC_MSG_CONNECTED, NULL, 0);
}

/* One DATA_STDIN message into the spool, crediting the caller as its bytes are taken. */
static int take_data(struct filter *f, int doc, const struct msg *m, uint32_t *unacked)
{
	if (f->doc_len + m->len > PRINT_DOC_MAX)
		return -EFBIG;
	int r = fd_write_all(doc, m->payload, m->len);
	if (r < 0)
		return r;
	f->doc_len += m->len;
	*unacked += m->len;
	if (*unacked >= 128 * 1024) {
		r = flink_send_window(&f->caller, *unacked);
		*unacked = 0;
	}
	return r;
}

/* The document, until the caller's EOF. -ECONNABORTED: the caller gave up (CLOSE). */
static int receive_document(struct filter *f, int doc)
{
	uint32_t unacked = 0;
	struct msg m;

	for (;;) {
		int r = flink_next(&f->caller, &m, IDLE_MS);
		if (r <= 0)
			return r == 0 ? -ECONNABORTED : r;
		if (m.type == QREXEC_MSG_CLOSE)
			return -ECONNABORTED;
		if (m.type != QREXEC_MSG_DATA_STDIN)
			continue; /* WINDOW: credit for output we barely send */
		if (m.len == 0)
			return 0;
		if ((r = take_data(f, doc, &m, &unacked)) < 0)
			return r;
	}
}

static void notify_refused(const struct filter *f, const char *reason)
{
	struct notifier *n = NULL;
	char body[512];

	snprintf(body, sizeof(body), "A document from %s was not printed: %s.", f->source, reason);
	if (notifier_new(10, &n) >= 0)
		notifier_send(n, "Bulkhead: print refused", body);
	notifier_free(n);
}

/* The caller's end of a refused job: the reason on its stderr, then the exit status. */
static void reply_error(struct filter *f, int status, const char *reason)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "bulkhead.Print: not printed: %s\n", reason);

	flink_send(&f->caller, QREXEC_MSG_DATA_STDERR, line, (size_t)MIN(n, (int)sizeof(line) - 1));
	flink_send_exit(&f->caller, status);
}

static int start_target(struct filter *f, char reason[QREXEC_REASON_FIELD])
{
	struct qrexec_exec_request req;
	struct msg m;
	int code;

	if (flink_connect(&f->dest, f->runtime_dir, f->target) < 0)
		return str_copy(reason, QREXEC_REASON_FIELD, "the print VM is not running"),
		       -QREXEC_EXIT_PROBLEM;
	int r = qrexec_exec_request_init(&req, f->source, f->target, f->exec.call.full, 0);
	if (r < 0 || flink_send(&f->dest, QREXEC_MSG_EXEC_REQUEST, &req, sizeof(req)) < 0 ||
	    flink_next(&f->dest, &m, IDLE_MS) <= 0)
		return str_copy(reason, QREXEC_REASON_FIELD, "the print VM did not answer"),
		       -QREXEC_EXIT_PROBLEM;
	if (m.type == QREXEC_MSG_CONNECTED)
		return 0;
	if (m.type == QREXEC_MSG_REFUSED && qrexec_parse_refused(&m, &code, reason) == 0)
		return -code;
	return str_copy(reason, QREXEC_REASON_FIELD, "the print VM broke the protocol"),
	       -QREXEC_EXIT_PROBLEM;
}

struct relay {
	uint32_t credit; /* bytes the target may still take */
	uint64_t relayed;
	int status; /* >= 0 once the target's EXIT came */
	bool sent_eof;
};

/* A message from the target's daemon while the document goes out. */
static int on_dest_message(struct filter *f, struct relay *rl, const struct msg *m)
{
	uint32_t bytes;

	if (m->type == QREXEC_MSG_WINDOW && qrexec_parse_window(m, &bytes) == 0) {
		rl->credit = (uint32_t)MIN((uint64_t)rl->credit + bytes, (uint64_t)QREXEC_WINDOW);
		return 0;
	}
	if (m->type == QREXEC_MSG_EXIT)
		return qrexec_parse_exit(m, &rl->status) < 0 ? -EBADMSG : 0;
	if (m->type != QREXEC_MSG_DATA_STDOUT && m->type != QREXEC_MSG_DATA_STDERR)
		return -EBADMSG;
	if (m->len == 0 || rl->relayed + m->len > RELAY_MAX)
		return 0; /* EOFs end with EXIT; more than a status line is dropped */
	rl->relayed += m->len;
	return flink_send(&f->caller, m->type, m->payload, m->len);
}

/* The printout to the target, its answer back to the caller: the target's exit status. */
static int forward(struct filter *f, int out)
{
	struct relay rl = { .credit = QREXEC_WINDOW, .status = -1 };
	struct msg m;

	if (lseek(out, 0, SEEK_SET) < 0)
		return -errno;
	while (rl.status < 0) {
		int r = flink_send_stdin(&f->dest, out, &rl.credit, &rl.sent_eof);
		if (r < 0 || (r = flink_next(&f->dest, &m, IDLE_MS)) <= 0)
			return r < 0 ? r : -EPIPE;
		if ((r = on_dest_message(f, &rl, &m)) < 0)
			return r;
	}
	flink_send(&f->dest, QREXEC_MSG_CLOSE, NULL, 0);
	return rl.status;
}

/* After our final message, the caller's CLOSE (or its daemon going away). */
static void wait_close(struct filter *f)
{
	struct msg m;

	while (flink_next(&f->caller, &m, IDLE_MS) > 0)
		if (m.type == QREXEC_MSG_CLOSE)
			return;
}

static int refuse(struct filter *f, int status, const char *reason)
{
	log_warning("Print job from %s to %s not printed: %s.", f->source, f->target, reason);
	if (status == EXIT_REJECTED)
		notify_refused(f, reason);
	reply_error(f, status, reason);
	wait_close(f);
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Where the job is rendered (docs/print.md, print_render): PRINT_RENDER_HOST with the reason
 * in *why, or PRINT_RENDER_DISPVM with the template; -ENOENT: only a disposable would do, and
 * there is none. */
static int render_place(const struct filter *f, char *template, size_t size, const char **why)
{
	enum print_render_where pref = print_config_get_render();
	int r;

	if (pref == PRINT_RENDER_HOST)
		return *why = "print_render is host", PRINT_RENDER_HOST;
	r = print_dispvm_template_for(f->source, template, size);
	if (r >= 0)
		return PRINT_RENDER_DISPVM;
	if (pref == PRINT_RENDER_DISPVM)
		return log_warning_errno(r,
					 "print_render is dispvm, but no disposable template: %m"),
		       -ENOENT;
	*why = r == -ENOENT ? "no disposable template" : "bulkheadd did not answer";
	return PRINT_RENDER_HOST;
}

/* The document to a raster PDF, rendered where render_place() says; the log says where. */
static int sanitise(struct filter *f, int doc, int out, struct print_stats *st, char *reason,
		    size_t size)
{
	char template[VM_NAME_MAX + 1];
	const char *why = NULL;
	int r, where = render_place(f, template, sizeof(template), &why);

	if (where < 0)
		return snprintf(reason, size, "no disposable VM to render it in"), where;
	if (where == PRINT_RENDER_HOST) {
		log_info("Rendering the job from %s in the host's sandbox (%s).", f->source, why);
		return print_sanitise(doc, out, st, reason, size);
	}
	struct dispvm_job job = { .runtime_dir = f->runtime_dir,
				  .source = f->source,
				  .template = template };
	r = print_render_dispvm(&job, doc, out, st, reason, size);
	log_info("Rendered the job from %s in disposable %s of %s: %s (ms from the start: "
		 "disposable %lld, renderer %lld, first pixels %lld, end %lld).",
		 f->source, job.vm[0] ? job.vm : "(none)", template, r < 0 ? "failed" : "done",
		 job.ms_taken, job.ms_started, job.ms_first_output, job.ms_done);
	return r;
}

static int run(struct filter *f)
{
	_cleanup_close_ int doc = print_memfd("document"), out = print_memfd("printout");
	char reason[256];
	struct print_stats st;

	if (doc < 0 || out < 0 || receive_request(f) < 0)
		return log_error("No valid call on the link."), 1;
	int r = receive_document(f, doc);
	if (r == -ECONNABORTED)
		return 0;
	if (r == -EFBIG)
		return refuse(f, EXIT_REJECTED, "the document is over 64 MiB");
	if (r < 0)
		return refuse(f, QREXEC_EXIT_PROBLEM, "the document did not arrive whole");
	long long t0 = now_ms();
	if (sanitise(f, doc, out, &st, reason, sizeof(reason)) < 0)
		return refuse(f, EXIT_REJECTED, reason);
	r = start_target(f, reason);
	if (r < 0)
		return refuse(f, -r, reason);
	log_info("Printing %u pages from %s on %s (sanitised in %lld ms).", st.pages, f->source,
		 f->target, now_ms() - t0);
	r = forward(f, out);
	if (r < 0)
		return refuse(f, QREXEC_EXIT_PROBLEM, "the print VM's call broke off");
	flink_send_exit(&f->caller, r);
	wait_close(f);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "Usage: bulkhead-print-filter --source VM --target VM --runtime-dir DIR "
			"--link-fd N\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "target", required_argument, NULL, 't' },
		{ "runtime-dir", required_argument, NULL, 'r' },
		{ "link-fd", required_argument, NULL, 'l' },
		{},
	};
	struct filter f = { 0 };
	int o, fd = -1;

	log_set_ident("bulkhead-print-filter");
	signal(SIGPIPE, SIG_IGN);
	while ((o = getopt_long(argc, argv, "", opts, NULL)) >= 0) {
		if (o == 's')
			f.source = optarg;
		else if (o == 't')
			f.target = optarg;
		else if (o == 'r')
			f.runtime_dir = optarg;
		else if (o == 'l')
			fd = atoi(optarg);
		else
			return usage();
	}
	if (!f.source || !f.target || !f.runtime_dir || fd < 3 || optind != argc ||
	    !vm_name_is_valid(f.source) || !vm_name_is_valid(f.target))
		return usage();
	if (flink_init(&f.caller, fd) < 0)
		return 1;
	f.dest.fd = -1;
	int r = run(&f);
	flink_finish(&f.caller);
	if (f.dest.fd >= 0)
		flink_finish(&f.dest);
	return r;
}
