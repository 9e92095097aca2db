"""The host's end of a simulated board's serial line: a pseudo-terminal, or an in-process pair.

PtyPort: the host opens `.port` (a /dev/pts/N path) with pyserial, exactly like a USB board.
QueuePort: where there are no pseudo-terminals (Windows), `.serial_object` is a pyserial
Serial-like object (a serial.SerialBase, as pyserial's loop:// handler is) for the host.
Both give the board end recv() (host -> board bytes) and send() (board -> host bytes).
"""

from __future__ import annotations

import errno
import logging
import os
import select
import threading
import time

import serial

logger = logging.getLogger(__name__)


def have_pty() -> bool:
    try:
        import pty  # noqa: F401
        import termios  # noqa: F401
    except ImportError:
        return False
    return hasattr(os, "openpty")


class PtyPort:
    """A pseudo-terminal: the board holds the master side; the host opens the slave path."""

    def __init__(self) -> None:
        import tty

        self._master, self._slave = os.openpty()
        # The slave stays open here so the master never reads EIO between host sessions, and in
        # raw mode so nothing is echoed back to the board before the host configures the port.
        tty.setraw(self._slave)
        os.set_blocking(self._master, False)
        self._wake_r, self._wake_w = os.pipe()
        self.port: str | None = os.ttyname(self._slave)
        self.serial_object = None
        self.tx_dropped = 0
        self._closed = False

    def recv(self, timeout: float, size: int) -> bytes:
        """Up to `size` bytes the host wrote, waiting at most `timeout` seconds; b'' if none."""
        if self._closed:
            return b""
        try:
            ready, _, _ = select.select([self._master, self._wake_r], [], [], timeout)
            if self._master in ready:
                return os.read(self._master, size)
        except (OSError, ValueError) as exc:
            if self._closed or getattr(exc, "errno", None) in (errno.EIO, errno.EAGAIN, errno.EBADF):
                return b""
            raise
        return b""

    def send(self, data: bytes) -> None:
        """Hand bytes to the host; what does not fit in the terminal's buffer is lost, as with a USB bridge."""
        view = memoryview(data)
        while view and not self._closed:
            try:
                n = os.write(self._master, view)
            except BlockingIOError:
                _, ready, _ = select.select([], [self._master], [], 0.1)
                if not ready:
                    self.tx_dropped += len(view)
                    logger.debug("%s: host not reading, dropped %d bytes", self.port, len(view))
                    return
                continue
            except OSError as exc:
                logger.debug("%s: write failed: %s", self.port, exc)
                return
            view = view[n:]

    def wake(self) -> None:
        """End a recv() now: the line is closing."""
        self._closed = True
        try:
            os.write(self._wake_w, b"x")
        except OSError:
            pass

    def close(self) -> None:
        """Close the descriptors; call once nothing uses recv() or send() any more."""
        if self._master < 0:
            return
        self._closed = True
        fds, self._master = (self._master, self._slave, self._wake_r, self._wake_w), -1
        for fd in fds:
            try:
                os.close(fd)
            except OSError:
                pass


class QueuePort:
    """An in-process line: `.serial_object` is the host's end, recv/send the board's."""

    def __init__(self, name: str) -> None:
        self.port = None
        self.tx_dropped = 0
        self._cv = threading.Condition()
        self._to_board = bytearray()
        self._to_host = bytearray()
        self._closed = False
        self.serial_object = SimSerial(self, name)

    def recv(self, timeout: float, size: int) -> bytes:
        with self._cv:
            if not self._to_board and not self._closed:
                self._cv.wait(timeout)
            data = bytes(self._to_board[:size])
            del self._to_board[:size]
            return data

    def send(self, data: bytes) -> None:
        with self._cv:
            if not self._closed:
                self._to_host += data
                self._cv.notify_all()

    def wake(self) -> None:
        self.close()

    def close(self) -> None:
        with self._cv:
            self._closed = True
            self._cv.notify_all()


class SimSerial(serial.SerialBase):
    """The host's end of a QueuePort, used like an open serial.Serial."""

    def __init__(self, line: QueuePort, name: str) -> None:
        self._line = line
        super().__init__(port=None, baudrate=115200, timeout=None)
        self._port = name
        self.is_open = True

    def open(self) -> None:
        self.is_open = True

    def _reconfigure_port(self, *args: object) -> None:
        """Nothing to configure on an in-process line."""

    def _check(self) -> None:
        if not self.is_open:
            raise serial.PortNotOpenError()
        if self._line._closed:
            raise serial.SerialException("the simulated board %s was stopped" % self._port)

    @property
    def in_waiting(self) -> int:
        self._check()
        return len(self._line._to_host)

    def read(self, size: int = 1) -> bytes:
        self._check()
        deadline = None if self._timeout is None else time.monotonic() + self._timeout
        cv = self._line._cv
        with cv:
            while len(self._line._to_host) < size:
                if self._line._closed:
                    break
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                cv.wait(remaining)
            data = bytes(self._line._to_host[:size])
            del self._line._to_host[:size]
        if not data and self._line._closed:
            raise serial.SerialException("the simulated board %s was stopped" % self._port)
        return data

    def write(self, data: bytes) -> int:
        self._check()
        data = bytes(data)
        with self._line._cv:
            self._line._to_board += data
            self._line._cv.notify_all()
        return len(data)

    def flush(self) -> None:
        self._check()

    def reset_input_buffer(self) -> None:
        self._check()
        with self._line._cv:
            self._line._to_host.clear()

    def reset_output_buffer(self) -> None:
        self._check()
        with self._line._cv:
            self._line._to_board.clear()

    def close(self) -> None:
        self.is_open = False
