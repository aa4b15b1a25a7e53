/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Handlers for the window messages of one VM, already validated by parse-agent.c. What is
 * checked here needs the window table: the id must name a window (or, for create, must not),
 * and the VM's geometry is turned into host geometry by guid's own rules: override-redirect
 * windows stay on the screen and lose override-redirect when they would cover it.
 *
 * Trust: message contents are validated but still the VM's choice; nothing here trusts a VM's
 * idea of where its windows may go.
 */
#include <errno.h>
#include <stdlib.h>

#include "guid.h"
#include "log.h"
#include "parse-agent.h"

typedef int (*window_handler_t)(struct guid *g, struct guid_window *w,
				const struct gui_agent_msg *m);

/* The host geometry of a VM rectangle: every window is kept on screen with its frame (the
 * frame must stay visible), and an override-redirect one (a menu, a tooltip) covering the
 * screen is demoted to a managed window. */
static struct gui_rect host_geometry(struct guid *g, struct guid_window *w,
				     const struct gui_rect *vm, bool override_redirect)
{
	struct gui_rect r = *vm;

	w->override_redirect = override_redirect;
	if (override_redirect && gui_rect_covers_screen(vm, g->screen_w, g->screen_h)) {
		log_info("Window 0x%x covers the screen: no longer override-redirect", w->id);
		w->override_redirect = false;
	}
	r.x -= GUID_FRAME, r.y -= GUID_FRAME, r.w += 2 * GUID_FRAME, r.h += 2 * GUID_FRAME;
	r = gui_rect_keep_on_screen(r, g->screen_w, g->screen_h);
	r.x += GUID_FRAME, r.y += GUID_FRAME, r.w -= 2 * GUID_FRAME, r.h -= 2 * GUID_FRAME;
	return r;
}

static int on_create(struct guid *g, struct guid_window *w, const struct gui_agent_msg *m)
{
	int r;

	if (w)
		return log_error_errno(EPROTO, "Protocol violation: window 0x%x created twice",
				       m->id);
	_cleanup_free_ struct guid_window *nw = calloc(1, sizeof(*nw));
	if (!nw)
		return log_oom();
	nw->id = m->id;
	nw->vm = m->u.create.r;
	nw->host = host_geometry(g, nw, &nw->vm, m->u.create.override_redirect);
	r = guid_table_add(&g->table, nw);
	if (r == -EMFILE)
		return log_error_errno(EPROTO, "Protocol violation: more than %d windows",
				       GUI_MAX_WINDOWS);
	if (r < 0)
		return r;
	guid_deco_create_frame(g, nw);
	guid_paint_cursor_window(g, nw);
	TAKE_PTR(nw);
	return 0;
}

static int on_destroy(struct guid *g, struct guid_window *w, const struct gui_agent_msg *m)
{
	XDeleteContext(g->dpy, w->frame, g->ctx);
	XDeleteContext(g->dpy, w->content, g->ctx);
	XDestroyWindow(g->dpy, w->frame);
	guid_table_remove(&g->table, w->id);
	free(w);
	return 0;
}

static void apply_override_redirect(struct guid *g, struct guid_window *w)
{
	XSetWindowAttributes a = { .override_redirect = w->override_redirect };
	XChangeWindowAttributes(g->dpy, w->frame, CWOverrideRedirect, &a);
}

static void move_resize(struct guid *g, struct guid_window *w, struct gui_rect host)
{
	const struct gui_rect *o = &w->host;

	if (o->x == host.x && o->y == host.y && o->w == host.w && o->h == host.h)
		return;
	w->host = host;
	w->configure_serial = NextRequest(g->dpy);
	XMoveResizeWindow(g->dpy, w->frame, host.x - GUID_FRAME, host.y - GUID_FRAME,
			  host.w + 2 * GUID_FRAME, host.h + 2 * GUID_FRAME);
	XResizeWindow(g->dpy, w->content, host.w, host.h);
}

static int on_map(struct guid *g, struct guid_window *w, const struct gui_agent_msg *m)
{
	struct guid_window *parent = guid_table_get(&g->table, m->u.map.transient_for);
	bool was_or = w->override_redirect;

	move_resize(g, w, host_geometry(g, w, &w->vm, m->u.map.override_redirect));
	if (was_or != w->override_redirect)
		apply_override_redirect(g, w);
	if (parent && parent != w)
		XSetTransientForHint(g->dpy, w->frame, parent->frame);
	guid_deco_set_state(g, w);
	XMapRaised(g->dpy, w->frame);
	w->mapped = true;
	return 0;
}

static int on_unmap(struct guid *g, struct guid_window *w, const struct gui_agent_msg *m)
{
	XUnmapWindow(g->dpy, w->frame);
	w->mapped = false;
	return 0;
}

static int on_configure(struct guid *g, struct guid_window *w, const struct gui_agent_msg *m)
{
	bool was_or = w->override_redirect;

	w->vm = m->u.configure.r;
	move_resize(g, w, host_geometry(g, w, &w->vm, m->u.configure.override_redirect));
	if (was_or != w->override_redirect)
		apply_override_redirect(g, w);
	return 0;
}

static int on_title(struct guid *g, struct guid_window *w, const struct gui_agent_msg *m)
{
	guid_deco_set_title(g, w, m->u.title);
	return 0;
}

