/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VM properties to and from D-Bus values (dbus-props.c). */
#pragma once

#include <dbus/dbus.h>

#include "vm-config.h"

/* The text form of a variant (iterator on the variant): s, u, i >= 0, b, as. -EINVAL else. */
int hv_dbus_variant_text(DBusMessageIter *variant, char *buf, size_t size);
/* Append key's value as a variant of its D-Bus type; "state" takes the state argument. */
int hv_dbus_append_prop(DBusMessageIter *it, const struct vm_props *p, const char *key,
			const char *state);
/* Append the a{sv} of one VM for ListVMs. */
int hv_dbus_append_vm_dict(DBusMessageIter *it, const struct vm_props *p, const char *state);
