/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit test: the notification helper's rate limit and its behaviour without a session bus. */
#include <errno.h>
#include <stdlib.h>

#include "notify.h"
#include "tap.h"

int main(void)
{
	struct notifier *n;
	int sent = 0, suppressed = 0;

	/* No bus at all: notifying must fail softly, never block or abort. */
	setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bulkhead-test-bus", 1);
	is_int(notifier_new(3, &n), 0, "a notifier with 3 a minute");
	for (int i = 0; i < 10; i++) {
		int r = notifier_send(n, "Bulkhead", "test");
		sent += r == -ENOTCONN;
		suppressed += r == 0;
	}
	is_int(sent, 3, "the first 3 are tried (and fail softly: no bus)");
	is_int(suppressed, 7, "the other 7 are held back by the rate limit");
	is_int(notifier_send(n, "Bulkhead", "\xff\xfe"), -EINVAL, "invalid UTF-8 is refused");
	notifier_free(n);
	notifier_free(NULL);
	ok(true, "notifier_free(NULL) is a no-op");
	return tap_done();
}
