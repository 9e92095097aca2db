"""A MicroPython raw-REPL session over a serial port: interrupt, run code, read its output.

Deploy, doctor, repl and the QEMU link all use it. mpremote's SerialTransport cannot serve:
it writes code in 256-byte bursts, which overrun the micro:bit v1's 64-byte input buffer
(measured: any burst over 63 bytes loses bytes), its fs commands need os.stat/os.ilistdir,
which MicroPython 1.9.2 lacks, it print()s on failure and raises TransportError, not KitError.

Protocol (micropython docs/reference/repl.rst): ``\\r\\x01`` enters the raw REPL, code then
``\\x04`` runs it and the board answers ``OK`` stdout ``\\x04`` stderr ``\\x04>``; raw-paste
(``\\x05A\\x01`` -> ``R\\x01`` + window) adds flow control where the firmware has it (not 1.9.2).
"""

from __future__ import annotations

import logging
import struct
import time
from typing import Any

from ..errors import ConnectionLost, DeviceError, KitTimeout, ProtocolError

logger = logging.getLogger(__name__)

RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n>"
PROMPT = b">>> "
SOFT_REBOOT = b"soft reboot\r\n"
# How long one blocking read may wait before the deadline is checked again.
_SLICE = 0.05


class RawRepl:
    """Raw-REPL session over a pyserial-like `port` (read(n), write(b), in_waiting, timeout).

    Pacing, because the micro:bit v1 drops input past its 64-byte buffer and the raw REPL
    sends no acknowledgement until the code's end: code of at most `burst` bytes (with its
    end byte) goes in one write, as the board's buffer holds it whole; longer code goes in
    `chunk`-byte pieces at no more than `rate` bytes/s. Measured under QEMU at the nRF51's
    speed: bursts up to 63 bytes and 32-byte chunks at 4 kB/s arrive whole, 48 at 10 kB/s do not.
    Raw-paste mode, when the board answers it, replaces the pacing with the board's own window.

        repl = RawRepl(serial.Serial("/dev/ttyACM0", 115200, timeout=0.05))
        repl.interrupt(); repl.enter()
        repl.exec("print(1+2)")   # -> '3\\r\\n'
    """

    def __init__(self, port: Any, *, burst: int = 48, chunk: int = 32, rate: float = 4000.0,
                 name: str = "the board") -> None:
        if not 1 <= burst <= 63 or not 1 <= chunk <= burst or rate <= 0:
            raise ValueError("need 1 <= chunk <= burst <= 63 and rate > 0 (bytes/s)")
        self.port = port
        self.name = name
        self.burst = burst
        self.chunk = chunk
        self.rate = rate
        self.raw = False  # True while the board sits in the raw REPL
        self.paste: bool | None = None  # raw-paste support, unknown until first tried
        self.bytes_sent = 0  # every byte written to the board, for reports
        self._rx = bytearray()

    # --- bytes --------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        """Send `data` as it is (no pacing); ConnectionLost when the port is gone."""
        try:
            self.port.write(data)
        except (OSError, ValueError, TypeError, AttributeError) as exc:  # SerialException is an OSError
            raise ConnectionLost(f"lost {self.name} while writing: {exc}; check the cable or the emulator") from exc
        self.bytes_sent += len(data)

    def _fill(self, deadline: float) -> bool:
        """Read what arrives before `deadline` (one slice at most) into the buffer; True if any."""
        try:
            waiting = self.port.in_waiting
            if waiting:
                data = self.port.read(waiting)
            else:
                if time.monotonic() >= deadline:
                    return False
                if self.port.timeout != _SLICE:
                    self.port.timeout = _SLICE
                data = self.port.read(1)
                waiting = self.port.in_waiting if data else 0
                if waiting:
                    data += self.port.read(waiting)
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            raise ConnectionLost(f"lost {self.name} while reading: {exc}; check the cable or the emulator") from exc
        self._rx += data
        return bool(data)

    def read_until(self, marker: bytes, timeout: float, what: str = "") -> bytes:
        """Bytes up to and including `marker`; later bytes stay buffered. KitTimeout if it never comes."""
        deadline = time.monotonic() + timeout
        start = 0
        while True:
            at = self._rx.find(marker, start)
            if at >= 0:
                end = at + len(marker)
                out = bytes(self._rx[:end])
                del self._rx[:end]
                return out
            start = max(0, len(self._rx) - len(marker) + 1)
            if not self._fill(deadline) and time.monotonic() >= deadline:
                tail = bytes(self._rx[-80:])
                raise KitTimeout(
                    f"{self.name} did not answer {what or repr(marker)} within {timeout:.1f} s "
                    f"(last bytes: {tail!r}); check that it runs MicroPython, press its reset button and try again")

    def read_some(self, timeout: float) -> bytes:
        """Whatever is buffered or arrives within `timeout` (b'' if nothing)."""
        if not self._rx:
            deadline = time.monotonic() + timeout
            while not self._fill(deadline) and time.monotonic() < deadline:
                pass
        out = bytes(self._rx)
        self._rx.clear()
        return out

    def unread(self, data: bytes) -> None:
        """Put bytes back in front of the buffer, for the next reader."""
        self._rx[:0] = data

    def pending(self) -> bytes:
        """Take the bytes read from the board but not consumed yet."""
        return self.read_some(0)

    # --- REPL modes ---------------------------------------------------------------------

    def interrupt(self, timeout: float = 3.0) -> None:
        """Stop whatever runs (Ctrl-C) and get the friendly ``>>> `` prompt."""
        self.write(b"\r\x03\x03")
        try:
            # Running code or the friendly REPL answer Ctrl-C with a prompt; the raw REPL
            # stays silent, and Ctrl-B brings it back to the friendly one.
            self.read_until(PROMPT, min(0.5, timeout), "a >>> prompt after Ctrl-C")
        except KitTimeout:
            logger.debug("%s: no prompt after Ctrl-C, trying Ctrl-B (raw REPL?)", self.name)
            self.write(b"\r\x02")
            self.read_until(PROMPT, timeout, "a >>> prompt after Ctrl-C and Ctrl-B")
        self.raw = False

    def enter(self, timeout: float = 3.0, soft_reset: bool = False) -> None:
        """Enter the raw REPL from the friendly prompt (or restart it from within).

        With `soft_reset`, MicroPython then restarts inside the raw REPL: a fresh heap, nothing
        imported, and main.py not run (a stopped program keeps its modules loaded until then,
        which on a micro:bit v1 can leave too little heap to parse `import os`).
        """
        self.write(b"\r\x01")
        self.read_until(RAW_BANNER, timeout, "the raw REPL banner")
        self.raw = True
        if soft_reset:
            self.write(b"\x04")
            self.read_until(SOFT_REBOOT, timeout, "'soft reboot' after Ctrl-D in the raw REPL")
            self.read_until(RAW_BANNER, timeout, "the raw REPL banner after a soft reboot")

    def leave(self, timeout: float = 3.0) -> None:
        """Back to the friendly ``>>> `` prompt."""
        self.write(b"\r\x02")
        self.read_until(PROMPT, timeout, "a >>> prompt after Ctrl-B")
        self.raw = False

    def soft_reboot(self, timeout: float = 5.0) -> None:
        """Ctrl-D at the friendly prompt: the board restarts MicroPython and runs main.py.

        Returns once the board says it rebooted; main.py's output follows on the port.
        """
        if self.raw:
            self.leave(timeout)
        self.write(b"\x04")
        self.read_until(SOFT_REBOOT, timeout, "'soft reboot' after Ctrl-D")

    # --- running code -------------------------------------------------------------------

    def exec(self, code: str, timeout: float = 10.0) -> str:
        """Run `code` in the raw REPL; its stdout text.

        DeviceError with the board's traceback when the code raised, KitTimeout when the
        board did not finish within `timeout` seconds.
        """
        if not self.raw:
            self.enter()
        data = code.encode("utf-8")
        if self.paste is not False and len(data) + 1 > self.burst:
            started = self._try_paste(data, timeout)
        else:
            started = False
        if not started:
            self._paced_write(data + b"\x04")
            ok = self.read_until(b"OK", timeout, "OK after the code")
            if ok != b"OK":
                logger.debug("console before OK: %r", ok[:-2])
        return self._follow(timeout)

    def _paced_write(self, data: bytes) -> None:
        if len(data) <= self.burst:
            self.write(data)
            return
        start = time.monotonic()
        for i in range(0, len(data), self.chunk):
            piece = data[i:i + self.chunk]
            self.write(piece)
            # No acknowledgement comes until the code's end: keep below the rate the board drains.
            due = start + (i + len(piece)) / self.rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    def _follow(self, timeout: float) -> str:
        out = self.read_until(b"\x04", timeout, "the end of the code's output")[:-1]
        err = self.read_until(b"\x04", timeout, "the end of the code's errors")[:-1]
        self.read_until(b">", timeout, "the raw REPL prompt")
        text = out.decode("utf-8", errors="replace")
        if err:
            trace = err.decode("utf-8", errors="replace").strip()
            code = "E_MEM" if "MemoryError" in trace else "E_INTERNAL"
            raise DeviceError(f"code on {self.name} failed: {trace}", code)
        return text

    def _try_paste(self, data: bytes, timeout: float) -> bool:
        """Send `data` in raw-paste mode if the board has it; False (nothing run) if not."""
        self.write(b"\x05A\x01")
        answer = self._read_exact(2, timeout)
        if answer != b"R\x01":
            self.paste = False
            if answer != b"R\x00":
                # An old firmware took Ctrl-E as text and Ctrl-A restarted the raw REPL.
                self.unread(answer)
                self.read_until(RAW_BANNER, timeout, "the raw REPL banner after a raw-paste probe")
            logger.debug("%s has no raw-paste mode; pacing input instead", self.name)
            return False
        self.paste = True
        window = struct.unpack("<H", self._read_exact(2, timeout))[0]
        credit = window
        i = 0
        while i < len(data):
            while credit == 0 or self._rx or self._waiting():
                flag = self._read_exact(1, timeout)
                if flag == b"\x01":
                    credit += window
                elif flag == b"\x04":  # the board ended the paste early (a syntax error in the stream)
                    self.write(b"\x04")
                    return True
                else:
                    raise ProtocolError(f"{self.name} sent {flag!r} during raw-paste; interrupt it and try again")
            piece = data[i:i + credit]
            self.write(piece)
            credit -= len(piece)
            i += len(piece)
        self.write(b"\x04")
        self.read_until(b"\x04", timeout, "the end of the raw-paste upload")
        return True

    def _waiting(self) -> int:
        try:
            return self.port.in_waiting
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            raise ConnectionLost(f"lost {self.name}: {exc}") from exc

    def _read_exact(self, n: int, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while len(self._rx) < n:
            if not self._fill(deadline) and time.monotonic() >= deadline:
                raise KitTimeout(f"{self.name} stopped answering during raw-paste; press reset and try again")
        out = bytes(self._rx[:n])
        del self._rx[:n]
        return out
