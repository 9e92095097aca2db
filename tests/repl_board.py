"""A board with MicroPython's raw REPL on a pty, in front of a simulated board's flash: what
`kitbridge deploy` needs to write files and restart the firmware, for kinds the emulators lack.

    with ReplBoard("mpython") as board:
        main(["deploy", "--port", board.port, ...])   # writes board.files; then the firmware runs

With `paste_window`, the raw REPL has raw-paste mode (MicroPython 1.14 and later) with that
flow-control window, and counts any byte the host sends beyond it in `overrun`.

The raw REPL runs the code deploy sends with CPython, against the board's files (open, os.listdir,
os.remove, os.stat, os.uname); tests only ever send it deploy's own code. Ctrl-D at the friendly
prompt soft-reboots: the board's SimBoard (same unique id, same files) starts the firmware (so
kb_net.json starts the Wi-Fi link) and the pty carries its serial line until a Ctrl-C stops it.
"""

from __future__ import annotations

import builtins
import io
import os
import select
import threading
import traceback
import tty
from typing import Any

from kitbridge.errors import KitError
from kitbridge.link.serial_link import SerialLink
from kitbridge.sim import SimBoard
from kitbridge.sim.fakes import flash

RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n>"
MACHINES = {"mpython": "mPython with ESP32", "esp32-devkitc": "ESP32 module with ESP32",
            "microbit-v1": "micro:bit v1.0 with nRF51822", "microbit-v2": "micro:bit v2.0 with nRF52833"}


class ReplBoard:
    def __init__(self, kind: str, paste_window: int = 0) -> None:
        self.kind = kind
        self.paste_window = paste_window
        self.overrun = 0  # raw-paste bytes the host sent beyond the window it was given
        self._credit = 0
        self.sim = SimBoard(kind, baud=0, pty=False)  # runs the firmware after a soft reboot
        self.files = self.sim.files  # the board's flash
        self.boots = 0
        self._master, slave = os.openpty()
        tty.setraw(slave)
        self._slave = slave
        self.port = os.ttyname(slave)
        self._mode = "friendly"
        self._code = bytearray()
        self._env: dict[str, Any] = self._fresh()  # the REPL's globals: they last until a soft reboot
        self._line: SerialLink | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name=f"repl board {kind}", daemon=True)

    def __enter__(self) -> ReplBoard:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self._halt()
        os.close(self._master)
        os.close(self._slave)

    def _send(self, data: bytes) -> None:
        os.write(self._master, data)

    def _serve(self) -> None:
        while not self._stop.is_set():
            if not select.select([self._master], [], [], 0.05)[0]:
                continue
            try:
                data = os.read(self._master, 4096)
            except OSError:
                return
            for byte in data:
                self._take(byte)

    def _take(self, byte: int) -> None:
        if self._mode == "running":
            if byte == 3:  # Ctrl-C stops the firmware: the board sits at its prompt
                self._halt()
                self._mode = "friendly"
                self._send(b"\r\nKeyboardInterrupt: \r\n>>> ")
            else:
                self._line.write(bytes([byte]))
        elif self._mode == "friendly":
            if byte == 3:
                self._send(b"\r\n>>> ")
            elif byte == 1:
                self._mode, self._code = "raw", bytearray()
                self._send(b"\r\n" + RAW_BANNER)
            elif byte == 4:
                self._send(b"MPY: soft reboot\r\n")
                self._boot()
        elif self._mode == "paste-probe":  # \x05 then 'A' \x01
            if byte == 1 and self.paste_window:
                self._mode, self._credit = "paste", self.paste_window
                self._send(b"R\x01" + self.paste_window.to_bytes(2, "little"))
            elif byte == 1:  # no raw-paste, as on old firmware
                self._mode = "raw"
                self._send(b"R\x00")
        elif self._mode == "paste":
            self._paste(byte)
        elif byte == 2:
            self._mode = "friendly"
            self._send(b"\r\nMicroPython (kitbridge test REPL)\r\n>>> ")
        elif byte == 3:
            self._code = bytearray()
        elif byte == 5 and not self._code:
            self._mode = "paste-probe"
        elif byte == 4 and not self._code:
            self._env = self._fresh()
            self._send(b"soft reboot\r\n" + RAW_BANNER)
        elif byte == 4:
            out, err = self._run(self._code.decode("utf-8"))
            self._code = bytearray()
            self._send(b"OK" + out + b"\x04" + err + b"\x04>")
        elif byte == 1:
            self._code = bytearray()
            self._send(b"\r\n" + RAW_BANNER)
        else:
            self._code.append(byte)

    def _paste(self, byte: int) -> None:
        if byte == 4:
            self._send(b"\x04")
            out, err = self._run(self._code.decode("utf-8"))
            self._mode, self._code = "raw", bytearray()
            self._send(out + b"\x04" + err + b"\x04>")
            return
        if self._credit == 0:
            self.overrun += 1
        else:
            self._credit -= 1
        self._code.append(byte)
        if len(self._code) % self.paste_window == 0:  # the board read a window's worth: more may come
            self._credit += self.paste_window
            self._send(b"\x01")

    def _fresh(self) -> dict[str, Any]:
        board_os = flash.make_os(self.files)
        board_os.uname = lambda: ("esp32", "esp32", "1.23.0", "v1.23.0", MACHINES[self.kind])
        names = {"os": board_os, "uos": board_os}

        def import_(name: str, *args: Any, **kwargs: Any) -> Any:
            return names[name] if name in names else builtins.__import__(name, *args, **kwargs)

        def print_(*args: Any, **kwargs: Any) -> None:
            builtins.print(*args, **kwargs, file=self._out)

        return {"__builtins__": dict(vars(builtins), __import__=import_, open=flash.make_open(self.files),
                                     print=print_)}

    def _run(self, code: str) -> tuple[bytes, bytes]:
        self._out = io.StringIO()
        try:
            exec(code, self._env)
        except Exception as exc:
            trace = "Traceback (most recent call last):\n" + "".join(traceback.format_exception_only(exc))
            return self._out.getvalue().encode(), trace.replace("\n", "\r\n").encode()
        return self._out.getvalue().replace("\n", "\r\n").encode(), b""

    def _boot(self) -> None:
        self.boots += 1
        if self.boots == 1:
            self.sim.start(settle=0)
        else:
            self.sim.restart(settle=0)
        self._line = line = SerialLink(f"sim:{self.kind}", port_object=self.sim.serial_object)
        self._mode = "running"
        threading.Thread(target=self._pump, args=(line,), name="repl board pump", daemon=True).start()

    def _pump(self, line: SerialLink) -> None:
        while self._line is line and not self._stop.is_set():
            try:
                data = line.read(0.05)
            except KitError:  # the line closed when the board stopped
                return
            if data and self._line is line:
                self._send(data)

    def _halt(self) -> None:
        line, self._line = self._line, None
        if line is not None:
            self.sim.stop()
            line.close()

