/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The backup passphrase: never on the command line (every user sees argv in ps), but from a
 * terminal prompt without echo, or from --passphrase-file / --passphrase-fd for scripts. It
 * lives in sodium_malloc'd memory (no swap, guard pages) and is wiped when freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "backup-cli.h"
#include "macro.h"

#define PASSPHRASE_MAX 1024

void backup_passphrase_free(char *pass)
{
	if (pass)
		sodium_free(pass); /* wipes */
}

/* Up to PASSPHRASE_MAX bytes from fd; one trailing newline is not part of it. */
static int read_secret(int fd, char *buf, size_t *len)
{
	size_t n = 0;

	while (n <= PASSPHRASE_MAX) {
		ssize_t k = read(fd, buf + n, PASSPHRASE_MAX + 1 - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return negative_errno();
		if (k == 0)
			break;
		n += (size_t)k;
		if (buf[n - 1] == '\n' && isatty(fd))
			break;
	}
	if (n > PASSPHRASE_MAX)
		return -E2BIG;
	if (n && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	*len = n;
	return n && !memchr(buf, '\0', n) ? 0 : -EINVAL;
}

static int prompt(int tty, const char *text, char *buf, size_t *len)
{
	struct termios old, quiet;
	int k;

	if (tcgetattr(tty, &old) < 0)
		return negative_errno();
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	dprintf(tty, "%s", text);
	if (tcsetattr(tty, TCSAFLUSH, &quiet) < 0)
		return negative_errno();
	k = read_secret(tty, buf, len);
	tcsetattr(tty, TCSAFLUSH, &old);
	dprintf(tty, "\n");
	return k;
}

static int from_terminal(bool confirm, char *buf, size_t *len)
{
	_cleanup_close_ int tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	char *again = NULL;
	size_t again_len;
	int k;

	if (tty < 0)
		return -ENOTTY;
	k = prompt(tty, "Backup passphrase: ", buf, len);
	if (k < 0 || !confirm)
		return k;
	again = sodium_malloc(PASSPHRASE_MAX + 2);
	if (!again)
		return -ENOMEM;
	k = prompt(tty, "Again, to confirm: ", again, &again_len);
	if (k >= 0 && (again_len != *len || sodium_memcmp(again, buf, *len) != 0))
		k = -EKEYREJECTED;
	sodium_free(again);
	return k;
}

static int from_source(const struct backup_cli_args *a, bool confirm, char *buf, size_t *len)
{
	_cleanup_close_ int fd = -1;

	if (a->passphrase_fd >= 0)
		return read_secret(a->passphrase_fd, buf, len);
	if (!a->passphrase_file)
		return from_terminal(confirm, buf, len);
	fd = open(a->passphrase_file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? negative_errno() : read_secret(fd, buf, len);
}

int backup_passphrase_get(const struct backup_cli_args *a, bool confirm, char **ret,
			  size_t *ret_len)
{
	char *buf = sodium_malloc(PASSPHRASE_MAX + 2);
	const char *what = a->passphrase_fd >= 0 ? "the passphrase fd"
			   : a->passphrase_file	 ? a->passphrase_file
						 : "the terminal";
	int k = buf ? from_source(a, confirm, buf, ret_len) : -ENOMEM;

	if (k < 0) {
		backup_passphrase_free(buf);
		if (k == -ENOTTY)
			fprintf(stderr, "vmctl: backup: no terminal to ask for the passphrase: use "
					"--passphrase-file or --passphrase-fd\n");
		else if (k == -EKEYREJECTED)
			fprintf(stderr, "vmctl: backup: the passphrases differ\n");
		else if (k == -EINVAL)
			fprintf(stderr,
				"vmctl: backup: empty passphrase (or a NUL byte in it) "
				"from %s\n",
				what);
		else
			fprintf(stderr, "vmctl: backup: cannot read the passphrase from %s: %s\n",
				what, k == -E2BIG ? "longer than 1024 bytes" : strerror(-k));
		return k;
	}
	*ret = buf;
	return 0;
}
