/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Linked into the GTK programs of savefile/ (the save dialog, the portal backend) only: in
 * sanitizer builds, LeakSanitizer's defaults for them. GTK 3.24.38's file chooser now and then
 * leaks a g_strconcat()'d string (11-33 bytes) in a GIO callback that completes while
 * gtk_dialog_run() runs: GTK's own allocation, not ours, and it made every test that shows the
 * dialog fail at random. It is matched by library, which needs whole stacks (GLib has no frame
 * pointers for the fast unwinder). The programs' own code allocates nothing inside GTK's
 * callbacks but what it frees there, so this hides nothing of Bulkhead's. Set here, the
 * defaults hold wherever the programs run: test beds and real VMs alike.
 */
#if defined(__SANITIZE_ADDRESS__)
const char *__asan_default_options(void);
const char *__lsan_default_suppressions(void);

const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

const char *__lsan_default_suppressions(void)
{
	return "leak:libgtk-3.so\nleak:libfontconfig.so\n";
}
#endif
