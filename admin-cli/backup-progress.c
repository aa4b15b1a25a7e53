/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Progress of a backup, a verify or a restore: on a terminal, filecopy's bar on stderr (the
 * same bar vm-copy-to draws, with rate and time left); with --json, one line per half second
 * on stdout, {"progress": {"phase": ..., "done": ..., "total": ..., "rate": ..., "eta": ...}},
 * for a script or a GUI to follow. Otherwise, nothing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "backup-cli.h"
#include "filecopy.h"
#include "notify.h"

#define JSON_INTERVAL 0.5

struct backup_cli_progress {
	const char *phase;
	struct filecopy_progress *bar;
	bool json;
	uint64_t done, total;
	double start, last;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct backup_cli_progress *backup_cli_progress_new(const char *phase, uint64_t total, bool json)
{
	struct backup_cli_progress *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->phase = phase;
	p->total = total;
	p->json = json;
	p->start = p->last = now();
	if (!json && isatty(STDERR_FILENO))
		p->bar = filecopy_progress_new(STDERR_FILENO, total, 0);
	return p;
}

static void print_json(struct backup_cli_progress *p, double t)
{
	double elapsed = t - p->start, rate = elapsed > 0 ? (double)p->done / elapsed : 0;
	double eta = rate > 0 && p->total > p->done ? (double)(p->total - p->done) / rate : 0;

	printf("{\"progress\": {\"phase\": \"%s\", \"done\": %" PRIu64 ", \"total\": %" PRIu64
	       ", \"rate\": %.0f, \"eta\": %.1f}}\n",
	       p->phase, p->done, p->total, rate, eta);
	fflush(stdout);
	p->last = t;
}

void backup_cli_progress_step(void *userdata, uint64_t bytes)
{
	struct backup_cli_progress *p = userdata;
	double t;

	p->done += bytes;
	if (p->bar)
		filecopy_progress_add(p->bar, bytes, 0);
	if (p->json && ((t = now()) - p->last >= JSON_INTERVAL))
		print_json(p, t);
}

void backup_cli_progress_free(struct backup_cli_progress *p)
{
	if (!p)
		return;
	if (p->json)
		print_json(p, now());
	filecopy_progress_free(p->bar); /* clears the bar's line */
	free(p);
}

char *backup_cli_format_bytes(char *buf, size_t size, uint64_t bytes)
{
	return filecopy_format_bytes(buf, size, bytes);
}

void backup_cli_notify(const char *summary, const char *body)
{
	struct notifier *n = NULL;

	if (notifier_new(1, &n) < 0)
		return;
	notifier_send(n, summary, body);
	notifier_free(n);
}
