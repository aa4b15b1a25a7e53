/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The progress bar of vm-copy-to on a terminal:
 *    42% [##########              ] 1.1 GiB / 2.6 GiB  312.4 MiB/s  0:05 left
 * redrawn in place at most ten times a second, and cleared before the summary line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"
#include "filecopy.h"
#include "macro.h"

struct filecopy_progress {
	int fd;
	uint64_t total, done, total_files, files;
	double start, last;
	bool drawn;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *filecopy_format_bytes(char *buf, size_t size, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, size, "%llu B", (unsigned long long)bytes);
		return buf;
	}
	while (v >= 1024 && u < (int)ELEMENTSOF(units) - 1)
		v /= 1024, u++;
	snprintf(buf, size, "%.1f %s", v, units[u]);
	return buf;
}

static void format_duration(char *buf, size_t size, double secs)
{
	unsigned long s = (unsigned long)(secs + 0.5);

	if (s >= 3600)
		snprintf(buf, size, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, size, "%lu:%02lu", s / 60, s % 60);
}

void filecopy_progress_format(char *buf, size_t size, int columns, uint64_t done, uint64_t total,
			      double elapsed)
{
	char d[32], t[32], rate[32], left[32] = "--:--", tail[128];
	double r = elapsed > 0 ? (double)done / elapsed : 0;
	unsigned pct = total ? (unsigned)(done >= total ? 100 : done * 100 / total) : 100;
	int width;

	if (r > 0 && done <= total)
		format_duration(left, sizeof(left), (double)(total - done) / r);
	filecopy_format_bytes(rate, sizeof(rate), (uint64_t)r);
	snprintf(tail, sizeof(tail), " %s / %s  %s/s  %s left", filecopy_format_bytes(d, 32, done),
		 filecopy_format_bytes(t, 32, total), rate, left);
	/* "100% [" + bar + "]" + tail must fit the terminal; the bar takes what is left. */
	width = MIN(columns - 1, (int)size - 1) - 7 - (int)strlen(tail);
	if (width < 5) {
		snprintf(buf, size, "%3u%%%s", pct, tail);
		return;
	}
	int fill = (int)((uint64_t)width * pct / 100);
	int n = snprintf(buf, size, "%3u%% [", pct);
	for (int i = 0; i < width; i++)
		buf[n++] = i < fill ? '#' : ' ';
	snprintf(buf + n, size - (size_t)n, "]%s", tail);
}

static int terminal_columns(int fd)
{
	struct winsize ws;

	return ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20 ? ws.ws_col : 80;
}

static void draw(struct filecopy_progress *p, double t)
{
	char line[512];

	filecopy_progress_format(line, sizeof(line) - 8, terminal_columns(p->fd), p->done, p->total,
				 t - p->start);
	/* \r: back to the start; \033[K: erase what a longer previous line left behind. */
	dprintf(p->fd, "\r%s\033[K", line);
	p->drawn = true;
	p->last = t;
}

struct filecopy_progress *filecopy_progress_new(int fd, uint64_t total_bytes, uint64_t total_files)
{
	struct filecopy_progress *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->fd = fd;
	p->total = total_bytes;
	p->total_files = total_files;
	p->start = p->last = now();
	return p;
}

void filecopy_progress_add(struct filecopy_progress *p, uint64_t bytes, uint64_t files)
{
	double t;

	p->done += bytes;
	p->files += files;
	if (p->done > p->total) /* files that grew since the scan */
		p->total = p->done;
	t = now();
	if (t - p->last >= 0.1)
		draw(p, t);
}

void filecopy_progress_free(struct filecopy_progress *p)
{
	if (!p)
		return;
	if (p->drawn)
		dprintf(p->fd, "\r\033[K");
	free(p);
}
