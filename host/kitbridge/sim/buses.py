"""The wires of a simulated board's buses: I2C buses (by their SCL/SDA pins) and serial links (by
TX/RX pins), with the chips and modules hung on them. The World holds one Buses (world.buses).

The board's own I2C pins (boards/<kind>.toml `i2c`) come with its on-board chips already wired
(the mPython board's OLED, accelerometer and compass); add-ons are wired by tests and lessons:

    bus = world.buses.i2c()                       # the board's own I2C pins
    bus.attach(LCD1602Chip())                     # sim/fakes/lcd1602.py, at 0x27
    world.buses.serial(tx=16, rx=15).attach(cam)  # a HuskyLens: its RX on P16, its TX on P15

Pins are edge labels here; the fakes reach the same wires by GPIO number (i2c_on_gpios).
"""

from __future__ import annotations

import errno
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .world import World


class I2CBus:
    """The SDA and SCL wires between two pins of the board and the chips hung on them."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._chips: dict[int, Any] = {}
        self._lock = threading.RLock()

    def attach(self, chip: Any, address: int | None = None) -> Any:
        """Wire `chip` (an I2CChip) to the bus at `address`, else at its own; returns the chip."""
        address = chip.address if address is None else address
        if isinstance(address, bool) or not isinstance(address, int) or not 0x08 <= address <= 0x77:
            raise ValueError(f"I2C address must be 0x08..0x77, not {address!r}")
        with self._lock:
            if address in self._chips:
                raise ValueError(f"{self.name} already has a chip at 0x{address:02x}; detach it first")
            chip.address = address
            self._chips[address] = chip
        return chip

    def detach(self, address: int) -> None:
        """Unplug the chip at `address` (nothing happens if there is none)."""
        with self._lock:
            self._chips.pop(address, None)

    def chip(self, address: int) -> Any:
        """The chip at `address`, or None."""
        with self._lock:
            return self._chips.get(address)

    def scan(self) -> list[int]:
        with self._lock:
            return sorted(self._chips)

    def write(self, address: int, data: bytes) -> None:
        """One write transaction; OSError ENODEV when no chip acknowledges `address`."""
        with self._lock:
            self._need(address).write(bytes(data))

    def read(self, address: int, n: int) -> bytes:
        """One read transaction of `n` bytes; OSError ENODEV when no chip acknowledges `address`."""
        with self._lock:
            out = bytes(self._need(address).read(n))
        if len(out) != n:
            raise AssertionError(f"fake chip at 0x{address:02x} gave {len(out)} bytes for a read of {n}")
        return out

    def _need(self, address: int) -> Any:
        chip = self._chips.get(address)
        if chip is None:
            raise OSError(errno.ENODEV, "ENODEV")
        return chip

    def __repr__(self) -> str:
        return f"<I2CBus {self.name}: {' '.join(f'0x{a:02x}' for a in self.scan()) or 'empty'}>"


class SerialWires:
    """A UART link: the board's TX pin to a module's RX, the module's TX to the board's RX pin.

    A module has receive(data, baud) and take() -> bytes it has sent since the last take()."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.module: Any = None
        self._lock = threading.RLock()

    def attach(self, module: Any) -> Any:
        with self._lock:
            if self.module is not None:
                raise ValueError(f"{self.name} already has a module; detach it first")
            self.module = module
        return module

    def detach(self) -> None:
        with self._lock:
            self.module = None

    def send(self, data: bytes, baud: int) -> None:
        """The board sends `data` at `baud`: the module hears it (nothing hears it if none is wired)."""
        with self._lock:
            if self.module is not None:
                self.module.receive(bytes(data), baud)

    def take(self, baud: int) -> bytes:
        """What the module sent since the last call; garbage-free only when `baud` matches its own."""
        with self._lock:
            if self.module is None:
                return b""
            data = self.module.take()
            if data and baud != getattr(self.module, "baud", baud):
                return bytes((b * 7 + 0x35) & 0xFF for b in data)  # a wrong baud rate reads as noise
            return data


class Buses:
    """Every bus of one simulated board, made on first use, keyed by GPIO numbers."""

    def __init__(self, world: World) -> None:
        self._world = world
        self._spec = world.spec
        self._i2c: dict[tuple[int, int], I2CBus] = {}
        self._serial: dict[tuple[int, int], SerialWires] = {}
        self._lock = threading.RLock()
        own = self._spec.devices.get("i2c")
        self._own_i2c = (own.params["scl_gpio"], own.params["sda_gpio"]) if own is not None else None

    def i2c(self, scl: int | None = None, sda: int | None = None) -> I2CBus:
        """The I2C wires on pins `scl` and `sda` (edge labels); no pins: the board's own I2C pins."""
        if scl is None and sda is None:
            if self._own_i2c is None:
                raise ValueError(f"{self._spec.name} has no I2C pins of its own: give scl= and sda= pin labels")
            return self.i2c_on_gpios(*self._own_i2c)
        if scl is None or sda is None:
            raise ValueError("give both scl and sda pin labels, or neither")
        return self.i2c_on_gpios(self._spec.pin(scl).gpio, self._spec.pin(sda).gpio)

    def i2c_on_gpios(self, scl_gpio: int, sda_gpio: int) -> I2CBus:
        """The I2C wires on these GPIOs (as the fake machine.I2C finds them)."""
        key = (scl_gpio, sda_gpio)
        with self._lock:
            bus = self._i2c.get(key)
            if bus is None:
                bus = self._i2c[key] = I2CBus(f"I2C on {self._where(scl_gpio)} (SCL), {self._where(sda_gpio)} (SDA)")
                if key == self._own_i2c:
                    self._wire_onboard_chips(bus)
            return bus

    def serial(self, tx: int, rx: int) -> SerialWires:
        """The UART wires on the board's pins `tx` (board sends) and `rx` (board receives), labels."""
        return self.serial_on_gpios(self._spec.pin(tx).gpio, self._spec.pin(rx).gpio)

    def serial_on_gpios(self, tx_gpio: int, rx_gpio: int) -> SerialWires:
        key = (tx_gpio, rx_gpio)
        with self._lock:
            wires = self._serial.get(key)
            if wires is None:
                wires = self._serial[key] = SerialWires(
                    f"UART on {self._where(tx_gpio)} (TX), {self._where(rx_gpio)} (RX)")
            return wires

    def _where(self, gpio: int) -> str:
        label = self._world.label_of_gpio(gpio)
        return f"GPIO {gpio}" if label is None else f"pin {label}"

    def _wire_onboard_chips(self, bus: I2CBus) -> None:
        from .fakes.chips import onboard_chip

        for dev in self._spec.devices.values():
            if dev.params.get("bus") != "i2c":
                continue
            chip = onboard_chip(self._world, dev.params.get("chips", ()))
            if chip is not None:
                bus.attach(chip, dev.params["addresses"][0])
