"""The I2C bus: scan it, read and write a chip's registers (the `iic` firmware verb)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Device
from .registry import export

if TYPE_CHECKING:
    from ..board import Board

MAX_READ = 32  # bytes per read: the answer line stays short
MAX_WRITE = 32  # bytes per write: the request line stays under the board's longest


def bus_pins(board: Board, scl: int | None, sda: int | None) -> tuple[int, int]:
    """The SCL and SDA pin labels to use: the ones given, else the board's own I2C pins."""
    if scl is None and sda is None:
        if not board.spec.has("i2c"):
            raise ValueError(f"the {board.spec.name} has no I2C pins of its own: give scl= and sda= "
                             "(the pin labels the module's SCL and SDA wires go to)")
        p = board.spec.device("i2c").params
        return p["scl_pin"], p["sda_pin"]
    if scl is None or sda is None:
        raise ValueError("give both scl= and sda= pin labels, or neither (the board's own I2C pins)")
    if scl == sda:
        raise ValueError(f"scl and sda must be two different pins, not both {scl}")
    for label, what in ((scl, "SCL"), (sda, "SDA")):
        board.pin(label)._need("out", f"be the I2C {what} line")
    return scl, sda


def check_address(address: int) -> int:
    if isinstance(address, bool) or not isinstance(address, int) or not 0x08 <= address <= 0x77:
        raise ValueError(f"an I2C address is a whole number 0x08..0x77 (8..119), not {address!r}")
    return address


def _number(value: int, lo: int, hi: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ValueError(f"{what} must be a whole number {lo}..{hi}, not {value!r}")
    return value


def _data(data: bytes | bytearray | list[int] | int) -> bytes:
    if isinstance(data, int) and not isinstance(data, bool):
        data = [data]
    try:
        out = bytes(data)
    except (TypeError, ValueError):
        raise ValueError(f"data must be bytes or whole numbers 0..255, not {data!r}") from None
    if not 1 <= len(out) <= MAX_WRITE:
        raise ValueError(f"write 1..{MAX_WRITE} bytes at a time, not {len(out)}")
    return out


@export
class I2C(Device):
    """The I2C bus on two pins: find chips, read and write their registers.

    Wiring: module SDA to the board's SDA pin, SCL to SCL, VCC to 3V3 (or 5V if the module
    needs it), GND to GND. On the mPython board and the micro:bit use pins 19 (SCL) and
    20 (SDA), the board's own bus (leave scl and sda out); on an ESP32 give the pins.

        bus = I2C(board)
        found = [hex(a) for a in bus.scan()]
        chip_id = bus.read_register(0x26, 0x01)     # the mPython board's accelerometer id
    """

    def __init__(self, board: Board, scl: int | None = None, sda: int | None = None) -> None:
        self.scl, self.sda = bus_pins(board, scl, sda)
        super().__init__(board, f"i2c{self.scl}_{self.sda}")

    def scan(self) -> list[int]:
        """The addresses of the chips that answer, lowest first."""
        return [int(w) for w in self._ask("iic", self.scl, self.sda, "scan").split()]

    def read_register(self, address: int, register: int, count: int = 1) -> bytes:
        """`count` bytes (1..32) from `register` (0..255) of the chip at `address` onwards."""
        check_address(address)
        _number(register, 0, 255, "register")
        _number(count, 1, MAX_READ, "count")
        return bytes.fromhex(self._ask("iic", self.scl, self.sda, "read", address, register, count))

    def write_register(self, address: int, register: int, data: bytes | bytearray | list[int] | int) -> None:
        """Write `data` (bytes, a list of 0..255, or one number) to `register` onwards."""
        check_address(address)
        _number(register, 0, 255, "register")
        self._ask("iic", self.scl, self.sda, "write", address, register, _data(data).hex())

    def read(self, address: int, count: int = 1) -> bytes:
        """`count` bytes (1..32) from the chip at `address`, with no register first."""
        check_address(address)
        _number(count, 1, MAX_READ, "count")
        return bytes.fromhex(self._ask("iic", self.scl, self.sda, "read", address, "-", count))

    def write(self, address: int, data: bytes | bytearray | list[int] | int) -> None:
        """Send `data` to the chip at `address`, with no register first."""
        check_address(address)
        self._ask("iic", self.scl, self.sda, "write", address, "-", _data(data).hex())
