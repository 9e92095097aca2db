"""A board on a serial port (USB serial bridge, DAPLink, or a pseudo-terminal)."""

from __future__ import annotations

import errno
import logging
import sys

import serial

from ..errors import BoardNotFound, ConnectionLost

log = logging.getLogger(__name__)

try:  # a vanished port fails inside pyserial's termios calls (flush, reconfigure) with termios.error
    from termios import error as _TermiosError
except ImportError:  # Windows
    _TermiosError = OSError
PORT_ERRORS = (serial.SerialException, OSError, TypeError, AttributeError, _TermiosError)


def _busy_hint() -> str:
    if sys.platform.startswith("linux"):
        return " (it may be in use by another program, or you may need to join the 'dialout' group)"
    return " (it may be in use by another program)"


class SerialLink:
    """Bytes over pyserial. Opening does not toggle DTR/RTS, so ESP32 boards are not reset."""

    board_kind: str | None = None

    def __init__(self, port: str, baud: int = 115200, *, port_object: serial.SerialBase | None = None,
                 pty: bool = False) -> None:
        self.name = port
        if port_object is not None:
            self._ser = port_object
            return
        ser = serial.Serial()
        ser.port = port
        ser.baudrate = baud
        ser.timeout = 0.05
        ser.write_timeout = 5
        if pty:  # pyserial on a pty wants these, as MicroPython's own pyboard.py does
            ser.rtscts = True
            ser.dsrdtr = True
        else:
            ser.dtr = False
            ser.rts = False
        if sys.platform != "win32":
            ser.exclusive = True
        try:
            ser.open()
        except serial.SerialException as exc:
            if exc.errno == errno.ENOENT:  # the busy/dialout hint would mislead here
                raise BoardNotFound(f"could not open {port}: there is no such port; check its name, "
                                    "and that the board is plugged in") from exc
            raise BoardNotFound(f"could not open {port}: {exc.strerror or exc}{_busy_hint()}") from exc
        self._ser = ser

    @property
    def port_object(self) -> serial.SerialBase:
        return self._ser

    def read(self, timeout: float) -> bytes:
        try:
            if self._ser.timeout != timeout:  # pyserial reconfigures the port on every set
                self._ser.timeout = timeout
            data = self._ser.read(max(1, self._ser.in_waiting))
        except PORT_ERRORS as exc:
            raise ConnectionLost(f"lost the board on {self.name}: {exc}; check the cable") from exc
        return data

    def write(self, data: bytes) -> None:
        try:
            self._ser.write(data)
            self._ser.flush()
        except PORT_ERRORS as exc:
            raise ConnectionLost(f"lost the board on {self.name}: {exc}; check the cable") from exc

    def close(self) -> None:
        try:
            self._ser.close()
        except PORT_ERRORS as exc:
            log.debug("closing %s: %s", self.name, exc)


def open_serial(port: str) -> SerialLink:
    return SerialLink(port, pty=port.startswith("/dev/pts/"))
