/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Desktop notifications (org.freedesktop.Notifications.Notify on the session bus), rate
 * limited, fire and forget: a daemon must never wait for, or fail because of, a notification
 * daemon. Part of common_dbus_dep (libdbus-1), separate from libcommon.
 *
 *   struct notifier *n;
 *   notifier_new(10, &n);                  // at most 10 per minute
 *   notifier_send(n, "Bulkhead: denied", "mail -> work: bulkhead.Filecopy");
 *   notifier_free(n);
 */
#pragma once

struct notifier;

int notifier_new(unsigned max_per_minute, struct notifier **ret);
void notifier_free(struct notifier *n);
/* 1 sent, 0 suppressed by the rate limit, -errno when there is no session bus (not an error
 * worth more than a debug line). Strings must be UTF-8 (-EINVAL otherwise). */
int notifier_send(struct notifier *n, const char *summary, const char *body);
