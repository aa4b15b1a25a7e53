/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The GUI protocol between a VM's gui-agent and the host's guid (docs/gui-protocol.md).
 *
 * Framing is common/msg.h: a 12-byte header { le32 type; le32 id; le32 len; } where id is the
 * VM's window id (0 for the connection), then len bytes of payload. Every type has a fixed
 * payload size except GUI_MSG_TITLE (1..GUI_TITLE_MAX bytes of UTF-8) and GUI_MSG_DAMAGE (a
 * struct gui_damage followed by exactly w*h*4 bytes of pixels). All integers little-endian;
 * pixels are 32-bit 0x00RRGGBB in little-endian order (B, G, R, X bytes), rows top to bottom,
 * no padding.
 *
 * Version history:
 *   1.0  first version: handshake, window life cycle and metadata, inline damage pixels with
 *        per-window acks, input, close, expose.
 *   1.1  the inter-VM clipboard: CLIPBOARD_REQUEST (guid asks for the VM's CLIPBOARD),
 *        CLIPBOARD_DATA (the agent's answer), CLIPBOARD_PASTE (data for the VM to own). Only
 *        sent when both sides agreed on 1.1 or later.
 *   1.2  window pixels in shared memory (an ivshmem-plain region both sides map): guid sends
 *        SHM_OFFER right after HELLO (its region's size, 0 for none); an agent whose region has
 *        that size places window buffers in it (SHM_BUFFER) and sends SHM_DAMAGE, rectangles
 *        without pixels. Inline DAMAGE stays valid for any window without a buffer.
 */
#pragma once

#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define GUI_PROTO_MAJOR 1
#define GUI_PROTO_MINOR 2
#define GUI_PROTO_VERSION ((uint32_t)GUI_PROTO_MAJOR << 16 | GUI_PROTO_MINOR)

/* Limits a VM can never exceed (protocol violations, the VM's guid exits). */
#define GUI_MAX_WIDTH 16384
#define GUI_MAX_HEIGHT 6144
#define GUI_COORD_MAX 32767 /* X11 coordinates are INT16 on the host */
#define GUI_TITLE_MAX 512   /* bytes of UTF-8; the agent truncates longer titles with "…" */
#define GUI_CLASS_MAX 64
#define GUI_MAX_WINDOWS 1000
/* One damage message carries at most this many pixel bytes (a full 1920x1080 frame fits);
 * larger rectangles are sent as strips. */
#define GUI_DAMAGE_MAX_BYTES (8u << 20)
/* Clipboard bytes one message may carry (clipboard/clipboard.h's CLIPBOARD_HARD_MAX): more
 * from a VM is a protocol violation. */
#define GUI_CLIPBOARD_MAX (16u << 20)
/* Unacknowledged damage messages per window the agent may have in flight. */
#define GUI_WINDOW_CREDITS 16

enum gui_msg_type {
	/* handshake */
	GUI_MSG_VERSION = 1, /* agent -> daemon: struct gui_version */
	GUI_MSG_HELLO = 2,   /* daemon -> agent: struct gui_hello */

	/* agent -> daemon, id = VM window */
	GUI_MSG_CREATE = 16,  /* struct gui_create */
	GUI_MSG_DESTROY = 17, /* empty */
	GUI_MSG_MAP = 18,     /* struct gui_map */
	GUI_MSG_UNMAP = 19,   /* empty */
	GUI_MSG_CONFIGURE =
		20,	     /* struct gui_configure (also daemon -> agent: a host move/resize) */
	GUI_MSG_TITLE = 21,  /* UTF-8, 1..GUI_TITLE_MAX bytes, no NUL needed */
	GUI_MSG_CLASS = 22,  /* struct gui_class */
	GUI_MSG_HINTS = 23,  /* struct gui_hints */
	GUI_MSG_FLAGS = 24,  /* struct gui_flags */
	GUI_MSG_CURSOR = 25, /* struct gui_cursor; id 0 = the VM's pointer as a whole */
	GUI_MSG_DAMAGE = 26, /* struct gui_damage + w*h*4 pixel bytes */

	/* agent -> daemon, id 0: the answer to GUI_MSG_CLIPBOARD_REQUEST */
	GUI_MSG_CLIPBOARD_DATA = 27, /* struct gui_clipboard + at most GUI_CLIPBOARD_MAX bytes */

	/* agent -> daemon, id = VM window, only after a SHM_OFFER of a region (1.2) */
	GUI_MSG_SHM_BUFFER = 28, /* struct gui_shm_buffer: where the window's pixels now are */
	GUI_MSG_SHM_DAMAGE = 29, /* struct gui_damage, no pixels: repaint from the buffer */

	/* daemon -> agent, id = VM window */
	GUI_MSG_ACK = 48,      /* struct gui_ack: a damage message was painted */
	GUI_MSG_KEY = 49,      /* struct gui_key */
	GUI_MSG_BUTTON = 50,   /* struct gui_button */
	GUI_MSG_MOTION = 51,   /* struct gui_motion */
	GUI_MSG_CROSSING = 52, /* struct gui_crossing */
	GUI_MSG_FOCUS = 53,    /* struct gui_focus */
	GUI_MSG_KEYMAP = 54,   /* struct gui_keymap */
	GUI_MSG_CLOSE = 55,    /* empty: the user asked to close the window */
	GUI_MSG_EXPOSE = 56,   /* struct gui_rect: please resend these pixels */

	/* daemon -> agent, id 0 */
	GUI_MSG_CLIPBOARD_REQUEST = 57, /* struct gui_clipboard_request: send your CLIPBOARD */
	GUI_MSG_CLIPBOARD_PASTE = 58,	/* struct gui_clipboard + data: own CLIPBOARD and PRIMARY */
	GUI_MSG_SHM_OFFER = 59,		/* struct gui_shm_offer, right after HELLO (1.2) */
};

struct gui_version {
	uint32_t version; /* major << 16 | minor */
} __attribute__((packed));
_Static_assert(sizeof(struct gui_version) == 4, "wire size");

struct gui_hello {
	uint32_t version; /* agreed: same major, lower minor */
	uint32_t screen_w;
	uint32_t screen_h;
} __attribute__((packed));
_Static_assert(sizeof(struct gui_hello) == 12, "wire size");

struct gui_rect {
	int32_t x, y;
	uint32_t w, h;
} __attribute__((packed));
_Static_assert(sizeof(struct gui_rect) == 16, "wire size");

struct gui_create {
	struct gui_rect r; /* root coordinates of the content, without borders */
	uint32_t override_redirect;
	uint32_t parent; /* 0: a top-level window */
} __attribute__((packed));
_Static_assert(sizeof(struct gui_create) == 24, "wire size");

struct gui_map {
	uint32_t transient_for; /* VM window id or 0 */
	uint32_t override_redirect;
} __attribute__((packed));
_Static_assert(sizeof(struct gui_map) == 8, "wire size");

struct gui_configure {
	struct gui_rect r;
	uint32_t override_redirect;
} __attribute__((packed));
_Static_assert(sizeof(struct gui_configure) == 20, "wire size");

struct gui_class {
	char res_class[GUI_CLASS_MAX]; /* NUL-padded; printable ASCII only */
	char res_name[GUI_CLASS_MAX];
} __attribute__((packed));
_Static_assert(sizeof(struct gui_class) == 128, "wire size");

enum gui_hint_flags {
	GUI_HINT_MIN = 1 << 0,
	GUI_HINT_MAX = 1 << 1,
	GUI_HINT_INC = 1 << 2,
	GUI_HINT_BASE = 1 << 3,
	GUI_HINT_ALL = 0xf,
};

struct gui_hints {
	uint32_t flags;
	uint32_t min_w, min_h, max_w, max_h, inc_w, inc_h, base_w, base_h;
} __attribute__((packed));
_Static_assert(sizeof(struct gui_hints) == 36, "wire size");

enum gui_window_flags {
	GUI_FLAG_FULLSCREEN = 1 << 0,
	GUI_FLAG_URGENT = 1 << 1,
	GUI_FLAG_MINIMISE = 1 << 2,
	GUI_FLAG_ALL = 0x7,
};

struct gui_flags {
	uint32_t set;
	uint32_t unset;
} __attribute__((packed));
_Static_assert(sizeof(struct gui_flags) == 8, "wire size");

/* A shape of the X cursor font (an even number below 154), or GUI_CURSOR_DEFAULT. */
#define GUI_CURSOR_DEFAULT 0xffffffffu
#define GUI_CURSOR_FONT_GLYPHS 154

struct gui_cursor {
	uint32_t shape;
} __attribute__((packed));
_Static_assert(sizeof(struct gui_cursor) == 4, "wire size");

struct gui_damage {
	uint32_t x, y, w, h; /* inside the window: x + w <= window w, y + h <= window h */
	uint32_t seq;	     /* echoed by GUI_MSG_ACK */
} __attribute__((packed));
_Static_assert(sizeof(struct gui_damage) == 20, "wire size");

/* Clipboard content types (the values of clipboard/clipboard.h's enum clipboard_type). */
enum gui_clipboard_type {
	GUI_CLIPBOARD_NONE = 0, /* nothing to copy (no owner, no usable type, timeout): no data */
	GUI_CLIPBOARD_TEXT = 1, /* UTF-8 text */
	GUI_CLIPBOARD_PNG = 2,	/* image/png */
	GUI_CLIPBOARD_TOO_LARGE = 3, /* the VM's clipboard holds more than max_len: no data */
};

struct gui_clipboard {
	uint32_t type;	   /* enum gui_clipboard_type */
	uint32_t reserved; /* 0 */
} __attribute__((packed));
_Static_assert(sizeof(struct gui_clipboard) == 8, "wire size");

struct gui_clipboard_request {
	uint32_t max_len; /* fetch at most this many bytes; over it, answer TOO_LARGE */
} __attribute__((packed));
_Static_assert(sizeof(struct gui_clipboard_request) == 4, "wire size");

/* Shared-memory pixels (1.2). The region is the ivshmem-plain BAR in the VM and the file QEMU
 * backs it with on the host. Its layout is the agent's: each window's buffer is w*h 32-bit
 * pixels, rows of exactly w*4 bytes, at a page-aligned offset. guid checks every buffer against
 * the region's size and every damage rectangle against the window and its buffer; it reads
 * nothing from the region but pixels (the VM may change them at any time). */
#define GUI_SHM_ALIGN 4096u
#define GUI_SHM_MIN (1u << 20)
#define GUI_SHM_MAX (1u << 30)

struct gui_shm_offer {
	uint32_t size; /* bytes of guid's region; 0: none, send pixels inline */
} __attribute__((packed));
_Static_assert(sizeof(struct gui_shm_offer) == 4, "wire size");

struct gui_shm_buffer {
	uint32_t offset; /* GUI_SHM_ALIGN-aligned; offset + w*h*4 <= the region's size */
	uint32_t w, h;	 /* 0, 0 (offset 0): the window has no buffer any more */
} __attribute__((packed));
_Static_assert(sizeof(struct gui_shm_buffer) == 12, "wire size");

/* The largest message either side may send: a clipboard message (16 MiB) is larger than the
 * largest damage message (8 MiB). */
#define GUI_MAX_PAYLOAD (sizeof(struct gui_clipboard) + GUI_CLIPBOARD_MAX)
_Static_assert(GUI_MAX_PAYLOAD >= sizeof(struct gui_damage) + GUI_DAMAGE_MAX_BYTES,
	       "every message fits the reader");

struct gui_ack {
	uint32_t seq;
} __attribute__((packed));
_Static_assert(sizeof(struct gui_ack) == 4, "wire size");

enum gui_press { GUI_RELEASE = 0, GUI_PRESS = 1 };

struct gui_key {
	uint32_t press;
	uint32_t keycode;
	uint32_t state;
} __attribute__((packed));
_Static_assert(sizeof(struct gui_key) == 12, "wire size");

struct gui_button {
	uint32_t press;
	uint32_t button;
	int32_t x, y; /* window coordinates */
	uint32_t state;
} __attribute__((packed));
_Static_assert(sizeof(struct gui_button) == 20, "wire size");

struct gui_motion {
	int32_t x, y;
	uint32_t state;
} __attribute__((packed));
_Static_assert(sizeof(struct gui_motion) == 12, "wire size");

struct gui_crossing {
	uint32_t enter; /* 1 enter, 0 leave */
	int32_t x, y;
	uint32_t state;
} __attribute__((packed));
_Static_assert(sizeof(struct gui_crossing) == 16, "wire size");

struct gui_focus {
	uint32_t in; /* 1 focus in, 0 focus out */
} __attribute__((packed));
_Static_assert(sizeof(struct gui_focus) == 4, "wire size");

struct gui_keymap {
	uint8_t keys[32]; /* XQueryKeymap bit vector of keys held down on the host */
} __attribute__((packed));
_Static_assert(sizeof(struct gui_keymap) == 32, "wire size");

/* The fixed payloads above are all 32-bit words: copy one into words[] in wire order
 * (little-endian). Returns the word count, or -EINVAL if len is not whole words or too long. */
#define GUI_PAYLOAD_WORDS_MAX 16
static inline int gui_payload_to_le(uint32_t words[static GUI_PAYLOAD_WORDS_MAX],
				    const void *payload, size_t len)
{
	if (len > GUI_PAYLOAD_WORDS_MAX * sizeof(uint32_t) || len % 4)
		return -EINVAL;
	memcpy(words, payload, len);
	for (size_t i = 0; i < len / 4; i++)
		words[i] = htole32(words[i]);
	return (int)(len / 4);
}
