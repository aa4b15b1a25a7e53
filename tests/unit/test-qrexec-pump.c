/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: the call pump's credit windows and stream rules, and the output queue. */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <poll.h>
#include <unistd.h>

#include "fdio.h"
#include "outq.h"
#include "pump.h"
#include "qrexec-proto.h"
#include "tap.h"

static uint32_t last_type;
static size_t last_len, sent_bytes, windows;

static int record(void *ctx, uint32_t type, const void *payload, size_t len)
{
	last_type = type;
	last_len = len;
	if (type == QREXEC_MSG_WINDOW)
		windows++;
	else
		sent_bytes += len;
	return 0;
}

static void test_receive_window(void)
{
	static uint8_t data[QREXEC_DATA_MAX];
	struct pump p;
	int fds[2];

	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		tap_bail_out("pipe2");
	pump_init(&p, false, record, NULL);
	pump_set_dst(&p, 0, fds[1], false);
	is_int(pump_on_message(&p, QREXEC_MSG_DATA_STDIN, data, 10), -EBADMSG,
	       "a client end does not accept stdin data");
	size_t got = 0;
	while (got + sizeof(data) <= QREXEC_WINDOW &&
	       pump_on_message(&p, QREXEC_MSG_DATA_STDOUT, data, sizeof(data)) == 0)
		got += sizeof(data);
	is_int(got, QREXEC_WINDOW, "a whole window is accepted even if the reader is slow");
	is_int(pump_on_message(&p, QREXEC_MSG_DATA_STDOUT, data, 1), -EBADMSG,
	       "one byte beyond the window is refused");
	ok(outq_size(&p.q[0]) <= QREXEC_WINDOW, "memory stays within the window (%zu queued)",
	   outq_size(&p.q[0]));
	for (ssize_t k; (k = read(fds[0], data, sizeof(data))) > 0;)
		pump_dst_ready(&p, 0);
	ok(windows > 0, "draining the reader grants credit back");
	is_int(pump_on_message(&p, QREXEC_MSG_DATA_STDERR, data, 0), 0, "stderr EOF");
	is_int(pump_on_message(&p, QREXEC_MSG_DATA_STDERR, data, 1), -EBADMSG,
	       "data after EOF is refused");
	close(fds[0]);
	pump_finish(&p);
}

static void test_send_credit(void)
{
	static uint8_t data[4 * QREXEC_DATA_MAX];
	struct pump p;
	int fds[2];
	uint32_t w = htole32(QREXEC_WINDOW);

	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		tap_bail_out("pipe2");
	fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
	pump_init(&p, true, record, NULL);
	pump_set_src(&p, 0, fds[0], false);
	sent_bytes = 0;
	while (pump_src_events(&p, 0)) {
		if (write(fds[1], data, sizeof(data)) <= 0 && sent_bytes == 0)
			break;
		pump_src_ready(&p, 0);
	}
	is_int(sent_bytes, QREXEC_WINDOW, "the service end sends exactly one window, then waits");
	is_int(last_type, QREXEC_MSG_DATA_STDOUT, "as stdout data");
	is_int(pump_on_message(&p, QREXEC_MSG_WINDOW, (const uint8_t *)&w, 4), 0, "a window grant");
	ok(pump_src_events(&p, 0) == POLLIN, "credit lets it read again");
	is_int(pump_on_message(&p, QREXEC_MSG_WINDOW, (const uint8_t *)&w, 4), -EBADMSG,
	       "credit beyond the window is refused");
	close(fds[1]);
	while (p.src[0] >= 0)
		pump_src_ready(&p, 0);
	is_int(last_len, 0, "EOF is sent as empty data");
	ok(pump_sources_done(&p), "sources done after EOF (no stderr source)");
	pump_finish(&p);
}

static void test_outq(void)
{
	static uint8_t data[1 << 20];
	struct outq q = { 0 };
	int sv[2];
	size_t total = 0;

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	for (int i = 0; i < 8; i++, total += sizeof(data) + 12)
		is_int(outq_write_msg(&q, sv[0], true, 1, 2, data, sizeof(data)), 0,
		       "message %d written or queued", i);
	ok(!outq_empty(&q), "a full socket leaves bytes queued");
	size_t got = 0;
	while (got < total) {
		ssize_t k = read(sv[1], data, sizeof(data));
		if (k <= 0)
			break;
		got += (size_t)k;
		outq_flush(&q, sv[0], true);
	}
	is_int(got, total, "every byte arrives, in order of queueing");
	ok(outq_empty(&q), "the queue drains");
	close(sv[1]);
	outq_push(&q, "x", 1);
	ok(outq_flush(&q, sv[0], true) == -EPIPE, "a closed peer is an error, not a signal");
	outq_finish(&q);
	close(sv[0]);
}

int main(void)
{
	test_receive_window();
	test_send_credit();
	test_outq();
	return tap_done();
}
