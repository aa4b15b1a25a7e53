/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * File copy between VMs: the packer/sender and the hardened receiver of the qvm-copy stream
 * (FILECOPY.md, wire structs in filecopy-proto.h).
 *
 * Layers, from the bytes up:
 *   crc32.c             CRC-32 (IEEE, as zlib's crc32()), slicing-by-8
 *   charset.c           the allow-list of code points a file name may hold; display sanitiser
 *   untrusted-header.c  the receiver's pure parser: header, name and symlink-target checks
 *   untrusted-reply.c   the sender's pure parser of the receiver's reply
 *   receive*.c          the receiver: reads the stream, writes files beneath one directory fd
 *   sandbox.c           the receiver's own user+mount namespace confined to the incoming folder
 *   send.c              the packer: walks the arguments, writes the stream, reads the reply
 *   limits.c, errors.c, progress.c, remove.c: configuration, sentences, the progress bar, move
 *
 * Functions return >= 0 on success and -errno on failure, and never log: programs do.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "filecopy-proto.h"

/* ---- CRC ---- */

/* zlib-compatible: filecopy_crc32(0, buf, len) == crc32(0, buf, len); chainable. */
uint32_t filecopy_crc32(uint32_t crc, const void *buf, size_t len);
/* Tests: use the portable table path even where the PCLMULQDQ path is available. */
void filecopy_crc32_force_table(bool force);

/* ---- names (pure) ---- */

/* True for a code point that may appear in a received name beyond printable ASCII. */
bool filecopy_codepoint_is_safe(uint32_t cp);
/* Copy untrusted bytes for display: safe characters as they are, anything else as '?',
 * cut with "..." to fit dstsize (>= 8). Returns dst. */
char *filecopy_name_sanitize(char *dst, size_t dstsize, const void *src, size_t len);

/* A header that passed filecopy_header_parse(): the type is one of the three, the sizes and
 * nanoseconds are in range. The name is not yet read. */
struct filecopy_header {
	uint32_t namelen;
	mode_t type; /* S_IFREG, S_IFDIR or S_IFLNK */
	mode_t perm; /* permission bits, setuid/setgid/sticky already dropped */
	uint64_t filelen;
	struct timespec atime, mtime;
};

/* Parse a raw 32-byte header. 0: an entry; 1: the end marker; -EINVAL (type, nanoseconds,
 * a directory with a length, a non-zero end marker); -ENAMETOOLONG (name or link target). */
int filecopy_header_parse(const void *untrusted_raw, struct filecopy_header *ret);
/* Check the namelen bytes that follow the header (NUL included) and copy them to name
 * (FILECOPY_PATH_MAX bytes). 0, -EILSEQ, or -ENAMETOOLONG. */
int filecopy_name_parse(const struct filecopy_header *h, const void *untrusted_name,
			char name[static FILECOPY_PATH_MAX]);
/* Check a symlink target (len bytes, no NUL) for the link called name; copy it NUL-terminated
 * to target (FILECOPY_PATH_MAX bytes). 0 or -ENOLINK. */
int filecopy_symlink_parse(const char *name, const void *untrusted_target, size_t len,
			   char target[static FILECOPY_PATH_MAX]);

/* One file name (a single path component) from a VM, as bulkhead.SaveFile's suggested name:
 * the rules of filecopy_name_parse() for one component (no '/', not "." or "..", no NUL, the
 * allow-listed characters) and at most FILECOPY_NAME_MAX bytes. len excludes any NUL. Copies it
 * NUL-terminated to name. 0, -EILSEQ, or -ENAMETOOLONG. */
int filecopy_leaf_name_parse(const void *untrusted_name, size_t len,
			     char name[static FILECOPY_NAME_MAX + 1]);

/* ---- the reply (pure parser) ---- */

struct filecopy_reply {
	uint32_t error_code;
	uint32_t crc32;
	bool crc_valid; /* the 64-bit field held a 32-bit value */
	size_t last_name_len;
	char last_name[FILECOPY_PATH_MAX]; /* raw bytes from the receiver: sanitise to show */
};

/* Parse a whole reply (16 bytes, or 20 + last_namelen). 0 or -EBADMSG. */
int filecopy_reply_parse(const void *untrusted_buf, size_t len, struct filecopy_reply *ret);
/* Read a reply from fd until it is complete (or EOF after the short 16-byte form).
 * 0, -EBADMSG, -ENODATA (EOF before 16 bytes), or -errno. */
int filecopy_reply_read(int fd, struct filecopy_reply *ret);
/* Encode a reply into buf (at least 20 + name_len bytes); returns its length. */
size_t filecopy_reply_encode(void *buf, uint32_t code, uint32_t crc, const void *name,
			     size_t name_len);

/* A sentence a person understands for a reply's error code (never NULL). */
const char *filecopy_error_sentence(uint32_t code);

/* ---- limits and configuration ---- */

struct filecopy_limits {
	uint64_t max_files; /* entries of any type; 0 = no limit */
	uint64_t max_bytes; /* file data plus link targets; 0 = no limit */
};

#define FILECOPY_DEFAULT_MAX_FILES 100000ULL
#define FILECOPY_DEFAULT_MAX_BYTES (64ULL << 30)

void filecopy_limits_init(struct filecopy_limits *l);
/* "max_files = N" / "max_bytes = N[KMGT]" lines, '#' comments. On -EINVAL *bad_line says
 * which line (1-based). */
int filecopy_limits_parse(struct filecopy_limits *l, const char *text, unsigned *bad_line);
/* A size with an optional K/M/G/T suffix (powers of 1024). */
int filecopy_parse_size(const char *s, uint64_t *ret);
/* Apply, in order: /etc/bulkhead/filecopy.conf, $XDG_CONFIG_HOME (or ~/.config)/bulkhead/
 * filecopy.conf, then BULKHEAD_FILECOPY_MAX_FILES / _MAX_BYTES. Missing files are fine; on
 * error *where names the file or variable (static or owned by the caller's buffer). */
int filecopy_limits_load(struct filecopy_limits *l, char *where, size_t wheresize);

/* ---- receiver ---- */

struct filecopy_receive_stats {
	uint64_t files;	  /* entries created */
	uint64_t bytes;	  /* file data + link targets */
	uint64_t renamed; /* entries kept beside an existing name */
	uint32_t error;	  /* the code sent in the reply (0 = success) */
	bool tmpfile;	  /* files were written as O_TMPFILE (else under hidden temporary names) */
	char last_name[FILECOPY_PATH_MAX];  /* stream name being handled at the error */
	char renamed_to[FILECOPY_PATH_MAX]; /* the last name given to a kept-beside entry */
};

/* Read a stream from in_fd and unpack it beneath dirfd (never outside it), then write the
 * reply to out_fd (out_fd < 0: none). Returns 0 on complete success, else -code with the code
 * also in stats->error (FILECOPY_ESHORTDATA is returned as -FILECOPY_ESHORTDATA). */
int filecopy_receive(int in_fd, int out_fd, int dirfd, const struct filecopy_limits *limits,
		     struct filecopy_receive_stats *stats);

/* Whether walks can use openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS) on this kernel;
 * filecopy_receive() falls back to O_NOFOLLOW component walks otherwise. */
bool filecopy_have_openat2(void);
/* Tests: force the O_NOFOLLOW fallback walk even where openat2 exists. */
void filecopy_force_component_walk(bool force);
/* Tests: write files under hidden temporary names, as where O_TMPFILE is unavailable. */
void filecopy_force_named_tmpfiles(bool force);

/* One file written the receiver's way, in a directory of the caller's choosing: created
 * unnamed (O_TMPFILE, or a hidden ".bulkhead-partial-*" name where the filesystem has no
 * O_TMPFILE) and given its name only when whole, so an error or a cut stream leaves nothing. */
struct filecopy_atomic_file {
	int fd;		  /* write the data here */
	int dirfd;	  /* borrowed: where the file will appear */
	int link_mode;	  /* how the file gets its name (receive-fs.c) */
	char tmpname[64]; /* the hidden temporary name, while there is one */
};

/* 0 or -errno; on success f->fd is open for writing. */
int filecopy_atomic_begin(int dirfd, struct filecopy_atomic_file *f);
/* Sync the data, set perm, and link the file to leaf (a single component). replace = false:
 * never replace anything (-EEXIST); true: atomically replace an existing leaf (rename), for a
 * replacement the user confirmed. f is finished either way. */
int filecopy_atomic_commit(struct filecopy_atomic_file *f, const char *leaf, mode_t perm,
			   bool replace);
/* Drop the file without a trace; safe to call twice. */
void filecopy_atomic_abort(struct filecopy_atomic_file *f);

enum filecopy_sandbox {
	FILECOPY_SANDBOX_NAMESPACE, /* own user+mount namespace, root = the incoming folder */
	FILECOPY_SANDBOX_BENEATH,   /* namespaces unavailable: RESOLVE_BENEATH walks only */
};

/* Create dir's missing components (mode 0700; the caller's own, trusted path), then confine
 * this process to it: a fresh user+mount namespace whose root is dir, unless that is
 * unavailable. *ret_dirfd is an O_PATH|O_DIRECTORY fd of dir in either case; *ret_reason
 * says why the namespace was not used. */
int filecopy_sandbox_enter(const char *dir, bool allow_namespace, int *ret_dirfd,
			   enum filecopy_sandbox *ret_kind, int *ret_reason);
/* mkdir -p with mode 0700 for missing components. */
int filecopy_mkdir_p(const char *path);

/* ---- sender ---- */

struct filecopy_progress;

struct filecopy_sender {
	int out_fd;   /* where the stream goes */
	int reply_fd; /* where the reply comes from, or -1: do not wait for one */
	uint32_t crc;
	uint64_t files, bytes;		    /* sent so far: entries, data bytes */
	struct filecopy_progress *progress; /* or NULL */
	bool record;			    /* remember what was sent (for move) */
	char **sent;			    /* when record: the paths sent, in order */
	size_t n_sent, cap_sent;
	uint64_t skipped;		     /* FIFOs, sockets, devices met inside directories */
	bool early_reply;		     /* the receiver replied (or hung up) before the end */
	char failed_path[FILECOPY_PATH_MAX]; /* the local path a local error is about */
	uint8_t *buf;
	size_t bufsize, used;
};

int filecopy_sender_init(struct filecopy_sender *s, int out_fd, int reply_fd);
void filecopy_sender_finish(struct filecopy_sender *s);
/* Pack one argument (a file, directory or symlink; FIFOs and devices give -EINVAL). */
int filecopy_send_path(struct filecopy_sender *s, const char *path);
/* Write the end marker, then read and check the reply (when reply_fd >= 0). Returns 0 on
 * success; -EREMOTE when the receiver reported an error (see *reply), -EBADE on a CRC
 * mismatch, or -errno. After an early reply (-EPIPE while sending) call this too. */
int filecopy_send_end(struct filecopy_sender *s, struct filecopy_reply *reply);
/* Total file data bytes and entries under the arguments, for the progress bar. */
int filecopy_scan(char *const *paths, size_t n, uint64_t *ret_bytes, uint64_t *ret_files);

/* Delete what s sent (s->record), children before directories; directories are removed only
 * when empty, so nothing that appeared during the copy is lost. Returns 0 or the first -errno;
 * *failed names the path. */
int filecopy_remove_sent(struct filecopy_sender *s, char *failed, size_t failedsize);

/* ---- progress ---- */

struct filecopy_progress *filecopy_progress_new(int fd, uint64_t total_bytes, uint64_t total_files);
/* Account n more bytes; redraws at most ten times a second. */
void filecopy_progress_add(struct filecopy_progress *p, uint64_t bytes, uint64_t files);
/* Format the bar line for the given state into buf (exported for tests). */
void filecopy_progress_format(char *buf, size_t size, int columns, uint64_t done, uint64_t total,
			      double elapsed);
/* Clear the bar (before the summary line). */
void filecopy_progress_free(struct filecopy_progress *p);
/* "1.5 GiB", "812 KiB", "17 B" */
char *filecopy_format_bytes(char *buf, size_t size, uint64_t bytes);
