/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's /etc, generated at every boot: nothing of the host's /etc reaches a VM. Just what
 * the host's programs need to run as the VM's `user`: accounts, name resolution of the VM's own
 * name, fonts, and xdg/mime defaults that send links through the broker (vm-open-url).
 */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest-init.h"

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "user:x:1000:1000:user:/home/user:/bin/bash\n"
			     "lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin\n"
			     "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";

static const char group[] = "root:x:0:\n"
			    "tty:x:5:\n"
			    "lp:x:7:\n"
			    "audio:x:29:user\n"
			    "video:x:44:user\n"
			    "users:x:100:user\n"
			    "user:x:1000:\n"
			    "nogroup:x:65534:\n";

static const char nsswitch[] = "passwd: files\ngroup: files\nshadow: files\nhosts: files\n";

/* fontconfig reads only this file; the fonts themselves come with the host's /usr. */
static const char fonts_conf[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE fontconfig SYSTEM \"urn:fontconfig:fonts.dtd\">\n"
	"<fontconfig>\n"
	"  <dir>/usr/share/fonts</dir>\n"
	"  <dir>/usr/local/share/fonts</dir>\n"
	"  <cachedir>/var/cache/fontconfig</cachedir>\n"
	"  <cachedir prefix=\"xdg\">fontconfig</cachedir>\n"
	"  <alias><family>sans-serif</family><prefer><family>DejaVu Sans</family></prefer></alias>\n"
	"  <alias><family>monospace</family><prefer><family>DejaVu Sans Mono</family></prefer>"
	"</alias>\n"
	"</fontconfig>\n";

/* Any program that opens a link (xdg-open, GLib, $BROWSER) reaches vm-open-url. */
static const char mimeapps[] = "[Default Applications]\n"
			       "x-scheme-handler/http=bulkhead-open-url.desktop\n"
			       "x-scheme-handler/https=bulkhead-open-url.desktop\n"
			       "text/html=bulkhead-open-url.desktop\n";

static const char open_url_desktop[] = "[Desktop Entry]\n"
				       "Type=Application\n"
				       "Name=Open in another VM\n"
				       "Exec=vm-open-url %u\n"
				       "NoDisplay=true\n"
				       "MimeType=x-scheme-handler/http;x-scheme-handler/https;"
				       "text/html;\n";

/* Not a default for anything: a user routes a type to other VMs with
 * `xdg-mime default bulkhead-open-in-vm.desktop application/pdf`, and the policy for
 * bulkhead.OpenInVM says which VM (a disposable, usually) opens it. */
static const char open_in_vm_desktop[] = "[Desktop Entry]\n"
					 "Type=Application\n"
					 "Name=Open in another VM\n"
					 "Exec=vm-open-in-vm %f\n"
					 "NoDisplay=true\n"
					 "MimeType=application/pdf;text/plain;image/png;image/jpeg;"
					 "application/vnd.oasis.opendocument.text;\n";

static const char environment[] =
	"PATH=" INIT_GUEST_DIR "/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin\n"
	"BROWSER=vm-open-url\n"
	"XDG_DATA_DIRS=/etc/bulkhead/xdg-data:/usr/local/share:/usr/share\n";

static void write_hosts(const struct init_config *cfg)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost\n",
		 cfg->name);
	init_write_file("/etc/hosts", buf, 0644);
	snprintf(buf, sizeof(buf), "%s\n", cfg->name);
	init_write_file("/etc/hostname", buf, 0644);
	if (sethostname(cfg->name, strlen(cfg->name)) < 0)
		init_log("sethostname failed");
}

/* A fresh id per boot: nothing a VM's programs key on (D-Bus, X auth) outlives the boot or
 * links it to another VM. GRND_INSECURE: this early, waiting for the pool would stall boot. */
static void write_machine_id(void)
{
	unsigned char id[16];
	char hex[34];

	if (getrandom(id, sizeof(id), GRND_INSECURE) != (ssize_t)sizeof(id))
		return init_log("getrandom for machine-id failed");
	for (size_t i = 0; i < sizeof(id); i++)
		snprintf(hex + 2 * i, 3, "%02x", id[i]);
	strcpy(hex + 32, "\n");
	init_write_file("/etc/machine-id", hex, 0444);
}

void init_write_etc(const struct init_config *cfg)
{
	init_mkdir_p("/etc/fonts", 0755);
	init_mkdir_p("/etc/xdg", 0755);
	init_mkdir_p("/etc/bulkhead/xdg-data/applications", 0755);
	init_mkdir_p("/var/cache/fontconfig", 0755);
	init_write_file("/etc/passwd", passwd, 0644);
	init_write_file("/etc/group", group, 0644);
	init_write_file("/etc/shadow", "root:*:1::::::\nuser:*:1::::::\n", 0600);
	init_write_file("/etc/nsswitch.conf", nsswitch, 0644);
	init_write_file("/etc/fonts/fonts.conf", fonts_conf, 0644);
	init_write_file("/etc/xdg/mimeapps.list", mimeapps, 0644);
	init_write_file("/etc/bulkhead/xdg-data/applications/bulkhead-open-url.desktop",
			open_url_desktop, 0644);
	init_write_file("/etc/bulkhead/xdg-data/applications/bulkhead-open-in-vm.desktop",
			open_in_vm_desktop, 0644);
	init_write_file("/etc/environment", environment, 0644);
	write_machine_id();
	init_symlink("../usr/lib/os-release", "/etc/os-release");
	init_symlink("/proc/self/mounts", "/etc/mtab");
	write_hosts(cfg);
	init_write_cups();
	if (chown("/home/user", INIT_USER_UID, INIT_USER_UID) < 0)
		init_log("chown /home/user failed");
}
