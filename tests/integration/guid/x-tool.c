/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x-tool: small X actions the guid tests need and xdotool lacks, on $DISPLAY.
 *
 *   x-tool close WINDOW-ID   ask a window to close as a window manager's close button does
 *                            (WM_DELETE_WINDOW); xdotool can only destroy or kill
 *   x-tool grab SECONDS      grab the keyboard and pointer (as a VM's menu or game would) and
 *                            hold them; prints "grabbed" once it has both
 *   x-tool grab-free         exit 0 if nobody holds the keyboard or pointer grab
 *   x-tool wait-map REGEX SECONDS
 *                            wait until a top-level window whose name matches REGEX (POSIX
 *                            extended) is mapped; print its id. Event-driven, so benchmarks
 *                            see the moment it maps, not the next tick of xdotool's 0.5 s poll
 *   x-tool composite SECONDS redirect the root's children manually, as a compositor in the
 *                            VM would, and hold it; prints "redirected" once the server took it
 *   x-tool churn COUNT       create, map, draw into, resize and destroy COUNT top-level
 *                            windows (every third override-redirect) as fast as the server
 *                            takes them, never waiting for an answer: windows that are gone
 *                            before anyone looks at them, as busy applications make
 */
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <X11/Xlib.h>
#include <X11/Xatom.h>
#include <X11/Xutil.h>
#include <X11/extensions/Xcomposite.h>

static int close_window(Display *dpy, Window w)
{
	XEvent ev = { 0 };

	ev.xclient.type = ClientMessage;
	ev.xclient.window = w;
	ev.xclient.message_type = XInternAtom(dpy, "WM_PROTOCOLS", False);
	ev.xclient.format = 32;
	ev.xclient.data.l[0] = (long)XInternAtom(dpy, "WM_DELETE_WINDOW", False);
	ev.xclient.data.l[1] = CurrentTime;
	XSendEvent(dpy, w, False, NoEventMask, &ev);
	XFlush(dpy);
	return 0;
}

static bool grab(Display *dpy)
{
	Window root = DefaultRootWindow(dpy);

	return XGrabKeyboard(dpy, root, False, GrabModeAsync, GrabModeAsync, CurrentTime) ==
		       GrabSuccess &&
	       XGrabPointer(dpy, root, False, ButtonPressMask, GrabModeAsync, GrabModeAsync, None,
			    None, CurrentTime) == GrabSuccess;
}

/* WM_NAME or, for UTF-8 titles, _NET_WM_NAME: xdotool --name looks at both. */
static bool name_matches(Display *dpy, Window w, const regex_t *re)
{
	Atom names[] = { XA_WM_NAME, XInternAtom(dpy, "_NET_WM_NAME", False) };
	bool match = false;

	for (size_t i = 0; !match && i < sizeof(names) / sizeof(names[0]); i++) {
		XTextProperty prop = { 0 };
		if (!XGetTextProperty(dpy, w, &prop, names[i]) || !prop.value)
			continue;
		match = regexec(re, (const char *)prop.value, 0, NULL, 0) == 0;
		XFree(prop.value);
	}
	return match;
}

static bool viewable(Display *dpy, Window w)
{
	XWindowAttributes a;

	return XGetWindowAttributes(dpy, w, &a) && a.map_state == IsViewable;
}

/* Any already mapped top-level window that matches, or 0. */
static Window find_mapped(Display *dpy, const regex_t *re)
{
	Window root_ret, parent, *children = NULL, found = 0;
	unsigned int n = 0;

	if (!XQueryTree(dpy, DefaultRootWindow(dpy), &root_ret, &parent, &children, &n))
		return 0;
	for (unsigned int i = 0; !found && i < n; i++)
		if (viewable(dpy, children[i]) && name_matches(dpy, children[i], re))
			found = children[i];
	XFree(children);
	return found;
}

static int wait_map(Display *dpy, const char *pattern, unsigned int seconds)
{
	regex_t re;
	Window found;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0) {
		fprintf(stderr, "x-tool: bad regex %s\n", pattern);
		return 2;
	}
	alarm(seconds); /* SIGALRM's default action ends us: exit status 142 means "timed out" */
	/* Listen first, then look: a window mapped in between is seen either way. */
	XSelectInput(dpy, DefaultRootWindow(dpy), SubstructureNotifyMask);
	found = find_mapped(dpy, &re);
	while (!found) {
		XEvent ev;
		XNextEvent(dpy, &ev);
		/* A title set after the map arrives as a PropertyNotify on the child. */
		if (ev.type == MapNotify)
			XSelectInput(dpy, ev.xmap.window, PropertyChangeMask);
		Window w = ev.type == MapNotify	       ? ev.xmap.window
			   : ev.type == PropertyNotify ? ev.xproperty.window
						       : 0;
		if (w && viewable(dpy, w) && name_matches(dpy, w, &re))
			found = w;
	}
	printf("0x%lx\n", (unsigned long)found);
	regfree(&re);
	return 0;
}

