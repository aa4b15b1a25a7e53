/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One end of a call, pumping local fds <-> call messages with credit windows. The client end
 * reads its stdin into DATA_STDIN and writes DATA_STDOUT/DATA_STDERR to its stdout/stderr; the
 * service end reads the service's stdout/stderr and feeds DATA_STDIN to its stdin. Used by the
 * agent (both ends) and by qrexec-client. Memory per call: at most QREXEC_WINDOW queued.
 */
#pragma once

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outq.h"

typedef int (*pump_send_fn)(void *ctx, uint32_t type, const void *payload, size_t len);
/* Send a data message whose len payload bytes are moved from the pipe fd by splice(2). */
typedef int (*pump_splice_fn)(void *ctx, uint32_t type, int fd, size_t len);

struct pump {
	bool service;
	int src[2]; /* read and sent: client {stdin, -1}; service {stdout, stderr} */
	bool src_sock[2];
	int dst[2]; /* written: client {stdout, stderr}; service {stdin, -1} */
	bool dst_sock[2];
	bool dst_eof[2]; /* the peer ended this stream: close dst once its queue is empty */
	struct outq q[2];
	uint32_t credit;   /* bytes we may still send */
	uint32_t inflight; /* bytes the peer may still send us */
	uint32_t freed;	   /* bytes written out since the last WINDOW we sent */
	pump_send_fn send;
	pump_splice_fn send_spliced; /* optional: pipes are then sent without a copy */
	void *ctx;
};

void pump_init(struct pump *p, bool service, pump_send_fn send, void *ctx);
/* Close every fd and free the queues. */
void pump_finish(struct pump *p);
/* Give the pump a local fd (taken over): dst or src slot i. Sockets use send/recv flags;
 * other fds should be private and non-blocking (qrexec_fd_prepare). */
void pump_set_src(struct pump *p, int i, int fd, bool is_socket);
void pump_set_dst(struct pump *p, int i, int fd, bool is_socket);
/* Poll events wanted for src i / dst i (0 if none). */
short pump_src_events(const struct pump *p, int i);
short pump_dst_events(const struct pump *p, int i);
/* The fd became ready. Return 0 or -errno (a failed send: the caller's link is gone). */
int pump_src_ready(struct pump *p, int i);
int pump_dst_ready(struct pump *p, int i);
/* A DATA or WINDOW message for this call. -EBADMSG: the peer broke the protocol. */
int pump_on_message(struct pump *p, uint32_t type, const uint8_t *payload, size_t len);
/* The peer's final message came: every stream it sends has ended, EOF or not (a socket
 * service has no stderr). Destinations close once their queues are written. */
void pump_peer_done(struct pump *p);
/* All sources have sent their EOF / all destinations are closed. */
bool pump_sources_done(const struct pump *p);
bool pump_dsts_done(const struct pump *p);
/* Stop reading and discard what is queued (the call was aborted). */
void pump_abort(struct pump *p);

/* Make a local fd safe to use non-blocking without touching a description others share:
 * sockets are left as they are (send/recv take MSG_DONTWAIT), pipes, FIFOs and ttys are
 * reopened through /proc/self/fd. Takes fd; returns the fd to use, or -errno. */
int qrexec_fd_prepare(int fd, bool *ret_is_socket);
