/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "manager-client.h"
#include "strutil.h"

static int run_shutdown(int argc, char **argv)
{
	const char *name = NULL;
	dbus_bool_t wait = FALSE;
	DBusMessage *call, *reply;

	for (int i = 1; i < argc; i++) {
		if (streq(argv[i], "--wait"))
			wait = TRUE;
		else if (argv[i][0] == '-' || name)
			return vmctl_usage_error(&vmctl_cmd_shutdown, "unexpected argument '%s'",
						 argv[i]);
		else
			name = argv[i];
	}
	if (manager_check_name(&vmctl_cmd_shutdown, name) != VMCTL_EXIT_OK)
		return VMCTL_EXIT_USAGE;
	call = manager_call_new("Shutdown");
	if (call && !dbus_message_append_args(call, DBUS_TYPE_STRING, &name, DBUS_TYPE_BOOLEAN,
					      &wait, DBUS_TYPE_INVALID))
		return VMCTL_EXIT_FAILURE;
	reply = manager_call(&vmctl_cmd_shutdown, call);
	if (!reply)
		return VMCTL_EXIT_FAILURE;
	dbus_message_unref(reply);
	return VMCTL_EXIT_OK;
}

const struct vmctl_command vmctl_cmd_shutdown = {
	.name = "shutdown",
	.args = "NAME [--wait]",
	.summary = "Ask a VM to power off cleanly",
	.help = "Presses the VM's ACPI power button: its programs get SIGTERM and its volume is\n"
		"unmounted before it powers off.\n\n"
		"  --wait   return only once the VM has stopped (at most 120 s)\n",
	.run = run_shutdown,
};
