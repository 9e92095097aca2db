"""Links carry bytes to a board; the port name picks one, as pyserial's serial_for_url does.

    /dev/ttyUSB0, COM3        a serial port                 (link/serial.py)
    sim, sim:KIND[?baud=N]    the built-in simulated board  (link/sim.py)
    qemu:microbit-v1          a micro:bit under QEMU        (link/qemu_link.py)
    label:Table 7             the board with that label     (link/label_link.py)
    mqtt://HOST[:PORT]/BOARD  a board on an MQTT broker     (link/mqtt_link.py; mqtts:// for TLS)
"""

from __future__ import annotations

import importlib
from typing import Protocol
from urllib.parse import parse_qsl

SCHEMES = {"sim": "sim", "qemu": "qemu_link", "label": "label_link", "mqtt": "mqtt_link", "mqtts": "mqtt_link"}


class Link(Protocol):
    name: str  # the port name as the user gave it
    board_kind: str | None  # known before the handshake for simulated and emulated boards

    def read(self, timeout: float) -> bytes:
        """Bytes that arrived within `timeout` seconds (b'' if none); ConnectionLost when gone."""

    def write(self, data: bytes) -> None:
        """Send all of `data`; ConnectionLost when the board is gone."""

    def close(self) -> None:
        """Release the port; idempotent."""


def split_port(port: str) -> tuple[str, str, dict[str, str]]:
    """'sim:microbit-v2?baud=0' -> ('sim', 'microbit-v2', {'baud': '0'}); a device path -> ('serial', path, {})."""
    scheme, sep, rest = port.partition(":")
    if scheme in SCHEMES and (sep or not rest):
        target, _, query = rest.partition("?")
        return scheme, target, dict(parse_qsl(query, keep_blank_values=True))
    base, _, query = port.partition("?")
    if base in SCHEMES:
        return base, "", dict(parse_qsl(query, keep_blank_values=True))
    return "serial", port, {}


def open_link(port: str) -> Link:
    """Open the link a port name describes."""
    scheme, target, options = split_port(port)
    if scheme == "serial":
        from .serial_link import open_serial

        return open_serial(port)
    module = importlib.import_module(f"{__name__}.{SCHEMES[scheme]}")
    return module.open_link(port, target, options)
