"""A board with MicroPython's raw REPL on a pty, in front of a simulated board's flash: what
`kitbridge deploy` needs to write files and restart the firmware, for kinds the emulators lack.

    with ReplBoard("mpython") as board:
        main(["deploy", "--port", board.port, ...])   # writes board.files; then the firmware runs

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
    def __init__(self, kind: str) -> None:
        self.kind = kind
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
        elif self._mode == "paste-probe":  # \x05 then 'A' \x01: no raw-paste here, as on old firmware
            if byte == 1:
                self._mode = "raw"
                self._send(b"R\x00")
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

