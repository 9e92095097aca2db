"""Fake `machine`: ESP32 Pin / PWM / ADC / TouchPad by GPIO number, or the micro:bit's few functions.

Follows MicroPython 1.23 on the ESP32 where the firmware can tell: GPIO 34-39 are input only and
have no pull resistors; ADC readings saturate unless attenuated (ATTN_11DB reads the full 3.3 V);
Pin(g) without a mode or pull leaves them as they were; Pin.OUT reads back its output level.
"""

from __future__ import annotations

import types
from typing import Any

from ..runtime import HardReset, Runtime

ESP32_GPIOS = frozenset([*range(20), 21, 22, 23, 25, 26, 27, *range(32, 40)])
INPUT_ONLY = frozenset(range(34, 40))
ADC_GPIOS = frozenset([*range(32, 40), 0, 2, 4, 12, 13, 14, 15, 25, 26, 27])
TOUCH_GPIOS = frozenset([0, 2, 4, 12, 13, 14, 15, 27, 32, 33])
ADC_FULL_SCALE = (1.1, 1.5, 2.2, 3.3)  # volts at ATTN_0DB, 2_5DB, 6DB, 11DB
_UNCHANGED = -1


def make_machine(rt: Runtime) -> types.ModuleType:
    from . import module

    def unique_id() -> bytes:
        return rt.uid

    def reset() -> None:
        raise HardReset()

    def time_pulse_us(pin: Any, level: int, timeout_us: int = 1000000) -> int:
        """The pulse a part in World.parts sends on `pin` (an HC-SR04's echo), in us; -2 when none
        starts within the timeout (nothing wired, no trigger), -1 when it outlasts the timeout."""
        rt.check()
        us = rt.world.parts.echo_us(getattr(pin, "_label", None), level)
        if us == -2 or us > timeout_us:
            rt.sleep(timeout_us / 1e6)
            return -2 if us == -2 else -1
        rt.sleep(us / 1e6)
        return us

    def soft_reset() -> None:
        raise SystemExit()  # the board soft-reboots when main.py ends in SystemExit

    common: dict[str, Any] = {
        "unique_id": unique_id,
        "reset": reset,
        "time_pulse_us": time_pulse_us,
        "disable_irq": lambda: 0,
        "enable_irq": lambda state=0: None,
        "idle": lambda: rt.sleep(0),
    }
    if rt.family == "microbit":
        return module("machine", freq=lambda: 64000000 if rt.spec.kind == "microbit-v2" else 16000000, **common)
    return module("machine", freq=lambda hz=None: 240000000 if hz is None else None, soft_reset=soft_reset,
                  **_esp32_io(rt), **common)


