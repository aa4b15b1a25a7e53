/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bulkhead's runtime and state directories (docs/interfaces.md, "Runtime paths"). */
#pragma once

/* Inside a VM: Bulkhead's guest programs and services (the installed guest dir, or a build
 * tree's, linked here by the guest init: docs/interfaces.md, "Guest layout"). */
#define BULKHEAD_GUEST_ROOT "/opt/bulkhead"
#define BULKHEAD_GUEST_BINDIR BULKHEAD_GUEST_ROOT "/bin"
#define BULKHEAD_GUEST_RPCDIR BULKHEAD_GUEST_ROOT "/rpc"
/* Inside a disposable VM this file exists: what it runs for a call lasts as long as the VM. */
#define BULKHEAD_DISPOSABLE_MARK "/run/bulkhead/disposable"

/* $BULKHEAD_RUNTIME_DIR, else $XDG_RUNTIME_DIR/bulkhead, else /tmp/bulkhead-$UID.
 * malloc'd; NULL only when out of memory. */
char *bulkhead_runtime_dir(void);
/* $BULKHEAD_STATE_DIR, else $XDG_STATE_HOME/bulkhead, else ~/.local/state/bulkhead. */
char *bulkhead_state_dir(void);
/* mkdir -p; the directories it creates get mode 0700. 0 or -errno. */
int mkdir_parents_private(const char *path);
