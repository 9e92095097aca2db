"""Fake `microbit`: edge pins, buttons, the 5x5 display, uart (the serial line), sensors.

As on the board: uart.read() returns None when nothing is there; pins without an ADC have no
read_analog; pins read with the default pull-down unless set; buttons count presses for
was_pressed()/get_presses(); sleep() and uart calls are where Ctrl-C and switching off land.
"""

from __future__ import annotations

import types
from typing import Any

from ..runtime import HardReset, Runtime
from .i2c import make_microbit_i2c

MIN_PERIOD_US = 256  # set_analog_period_microseconds refuses shorter periods


def make_microbit(rt: Runtime) -> types.ModuleType:
    from . import module

    world, chip, spec = rt.world, rt.chip, rt.spec
    v2 = spec.kind != "microbit-v1"
    pull_names = {0: "none", 1: "down", 3: "up"}

    class MicroBitDigitalPin:
        NO_PULL, PULL_DOWN, PULL_UP = 0, 1, 3

        def __init__(self, label: int) -> None:
            self._label = label
            self._sim_name = "pin %d" % label
            self._period_us = 20000
            self._pull = self.NO_PULL if world.button_at(label) else self.PULL_DOWN

        def write_digital(self, value: int) -> None:
            if value not in (0, 1, True, False):
                raise ValueError("value must be 0 or 1")
            chip.drive(self._sim_name, int(value))

        def read_digital(self) -> int:
            chip.release(self._sim_name)
            return world.read_level(self._label, pull_names[self._pull])

        def write_analog(self, value: int) -> None:
            if not 0 <= value <= 1023:
                raise ValueError("value must be between 0 and 1023")
            chip.set_pwm(self._sim_name, int(value), round(1e6 / self._period_us))

        def set_analog_period(self, ms: int) -> None:
            self.set_analog_period_microseconds(ms * 1000)

        def set_analog_period_microseconds(self, us: int) -> None:
            if us < MIN_PERIOD_US:
                raise ValueError("invalid period")
            self._period_us = us
            duty = chip.pwm.get(self._sim_name)
            if duty is not None:
                chip.set_pwm(self._sim_name, duty[0], round(1e6 / us))

        def get_analog_period_microseconds(self) -> int:
            return self._period_us

        def set_pull(self, value: int) -> None:
            if value not in pull_names:
                raise ValueError("invalid pull")
            self._pull = value
            chip.release(self._sim_name)

        def get_pull(self) -> int:
            return self._pull

        def get_mode(self) -> str:
            mode = chip.mode.get(self._sim_name, "")
            return {"out": "write_digital", "pwm": "write_analog", "in": "read_digital"}.get(mode, "unused")

    class MicroBitAnalogDigitalPin(MicroBitDigitalPin):
        def read_analog(self) -> int:
            chip.release(self._sim_name)
            return world.read_analog(self._label)

    class MicroBitTouchPin(MicroBitAnalogDigitalPin):
        def is_touched(self) -> bool:
            return world.is_touched(self._label)

    class Button:
        def __init__(self, letter: str) -> None:
            self._letter = letter
            self._seen = world.presses(letter)

        def is_pressed(self) -> bool:
            return world.is_pressed(self._letter)

        def was_pressed(self) -> bool:
            return self.get_presses() > 0

        def get_presses(self) -> int:
            count = world.presses(self._letter)
            new, self._seen = count - self._seen, count
            return new

    class Image:
        def __init__(self, *args: Any) -> None:
            if len(args) == 1 and isinstance(args[0], str):
                rows = args[0].rstrip(":").split(":")
                self._rows = [[int(c) for c in row] for row in rows]
            else:
                w, h = (args + (5, 5))[:2] if args else (5, 5)
                self._rows = [[0] * w for _ in range(h)]

        def width(self) -> int:
            return len(self._rows[0]) if self._rows else 0

        def height(self) -> int:
            return len(self._rows)

        def get_pixel(self, x: int, y: int) -> int:
            return self._rows[y][x]

        def set_pixel(self, x: int, y: int, value: int) -> None:
            self._rows[y][x] = value

    class Display:
        def __init__(self) -> None:
            self._px = [[0] * 5 for _ in range(5)]
            self._on = True
            self._show()

        def _show(self) -> None:
            world.record("display", ":".join("".join(str(v) for v in row) for row in self._px))

        def set_pixel(self, x: int, y: int, value: int) -> None:
            if not (0 <= x < 5 and 0 <= y < 5):
                raise ValueError("index out of bounds")
            if not 0 <= value <= 9:
                raise ValueError("brightness out of bounds")
            self._px[y][x] = int(value)
            self._show()

        def get_pixel(self, x: int, y: int) -> int:
            if not (0 <= x < 5 and 0 <= y < 5):
                raise ValueError("index out of bounds")
            return self._px[y][x]

        def clear(self) -> None:
            self._px = [[0] * 5 for _ in range(5)]
            self._show()

        def show(self, what: Any, delay: int = 400, *, wait: bool = True, loop: bool = False,
                 clear: bool = False) -> None:
            if isinstance(what, Image):
                self._px = [[what.get_pixel(x, y) if x < what.width() and y < what.height() else 0
                             for x in range(5)] for y in range(5)]
                self._show()
                return
            text = str(what)
            world.record("display text", text)
            if wait and len(text) > 1:
                rt.sleep(len(text) * delay / 1000)

        def scroll(self, text: Any, delay: int = 150, *, wait: bool = True, loop: bool = False,
                   monospace: bool = False) -> None:
            text = str(text)
            world.record("display text", text)
            if wait:
                rt.sleep((len(text) * 6 + 5) * delay / 1000)  # about six columns a character

        def on(self) -> None:
            self._on = True

        def off(self) -> None:
            self._on = False

        def is_on(self) -> bool:
            return self._on

        def read_light_level(self) -> int:
            return round(world.light * 255)

    class Uart:
        ODD, EVEN = 1, 0

        def init(self, baudrate: int = 9600, bits: int = 8, parity: Any = None, stop: int = 1, *,
                 pins: Any = None, tx: Any = None, rx: Any = None) -> None:
            # Moving the UART to edge pins cuts it off the USB line, as on the board.
            rt.line.detached = any(p is not None for p in (pins, tx, rx))

        def any(self) -> int:
            rt.check()
            return rt.line.any()

        def read(self, nbytes: int | None = None) -> bytes | None:
            rt.check()
            return rt.line.read(-1 if nbytes is None else nbytes) or None

        def readall(self) -> bytes | None:
            return self.read()

        def readline(self) -> bytes | None:
            rt.check()
            return rt.line.read_line() or None

        def readinto(self, buf: bytearray, nbytes: int | None = None) -> int | None:
            data = self.read(len(buf) if nbytes is None else min(nbytes, len(buf)))
            if data is None:
                return None
            buf[:len(data)] = data
            return len(data)

        def write(self, buf: Any) -> int:
            data = bytes(buf, "utf-8") if isinstance(buf, str) else bytes(buf)
            rt.line.write(data)
            return len(data)

    class Accelerometer:
        def _mg(self, axis: int) -> int:
            return round(world.acceleration[axis] * 1000)

        def get_x(self) -> int:
            return self._mg(0)

        def get_y(self) -> int:
            return self._mg(1)

        def get_z(self) -> int:
            return self._mg(2)

        def get_values(self) -> tuple[int, int, int]:
            return (self._mg(0), self._mg(1), self._mg(2))

        def current_gesture(self) -> str:
            x, y, z = world.acceleration
            if (x * x + y * y + z * z) ** 0.5 < 0.3:
                return "freefall"
            if max(abs(x), abs(y), abs(z)) > 2:
                return "shake"
            if z <= -0.8:
                return "face up"
            if z >= 0.8:
                return "face down"
            if abs(x) >= abs(y) and abs(x) >= 0.5:
                return "right" if x > 0 else "left"
            if abs(y) >= 0.5:
                return "down" if y > 0 else "up"
            return ""

        def is_gesture(self, name: str) -> bool:
            return self.current_gesture() == name

    class Compass:
        """Uncalibrated after every reset, as on the board; calibrate() takes a moment."""

        def __init__(self) -> None:
            self._calibrated = False

        def calibrate(self) -> None:
            rt.sleep(0.2)
            self._calibrated = True

        def is_calibrated(self) -> bool:
            return self._calibrated

        def clear_calibration(self) -> None:
            self._calibrated = False

        def heading(self) -> int:
            if not self._calibrated:
                self.calibrate()
            return round(world.heading) % 360

    def sleep(ms: float) -> None:
        rt.sleep(ms / 1000)

    def reset() -> None:
        raise HardReset()

    def panic(code: int = 0) -> None:
        """The board shows a sad face and the code, and hangs until reset."""
        world.record("display text", "panic %d" % code)
        while True:
            rt.sleep(1)

    m = module(
        "microbit",
        display=Display(),
        uart=Uart(),
        i2c=make_microbit_i2c(rt),
        accelerometer=Accelerometer(),
        compass=Compass(),
        Image=Image,
        sleep=sleep,
        running_time=rt.clock.ms,
        reset=reset,
        temperature=lambda: round(world.temperature),
        panic=panic,
    )
    for letter in ("a", "b"):
        if "button_" + letter in spec.devices:
            vars(m)["button_" + letter] = Button(letter)
    for label, pin in spec.pins.items():
        kind = (MicroBitTouchPin if "touch" in pin.caps else
                MicroBitAnalogDigitalPin if "analog" in pin.caps else MicroBitDigitalPin)
        vars(m)["pin%d" % label] = kind(label)
    if v2:
        class Microphone:
            def sound_level(self) -> int:
                return round(world.sound * 255)

        class LogoPin:
            def is_touched(self) -> bool:
                return world.is_touched("logo")

        vars(m)["microphone"] = Microphone()
        if "logo" in spec.devices:
            vars(m)["pin_logo"] = LogoPin()
    return m
