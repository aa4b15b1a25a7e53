/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The renderer in a disposable VM (docs/print.md). For each job the filter asks bulkheadd for
 * a new disposable and holds it (qrexec/dispvm-client.h: closing the request's socket destroys
 * the disposable, whatever runs in it), calls bulkhead.PrintRender there straight through the
 * disposable's daemon as the host ("dom0", the only caller the service accepts), sends the
 * document as the call's stdin and reads the same "PAGES n" + PPM stream the host's sandbox
 * makes, parsed and rebuilt by the same code (sanitise.c). Nothing but the document goes into the disposable, and nothing but pixels,
 * parsed with hard limits, comes out of it; the print VM gets only the rebuilt PDF.
 *
 * Trust: everything the disposable sends is hostile (it parsed the document): its output is
 * bounded by the parser, its stderr only logged (escaped, truncated), its exit status only
 * chooses the message. bulkheadd's system info and answers are a host's, still validated.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dispvm-client.h"
#include "filter-link.h"
#include "log.h"
#include "macro.h"
#include "manager-info.h"
#include "policy.h"
#include "qrexec.h"
#include "render-dispvm.h"
#include "strutil.h"

#define MANAGER_TIMEOUT_MS 2000
#define CREDIT_BATCH (128 * 1024) /* output taken before the renderer gets more credit */

struct render_call {
	struct flink link;
	struct print_conv *conv;
	int doc_fd;
	uint32_t credit;  /* document bytes the renderer may still take */
	uint32_t unacked; /* its output taken since our last WINDOW */
	bool sent_eof;
	int status; /* >= 0 once its EXIT came */
	long long start, deadline;
	long long *first_output; /* the job's ms_first_output, set once */
	char stderr_tail[160];	 /* its last words, escaped: for the log */
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int ms_left(long long deadline)
{
	long long left = deadline - now_ms();
	return left <= 0 ? 0 : (int)MIN(left, (long long)INT_MAX);
}

int print_dispvm_template_for(const char *source, char *template, size_t size)
{
	DBusConnection *bus = dbus_bus_get_private(DBUS_BUS_SESSION, NULL);
	struct policy_system_info *info = NULL;
	_cleanup_free_ char *json = NULL;
	int r = bus ? 0 : -EHOSTDOWN;

	if (bus)
		dbus_connection_set_exit_on_disconnect(bus, FALSE);
	if (r >= 0)
		r = bulkhead_manager_system_info(bus, MANAGER_TIMEOUT_MS, &json);
	if (r >= 0 && policy_system_info_parse(json, strlen(json), &info, NULL) < 0)
		r = -EHOSTDOWN;
	const char *name = r >= 0 ? policy_system_info_dispvm_for(info, source) : NULL;
	if (r >= 0)
		r = name ? str_copy(template, size, name) : -ENOENT;
	policy_system_info_free(info);
	if (bus) {
		dbus_connection_close(bus);
		dbus_connection_unref(bus);
	}
	return r;
}

/* bulkheadd's answer line, within the deadline (a cold disposable boots meanwhile). */
static const char *read_reply(int fd, long long deadline, const char **ret_name)
{
	static char line[256];
	size_t len = 0;
	char *nl = NULL;

	while (!nl && len < sizeof(line) - 1) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, ms_left(deadline)) <= 0)
			return "bulkheadd did not answer in time";
		ssize_t n = read(fd, line + len, sizeof(line) - 1 - len);
		if (n <= 0)
			return "bulkheadd closed the request";
		len += (size_t)n;
		line[len] = '\0';
		nl = strchr(line, '\n');
	}
	if (!nl)
		return "bulkheadd's answer is too long";
	*nl = '\0';
	return qrexec_dispvm_reply_parse(line, ret_name);
}

/* A new disposable, held: the socket whose closing destroys it, or -errno. */
static int take_disposable(struct dispvm_job *job, long long deadline)
{
	const char *name = NULL, *why;
	int fd = qrexec_dispvm_request(job->runtime_dir, job->template, true);

	if (fd < 0)
		return log_warning_errno(fd, "Cannot ask bulkheadd for a disposable of %s: %m",
					 job->template);
	why = read_reply(fd, deadline, &name);
	if (why) {
		close(fd);
		log_warning("No disposable of %s to render in: %s", job->template, why);
		return -EHOSTDOWN;
	}
	str_copy(job->vm, sizeof(job->vm), name);
	return fd;
}

