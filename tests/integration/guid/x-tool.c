/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x-tool: small X actions the guid tests need and xdotool lacks, on $DISPLAY.
 *
 *   x-tool close WINDOW-ID   ask a window to close as a window manager's close button does
 *                            (WM_DELETE_WINDOW); xdotool can only destroy or kill
 *   x-tool grab SECONDS      grab the keyboard and pointer (as a VM's menu or game would) and
 *                            hold them; prints "grabbed" once it has both
 *   x-tool grab-free         exit 0 if nobody holds the keyboard or pointer grab
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <X11/Xlib.h>

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

int main(int argc, char **argv)
{
	Display *dpy = XOpenDisplay(NULL);
	int r = 2;

	if (!dpy || argc < 2)
		fprintf(stderr, "usage: x-tool close ID | grab SECONDS | grab-free\n");
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
	else
		r = 1;
	if (dpy)
		XCloseDisplay(dpy);
	return r;
}
