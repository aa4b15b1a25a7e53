/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * load-caller TARGET SERVICE N: N calls at once from one guest process (a thread each, through
 * the agent's local socket as qrexec-client-vm does), then one line on stdout:
 *
 *     completed C limited L other O
 *
 * completed: the service ran and exited 0; limited: refused with the documented limit ("too
 * many calls"); other: anything else (a refusal for another reason, a failure, a non-zero exit).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "local-call.h"

static const char *target, *service;
static atomic_int completed, limited, other;

static void *one_call(void *arg)
{
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	int fds[3] = { devnull, devnull, devnull }, code;
	char reason[QREXEC_REASON_FIELD];
	int sock = devnull < 0 ? -1 : qrexec_local_call_start(target, service, fds, &code, reason);

	(void)arg;
	if (sock < 0 && devnull >= 0 && strstr(reason, "too many"))
		atomic_fetch_add(&limited, 1);
	else if (sock < 0 || qrexec_local_call_wait(sock) != 0)
		atomic_fetch_add(&other, 1);
	else
		atomic_fetch_add(&completed, 1);
	if (devnull >= 0)
		close(devnull);
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc == 4 ? atoi(argv[3]) : 0;
	pthread_t *threads = calloc(n > 0 ? (size_t)n : 1, sizeof(pthread_t));
	pthread_attr_t attr;

	if (n <= 0 || !threads) {
		fprintf(stderr, "Usage: load-caller TARGET SERVICE N\n");
		return 2;
	}
	target = argv[1];
	service = argv[2];
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (int i = 0; i < n; i++)
		if (pthread_create(&threads[i], &attr, one_call, NULL) != 0)
			return 1;
	for (int i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	printf("completed %d limited %d other %d\n", completed, limited, other);
	free(threads);
	return 0;
}
