/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CUPS in a guest (docs/print.md). The host's /usr brings cupsd, its filters and backends; the
 * guest's generated /etc gets what makes them work here, at every boot:
 *   - /etc/cups/cupsd.conf: a local socket only, no browsing, no web interface, and every
 *     operation open to the VM's own users (a VM is one user's; its root is that user's too);
 *   - /etc/cups/cups-files.conf: the state that must outlive a boot (printers.conf, PPDs) on
 *     the private volume in /home/user/.bulkhead-cups, spool and logs on the tmpfs root,
 *     FileDevice on (a file: queue is how a print VM without a printer can be tested);
 *   - /etc/cups/serverbin: the host's CUPS programs by symlink, plus the `bulkhead` backend;
 *   - on first boot, the "Bulkhead" queue (bulkhead:/) that sends jobs through the broker.
 * cupsd itself starts on demand (guest-init-run.c): init holds its socket, and the first
 * client (a Print dialog, lp, the print VM's receiver) starts it; it exits when idle. Started
 * at boot it took 3 s of CPU in the first 15 s of a VM's life under TCG.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "guest-init.h"

#define CUPS_STATE "/home/user/.bulkhead-cups"
#define SERVERBIN "/etc/cups/serverbin"
#define HOST_SERVERBIN "/usr/lib/cups"

static const char cupsd_conf[] = "Listen /run/cups/cups.sock\n"
				 "Browsing No\n"
				 "WebInterface No\n"
				 "LogLevel warn\n"
				 "DefaultPaperSize A4\n"
				 "DefaultAuthType None\n"
				 "IdleExitTimeout 60\n"
				 "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
				 "<Policy default>\n  <Limit All>\n    Order deny,allow\n"
				 "  </Limit>\n</Policy>\n";

static const char cups_files_conf[] = "ServerRoot " CUPS_STATE "\n"
				      "ServerBin " SERVERBIN "\n"
				      "RequestRoot /var/spool/cups\n"
				      "TempDir /var/spool/cups/tmp\n"
				      "CacheDir /var/cache/cups\n"
				      "StateDir /run/cups\n"
				      "Printcap /run/cups/printcap\n"
				      "AccessLog /var/log/cups/access_log\n"
				      "ErrorLog /var/log/cups/error_log\n"
				      "PageLog /var/log/cups/page_log\n"
				      "FileDevice Yes\n"
				      "User lp\n"
				      "Group lp\n";

/* Not the default destination: in the print VM, the user's printer is. */
static const char bulkhead_queue[] = "<Printer Bulkhead>\n"
				     "Info Print through Bulkhead's print VM\n"
				     "DeviceURI bulkhead:/\n"
				     "State Idle\n"
				     "Accepting Yes\n"
				     "Shared No\n"
				     "ErrorPolicy abort-job\n"
				     "</Printer>\n";

/* backend/: every host backend, and ours; the other program dirs as a whole. */
static void link_serverbin(void)
{
	static const char *const dirs[] = { "filter",	"daemon",  "cgi-bin",
					    "notifier", "monitor", "driver" };
	char from[INIT_PATH_MAX], to[INIT_PATH_MAX];
	DIR *d = opendir(HOST_SERVERBIN "/backend");
	struct dirent *e;

	init_mkdir_p(SERVERBIN "/backend", 0755);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(from, sizeof(from), HOST_SERVERBIN "/%s", dirs[i]);
		snprintf(to, sizeof(to), SERVERBIN "/%s", dirs[i]);
		init_symlink(from, to);
	}
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(from, sizeof(from), HOST_SERVERBIN "/backend/%s", e->d_name);
		snprintf(to, sizeof(to), SERVERBIN "/backend/%s", e->d_name);
		init_symlink(from, to);
	}
	if (d)
		closedir(d);
	init_symlink(INIT_GUEST_DIR "/bin/bulkhead-cups-backend", SERVERBIN "/backend/bulkhead");
}

bool init_have_cups(void)
{
	return access("/usr/sbin/cupsd", X_OK) == 0;
}

void init_write_cups(void)
{
	if (!init_have_cups())
		return;
	init_mkdir_p("/etc/cups", 0755);
	init_mkdir_p("/var/spool/cups/tmp", 0755);
	init_mkdir_p("/var/cache/cups", 0755);
	init_mkdir_p("/var/log/cups", 0755);
	init_mkdir_p("/run/cups", 0755);
	init_mkdir_p(CUPS_STATE "/ppd", 0755);
	init_mkdir_p(CUPS_STATE "/ssl", 0700);
	init_write_file("/etc/cups/cupsd.conf", cupsd_conf, 0644);
	init_write_file("/etc/cups/cups-files.conf", cups_files_conf, 0644);
	link_serverbin();
	if (access(CUPS_STATE "/printers.conf", F_OK) < 0)
		init_write_file(CUPS_STATE "/printers.conf", bulkhead_queue, 0600);
}

int init_cups_listen(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "/run/cups/cups.sock" };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	unlink(sa.sun_path);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    chmod(sa.sun_path, 0666) == 0 && listen(fd, 64) == 0)
		return fd;
	init_log("cupsd's socket: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}
