"""Ask the terminal for its background colour, so the workbench can follow a light or dark terminal.

Most terminals (xterm, VTE/GNOME, iTerm2, kitty, WezTerm, Alacritty, Windows
Terminal, and tmux ≥ 3.3 on their behalf) answer the OSC 11 query
``ESC ] 11 ; ? ESC \\`` with ``rgb:RRRR/GGGG/BBBB``. The query is followed by a
primary device attributes request (``ESC [ c``), which every terminal answers:
when that answer arrives first, the terminal does not know OSC 11 and we stop
waiting at once instead of running into the time limit. This runs once, before
Textual takes the terminal; anything unexpected means "unknown".
"""

from __future__ import annotations

import os
import re
import sys

_REPLY = re.compile(rb"\x1b\]11;rgb:([0-9a-fA-F]{1,4})/([0-9a-fA-F]{1,4})/([0-9a-fA-F]{1,4})")
_DA1 = re.compile(rb"\x1b\[\?[0-9;]*c")


def parse_reply(data: bytes) -> tuple[int, int, int] | None:
    """The 8-bit (r, g, b) in an OSC 11 reply, or None."""
    match = _REPLY.search(data)
    if not match:
        return None
    return tuple(int(part, 16) * 255 // (16 ** len(part) - 1) for part in match.groups())  # type: ignore[return-value]


def is_light(rgb: tuple[int, int, int]) -> bool:
    """A background is light when its relative luminance is above the middle grey."""
    r, g, b = (c / 255 for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5


def query_background(timeout: float = 0.2) -> tuple[int, int, int] | None:
    """The terminal's background colour, or None when it cannot say (not a terminal, no answer)."""
    if os.name != "posix" or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return None
    import select
    import termios
    import time
    import tty

    fd = sys.stdin.fileno()
    try:
        saved = termios.tcgetattr(fd)
    except termios.error:
        return None
    data = b""
    try:
        tty.setcbreak(fd, termios.TCSANOW)
        os.write(sys.stdout.fileno(), b"\x1b]11;?\x1b\\\x1b[c")
        deadline = time.monotonic() + timeout
        while not _DA1.search(data):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                break
            chunk = os.read(fd, 1024)
            if not chunk:
                break
            data += chunk
    except OSError:
        return None
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)
    return parse_reply(data)
