/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x-close WINDOW-ID: ask a window to close as a window manager's close button does
 * (WM_DELETE_WINDOW), on $DISPLAY. xdotool can only destroy or kill.
 */
#include <stdio.h>
#include <stdlib.h>
#include <X11/Xlib.h>

int main(int argc, char **argv)
{
	Display *dpy = XOpenDisplay(NULL);
	XEvent ev = { 0 };

	if (argc != 2 || !dpy) {
		fprintf(stderr, "usage: x-close WINDOW-ID (with DISPLAY set)\n");
		return 2;
	}
	ev.xclient.type = ClientMessage;
	ev.xclient.window = (Window)strtoul(argv[1], NULL, 0);
	ev.xclient.message_type = XInternAtom(dpy, "WM_PROTOCOLS", False);
	ev.xclient.format = 32;
	ev.xclient.data.l[0] = (long)XInternAtom(dpy, "WM_DELETE_WINDOW", False);
	ev.xclient.data.l[1] = CurrentTime;
	XSendEvent(dpy, ev.xclient.window, False, NoEventMask, &ev);
	XCloseDisplay(dpy);
	return 0;
}
