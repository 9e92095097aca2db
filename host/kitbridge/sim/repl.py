"""What a simulated board prints when its firmware stops: a MicroPython-style traceback, then a REPL.

The REPL echoes what is typed and answers no frames; it runs no Python (no code from the wire),
so a typed line gets an error saying so. Ctrl-D soft-reboots the board (main.py runs again).
"""

from __future__ import annotations

import traceback

from .runtime import Runtime

_BANNERS = {
    "microbit-v1": "MicroPython v1.9.2-34-gd64154c73 on 2017-09-01; micro:bit v1.0.1 with nRF51822",
    "microbit-v2": "MicroPython v2.1.2 on 2023-10-03; micro:bit v2.1.2 with nRF52833",
}
_ESP32_BANNER = "MicroPython v1.23.0 on 2024-06-02; %s with ESP32"
_NOT_RUN = ('Traceback (most recent call last):\n  File "<stdin>", line 1, in <module>\n'
            "NotImplementedError: the simulated board runs no Python typed at its REPL; "
            "press Ctrl-D to restart the kit firmware\n")
CTRL_C, CTRL_D = 3, 4


def board_traceback(exc: BaseException) -> str:
    """The traceback as MicroPython prints it: firmware frames only, no source lines."""
    lines = ["Traceback (most recent call last):\n"]
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith(".py") and "/" not in frame.filename and "\\" not in frame.filename:
            lines.append('  File "%s", line %s, in %s\n' % (frame.filename, frame.lineno, frame.name))
    lines.append("%s: %s\n" % (type(exc).__name__, exc))
    return "".join(lines)


def banner(rt: Runtime) -> str:
    text = _BANNERS.get(rt.spec.kind) or _ESP32_BANNER % rt.spec.name
    return "%s (simulated by kitbridge)\nType \"help()\" for more information.\n" % text


class Repl:
    """The board's friendly REPL, reduced to what a host can meet: prompt, echo, Ctrl-C, Ctrl-D."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def run(self) -> None:
        """Serve the REPL until Ctrl-D asks for a soft reboot (raises Stopped when switched off)."""
        rt = self.rt
        rt.line.interrupt_char = -1  # at the prompt Ctrl-C is an ordinary key
        rt.console(banner(rt) + ">>> ")
        typed = ""
        last = 0
        while True:
            rt.wait_input(None)
            for byte in rt.line.read():
                if byte == CTRL_D:
                    return
                if byte == CTRL_C:
                    typed = ""
                    rt.console("\n>>> ")
                elif byte in (10, 13):
                    if byte == 10 and last == 13:
                        pass  # the \n of a \r\n pair
                    else:
                        rt.console("\n" + (_NOT_RUN if typed.strip() else "") + ">>> ")
                        typed = ""
                elif byte in (8, 127):
                    if typed:
                        typed = typed[:-1]
                        rt.line.write(b"\x08 \x08")
                elif 32 <= byte < 127:
                    typed += chr(byte)
                    rt.line.write(bytes([byte]))
                last = byte
