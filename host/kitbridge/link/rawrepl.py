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

# Runs the code _upload_pieces left on the board; pop() leaves no name behind.
_RUN_PIECES = b"exec(globals().pop('_kb'))"
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n>"
PROMPT = b">>> "
SOFT_REBOOT = b"soft reboot\r\n"
# How long one blocking read may wait before the deadline is checked again.
_SLICE = 0.05


class RawRepl:
    """Raw-REPL session over a pyserial-like `port` (read(n), write(b), in_waiting, timeout).

    Flow control, because the micro:bit v1 drops input past its 64-byte buffer and the raw
    REPL sends no acknowledgement until the code's end: code of at most `burst` bytes (with
    its end byte) goes in one write, as the board's empty buffer holds it whole (measured under
    QEMU: bursts up to 63 bytes arrive whole, longer ones lose bytes). Longer code goes up as
    string pieces, each a command of at most `burst` bytes that the board has answered before
    the next is sent, then runs with exec(). A rate limit instead is not safe: a board that
    stalls for 16 ms (an emulator on a busy machine, a long garbage collection) finds the
    next 64 bytes waiting at once. Raw-paste mode, when the board answers it, gives the board's
    own window instead.

        repl = RawRepl(serial.Serial("/dev/ttyACM0", 115200, timeout=0.05))
        repl.interrupt(); repl.enter()
        repl.exec("print(1+2)")   # -> '3\\r\\n'
    """

    def __init__(self, port: Any, *, burst: int = 48, name: str = "the board") -> None:
        if not len(_RUN_PIECES) < burst <= 63:
            raise ValueError(f"need {len(_RUN_PIECES)} < burst <= 63 (bytes the board's input buffer takes at once)")
        self.port = port
        self.name = name
        self.burst = burst
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
        if len(data) + 1 <= self.burst:
            return self._run(data, timeout)
        if self.paste is not False and self._try_paste(data, timeout):
            return self._follow(timeout)
        self._upload_pieces(code, timeout)
        return self._run(_RUN_PIECES, timeout)

    def _run(self, data: bytes, timeout: float) -> str:
        """Run code that fits the board's input buffer whole."""
        self.write(data + b"\x04")
        ok = self.read_until(b"OK", timeout, "OK after the code")
        if ok != b"OK":
            logger.debug("console before OK: %r", ok[:-2])
        return self._follow(timeout)

    def _upload_pieces(self, code: str, timeout: float) -> None:
        """Leave `code` on the board in `_kb`, built up by one answered command per piece.

        Growing one string keeps 2x the code at most (measured on the v1: 1,200 bytes of code
        run, 1,500 when sent in one go); a list of pieces joined at the end needed 3x.
        """
        self._run(b"_kb=''", timeout)
        try:
            for literal, _ in literal_pieces(code, self.burst - len("_kb+=\x04")):
                self._run(f"_kb+={literal}".encode("utf-8"), timeout)
        except DeviceError:
            try:
                self._run(b"_kb=0", timeout)  # give the pieces' memory back before reporting
            except DeviceError as exc:
                logger.debug("could not free the pieces on %s: %s", self.name, exc)
            raise

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


def literal_pieces(text: str, budget: int):
    """(quoted literal, bytes of `text` in it) pieces of `text`, each literal at most `budget` bytes."""
    piece: list[str] = []
    used = size = 0
    for ch in text:
        esc = _ESCAPES.get(ch) or (ch if 32 <= ord(ch) != 127 else f"\\x{ord(ch):02x}")
        cost = len(esc.encode("utf-8"))
        if used + cost + 2 > budget and piece:
            yield "'" + "".join(piece) + "'", size
            piece, used, size = [], 0, 0
        piece.append(esc)
        used += cost
        size += len(ch.encode("utf-8"))
    if piece:
        yield "'" + "".join(piece) + "'", size