def _esp32_io(rt: Runtime) -> dict[str, Any]:
    world, chip = rt.world, rt.chip

    class Pin:
        IN = 1
        OUT = 3
        OPEN_DRAIN = 7
        PULL_DOWN = 1
        PULL_UP = 2
        IRQ_RISING = 1
        IRQ_FALLING = 2

        def __init__(self, id: int, mode: int = _UNCHANGED, pull: Any = _UNCHANGED, *, value: Any = None) -> None:
            if isinstance(id, bool) or not isinstance(id, int) or id not in ESP32_GPIOS:
                raise ValueError("invalid pin")
            self._gpio = id
            self._label = world.label_of_gpio(id)
            self._sim_name = world.pin_name(id)
            self.init(mode, pull, value=value)

        def init(self, mode: int = _UNCHANGED, pull: Any = _UNCHANGED, *, value: Any = None) -> None:
            name = self._sim_name
            if pull != _UNCHANGED:
                if pull not in (None, self.PULL_UP, self.PULL_DOWN):
                    raise ValueError("invalid pull")
                chip.pull[name] = "none" if pull is None else ("up" if pull == self.PULL_UP else "down")
            if value is not None:
                chip.latch[name] = 1 if value else 0
            if mode == _UNCHANGED:
                if value is not None and chip.mode.get(name) == "out":
                    chip.drive(name, chip.latch[name])
            elif mode == self.IN:
                chip.release(name)
            elif mode in (self.OUT, self.OPEN_DRAIN):
                if self._gpio in INPUT_ONLY:
                    raise ValueError("pin can only be input")
                chip.drive(name, chip.latch.get(name, 0))
            else:
                raise ValueError("invalid pin mode")

        def value(self, v: Any = None) -> int | None:
            name = self._sim_name
            if v is None:
                mode = chip.mode.get(name, "in")
                if mode == "out":
                    return chip.level.get(name, 0)
                if mode == "pwm":
                    return 0
                pull = "none" if self._gpio in INPUT_ONLY else chip.pull.get(name, "none")
                return world.read_level(self._label, pull, gpio=self._gpio)
            chip.latch[name] = 1 if v else 0
            if chip.mode.get(name) == "out":
                chip.drive(name, chip.latch[name])
            return None

        __call__ = value

        def on(self) -> None:
            self.value(1)

        def off(self) -> None:
            self.value(0)

        def __repr__(self) -> str:
            return "Pin(%d)" % self._gpio

    class PWM:
        def __init__(self, pin: Any, freq: int = -1, duty: int = -1, duty_u16: int = -1, **kwargs: Any) -> None:
            if not isinstance(pin, Pin):
                pin = Pin(pin)
            if pin._gpio in INPUT_ONLY:
                raise ValueError("pin can only be input")
            self._name = pin._sim_name
            self._freq = 5000
            self._duty: int | None = None  # 0..65535; None until set: nothing is logged before a duty is given
            if freq != -1:
                self.freq(freq)
            if duty != -1:
                self.duty(duty)
            if duty_u16 != -1:
                self.duty_u16(duty_u16)

        def freq(self, hz: int | None = None) -> int | None:
            if hz is None:
                return self._freq
            if isinstance(hz, bool) or not isinstance(hz, int) or not 1 <= hz <= 40000000:
                raise ValueError("freq must be from 1Hz to 40MHz")
            self._freq = hz
            self._show()
            return None

        def duty(self, d: int | None = None) -> int | None:
            if d is None:
                return (self._duty or 0) >> 6
            if not 0 <= d <= 1023:
                raise ValueError("duty must be from 0 to 1023")
            return self.duty_u16(d * 64 + d // 16)

        def duty_u16(self, d: int | None = None) -> int | None:
            if d is None:
                return self._duty or 0
            if not 0 <= d <= 65535:
                raise ValueError("duty_u16 must be from 0 to 65535")
            self._duty = d
            self._show()
            return None

        def _show(self) -> None:
            if self._duty is not None:
                chip.set_pwm(self._name, self._duty >> 6, self._freq)

        def deinit(self) -> None:
            chip.stop_pwm(self._name)

    class ADC:
        ATTN_0DB, ATTN_2_5DB, ATTN_6DB, ATTN_11DB = 0, 1, 2, 3
        WIDTH_9BIT, WIDTH_10BIT, WIDTH_11BIT, WIDTH_12BIT = 0, 1, 2, 3

        def __init__(self, pin: Any, *, atten: int | None = None) -> None:
            gpio = pin._gpio if isinstance(pin, Pin) else pin
            if gpio not in ADC_GPIOS:
                raise ValueError("invalid Pin for ADC")
            self._gpio = gpio
            self._label = world.label_of_gpio(gpio)
            self._atten = self.ATTN_0DB
            if atten is not None:
                self.atten(atten)

        def atten(self, a: int) -> None:
            if a not in (0, 1, 2, 3):
                raise ValueError("invalid attenuation")
            self._atten = a

        def width(self, w: int) -> None:
            pass

        def _fraction(self) -> float:
            volts = world.read_analog(self._label, gpio=self._gpio) / 1023 * 3.3
            return min(1.0, volts / ADC_FULL_SCALE[self._atten])

        def read_u16(self) -> int:
            return round(self._fraction() * 65535)

        def read(self) -> int:
            return round(self._fraction() * 4095)

        def read_uv(self) -> int:
            return round(self._fraction() * ADC_FULL_SCALE[self._atten] * 1e6)

    class TouchPad:
        """Capacitive pad: reads low (about 100) under a finger, high (about 600) without."""

        def __init__(self, pin: Any) -> None:
            if not isinstance(pin, Pin) or pin._gpio not in TOUCH_GPIOS:
                raise ValueError("invalid pin for touchpad")
            self._label = pin._label

        def read(self) -> int:
            touched = self._label is not None and world.is_touched(self._label)
            return 100 if touched else 600

        def config(self, value: int) -> None:
            pass

    from .i2c import make_machine_i2c
    from .uart import make_machine_uart

    return {"Pin": Pin, "PWM": PWM, "ADC": ADC, "TouchPad": TouchPad,
            **make_machine_i2c(rt, Pin), **make_machine_uart(rt, Pin)}
