"""The keyboard's hold on a simulated World: which key changes what, for one lesson's devices.

No terminal code here (cli/keyboard.py reads the keys and draws the status): a key is a
character, time is a number, so the mapping is tested like any function.

    controls = Controls(world, lesson.devices, wired={"knob": 2})
    controls.key("1")              # darker: world.light goes down a step
    controls.key("a")              # button A goes down; tick() lets it go once the key stops repeating
    controls.tick()
    lines = controls.help()        # [("a b", "tap a button (hold the key to hold it)"), ...]
    shown = controls.readings()    # [Reading("light", "0.40"), Reading("LED", "on"), ...]

Keys act only on what the lesson uses (the words of lesson.toml's `devices`, and what
scenario.wire() wired) and the board has. "q" is never a control: the terminal keeps it to quit.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NamedTuple

from .hand import Hand
from .world import World

HOLD = 0.7  # s a button stays down after its key: longer than a terminal's key-repeat delay (~0.25..0.66 s)
CLAP = (0.9, 0.2)  # a clap: this loud, for this many seconds
DISTANCES = (None, 200, 150, 100, 80, 60, 40, 30, 20, 15, 10, 6, 3)  # cm, far to near; None: nothing in range
KNOB_STEP = 64  # of 0..1023: 16 steps from one end to the other
VIEW = 60.0  # degrees a camera sees across its 320-pixel picture
GESTURE_KEYS = {"s": "still", "z": "tilt_left", "x": "tilt_right", "w": "shake"}
PEOPLE = {"f": ("you", 90.0), "g": ("stranger", 60.0)}  # camera keys: who steps in or out, where


class Reading(NamedTuple):
    """One item of the status line: a name, its value as text, and colours to show (RGB strips)."""

    name: str
    text: str
    colours: tuple[tuple[int, int, int], ...] = ()


@dataclass
class Control:
    keys: str  # the keys, as shown in the help line ("1 2")
    what: str  # what they do
    actions: Mapping[str, Callable[[float], None]] = field(default_factory=dict)


class Controls:
    """The keys for one lesson on one simulated board; `devices` are lesson.toml's device words."""

    def __init__(self, world: World, devices: Iterable[str], wired: dict[str, Any] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.world = world
        self.clock = clock
        self.wired = dict(wired or {})
        self.words = set(re.findall(r"[a-z0-9_]+", " ".join(devices).lower()))
        self.hand: Hand | None = None
        self.gesture = "flat"
        self._release_at: dict[str, float] = {}  # button -> when its key stopped repeating
        self._latched: set[str] = set()
        self._clap_until: float | None = None
        self._sound_before = 0.0
        self._people: dict[str, float] = {}  # who stands in front of the camera -> bearing, degrees
        self._faces: dict[str, Any] = {}
        self._aim = 90.0  # where the camera points when no servo carries it
        self.controls = self._build()
        self._actions = {k: a for c in self.controls for k, a in c.actions.items()}

    def uses(self, *words: str) -> bool:
        return any(w in self.words for w in words)

    # ---- keys -----------------------------------------------------------------------------

    def key(self, key: str, now: float | None = None) -> bool:
        """Act on one key; False when the key means nothing for this lesson."""
        action = self._actions.get(key)
        if action is None:
            return False
        action(self.clock() if now is None else now)
        return True

    def tick(self, now: float | None = None) -> None:
        """Let go of buttons whose key stopped repeating, end claps, keep the camera's picture true."""
        now = self.clock() if now is None else now
        for letter, due in list(self._release_at.items()):
            if now >= due:
                del self._release_at[letter]
                self.world.release(letter)
        if self._clap_until is not None and now >= self._clap_until:
            self._clap_until = None
            self.world.sound = self._sound_before
        if self._people or self._faces:
            self._look()

    def help(self) -> list[tuple[str, str]]:
        """(keys, what they do) for each control of this lesson."""
        return [(c.keys, c.what) for c in self.controls]

    def close(self) -> None:
        """Stop the hand, let go of every button."""
        if self.hand is not None:
            self.hand.done.set()
            self.hand.join(1.0)
        for letter in set(self._release_at) | self._latched:
            self.world.release(letter)
        self._release_at.clear()
        self._latched.clear()

    # ---- the controls a lesson gets -------------------------------------------------------------

    def _build(self) -> list[Control]:
        w, spec = self.world, self.world.spec
        out: list[Control] = []
        letters = [x for x in "ab" if self.uses(f"button_{x}") and f"button_{x}" in spec.devices]
        if letters:
            taps = {x: partial(self._tap, x) for x in letters}
            holds = {x.upper(): partial(self._latch, x) for x in letters}
            out.append(Control(" ".join(letters), "tap a button (hold the key to hold it)", taps))
            out.append(Control(" ".join(holds), "hold a button down / let it go", holds))
        if self.uses("light"):
            out.append(self._stepper("1 2", "light darker / brighter", "light", 0.1, 0, 1))
        if self.uses("temperature", "dht11", "dht22"):
            out.append(self._stepper("3 4", "colder / warmer", "temperature", 1, -10, 60))
        if self.uses("sound", "microphone"):
            out.append(self._stepper("5 6", "quieter / louder", "sound", 0.1, 0, 1))
            out.append(Control("c", "clap", {"c": self._clap}))
        if self.uses("distance", "hc", "sr04"):
            out.append(Control("7 8", "the wall nearer / farther", {"7": lambda now: self._distance(1),
                                                                   "8": lambda now: self._distance(-1)}))
        if self.uses("dht11", "dht22", "humidity"):
            out.append(self._stepper("9 0", "drier / wetter", "humidity", 5, 0, 100))
        if self.uses("accelerometer") and "accelerometer" in spec.devices:
            out.append(Control("s z x w", "hand: still, tilt left, tilt right, shake",
                               {k: partial(self._gesture, g) for k, g in GESTURE_KEYS.items()}))
        if self.uses("pir", "motion"):
            out.append(Control("m", "something moves / stops", {"m": lambda now: setattr(w, "motion", not w.motion)}))
        if "knob" in self.wired:
            out.append(Control("[ ]", "turn the knob left / right", {"[": lambda now: self._knob(-1),
                                                                     "]": lambda now: self._knob(1)}))
        if self.uses("huskylens", "camera"):
            out.append(Control("f g", "you / a stranger step in front of the camera, or away",
                               {k: partial(self._step_in, k) for k in PEOPLE}))
            out.append(Control(", .", "you walk left / right", {",": lambda now: self._walk(10),
                                                                 ".": lambda now: self._walk(-10)}))
        return out

    def _stepper(self, keys: str, what: str, quantity: str, step: float, low: float, high: float) -> Control:
        down, up = keys.split()

        def move(sign: int) -> None:
            value = min(high, max(low, getattr(self.world, quantity) + sign * step))
            if quantity == "sound":
                self._clap_until = None
            setattr(self.world, quantity, round(value, 2))

        return Control(keys, what, {down: lambda now: move(-1), up: lambda now: move(1)})

    def _tap(self, letter: str, now: float) -> None:
        if letter in self._latched:
            return
        if letter not in self._release_at:
            self.world.press(letter)
        self._release_at[letter] = now + HOLD

    def _latch(self, letter: str, now: float) -> None:
        self._release_at.pop(letter, None)
        if letter in self._latched:
            self._latched.discard(letter)
            self.world.release(letter)
        else:
            self._latched.add(letter)
            self.world.press(letter)

    def _clap(self, now: float) -> None:
        if self._clap_until is None:
            self._sound_before = self.world.sound
        self.world.sound = CLAP[0]
        self._clap_until = now + CLAP[1]

    def _distance(self, nearer: int) -> None:
        now = DISTANCES.index(self.world.distance) if self.world.distance in DISTANCES else 0
        self.world.distance = DISTANCES[min(len(DISTANCES) - 1, max(0, now + nearer))]

    def _gesture(self, gesture: str, now: float) -> None:
        if self.hand is None:
            self.hand = Hand(self.world)
            self.hand.start()
        self.hand.gesture = self.gesture = gesture

    def _knob(self, sign: int) -> None:
        pin = self.wired["knob"]
        self.world.set_analog(pin, min(1023, max(0, self.world.read_analog(pin) + sign * KNOB_STEP)))

    def _step_in(self, key: str, now: float) -> None:
        name, bearing = PEOPLE[key]
        if self._people.pop(name, None) is None:
            self._people[name] = bearing
        self._look()

    def _walk(self, degrees: float) -> None:
        if "you" in self._people:
            self._people["you"] = min(180.0, max(0.0, self._people["you"] + degrees))
            self._look()

    def _look(self) -> None:
        """Put each person where the camera sees them: a face at bearing B shows at
        x = 160 - (B - aim) * 320/60, out of the picture past its edges; the camera rides
        the servo scenario.wire() named "camera", if any."""
        servo = self.world.parts.servos.get(self.wired.get("camera", -1))
        aim = servo.angle if servo is not None else self._aim
        for name in set(self._faces) | set(self._people):
            bearing = self._people.get(name)
            x = None if bearing is None else round(160 - (bearing - aim) * 320 / VIEW)
            if x is None or not 20 <= x <= 299:
                face = self._faces.pop(name, None)
                if face is not None:
                    self.world.scene.remove(face)
            elif name in self._faces:
                self._faces[name].move(x=x)
            else:
                self._faces[name] = self.world.scene.place("face", name, x=x, y=110, w=60, h=80)

    # ---- the status line ----------------------------------------------------------------------

    def readings(self) -> list[Reading]:
        """What the student set and what the board drives, for the status line."""
        w, out = self.world, []
        keys = {k for c in self.controls for k in c.actions}
        held = [x.upper() for x in "ab" if x in keys and w.is_pressed(x)]
        if keys & {"a", "b"}:
            out.append(Reading("buttons", " ".join(held) or "-"))
        if "1" in keys:
            out.append(Reading("light", f"{w.light:.1f}"))
        if "3" in keys:
            out.append(Reading("temperature", f"{w.temperature:.0f} °C"))
        if "9" in keys:
            out.append(Reading("humidity", f"{w.humidity:.0f} %"))
        if "5" in keys:
            out.append(Reading("sound", f"{w.sound:.1f}"))
        if "7" in keys:
            out.append(Reading("distance", "nothing" if w.distance is None else f"{w.distance:.0f} cm"))
        if "s" in keys:
            out.append(Reading("hand", self.gesture))
        if "m" in keys:
            out.append(Reading("motion", "yes" if w.motion else "no"))
        if "[" in keys:
            out.append(Reading("knob", f"{w.read_analog(self.wired['knob']) / 1023:.2f}"))
        if "f" in keys:
            out.append(Reading("camera sees", " ".join(sorted(self._faces)) or "nobody"))
        return out + outputs(w, self.uses)


def outputs(world: World, uses: Callable[..., bool]) -> list[Reading]:
    """What the board drives that the lesson uses: its LED, servos, buzzer or speaker, RGB
    LEDs, other output pins. `uses(*words)`: whether the lesson's devices name one of the words."""
    out, devices, skip = [], world.spec.devices, set()
    led = devices.get("led")
    if led is not None and uses("led"):
        out.append(Reading("LED", "on" if world.led else "off"))
    if led is not None and "gpio" in led.params:
        skip.add(world.pin_name(led.params["gpio"]))
    rgb = devices.get("rgb")
    if rgb is not None:  # the board's own RGB LEDs (also its LED on an mPython board)
        name = world.pin_name(rgb.params["gpio"]) + " neopixel"
        skip.add(name)
        if uses("rgb", "neopixel"):
            out.append(Reading("RGB", "", tuple(world.value(name) or ((0, 0, 0),) * rgb.params["count"])))
    for label, servo in sorted(world.parts.servos.items()):
        out.append(Reading(f"servo {label}", f"{servo.angle:.0f}°"))
        skip.update((f"pin {label} pwm", f"pin {label}"))
    for sensor in world.parts.distance_sensors.values():
        skip.add(f"pin {sensor.trigger}")
    beeper = devices.get("buzzer")
    if beeper is not None:
        name = world.pin_name(beeper.params["gpio"]) + " pwm"
        skip.update((name, name.removesuffix(" pwm")))
        if uses("buzzer"):
            tone = world.value(name)
            out.append(Reading("buzzer", f"{tone[1]} Hz" if tone else "quiet"))
    if "speaker" in devices and uses("speaker"):
        tone = world.value("music")
        out.append(Reading("speaker", f"{tone} Hz" if tone else "quiet"))
    for name in sorted({e.device for e in world.log}, key=_pin_order):
        if name in skip or not name.startswith(("pin ", "gpio ")):
            continue
        value = world.value(name)
        if name.endswith(" neopixel"):
            out.append(Reading(name.removesuffix(" neopixel"), "", tuple(value or ())))
        elif name.endswith(" pwm"):
            out.append(Reading(name, f"{value[0]}/1023 at {value[1]} Hz" if value else "off"))
        else:
            out.append(Reading(name, "on" if value else "off"))
    return out


def _pin_order(name: str) -> tuple[str, int, str]:
    found = re.match(r"(\D+)(\d+)(.*)", name)
    return (found.group(1), int(found.group(2)), found.group(3)) if found else (name, 0, "")
