/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostile-agent SCENARIO: a gui-agent that speaks the GUI protocol wrongly, on fd 3, for the
 * hostile-VM tests. Each scenario is one way a compromised VM may misbehave; guid must end
 * (that VM only) with a log line, or drop what it cannot accept, and nothing else on the host
 * may notice.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "gui-proto.h"
#include "msg.h"

#define FD 3

static void send_raw(uint32_t type, uint32_t id, const void *payload, size_t len)
{
	if (msg_write(FD, type, id, payload, len) < 0) {
		perror("hostile-agent: write");
		exit(0); /* guid hung up: what most scenarios expect */
	}
}

static void send32(uint32_t type, uint32_t id, const void *payload, size_t len)
{
	uint32_t w[16];

	memcpy(w, payload, len);
	for (size_t i = 0; i < len / 4; i++)
		w[i] = htole32(w[i]);
	send_raw(type, id, w, len);
}

static void hello(void)
{
	struct gui_version v = { GUI_PROTO_VERSION };
	char buf[64];

	send32(GUI_MSG_VERSION, 0, &v, sizeof(v));
	if (read(FD, buf, sizeof(struct msg_header) + sizeof(struct gui_hello)) <= 0)
		exit(1);
}

static void create(uint32_t id, int32_t x, int32_t y, uint32_t w, uint32_t h)
{
	struct gui_create c = { .r = { x, y, w, h } };
	struct gui_map m = { 0 };

	send32(GUI_MSG_CREATE, id, &c, sizeof(c));
	send32(GUI_MSG_MAP, id, &m, sizeof(m));
}

static void send_damage(uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h, uint32_t seq)
{
	static uint8_t buf[sizeof(struct gui_damage) + 256 * 256 * 4];
	struct gui_damage d = { htole32(x), htole32(y), htole32(w), htole32(h), htole32(seq) };
	size_t n = (size_t)w * h * 4;

	memcpy(buf, &d, sizeof(d));
	memset(buf + sizeof(d), (int)(seq * 37), n);
	send_raw(GUI_MSG_DAMAGE, id, buf, sizeof(d) + n);
}

static void drain(void)
{
	char junk[65536];

	while (recv(FD, junk, sizeof(junk), MSG_DONTWAIT) > 0)
		;
}

/* Keep the connection open (guid should have ended it; if not, the test sees that). */
static void linger(void)
{
	for (int i = 0; i < 300; i++) {
		drain();
		usleep(100000);
	}
}

static void oversize(void)
{
	create(1, 0, 0, GUI_MAX_WIDTH + 1, 100);
}

static void rect_outside(void)
{
	create(1, 10, 10, 100, 100);
	send_damage(1, 90, 0, 20, 10, 1);
}

static void bad_length(void)
{
	uint32_t short_map = 0;

	send32(GUI_MSG_CREATE, 1, &(struct gui_create){ .r = { 0, 0, 10, 10 } },
	       sizeof(struct gui_create));
	send32(GUI_MSG_MAP, 1, &short_map, sizeof(short_map));
}

static void damage_length(void)
{
	uint8_t buf[sizeof(struct gui_damage) + 16];
	struct gui_damage d = { 0, 0, htole32(4), htole32(4), 1 };

	create(1, 0, 0, 50, 50);
	memcpy(buf, &d, sizeof(d));
	send_raw(GUI_MSG_DAMAGE, 1, buf, sizeof(buf)); /* 4x4 needs 64 pixel bytes */
}

static void unknown_type(void)
{
	send_raw(999, 1, "x", 1);
}

static void huge_length(void)
{
	struct msg_header h;

	msg_header_encode(&h, GUI_MSG_DAMAGE, 1, 0xffffffffu);
	if (write(FD, &h, sizeof(h)) < 0)
		exit(0);
}

static void bad_title(void)
{
	static const char evil[] = "evil\x1b[31m\xff\xfe \xe2\x80\xae"
				   "txt.exe\n\x01 [dom0] \xc0\xaf";

	create(7, 300, 300, 120, 80);
	send_raw(GUI_MSG_TITLE, 7, evil, sizeof(evil) - 1);
	linger();
}

static void long_title(void)
{
	char t[GUI_TITLE_MAX + 1];

	memset(t, 'a', sizeof(t));
	create(7, 300, 300, 120, 80);
	send_raw(GUI_MSG_TITLE, 7, t, sizeof(t));
}