static int start_renderer(struct render_call *rc, const struct dispvm_job *job)
{
	char reason[QREXEC_REASON_FIELD] = "";
	struct qrexec_exec_request req;
	struct msg m;
	int code = 0;

	if (flink_connect(&rc->link, job->runtime_dir, job->vm) < 0)
		return log_warning("Cannot reach disposable %s's daemon.", job->vm), -ECONNREFUSED;
	if (qrexec_exec_request_init(&req, PRINT_RENDER_CALLER, job->vm, PRINT_RENDER_SERVICE, 0) <
		    0 ||
	    flink_send(&rc->link, QREXEC_MSG_EXEC_REQUEST, &req, sizeof(req)) < 0 ||
	    flink_next(&rc->link, &m, ms_left(rc->deadline)) <= 0)
		return log_warning("Disposable %s did not answer.", job->vm), -EPIPE;
	if (m.type == QREXEC_MSG_CONNECTED)
		return 0;
	if (m.type == QREXEC_MSG_REFUSED)
		qrexec_parse_refused(&m, &code, reason);
	log_warning("Disposable %s refused %s (%d %s).", job->vm, PRINT_RENDER_SERVICE, code,
		    reason);
	return -ECONNREFUSED;
}

/* Its output goes to the parser, as it comes; credit goes back for what was taken. */
static int on_output(struct render_call *rc, const struct msg *m)
{
	if (m->len == 0)
		return 0; /* its EOF: EXIT follows */
	if (*rc->first_output == 0)
		*rc->first_output = now_ms() - rc->start;
	if (print_conv_feed(rc->conv, m->payload, m->len) < 0)
		return -EBADMSG;
	rc->unacked += m->len;
	if (rc->unacked < CREDIT_BATCH)
		return 0;
	int r = flink_send_window(&rc->link, rc->unacked);
	rc->unacked = 0;
	return r < 0 ? -EPIPE : 0;
}

static int on_message(struct render_call *rc, const struct msg *m)
{
	uint32_t bytes;

	switch (m->type) {
	case QREXEC_MSG_DATA_STDOUT:
		return on_output(rc, m);
	case QREXEC_MSG_DATA_STDERR:
		if (m->len > 0)
			str_escape(rc->stderr_tail, sizeof(rc->stderr_tail), m->payload, m->len);
		return 0;
	case QREXEC_MSG_WINDOW:
		if (qrexec_parse_window(m, &bytes) < 0)
			return -EBADMSG;
		rc->credit = (uint32_t)MIN((uint64_t)rc->credit + bytes, (uint64_t)QREXEC_WINDOW);
		return 0;
	case QREXEC_MSG_EXIT:
		return qrexec_parse_exit(m, &rc->status) < 0 || rc->status < 0 ? -EBADMSG : 0;
	default:
		return -EBADMSG;
	}
}

/* Until the renderer's EXIT: 0, -ETIMEDOUT, -EBADMSG (its output broke a rule), -errno. */
static int relay(struct render_call *rc)
{
	struct msg m;

	while (rc->status < 0) {
		int r = flink_send_stdin(&rc->link, rc->doc_fd, &rc->credit, &rc->sent_eof);
		if (r < 0)
			return r;
		int left = ms_left(rc->deadline);
		if (left == 0)
			return -ETIMEDOUT;
		r = flink_next(&rc->link, &m, left);
		if (r <= 0)
			return r == 0 ? -EPIPE : r;
		if ((r = on_message(rc, &m)) < 0)
			return r;
	}
	return 0;
}

static int render(struct render_call *rc, struct dispvm_job *job, struct print_stats *stats,
		  char *err, size_t errlen)
{
	if (lseek(rc->doc_fd, 0, SEEK_SET) < 0 || start_renderer(rc, job) < 0)
		return snprintf(err, errlen, "the disposable VM did not start the renderer"), -EIO;
	job->ms_started = now_ms() - rc->start;
	rc->first_output = &job->ms_first_output;
	int r = relay(rc);
	job->ms_done = now_ms() - rc->start;
	if (r < 0 && r != -EBADMSG)
		log_warning("Rendering in %s ended early (%s; its stderr: %s).", job->vm,
			    strerror(-r), rc->stderr_tail);
	return print_conv_end(rc->conv, r, rc->status, stats);
}

int print_render_dispvm(struct dispvm_job *job, int doc_fd, int out_fd, struct print_stats *stats,
			char *err, size_t errlen)
{
	struct render_call rc = { .doc_fd = doc_fd, .credit = QREXEC_WINDOW, .status = -1 };
	int r = print_conv_new(out_fd, err, errlen, &rc.conv);

	rc.link.fd = -1;
	rc.start = now_ms();
	rc.deadline = rc.start + PRINT_TIMEOUT_SECONDS * 1000LL;
	if (r < 0)
		return r;
	_cleanup_close_ int hold = take_disposable(job, rc.deadline);
	job->ms_taken = now_ms() - rc.start;
	if (hold < 0)
		snprintf(err, errlen, "no disposable VM could be started to render it in");
	else
		r = render(&rc, job, stats, err, errlen);
	if (rc.link.fd >= 0) {
		flink_send(&rc.link, QREXEC_MSG_CLOSE, NULL, 0);
		flink_finish(&rc.link);
	}
	print_conv_free(rc.conv);
	return hold < 0 ? hold : r; /* closing hold destroys the disposable */
}
