"""Finding boards on serial ports by their USB ids (boards/*.toml)."""

from __future__ import annotations

from dataclasses import dataclass

from serial.tools import list_ports

from .boards import BoardSpec, boards_for_usb
from .errors import BoardNotFound


@dataclass(frozen=True)
class PortInfo:
    device: str
    vid: int | None
    pid: int | None
    serial_number: str | None
    description: str
    candidates: tuple[BoardSpec, ...]  # board kinds these USB ids may be

    @property
    def usb_id(self) -> str:
        return f"{self.vid:04X}:{self.pid:04X}" if self.vid is not None and self.pid is not None else "-"


def serial_ports() -> list[PortInfo]:
    ports = []
    for port in sorted(list_ports.comports(), key=lambda p: p.device):
        kinds = tuple(boards_for_usb(port.vid, port.pid)) if port.vid is not None else ()
        ports.append(PortInfo(port.device, port.vid, port.pid, port.serial_number, port.description or "", kinds))
    return ports


def find_board_port() -> str:
    """The one port that looks like a kit board, or BoardNotFound saying what was found."""
    ports = serial_ports()
    boards = [p for p in ports if p.candidates]
    if len(boards) == 1:
        return boards[0].device
    if not ports:
        raise BoardNotFound("no serial ports found: plug in a board (check the USB cable carries data), "
                            "or use Board('sim') for the simulated board")
    if not boards:
        found = ", ".join(f"{p.device} ({p.usb_id} {p.description})" for p in ports)
        raise BoardNotFound(f"no kit board among the serial ports: {found}; name one with Board('PORT')")
    found = ", ".join(f"{p.device} ({p.candidates[0].name})" for p in boards)
    raise BoardNotFound(f"several boards are attached: {found}; choose one with Board('PORT')")