/* Some windows live for a few requests, some a little longer: destroyed in a different order
 * than created, some mapped and resized first, none waited for. */
static int churn(Display *dpy, int count)
{
	XSetWindowAttributes a = { .background_pixel = 0x336699 };
	Window live[8] = { 0 };
	GC gc = XCreateGC(dpy, DefaultRootWindow(dpy), 0, NULL);

	for (int i = 0; i < count; i++) {
		a.override_redirect = i % 3 == 0;
		Window w = XCreateWindow(dpy, DefaultRootWindow(dpy), 10 + i % 50, 10 + i % 40,
					 40 + i % 90, 30 + i % 70, 0, CopyFromParent, InputOutput,
					 CopyFromParent, CWBackPixel | CWOverrideRedirect, &a);
		XStoreName(dpy, w, "churn");
		if (i % 4 != 1)
			XMapWindow(dpy, w);
		XFillRectangle(dpy, w, gc, 0, 0, 20, 20);
		if (i % 5 == 0)
			XResizeWindow(dpy, w, 60 + i % 30, 50);
		if (i % 2 == 0) {
			XDestroyWindow(dpy, w); /* gone before the agent can ask about it */
		} else {
			if (live[i % 8])
				XDestroyWindow(dpy, live[i % 8]);
			live[i % 8] = w;
		}
		XFlush(dpy);
	}
	for (int i = 0; i < 8; i++)
		if (live[i])
			XDestroyWindow(dpy, live[i]);
	XFreeGC(dpy, gc);
	XSync(dpy, False);
	return 0;
}

int main(int argc, char **argv)
{
	Display *dpy = XOpenDisplay(NULL);
	int r = 2;

	if (!dpy || argc < 2)
		fprintf(stderr, "usage: x-tool close ID | grab SECONDS | grab-free | "
				"wait-map REGEX SECONDS | churn COUNT | "
				"composite SECONDS\n");
	else if (argc == 3 && strcmp(argv[1], "close") == 0)
		r = close_window(dpy, (Window)strtoul(argv[2], NULL, 0));
	else if (argc == 3 && strcmp(argv[1], "grab") == 0 && grab(dpy)) {
		printf("grabbed\n");
		fflush(stdout);
		XSync(dpy, False);
		sleep((unsigned)atoi(argv[2]));
		r = 0;
	} else if (argc == 2 && strcmp(argv[1], "grab-free") == 0)
		r = grab(dpy) ? 0 : 1;
	else if (argc == 4 && strcmp(argv[1], "wait-map") == 0)
		r = wait_map(dpy, argv[2], (unsigned int)atoi(argv[3]));
	else if (argc == 3 && strcmp(argv[1], "churn") == 0)
		r = churn(dpy, atoi(argv[2]));
	else if (argc == 3 && strcmp(argv[1], "composite") == 0) {
		XCompositeRedirectSubwindows(dpy, DefaultRootWindow(dpy), CompositeRedirectManual);
		XSync(dpy, False); /* an error here ends x-tool: nothing would be held */
		printf("redirected\n");
		fflush(stdout);
		sleep((unsigned)atoi(argv[2]));
		r = 0;
	} else
		r = 1;
	if (dpy)
		XCloseDisplay(dpy);
	return r;
}