static int on_class(struct guid *g, struct guid_window *w, const struct gui_agent_msg *m)
{
	char name[GUI_CLASS_MAX + 40], class[GUI_CLASS_MAX + 40];
	XClassHint hint = { .res_name = name, .res_class = class };

	/* Prefixed with the VM, so a host rule for "Firefox" never matches a VM's window. */
	snprintf(name, sizeof(name), "%s:%s", g->cfg->domain, m->u.cls.res_name);
	snprintf(class, sizeof(class), "%s:%s", g->cfg->domain, m->u.cls.res_class);
	XSetClassHint(g->dpy, w->frame, &hint);
	return 0;
}

static int on_hints(struct guid *g, struct guid_window *w, const struct gui_agent_msg *m)
{
	const struct gui_hints *h = &m->u.hints;
	XSizeHints s = { 0 };
	int f = 2 * GUID_FRAME;

	if (h->flags & GUI_HINT_MIN)
		s.flags |= PMinSize, s.min_width = (int)h->min_w + f,
				     s.min_height = (int)h->min_h + f;
	if (h->flags & GUI_HINT_MAX)
		s.flags |= PMaxSize, s.max_width = (int)h->max_w + f,
				     s.max_height = (int)h->max_h + f;
	if (h->flags & GUI_HINT_INC)
		s.flags |= PResizeInc, s.width_inc = (int)h->inc_w, s.height_inc = (int)h->inc_h;
	if (h->flags & GUI_HINT_BASE)
		s.flags |= PBaseSize, s.base_width = (int)h->base_w + f,
				      s.base_height = (int)h->base_h + f;
	XSetWMNormalHints(g->dpy, w->frame, &s);
	return 0;
}

static void set_urgency(struct guid *g, struct guid_window *w)
{
	XWMHints hints = { .flags = InputHint, .input = True };

	if (w->flags & GUI_FLAG_URGENT)
		hints.flags |= XUrgencyHint;
	XSetWMHints(g->dpy, w->frame, &hints);
}

static int on_flags(struct guid *g, struct guid_window *w, const struct gui_agent_msg *m)
{
	w->flags = (w->flags | m->u.flags.set) & ~m->u.flags.unset;
	guid_deco_set_state(g, w);
	set_urgency(g, w);
	if ((m->u.flags.set & GUI_FLAG_MINIMISE) && w->mapped)
		XIconifyWindow(g->dpy, w->frame, g->screen);
	return 0;
}

static int on_damage(struct guid *g, struct guid_window *w, const struct gui_agent_msg *m)
{
	return guid_paint_damage(g, w, m);
}

static window_handler_t handler_for(uint32_t type)
{
	static const window_handler_t handlers[] = {
		[GUI_MSG_CREATE] = on_create,
		[GUI_MSG_DESTROY] = on_destroy,
		[GUI_MSG_MAP] = on_map,
		[GUI_MSG_UNMAP] = on_unmap,
		[GUI_MSG_CONFIGURE] = on_configure,
		[GUI_MSG_TITLE] = on_title,
		[GUI_MSG_CLASS] = on_class,
		[GUI_MSG_HINTS] = on_hints,
		[GUI_MSG_FLAGS] = on_flags,
		[GUI_MSG_DAMAGE] = on_damage,
		[GUI_MSG_SHM_BUFFER] = guid_shm_on_buffer,
		[GUI_MSG_SHM_DAMAGE] = guid_shm_on_damage,
	};
	return type < ELEMENTSOF(handlers) ? handlers[type] : NULL;
}

int guid_window_handle(struct guid *g, const struct gui_agent_msg *m)
{
	window_handler_t handler = handler_for(m->type);
	struct guid_window *w = guid_table_get(&g->table, m->id);

	if (!handler)
		return log_error_errno(EPROTO, "Protocol violation: message type %u out of place",
				       m->type);
	if (!w && m->type != GUI_MSG_CREATE)
		return log_error_errno(EPROTO, "Protocol violation: %s for unknown window 0x%x",
				       gui_msg_type_name(m->type), m->id);
	return handler(g, w, m);
}

void guid_window_host_configured(struct guid *g, struct guid_window *w, const XConfigureEvent *ev)
{
	struct gui_configure c = { .override_redirect = w->override_redirect };
	Window child;
	int x, y;

	/* Our own later request will report itself; an older event would undo it. */
	if ((long)(ev->serial - w->configure_serial) < 0 || ev->width <= 2 * GUID_FRAME ||
	    ev->height <= 2 * GUID_FRAME)
		return;
	XTranslateCoordinates(g->dpy, w->frame, g->root, 0, 0, &x, &y, &child);
	c.r = (struct gui_rect){ x + GUID_FRAME, y + GUID_FRAME,
				 (uint32_t)ev->width - 2 * GUID_FRAME,
				 (uint32_t)ev->height - 2 * GUID_FRAME };
	if (!gui_rect_is_valid(&c.r) ||
	    (c.r.x == w->host.x && c.r.y == w->host.y && c.r.w == w->host.w && c.r.h == w->host.h))
		return;
	if (c.r.w != w->host.w || c.r.h != w->host.h)
		XResizeWindow(g->dpy, w->content, c.r.w, c.r.h);
	w->host = c.r;
	guid_send32(g, GUI_MSG_CONFIGURE, w->id, &c, sizeof(c));
}

void guid_window_destroy_all(struct guid *g)
{
	for (size_t i = 0; i < g->table.cap; i++) {
		struct guid_window *w = g->table.slots[i];
		if (w && w != (struct guid_window *)1)
			free(w);
	}
}
