"""Add-on parts wired to a simulated board's pins, with the physics a lesson can notice.

A part is what a student plugs onto the board: it reads what the board drives (World's log of
"pin N" and "pin N pwm") and drives what the board reads (World.read_level). Nothing is wired
until a test or lesson says so, as on a real desk: an unwired sensor does not answer.

    parts = board.world.parts
    servo = parts.servo(0)              # an SG90 on P0: slews at 600 deg/s towards its pulse
    parts.distance_sensor(13, 14)       # HC-SR04: Trig on P13, Echo on P14; World.distance sets the echo
    parts.dht11(15); parts.pir(16)      # World.temperature/.humidity and World.motion feed them
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .world import World

NO_ECHO = -2  # machine.time_pulse_us: timed out waiting for the pulse to start
TOO_LONG = -1  # machine.time_pulse_us: timed out during the pulse
HCSR04_EMPTY_ECHO_US = 38000  # the module's echo when nothing reflects within range
HCSR04_TRIGGER_S = 0.1  # a trigger pulse older than this has already been answered or lost


class Servo:
    """A hobby servo (SG90): 500 us pulses hold 0 deg, 2500 us hold 180 deg, at 40..200 Hz.

    It turns at `speed` deg/s towards the angle its latest pulses ask for; without pulses it
    stays where it is (no torque). `angle` is where the horn is now."""

    def __init__(self, world: World, label: int, angle: float = 90.0, speed: float = 600.0,
                 min_us: float = 500.0, max_us: float = 2500.0) -> None:
        self._world = world
        self._name = f"pin {label}"
        self._since = time.monotonic()
        self._start = float(angle)
        self.speed = speed
        self.min_us, self.max_us = min_us, max_us

    def _target(self, pwm: Any) -> float | None:
        if not pwm:
            return None
        duty, hz = pwm
        if not 40 <= hz <= 200 or duty <= 0:
            return None  # not servo pulses: the servo ignores them
        us = duty * 1e6 / hz / 1023
        us = min(max(us, self.min_us), self.max_us)
        return (us - self.min_us) / (self.max_us - self.min_us) * 180.0

    @property
    def target(self) -> float | None:
        """The angle the pulses ask for now (None: no pulses)."""
        return self._target(self._world.value(self._name + " pwm"))

    @property
    def angle(self) -> float:
        """Where the horn points now, 0..180 deg."""
        now = time.monotonic()
        pos, t, goal = self._start, self._since, None
        for entry in self._world.history(self._name + " pwm"):
            if entry.t <= self._since:
                goal = self._target(entry.value)
                continue
            pos = _slew(pos, goal, self.speed * (entry.t - t))
            t, goal = entry.t, self._target(entry.value)
        return _slew(pos, goal, self.speed * (now - t))

    @property
    def is_moving(self) -> bool:
        goal = self.target
        return goal is not None and abs(self.angle - goal) > 0.5


class Motor:
    """A DC motor behind a two-input driver (L9110S, DRV8833): pin a drives forward, pin b backward."""

    def __init__(self, world: World, a: int, b: int) -> None:
        self._world = world
        self._names = (f"pin {a}", f"pin {b}")

    def _drive(self, name: str) -> float:
        pwm = self._world.value(name + " pwm")
        if pwm:
            return pwm[0] / 1023
        return float(self._world.value(name, 0) or 0)

    @property
    def speed(self) -> float:
        """-1 (full backward) .. 1 (full forward); both inputs high brakes (0)."""
        return self._drive(self._names[0]) - self._drive(self._names[1])


class DistanceSensor:
    """An HC-SR04: one trigger pulse, one echo as long as sound takes to World.distance and back."""

    def __init__(self, world: World, trigger: int, echo: int) -> None:
        self._world = world
        self.trigger, self.echo = trigger, echo
        self._answered = 0.0  # time of the last trigger pulse that got its echo

    def echo_us(self, level: int) -> int:
        """The echo pulse the board measures now (machine.time_pulse_us's answer before timeouts)."""
        if level != 1:
            return NO_ECHO
        edges = self._world.history(f"pin {self.trigger}")[-2:]
        now = time.monotonic()
        if (len(edges) < 2 or edges[0].value != 1 or edges[1].value != 0 or edges[0].t <= self._answered
                or now - edges[0].t > HCSR04_TRIGGER_S):
            return NO_ECHO  # no fresh trigger pulse: the module stays silent
        self._answered = edges[0].t
        cm = self._world.distance
        if cm is None:
            return HCSR04_EMPTY_ECHO_US
        sound = 331.3 + 0.606 * self._world.temperature  # m/s in air
        return round(2 * cm / 100 / sound * 1e6)


class DHT:
    """A DHT11 (whole numbers, 0..50 C, 20..90 %) or DHT22; it refuses reads faster than its interval."""

    def __init__(self, world: World, label: int, model: int = 11) -> None:
        self._world = world
        self.label = label
        self.model = model
        self.interval = 1.0 if model == 11 else 2.0
        self.reads = 0  # answered reads
        self._last: float | None = None

    def measure(self) -> tuple[float, float] | None:
        """(deg C, % RH) now, or None when asked again within its interval (it does not answer)."""
        now = time.monotonic()
        if self._last is not None and now - self._last < self.interval:
            return None
        self._last = now
        self.reads += 1
        t, h = self._world.temperature, self._world.humidity
        if self.model == 11:
            return float(round(min(max(t, 0), 50))), float(round(min(max(h, 20), 90)))
        return round(min(max(t, -40), 80), 1), round(h, 1)


class Parts:
    """The parts wired to one simulated board, by the pins they use (labels)."""

    def __init__(self, world: World) -> None:
        self._world = world
        self._lock = threading.Lock()
        self.servos: dict[int, Servo] = {}
        self.motors: dict[tuple[int, int], Motor] = {}
        self.distance_sensors: dict[int, DistanceSensor] = {}  # by echo pin
        self.dhts: dict[int, DHT] = {}
        self.pirs: set[int] = set()

    def servo(self, pin: int, angle: float = 90.0, speed: float = 600.0) -> Servo:
        """Wire a servo's signal lead to `pin`; its horn starts at `angle`."""
        self._free(pin)
        self.servos[pin] = Servo(self._world, pin, angle, speed)
        return self.servos[pin]

    def motor(self, a: int, b: int) -> Motor:
        """Wire a motor driver's inputs A and B to two pins."""
        self._free(a, b)
        self.motors[(a, b)] = Motor(self._world, a, b)
        return self.motors[(a, b)]

    def distance_sensor(self, trigger: int, echo: int) -> DistanceSensor:
        """Wire an HC-SR04: Trig to `trigger`, Echo to `echo`."""
        self._free(trigger, echo)
        self.distance_sensors[echo] = DistanceSensor(self._world, trigger, echo)
        return self.distance_sensors[echo]

    def dht11(self, pin: int) -> DHT:
        """Wire a DHT11's data line to `pin`."""
        self._free(pin)
        self.dhts[pin] = DHT(self._world, pin, 11)
        return self.dhts[pin]

    def dht22(self, pin: int) -> DHT:
        self._free(pin)
        self.dhts[pin] = DHT(self._world, pin, 22)
        return self.dhts[pin]

    def pir(self, pin: int) -> None:
        """Wire a PIR motion sensor's output to `pin`: high while World.motion is true."""
        self._free(pin)
        self.pirs.add(pin)
        self._poke()

    def unplug(self, pin: int) -> None:
        """Take whatever part uses `pin` off the board."""
        with self._lock:
            self.servos.pop(pin, None)
            self.dhts.pop(pin, None)
            self.pirs.discard(pin)
            for key in [k for k in self.motors if pin in k]:
                del self.motors[key]
            for echo in [e for e, s in self.distance_sensors.items() if pin in (s.trigger, s.echo)]:
                del self.distance_sensors[echo]
        self._poke()

    # ---- used by the world and the fake modules ----------------------------------------

    def level(self, label: int | None) -> int | None:
        """The level a part drives onto pin `label`, or None when no part drives it."""
        if label in self.pirs:
            return 1 if self._world.motion else 0
        return None

    def echo_us(self, label: int | None, level: int) -> int:
        """What machine.time_pulse_us measures on pin `label` before its timeout."""
        sensor = self.distance_sensors.get(label)  # type: ignore[arg-type]
        return NO_ECHO if sensor is None else sensor.echo_us(level)

    def dht_at(self, label: int | None) -> DHT | None:
        return self.dhts.get(label)  # type: ignore[arg-type]

    def _poke(self) -> None:
        with self._world._cv:
            self._world._changed()

    def _free(self, *pins: int) -> None:
        for pin in pins:
            self._world.spec.pin(pin)  # ValueError naming the board's pins
            self.unplug(pin)


def _slew(pos: float, goal: float | None, step: float) -> float:
    if goal is None:
        return pos
    if abs(goal - pos) <= step:
        return goal
    return pos + step if goal > pos else pos - step
