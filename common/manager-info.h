/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkheadd's system info (org.bulkhead.Manager1.GetSystemInfo): the VMs as the policy sees
 * them, in POLICY.md's JSON (docs/interfaces.md). Part of common_dbus_dep. Read by the policy
 * daemon and by the print filter (which disposable template renders a job).
 */
#pragma once

#include <dbus/dbus.h>

/* The JSON, malloc'd, into *ret; -EHOSTDOWN when bulkheadd does not answer within timeout_ms
 * (no activation: a missing bulkheadd is never started for this). */
int bulkhead_manager_system_info(DBusConnection *bus, int timeout_ms, char **ret);
