"""The board's end of its serial line: a UART with a small receive buffer, paced like a real one.

Bytes move at the line's baud rate (8N1: 10 bits a byte, so ~11,520 bytes/s at 115200) in both
directions; baud=0 moves them as fast as they come. Arriving bytes wait in a receive buffer of
the board's size (64 bytes on a micro:bit, 256 on an ESP32); while the firmware does not read,
further bytes are dropped and counted, as a real UART overruns. Ctrl-C (0x03) never reaches the
buffer while the firmware runs: it interrupts the firmware, as MicroPython's UART handler does.
unplug() takes the host's end away while the board runs on (its port vanishes, as a USB serial
bridge's does when its cable is pulled from a battery-powered board); replug() gives it a new one.
"""

from __future__ import annotations

import logging
import threading
import time

from .faults import FaultPlan, Faults
from .ports import PtyPort, QueuePort, have_pty

logger = logging.getLogger(__name__)

SLICE_SECONDS = 0.001  # pacing granularity: bytes move in slices of about this much line time
CATCH_UP_SECONDS = 0.002  # a thread that overslept this little sends the next slices sooner to keep the rate


class Pacer:
    """When each slice of a byte stream is due on a line carrying `rate` bytes a second."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self._due = 0.0

    def delay(self, n: int) -> float:
        """Seconds from now until the next `n` bytes have crossed the line (<= 0: already)."""
        now = time.monotonic()
        if now - self._due > CATCH_UP_SECONDS:  # the line was idle: start afresh
            self._due = now
        self._due += n / self.rate
        return self._due - now


class BoardLine:
    """One board's serial line. The host side is `.port` (a pty path) or `.serial_object`."""

    def __init__(self, rx_size: int, baud: int = 115200, *, use_pty: bool | None = None, name: str = "sim") -> None:
        if isinstance(baud, bool) or not isinstance(baud, int) or baud < 0:
            raise ValueError(f"baud must be a whole number of bits per second (0 = unpaced), not {baud!r}")
        if use_pty is None:
            use_pty = have_pty()
        self.rx_size = rx_size
        self.baud = baud
        self._rate = baud / 10.0  # bytes per second
        self._use_pty = use_pty
        self._base_name = name
        self._port = self._new_port()
        self.port: str | None = self._port.port
        self.serial_object = self._port.serial_object
        self.name = self.port or name
        self.dropped = 0
        self.interrupt_char = 3  # micropython.kbd_intr(); -1 while the REPL reads the line itself
        self.detached = False  # the firmware moved the UART to other pins (micro:bit uart.init(tx=, rx=))
        self._cv = threading.Condition()
        self._rx = bytearray()
        self._interrupt = False
        self._rx_pacer = Pacer(self._rate or 1.0)
        self._tx_pacer = Pacer(self._rate or 1.0)
        self._tx_lock = threading.Lock()
        self._recv_lock = threading.Lock()  # held by the pump while it reads the host's end
        self._closed = threading.Event()
        self._muted = False
        self._unplugged = False
        self.faults: Faults | None = None
        self._pump = threading.Thread(target=self._pump_loop, name=f"sim line {self.name}", daemon=True)
        self._pump.start()

    # ---- the board's side ---------------------------------------------------------------

    def any(self) -> int:
        """Bytes waiting in the receive buffer."""
        return len(self._rx)

    def read(self, size: int = -1) -> bytes:
        """Up to `size` (all if negative) bytes from the receive buffer, without waiting; b'' if none."""
        with self._cv:
            if size < 0:
                size = len(self._rx)
            data = bytes(self._rx[:size])
            del self._rx[:size]
            return data

    def read_line(self) -> bytes:
        """The buffered bytes up to and including the first newline, or all of them if there is none."""
        with self._cv:
            end = self._rx.find(b"\n")
            return self.read(-1 if end < 0 else end + 1)

    def clear(self) -> None:
        """Empty the receive buffer and forget a pending Ctrl-C (the chip was reset)."""
        with self._cv:
            self._rx.clear()
            self._interrupt = False

    def take_interrupt(self) -> bool:
        """True once after each Ctrl-C that arrived while interrupts were on."""
        if not self._interrupt:
            return False
        with self._cv:
            pending, self._interrupt = self._interrupt, False
            return pending

    def wait(self, seconds: float | None, *, for_input: bool, stop: threading.Event) -> None:
        """Block up to `seconds` (None = for ever); wake early on Ctrl-C, `stop`, or input if `for_input`."""
        deadline = None if seconds is None else time.monotonic() + seconds
        with self._cv:
            while not (self._interrupt or stop.is_set() or self._closed.is_set() or (for_input and self._rx)):
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return
                self._cv.wait(remaining)

    def wake(self) -> None:
        """Wake every wait() so it can look at its stop flag."""
        with self._cv:
            self._cv.notify_all()

    def mute(self) -> None:
        """The board is switching off: what it is sending, and anything after, is cut off."""
        self._muted = True

    def inject(self, plan: FaultPlan | None) -> Faults | None:
        """Start line faults as `plan` says (None: a clean line again); returns their counters."""
        self.faults = Faults(plan) if plan is not None else None
        return self.faults

    def _faulty(self, data: bytes, direction: str) -> bytes:
        faults = self.faults
        if faults is None:
            return data
        data, pause = faults.apply(data, direction)
        if pause > 0:
            self._closed.wait(pause)
        return data

    def write(self, data: bytes) -> None:
        """Send bytes to the host, taking as long as the line takes (the firmware blocks meanwhile)."""
        if self.detached or self._muted or self._closed.is_set() or self._unplugged:
            return
        data = self._faulty(bytes(data), "to_host")
        with self._tx_lock:
            if self._unplugged:  # nobody at the other end: the bytes go nowhere
                return
            if not self._rate:
                self._port.send(bytes(data))
                return
            step = max(1, int(self._rate * SLICE_SECONDS))
            for i in range(0, len(data), step):
                if self._muted or self._unplugged:
                    return
                piece = bytes(data[i:i + step])
                delay = self._tx_pacer.delay(len(piece))
                if delay > 0 and self._closed.wait(delay):
                    return
                self._port.send(piece)

    # ---- the host's end coming and going -------------------------------------------------------

    @property
    def plugged(self) -> bool:
        """True while the host has a port to open (False between unplug() and replug())."""
        return not self._unplugged

    def unplug(self) -> None:
        """Take the host's end away: its port vanishes (a host reading it gets an I/O error), what
        the board sends goes nowhere, and nothing arrives. The board's end stays. Idempotent."""
        with self._cv:
            if self._unplugged:
                return
            self._unplugged = True
        old = self._port
        old.wake()  # ends the pump's recv() at once
        with self._tx_lock, self._recv_lock:  # nothing uses the old end any more
            old.close()
        logger.info("%s: unplugged", self.name)

    def replug(self, new_path: bool = False) -> None:
        """Give the host a fresh end (a new pty, whose path the OS picks: often the old one).
        `new_path`: make sure the path differs, as a board re-enumerating as /dev/ttyUSB1 does."""
        if not self._unplugged or self._closed.is_set():
            return
        old_path = self.port
        port = self._new_port()
        if new_path and port.port is not None and port.port == old_path:
            spare, port = port, self._new_port()
            spare.close()
        with self._tx_lock, self._recv_lock:
            self._port = port
            self.port = port.port
            self.serial_object = port.serial_object
            self.name = self.port or self._base_name
            self._unplugged = False
        logger.info("%s: plugged in again", self.name)

    def _new_port(self) -> PtyPort | QueuePort:
        return PtyPort() if self._use_pty else QueuePort(self._base_name)

    @property
    def tx_dropped(self) -> int:
        """Bytes the board sent that the host side had no room for."""
        return self._port.tx_dropped

    def close(self, *, release: bool = True) -> None:
        """Stop the line; `release` also closes its descriptors (only when no thread can use them)."""
        self._closed.set()
        with self._cv:
            unplugged = self._unplugged
            self._unplugged = True  # a later replug() finds the line closed
        if not unplugged:  # an unplugged end is closed already: its descriptors may be reused
            self._port.wake()
        self.wake()
        self._pump.join(timeout=2)
        if release and not self._pump.is_alive() and not unplugged:
            self._port.close()

    # ---- host -> board ----------------------------------------------------------------------

    def _pump_loop(self) -> None:
        try:
            while not self._closed.is_set():
                if self._unplugged:
                    self._closed.wait(0.02)
                    continue
                with self._recv_lock:
                    chunk = b"" if self._unplugged else self._port.recv(0.05, 256 if self._rate else 4096)
                if not chunk:
                    continue
                chunk = self._faulty(chunk, "to_board")
                if not self._rate:
                    self._arrive(chunk)
                    continue
                step = max(1, int(self._rate * SLICE_SECONDS))
                for i in range(0, len(chunk), step):
                    piece = chunk[i:i + step]
                    delay = self._rx_pacer.delay(len(piece))
                    if delay > 0 and self._closed.wait(delay):
                        return
                    self._arrive(piece)
        except Exception:  # a broken pump must not kill the process; the board just hears nothing
            logger.exception("%s: the line's receive pump failed", self.name)

    def _arrive(self, data: bytes) -> None:
        """Bytes that finished arriving at the board's UART."""
        with self._cv:
            if self.detached:
                return
            if self.interrupt_char >= 0 and self.interrupt_char in data:
                self._interrupt = True
                data = data.replace(bytes([self.interrupt_char]), b"")
            room = self.rx_size - len(self._rx)
            if len(data) > room:
                lost = len(data) - max(room, 0)
                self.dropped += lost
                logger.debug("%s: receive buffer full (%d bytes), dropped %d bytes", self.name, self.rx_size, lost)
                data = data[:max(room, 0)]
            self._rx += data
            self._cv.notify_all()
