"""Fake I2C: the chips (I2CChip, RegisterChip) and the board's ways onto the World's buses
(sim/buses.py): machine.I2C / machine.SoftI2C on an ESP32, microbit.i2c on a micro:bit.

A chip answers at its address; nothing answering is what a real bus shows: writeto and readfrom
raise OSError(19, 'ENODEV'), as ESP32 MicroPython does, and scan() leaves the address out.
Chips keep their state across a reset of the board's chip (they have their own power), and are
shared by every I2C object the firmware makes on the same two pins.

    bus = world.buses.i2c()            # the board's own I2C pins (or .i2c(scl=22, sda=21): labels)
    lcd = bus.attach(LCD1602Chip())    # fakes/lcd1602.py; address 0x27
    bus.scan()                         # [0x27, ...]
"""

from __future__ import annotations

from typing import Any

from ..runtime import Runtime

ESP32_DEFAULT_PINS = {0: (18, 19), 1: (25, 26)}  # I2C(id) without pins: (scl, sda) GPIOs


class I2CChip:
    """A chip on an I2C bus: override write() (one write transaction) and read() (one read)."""

    address = 0x00

    def write(self, data: bytes) -> None:
        """The bytes the board sent after the address byte, in one transaction."""

    def read(self, n: int) -> bytes:
        """`n` bytes the board clocks out of the chip in one transaction."""
        return bytes(n)


class RegisterChip(I2CChip):
    """A chip with 8-bit registers: a write sets the register pointer, then writes from it; a read
    reads from the pointer. Both auto-increment, as most sensor chips do."""

    def __init__(self) -> None:
        self.regs = bytearray(256)
        self.pointer = 0

    def write(self, data: bytes) -> None:
        if not data:
            return
        self.pointer = data[0]
        for byte in data[1:]:
            self.write_register(self.pointer, byte)
            self.pointer = (self.pointer + 1) & 0xFF

    def read(self, n: int) -> bytes:
        out = bytearray()
        for _ in range(n):
            out.append(self.read_register(self.pointer))
            self.pointer = (self.pointer + 1) & 0xFF
        return bytes(out)

    def write_register(self, reg: int, value: int) -> None:
        self.regs[reg] = value

    def read_register(self, reg: int) -> int:
        return self.regs[reg]


def _buffer(buf: Any) -> bytes:
    if isinstance(buf, (bytes, bytearray, memoryview)):
        return bytes(buf)
    raise TypeError("object with buffer protocol required")


def make_machine_i2c(rt: Runtime, pin_class: Any) -> dict[str, Any]:
    """machine.I2C and machine.SoftI2C of an ESP32, reaching the World's buses by GPIO."""
    world = rt.world

    def gpio_of(pin: Any, what: str) -> int:
        if isinstance(pin, pin_class):
            return pin._gpio
        if isinstance(pin, int) and not isinstance(pin, bool):
            return pin_class(pin)._gpio
        raise TypeError(f"{what} must be a Pin, not {pin!r}")

    class SoftI2C:
        def __init__(self, scl: Any, sda: Any, *, freq: int = 400000, timeout: int = 50000) -> None:
            self._bus = world.buses.i2c_on_gpios(gpio_of(scl, "scl"), gpio_of(sda, "sda"))
            self.freq = freq

        def init(self, *args: Any, **kwargs: Any) -> None:
            pass

        def deinit(self) -> None:
            pass

        def scan(self) -> list[int]:
            rt.check()
            return self._bus.scan()

        def writeto(self, addr: int, buf: Any, stop: bool = True) -> int:
            rt.check()
            data = _buffer(buf)
            self._bus.write(addr, data)
            return len(data)

        def writevto(self, addr: int, vector: Any, stop: bool = True) -> int:
            return self.writeto(addr, b"".join(_buffer(b) for b in vector), stop)

        def readfrom(self, addr: int, nbytes: int, stop: bool = True) -> bytes:
            rt.check()
            return self._bus.read(addr, nbytes)

        def readfrom_into(self, addr: int, buf: Any, stop: bool = True) -> None:
            buf[:] = self.readfrom(addr, len(buf), stop)

        def readfrom_mem(self, addr: int, memaddr: int, nbytes: int, *, addrsize: int = 8) -> bytes:
            self.writeto(addr, memaddr.to_bytes(addrsize // 8, "big"), False)
            return self.readfrom(addr, nbytes)

        def readfrom_mem_into(self, addr: int, memaddr: int, buf: Any, *, addrsize: int = 8) -> None:
            buf[:] = self.readfrom_mem(addr, memaddr, len(buf), addrsize=addrsize)

        def writeto_mem(self, addr: int, memaddr: int, buf: Any, *, addrsize: int = 8) -> None:
            self.writeto(addr, memaddr.to_bytes(addrsize // 8, "big") + _buffer(buf))

    class I2C(SoftI2C):
        def __init__(self, id: int = 0, *, scl: Any = None, sda: Any = None, freq: int = 400000,
                     timeout: int = 50000) -> None:
            if id not in ESP32_DEFAULT_PINS:
                raise ValueError(f"I2C({id}) doesn't exist")
            default_scl, default_sda = ESP32_DEFAULT_PINS[id]
            super().__init__(default_scl if scl is None else scl, default_sda if sda is None else sda, freq=freq)

    return {"I2C": I2C, "SoftI2C": SoftI2C}


def make_microbit_i2c(rt: Runtime) -> Any:
    """microbit.i2c: read(addr, n), write(addr, buf, repeat), scan(), init(freq, sda, scl)."""
    world = rt.world

    class MicroBitI2C:
        def __init__(self) -> None:
            self._bus = world.buses.i2c()

        def init(self, freq: int = 100000, sda: Any = None, scl: Any = None) -> None:
            if (sda is None) != (scl is None):
                raise ValueError("give both sda and scl, or neither")
            self._bus = world.buses.i2c() if sda is None else world.buses.i2c(scl._label, sda._label)

        def scan(self) -> list[int]:
            rt.check()
            return self._bus.scan()

        def read(self, addr: int, n: int, repeat: bool = False) -> bytes:
            rt.check()
            return self._bus.read(addr, n)

        def write(self, addr: int, buf: Any, repeat: bool = False) -> None:
            rt.check()
            self._bus.write(addr, _buffer(buf))

    return MicroBitI2C()
