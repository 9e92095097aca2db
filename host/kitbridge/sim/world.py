"""World: the physical surroundings of one simulated board, and a timestamped log of its outputs.

Tests and lessons set what the board's sensors and inputs see (light, tilt, buttons, pins);
the fake MicroPython modules read them and record every output change here, in the style of
gpiozero's MockPin (a state history with times).

    world = board.world
    world.press("a"); world.light = 0.8; world.set_pin(1, 1)
    assert world.wait_for(lambda: world.value("pin 2") == 1, timeout=2)
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from ..boards import BoardSpec
from .buses import Buses
from .parts import Parts
from .scene import Scene

logger = logging.getLogger(__name__)

class Entry(NamedTuple):
    """One output change: when (time.monotonic() seconds), which device, its new value."""

    t: float
    device: str
    value: Any


class World:
    """What one simulated board senses, and what it has driven.

    Inputs (set from tests): light (0..1), temperature (deg C), sound (0..1), acceleration
    (x, y, z in g; lying flat face up is (0, 0, -1)), shake(), heading (degrees from magnetic
    north), distance (cm, None = nothing in range), buttons, touch pads, external pin levels
    and analog readings; humidity (%) and motion (True/False) for the add-on parts wired in
    `parts` (servos, motors, HC-SR04, DHT11/22, PIR: see parts.py).

    Outputs (recorded by the board): entries named "pin N" (0/1), "pin N pwm" ((duty 0..1023, Hz)
    or None when stopped), "pin N neopixel" (tuple of colours), "display" (micro:bit matrix as
    "00000:00900:..."), "board" (running, repl, reset, stopped). A GPIO with no edge label is
    named "gpio G".
    """

    def __init__(self, spec: BoardSpec) -> None:
        self.spec = spec
        self.kind = spec.kind
        self._cv = threading.Condition(threading.RLock())
        self._changes = 0
        self._light = 0.5
        self._temperature = 22.0
        self._sound = 0.0
        self._acceleration = (0.0, 0.0, -1.0)
        self._distance: float | None = None
        self._heading = 0.0
        self._humidity = 50.0
        self._motion = False
        self.parts = Parts(self)  # add-ons wired to pins: servos, HC-SR04, DHT11, PIR...
        self.scene = Scene()  # what a camera (HuskyLens) sees
        self._pressed: set[str] = set()
        self._presses: dict[str, int] = {}
        self._touched: set[int | str] = set()
        self._levels: dict[int, int] = {}
        self._analog: dict[int, int] = {}
        self._log: list[Entry] = []
        self._last: dict[str, Any] = {}
        self._label_of_gpio = {p.gpio: p.label for p in spec.pins.values()}
        self.buses = Buses(self)  # I2C and serial wires, with the chips and modules on them
        # letter -> (label or None, gpio or None, level when pressed)
        self._buttons: dict[str, tuple[int | None, int | None, int]] = {}
        for name, dev in spec.devices.items():
            if name.startswith("button_") and dev.type == "button":
                gpio = dev.params.get("gpio")
                label = dev.params.get("pin", self._label_of_gpio.get(gpio) if gpio is not None else None)
                self._buttons[name[len("button_"):]] = (label, gpio, dev.params.get("pressed", 0))
        self._sensor_pins: dict[int, str] = {}  # label -> quantity an analog read of that pin reports
        for quantity in ("light", "sound"):
            sensor = spec.devices.get(quantity)
            if sensor is not None and "pin" in sensor.params:
                self._sensor_pins[sensor.params["pin"]] = quantity
        self._pads: dict[str, int] = {}  # pad name -> label
        for dev in spec.devices.values():
            if dev.type == "touch" and "pads" in dev.params and "pins" in dev.params:
                self._pads.update(zip(dev.params["pads"], dev.params["pins"]))

    # ---- the physical quantities -------------------------------------------------------

    @property
    def light(self) -> float:
        """Ambient light, 0 (dark) .. 1 (bright)."""
        return self._light

    @light.setter
    def light(self, level: float) -> None:
        self._set("_light", _fraction(level, "light"))

    @property
    def sound(self) -> float:
        """Loudness at the microphone, 0 (silent) .. 1 (loudest)."""
        return self._sound

    @sound.setter
    def sound(self, level: float) -> None:
        self._set("_sound", _fraction(level, "sound"))

    @property
    def temperature(self) -> float:
        """Air temperature in degrees Celsius."""
        return self._temperature

    @temperature.setter
    def temperature(self, celsius: float) -> None:
        if not isinstance(celsius, (int, float)) or not -40 <= celsius <= 125:
            raise ValueError(f"temperature must be -40..125 degrees C, not {celsius!r}")
        self._set("_temperature", float(celsius))

    @property
    def acceleration(self) -> tuple[float, float, float]:
        """(x, y, z) in g; gravity alone, lying face up, is (0, 0, -1)."""
        return self._acceleration

    @acceleration.setter
    def acceleration(self, xyz: tuple[float, float, float]) -> None:
        try:
            x, y, z = (float(v) for v in xyz)
        except (TypeError, ValueError):
            raise ValueError(f"acceleration must be three numbers (x, y, z) in g, not {xyz!r}") from None
        if max(abs(x), abs(y), abs(z)) > 8:
            raise ValueError(f"acceleration must be within -8..8 g on each axis, not {xyz!r}")
        self._set("_acceleration", (x, y, z))

    def shake(self, seconds: float = 0.3) -> None:
        """Shake the board for `seconds` (3 g jolts; blocks meanwhile), then lay it back as it was."""
        if not isinstance(seconds, (int, float)) or not 0 < seconds <= 10:
            raise ValueError(f"seconds must be above 0 and at most 10, not {seconds!r}")
        before = self._acceleration
        self.acceleration = (3.0, 0.0, -1.0)
        try:
            threading.Event().wait(seconds)
        finally:
            self.acceleration = before

    @property
    def heading(self) -> float:
        """Where the board's top edge points, degrees clockwise from magnetic north (0..360)."""
        return self._heading

    @heading.setter
    def heading(self, degrees: float) -> None:
        if isinstance(degrees, bool) or not isinstance(degrees, (int, float)) or not 0 <= degrees < 360:
            raise ValueError(f"heading must be 0..360 degrees (360 excluded), not {degrees!r}")
        self._set("_heading", float(degrees))

    @property
    def distance(self) -> float | None:
        """Distance to the nearest object in front of a distance sensor, cm; None = nothing in range."""
        return self._distance

    @distance.setter
    def distance(self, cm: float | None) -> None:
        if cm is not None and (not isinstance(cm, (int, float)) or not 0 <= cm <= 1000):
            raise ValueError(f"distance must be 0..1000 cm or None, not {cm!r}")
        self._set("_distance", None if cm is None else float(cm))

    @property
    def humidity(self) -> float:
        """Relative humidity of the air, % (a DHT11 or DHT22 in parts reads it)."""
        return self._humidity

    @humidity.setter
    def humidity(self, percent: float) -> None:
        if isinstance(percent, bool) or not isinstance(percent, (int, float)) or not 0 <= percent <= 100:
            raise ValueError(f"humidity must be 0..100 %, not {percent!r}")
        self._set("_humidity", float(percent))

    @property
    def motion(self) -> bool:
        """Whether something warm moves in front of the PIR sensors in parts."""
        return self._motion

    @motion.setter
    def motion(self, moving: bool) -> None:
        self._set("_motion", bool(moving))

    # ---- buttons, touch and pins --------------------------------------------------------

    def press(self, letter: str) -> None:
        """Hold button `letter` down."""
        self._button(letter)
        with self._cv:
            if letter not in self._pressed:
                self._pressed.add(letter)
                self._presses[letter] = self._presses.get(letter, 0) + 1
            self._changed()

    def release(self, letter: str) -> None:
        """Let button `letter` go."""
        self._button(letter)
        with self._cv:
            self._pressed.discard(letter)
            self._changed()

    def click(self, letter: str, seconds: float = 0.1) -> None:
        """Press button `letter`, hold it `seconds`, let it go (blocks meanwhile)."""
        if not isinstance(seconds, (int, float)) or not 0 <= seconds <= 60:
            raise ValueError(f"seconds must be 0..60, not {seconds!r}")
        self.press(letter)
        try:
            threading.Event().wait(seconds)
        finally:
            self.release(letter)

    def is_pressed(self, letter: str) -> bool:
        self._button(letter)
        return letter in self._pressed

    def presses(self, letter: str) -> int:
        """How many times button `letter` went down since the world began."""
        self._button(letter)
        return self._presses.get(letter, 0)

    def touch(self, pad: int | str, touched: bool = True) -> None:
        """Put a finger on a touch pad (a pin label, a pad letter like "P", or "logo"), or take it off."""
        key = self._pad(pad)
        with self._cv:
            if touched:
                self._touched.add(key)
            else:
                self._touched.discard(key)
            self._changed()

    def is_touched(self, pad: int | str) -> bool:
        return self._pad(pad) in self._touched

    def set_pin(self, label: int, level: int | None) -> None:
        """Drive pin `label` from outside to 0 or 1; None lets it float again."""
        self.spec.pin(label)
        if level not in (0, 1, None):
            raise ValueError(f"pin level must be 0, 1 or None (not driven), not {level!r}")
        with self._cv:
            if level is None:
                self._levels.pop(label, None)
            else:
                self._levels[label] = level
            self._changed()

    def set_analog(self, label: int, value: int | None) -> None:
        """Put a voltage on pin `label` that reads as `value` (0..1023); None removes it."""
        self.spec.pin(label)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1023):
            raise ValueError(f"analog value must be a whole number 0..1023 or None, not {value!r}")
        with self._cv:
            if value is None:
                self._analog.pop(label, None)
            else:
                self._analog[label] = value
            self._changed()

    # ---- what the board's chip reads (used by the fake MicroPython modules) -----------------

    def label_of_gpio(self, gpio: int) -> int | None:
        return self._label_of_gpio.get(gpio)

    def button_at(self, label: int | None = None, gpio: int | None = None) -> str | None:
        """The letter of the button wired to this pin label or GPIO, if any."""
        for letter, (b_label, b_gpio, _) in self._buttons.items():
            if (label is not None and label == b_label) or (gpio is not None and gpio == b_gpio):
                return letter
        return None

    def read_level(self, label: int | None, pull: str = "none", gpio: int | None = None) -> int:
        """The digital level an input pin reads, given its pull ("none", "up" or "down")."""
        with self._cv:
            letter = self.button_at(label, gpio)
            if letter is not None:
                pressed_level = self._buttons[letter][2]
                return pressed_level if letter in self._pressed else 1 - pressed_level
            driven = self.parts.level(label)
            if driven is not None:
                return driven
            if label in self._levels:
                return self._levels[label]
            if label in self._analog:
                return 1 if self._analog[label] >= 512 else 0
            return 1 if pull == "up" else 0

    def read_analog(self, label: int | None, gpio: int | None = None) -> int:
        """The 0..1023 reading of an analog input pin."""
        with self._cv:
            if label in self._analog:
                return self._analog[label]
            quantity = self._sensor_pins.get(label) if label is not None else None
            if quantity is not None:
                return round(getattr(self, "_" + quantity) * 1023)
            if label in self._levels or self.button_at(label, gpio) is not None:
                return 1023 * self.read_level(label, "none", gpio)
            return 0

    # ---- outputs ------------------------------------------------------------------------

    def record(self, device: str, value: Any) -> None:
        """Log an output change (used by the board); repeats of the current value are not logged."""
        with self._cv:
            if device in self._last and self._last[device] == value:
                return
            self._last[device] = value
            self._log.append(Entry(time.monotonic(), device, value))
            self._changed()
        logger.debug("%s: %s = %r", self.kind, device, value)

    def value(self, device: str, default: Any = None) -> Any:
        """The latest value of an output device, or `default` if it never changed."""
        with self._cv:
            return self._last.get(device, default)

    def history(self, device: str) -> list[Entry]:
        """Every logged change of one device, oldest first."""
        with self._cv:
            return [e for e in self._log if e.device == device]

    @property
    def log(self) -> list[Entry]:
        """Every logged output change, oldest first."""
        with self._cv:
            return list(self._log)

    @property
    def led(self) -> bool:
        """Whether the board's own LED (as boards/<kind>.toml places it) is lit."""
        dev = self.spec.devices["led"]
        p = dev.params
        if dev.type == "matrix":
            image = self.value("display") or ""
            rows = image.split(":")
            return len(rows) > p["y"] and rows[p["y"]][p["x"]] != "0"
        name = self.pin_name(p["gpio"])
        if dev.type == "neopixel":
            strip = self.value(name + " neopixel") or ()
            return len(strip) > p["index"] and any(strip[p["index"]])
        return self.value(name) == p.get("active", 1)

    def pin_name(self, gpio: int) -> str:
        """Device name of a GPIO in the log: "pin LABEL" when it has an edge label, else "gpio G"."""
        label = self._label_of_gpio.get(gpio)
        return "gpio %d" % gpio if label is None else "pin %d" % label

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 1.0) -> bool:
        """Wait until predicate() is true (True) or `timeout` seconds pass (False).

        The predicate is re-checked on every change of the world, and at least every 20 ms,
        so it may also look at state outside the world.
        """
        deadline = time.monotonic() + timeout
        while True:
            with self._cv:
                seen = self._changes
            if predicate():
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with self._cv:
                if self._changes == seen:
                    self._cv.wait(min(remaining, 0.02))

    def _set(self, attr: str, value: Any) -> None:
        with self._cv:
            setattr(self, attr, value)
            self._changed()

    def _changed(self) -> None:
        self._changes += 1
        self._cv.notify_all()

    def _button(self, letter: str) -> None:
        if letter not in self._buttons:
            have = ", ".join(sorted(self._buttons)) or "none"
            raise ValueError(f"{self.spec.name} has no button {letter!r}; its buttons: {have}")

    def _pad(self, pad: int | str) -> int | str:
        if isinstance(pad, str) and pad in self._pads:
            return self._pads[pad]
        if pad == "logo" and "logo" in self.spec.devices:
            return "logo"
        if isinstance(pad, int) and not isinstance(pad, bool) and pad in self.spec.pins:
            return pad
        pads = list(self._pads) + (["logo"] if "logo" in self.spec.devices else [])
        raise ValueError(f"{self.spec.name} has no touch pad {pad!r}; give a pin label"
                         + (f" or one of: {', '.join(pads)}" if pads else ""))


def _fraction(level: float, what: str) -> float:
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 <= level <= 1:
        raise ValueError(f"{what} must be a number 0..1, not {level!r}")
    return float(level)
