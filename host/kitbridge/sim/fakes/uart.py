"""Fake machine.UART of an ESP32: a second serial port on two pins, reaching the World's serial
wires (sim/buses.py) and the module hung on them (a HuskyLens at 9600 baud).

UART(0) is the REPL's own line (the one the kit protocol runs on), so the sim refuses it rather
than let a driver cut the host off. read() gives None when nothing has come, as on the board.
"""

from __future__ import annotations

from typing import Any

from ..runtime import Runtime

DEFAULT_PINS = {1: (10, 9), 2: (17, 16)}  # UART(id) without pins: (tx, rx) GPIOs


def make_machine_uart(rt: Runtime, pin_class: Any) -> dict[str, Any]:
    world = rt.world

    def gpio_of(pin: Any) -> int:
        return pin._gpio if isinstance(pin, pin_class) else pin_class(pin)._gpio

    class UART:
        def __init__(self, id: int, baudrate: int = 115200, *args: Any, **kwargs: Any) -> None:
            if id not in DEFAULT_PINS:
                raise ValueError(f"UART({id}) does not exist here: UART(0) is the REPL's line; use 1 or 2")
            self._id = id
            self._rx = bytearray()
            self._tx_gpio, self._rx_gpio = DEFAULT_PINS[id]
            self.init(baudrate, *args, **kwargs)

        def init(self, baudrate: int = 115200, bits: int = 8, parity: Any = None, stop: int = 1, *,
                 tx: Any = None, rx: Any = None, timeout: int = 0, **kwargs: Any) -> None:
            self.baudrate = baudrate
            self.timeout = timeout
            if tx is not None:
                self._tx_gpio = gpio_of(tx)
            if rx is not None:
                self._rx_gpio = gpio_of(rx)
            self._wires = world.buses.serial_on_gpios(self._tx_gpio, self._rx_gpio)

        def deinit(self) -> None:
            pass

        def _fill(self) -> None:
            self._rx += self._wires.take(self.baudrate)

        def any(self) -> int:
            rt.check()
            self._fill()
            return len(self._rx)

        def read(self, nbytes: int | None = None) -> bytes | None:
            rt.check()
            self._fill()
            if not self._rx:
                if self.timeout:
                    rt.sleep(self.timeout / 1000)
                return None
            n = len(self._rx) if nbytes is None else nbytes
            out = bytes(self._rx[:n])
            del self._rx[:n]
            return out

        def readinto(self, buf: Any, nbytes: int | None = None) -> int | None:
            data = self.read(len(buf) if nbytes is None else nbytes)
            if data is None:
                return None
            buf[:len(data)] = data
            return len(data)

        def readline(self) -> bytes | None:
            rt.check()
            self._fill()
            end = self._rx.find(b"\n")
            return self.read(None if end < 0 else end + 1)

        def write(self, buf: Any) -> int:
            rt.check()
            data = bytes(buf)
            self._wires.send(data, self.baudrate)
            return len(data)

    return {"UART": UART}
