/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The inter-VM clipboard keys. guid already consumes Ctrl+Shift+C / Ctrl+Shift+V (the VM never
 * sees them); what they do — fetch the VM's CLIPBOARD into the global clipboard, or paste it
 * into this VM after a ClipboardPaste policy check — belongs to the clipboard work
 * (GUI-AND-CLIPBOARD.md) and is not implemented yet. Until then these only log.
 */
#include "guid.h"
#include "log.h"

void guid_clipboard_copy_requested(struct guid *g, struct guid_window *w)
{
	log_info("Clipboard copy requested on window 0x%x (the inter-VM clipboard is not "
		 "implemented yet)",
		 w->id);
}

void guid_clipboard_paste_requested(struct guid *g, struct guid_window *w)
{
	log_info("Clipboard paste requested on window 0x%x (the inter-VM clipboard is not "
		 "implemented yet)",
		 w->id);
}
