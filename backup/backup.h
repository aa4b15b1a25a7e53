/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libbackup: encrypted, deduplicated, incremental backups of VMs (docs/backup-format.md).
 *
 * A repository is a directory (a mounted USB disk) behind a small storage interface
 * (store.h). It holds content-defined chunks, compressed then sealed with XChaCha20-Poly1305,
 * named by a keyed BLAKE2b of their content, and one sealed manifest per backup. Every key
 * comes from the passphrase through Argon2id. The library knows nothing of bulkheadd: the
 * caller hands it VM names, properties and volume paths, and puts restored volumes back.
 *
 *   backup_repo_open(dest, pass, len, &opts, &repo);      // creates it when opts.create
 *   backup_create(repo, vms, n, policy_dir, &cb, &stats);  // one new backup
 *   backup_manifest_load(repo, 0, &m);                     // the latest, authenticated
 *   backup_blob_restore(repo, &m->vms[i].volume, fd, &cb); // bytes back, every chunk checked
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BACKUP_ID_SIZE 32
#define BACKUP_NAME_MAX 31	 /* a VM name (validate.h's VM_NAME_MAX) */
#define BACKUP_FILE_NAME_MAX 255 /* a policy file's name */
#define BACKUP_PROP_KEY_MAX 31
#define BACKUP_PROP_VALUE_MAX 511
#define BACKUP_PROPS_MAX 16
#define BACKUP_VMS_MAX 256
#define BACKUP_POLICIES_MAX 256
#define BACKUP_POLICY_FILE_MAX (1024 * 1024)

/* Argon2id cost: what the repository header records, chosen at creation. */
struct backup_kdf {
	uint64_t ops;
	uint64_t memory; /* bytes */
};
#define BACKUP_KDF_OPS_DEFAULT 3
#define BACKUP_KDF_MEMORY_DEFAULT (256ULL << 20)

struct backup_chunk_ref {
	uint8_t id[BACKUP_ID_SIZE];
	uint32_t len; /* plaintext bytes */
};

/* A file's content as a list of chunks. */
struct backup_blob {
	uint64_t size;
	struct backup_chunk_ref *chunks;
	size_t n_chunks, cap;
};

/* The source file's identity when it was read (device, inode, size, mtime, ctime): an
 * unchanged volume is not read again by the next backup (docs/backup-format.md). */
struct backup_file_id {
	uint64_t dev, ino, mtime_ns, ctime_ns;
};

struct backup_prop {
	char key[BACKUP_PROP_KEY_MAX + 1];
	char value[BACKUP_PROP_VALUE_MAX + 1];
};

struct backup_vm {
	char name[BACKUP_NAME_MAX + 1];
	struct backup_prop props[BACKUP_PROPS_MAX];
	size_t n_props;
	struct backup_blob volume;
	struct backup_file_id volume_id;
	/* The VM's firewall rules, one a line: a blob like the volume, "firewall SIZE" in the
	 * manifest. */
	struct backup_blob firewall;
	bool has_firewall;
};

struct backup_policy_file {
	char name[BACKUP_FILE_NAME_MAX + 1];
	struct backup_blob blob;
};

struct backup_manifest {
	uint64_t seq, prev_seq;
	int64_t time;
	struct backup_vm *vms;
	size_t n_vms;
	struct backup_policy_file *policies;
	size_t n_policies;
};

void backup_manifest_free(struct backup_manifest *m);
const char *backup_vm_prop(const struct backup_vm *vm, const char *key);
bool backup_manifest_has_vm(const struct backup_manifest *m, const char *name);

struct backup_repo;

struct backup_open_options {
	bool create;	       /* make the repository when DEST has none */
	struct backup_kdf kdf; /* for a new repository */
	const char *state_dir; /* where the replay high-water mark is kept; NULL: none */
};

/* Errors: -ENOENT no repository, -EACCES wrong passphrase (or a forged header), -EBADMSG
 * damaged or forged data, -ESTALE a replayed older backup, -EBUSY locked by another run. */
int backup_repo_open(const char *dest, const char *pass, size_t pass_len,
		     const struct backup_open_options *opts, struct backup_repo **ret);
/* The same on a store already open (store.h; the VM store, store-vm.h), which the repository
 * takes, even on failure. dest names it in messages ("vm:backupvm:/home/user/backups"). */
struct backup_store;
int backup_repo_open_store(struct backup_store *store, const char *dest, const char *pass,
			   size_t pass_len, const struct backup_open_options *opts,
			   struct backup_repo **ret);
void backup_repo_free(struct backup_repo *r);
/* The latest backup's number (0: none yet). */
uint64_t backup_repo_latest(const struct backup_repo *r);
/* A sentence for the last error of the repository (which file, what was wrong). */
const char *backup_repo_error(const struct backup_repo *r);

struct backup_progress {
	void (*step)(void *userdata, uint64_t bytes);
	void *userdata;
};

/* What to back up: each VM's name, properties and private volume (a halted VM's). */
struct backup_source {
	const char *name;
	const struct backup_prop *props;
	size_t n_props;
	const char *volume_path;
	/* Its firewall rules, one a line (NULL: none to keep). */
	const char *firewall;
};

struct backup_stats {
	uint64_t seq;
	uint64_t bytes_read;  /* volume bytes read and chunked */
	uint64_t bytes_total; /* volume bytes in the backup */
	uint64_t new_chunks, chunks;
	uint64_t new_bytes_stored; /* bytes written to DEST for new chunks */
	uint64_t volumes_unchanged;
};

/* reread: read every volume even when its file did not change since the last backup. */
int backup_create(struct backup_repo *r, const struct backup_source *src, size_t n,
		  const char *policy_dir, bool reread, const struct backup_progress *p,
		  struct backup_stats *stats);

/* seq 0: the latest. Authenticated, its chain checked against the latest pointer. */
int backup_manifest_load(struct backup_repo *r, uint64_t seq, struct backup_manifest **ret);
/* Write the blob's bytes to fd (a regular file: zero chunks become holes), checking each. */
int backup_blob_restore(struct backup_repo *r, const struct backup_blob *b, int fd,
			const struct backup_progress *p);
/* A small blob (a policy file, firewall rules; at most BACKUP_POLICY_FILE_MAX) in memory,
 * every chunk checked, NUL-terminated. */
int backup_blob_read(struct backup_repo *r, const struct backup_blob *b, char **ret);
/* Read and check every chunk of the blob without writing anything. */
int backup_blob_verify(struct backup_repo *r, const struct backup_blob *b,
		       const struct backup_progress *p);
/* Every backup's manifest, and the chain from each to its predecessor. */
int backup_chain_verify(struct backup_repo *r);
/* The chain, then the distinct chunks of backup seq (0: of all backups) into *all, for
 * backup_blob_verify; free with backup_blob_finish. */
int backup_verify_collect(struct backup_repo *r, uint64_t seq, struct backup_blob *all);
void backup_blob_finish(struct backup_blob *b);
/* Restore policy files into dir: absent ones written, identical ones kept, differing ones
 * written beside as NAME.from-backup-SEQ. *written, *conflicts: counts. */
int backup_policy_restore(struct backup_repo *r, const struct backup_manifest *m, const char *dir,
			  unsigned *written, unsigned *conflicts);