static void many_windows(void)
{
	for (uint32_t id = 1; id <= 10000; id++) {
		struct gui_create c = { .r = { (int32_t)(id % 500), 10, 20, 20 } };
		send32(GUI_MSG_CREATE, id, &c, sizeof(c));
		if (id % 64 == 0)
			drain();
	}
	linger();
}

/* A valid flood, acks read: guid must keep up with bounded memory and stay alive. */
static void damage_flood(void)
{
	time_t end = time(NULL) + 6;
	uint32_t seq = 0;

	create(1, 600, 400, 256, 256);
	while (time(NULL) < end) {
		send_damage(1, 0, 0, 256, 256, ++seq);
		drain();
	}
	fprintf(stderr, "hostile-agent: sent %u damage frames\n", seq);
	exit(0);
}

/* A flood of tiny damage and never a read: guid's acks pile up until it drops the VM. */
static void never_read(void)
{
	create(1, 600, 400, 64, 64);
	for (uint32_t seq = 1; seq < 4000000; seq++)
		send_damage(1, 0, 0, 1, 1, seq);
}

static void truncated(void)
{
	struct msg_header h;

	create(1, 0, 0, 10, 10);
	msg_header_encode(&h, GUI_MSG_TITLE, 1, 10);
	if (write(FD, &h, sizeof(h)) < 0 || write(FD, "abc", 3) < 0)
		exit(0);
	exit(0); /* hang up mid-message */
}

static void menu(uint32_t id, int32_t x, int32_t y, uint32_t w, uint32_t h, const char *title)
{
	struct gui_create c = { .r = { x, y, w, h }, .override_redirect = 1 };
	struct gui_map m = { .override_redirect = 1 };

	send32(GUI_MSG_CREATE, id, &c, sizeof(c));
	send_raw(GUI_MSG_TITLE, id, title, strlen(title));
	send32(GUI_MSG_MAP, id, &m, sizeof(m));
}

/* Not violations: a menu hanging off the screen's corner, and one covering the whole screen. */
static void menus(void)
{
	menu(1, 1200, 780, 200, 100, "menu");
	menu(2, 0, 0, 1280, 800, "cover");
	linger();
}

static void before_version(void)
{
	send32(GUI_MSG_CREATE, 1, &(struct gui_create){ .r = { 0, 0, 10, 10 } },
	       sizeof(struct gui_create));
}

/* Shared-memory messages (1.2). guid's region, when it has one, is 1 MiB in these tests. */
static void shm_buffer(uint32_t id, uint32_t offset, uint32_t w, uint32_t h)
{
	struct gui_shm_buffer b = { offset, w, h };
	send32(GUI_MSG_SHM_BUFFER, id, &b, sizeof(b));
}

static void shm_without_region(void)
{
	create(1, 0, 0, 100, 100);
	shm_buffer(1, 0, 100, 100);
	linger();
}

static void shm_past_region(void)
{
	create(1, 0, 0, 512, 512);
	shm_buffer(1, 4096, 512, 512); /* 1 MiB + 4 KiB */
	linger();
}

static void shm_damage_outside(void)
{
	struct gui_damage d = { 0, 40, 100, 20, 1 };

	create(1, 0, 0, 100, 100);
	shm_buffer(1, 0, 100, 50); /* a buffer smaller than its window */
	send32(GUI_MSG_SHM_DAMAGE, 1, &d, sizeof(d));
	linger();
}

static const struct {
	const char *name;
	void (*run)(void);
	bool handshake;
} scenarios[] = {
	{ "oversize", oversize, true },
	{ "rect-outside", rect_outside, true },
	{ "bad-length", bad_length, true },
	{ "damage-length", damage_length, true },
	{ "unknown-type", unknown_type, true },
	{ "huge-length", huge_length, true },
	{ "bad-title", bad_title, true },
	{ "long-title", long_title, true },
	{ "many-windows", many_windows, true },
	{ "damage-flood", damage_flood, true },
	{ "never-read", never_read, true },
	{ "truncated", truncated, true },
	{ "before-version", before_version, false },
	{ "menus", menus, true },
	{ "shm-without-region", shm_without_region, true },
	{ "shm-past-region", shm_past_region, true },
	{ "shm-damage-outside", shm_damage_outside, true },
};

int main(int argc, char **argv)
{
	for (size_t i = 0; argc == 2 && i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (strcmp(argv[1], scenarios[i].name) == 0) {
			if (scenarios[i].handshake)
				hello();
			scenarios[i].run();
			linger();
			return 0;
		}
	fprintf(stderr, "usage: hostile-agent SCENARIO\n");
	return 2;
}
