"""Add-ons that move: Servo (angle) and Motor (DC, speed and direction)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .addon import has_driver, pin_word
from .base import Device
from .registry import export

if TYPE_CHECKING:
    from ..board import Board

SERVO_HZ = 50  # a servo wants one pulse every 20 ms
MOTOR_HZ = 1000  # as kb_d_motor.py: fast enough not to judder, slow enough for any driver chip


@export
class Servo(Device):
    """A hobby servo (SG90, MG90S) on a PWM pin: its horn turns to an angle 0..180 degrees.

    Wiring: brown (or black) lead to GND, red to 5V (3V3 works for one SG90 without load),
    orange (or yellow) signal lead to the pin. Moving servos draw up to 0.5 A each: power
    several from a battery pack whose GND is joined to the board's GND.
    `min_angle`/`max_angle` set a safe range (say 30..150 for a flap that hits its frame there):
    angles outside it are refused. `min_pulse`/`max_pulse` (ms) are the pulses for 0 and 180
    degrees; 0.5 and 2.5 suit an SG90.

        servo = Servo(board, 0)
        servo.angle = 90
        servo.detach()
    """

    def __init__(self, board: Board, pin: int, *, min_angle: float = 0, max_angle: float = 180,
                 min_pulse: float = 0.5, max_pulse: float = 2.5) -> None:
        self._pin = pin_word(board, pin, "pwm", "drive a servo (PWM)")
        super().__init__(board, f"servo on pin {pin}")
        for name, value in (("min_angle", min_angle), ("max_angle", max_angle)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 180:
                raise ValueError(f"{name} must be 0..180 degrees, not {value!r}")
        if min_angle >= max_angle:
            raise ValueError(f"min_angle ({min_angle}) must be below max_angle ({max_angle})")
        if not 0.2 <= min_pulse < max_pulse <= 3.0:
            raise ValueError(f"pulses must satisfy 0.2 <= min_pulse < max_pulse <= 3.0 ms, not {min_pulse}, {max_pulse}")
        self.min_angle, self.max_angle = min_angle, max_angle
        self.min_pulse, self.max_pulse = min_pulse, max_pulse
        self._angle: float | None = None

    @property
    def angle(self) -> float | None:
        """The angle last asked for, degrees; None while detached. Setting it moves the horn."""
        return self._angle

    @angle.setter
    def angle(self, degrees: float | None) -> None:
        if degrees is None:
            self.detach()
            return
        if (isinstance(degrees, bool) or not isinstance(degrees, (int, float))
                or not self.min_angle <= degrees <= self.max_angle):
            raise ValueError(f"servo angle must be {self.min_angle:g}..{self.max_angle:g} degrees, not {degrees!r}")
        self._ask("pin", self._pin, "pwm", self.duty_for(degrees), SERVO_HZ)
        self._angle = float(degrees)

    def duty_for(self, degrees: float) -> int:
        """The PWM duty (0..1023 at 50 Hz) that holds `degrees`: the raw value sent to the board."""
        ms = self.min_pulse + (self.max_pulse - self.min_pulse) * degrees / 180
        return round(ms * SERVO_HZ * 1023 / 1000)

    def min(self) -> None:
        self.angle = self.min_angle

    def mid(self) -> None:
        self.angle = (self.min_angle + self.max_angle) / 2

    def max(self) -> None:
        self.angle = self.max_angle

    def detach(self) -> None:
        """Stop the pulses: the servo goes limp and stays where it is."""
        self._ask("pin", self._pin, "write", 0)
        self._angle = None


@export
class Motor(Device):
    """A DC motor behind a two-input motor driver (L9110S, DRV8833, a robot car's board).

    Wiring: the driver's IA (A-1A) input to the `forward` pin, IB (A-1B) to the `backward` pin,
    its GND to the board's GND, its VCC to the motor battery; the motor to the driver's
    outputs. Both pins must do PWM. Never power a motor from the board's 3V3.

        motor = Motor(board, forward=8, backward=9)
        motor.forward(0.5)
        motor.stop()
    """

    def __init__(self, board: Board, forward: int, backward: int) -> None:
        self._pins = (pin_word(board, forward, "pwm", "drive a motor (PWM)"),
                      pin_word(board, backward, "pwm", "drive a motor (PWM)"))
        if forward == backward:
            raise ValueError(f"forward and backward must be two different pins, not both {forward}")
        super().__init__(board, f"motor on pins {forward},{backward}")
        self._speed = 0.0

    @property
    def speed(self) -> float:
        """-1 (full backward) .. 0 (stopped) .. 1 (full forward). Setting it drives the motor."""
        return self._speed

    @speed.setter
    def speed(self, value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not -1 <= value <= 1:
            raise ValueError(f"motor speed must be a number -1..1 (negative: backward), not {value!r}")
        duty = round(value * 1023)
        if has_driver(self.board, "motor"):
            self._ask("motor", *self._pins, duty)
        else:  # a micro:bit v1 has no heap for the driver: the same two pin writes, one by one
            on, off = self._pins if duty >= 0 else self._pins[::-1]
            self._ask("pin", off, "write", 0)
            self._ask("pin", on, "pwm", abs(duty), MOTOR_HZ)
        self._speed = float(value)

    @property
    def value(self) -> float:
        return self._speed

    @value.setter
    def value(self, value: float) -> None:
        self.speed = value

    @property
    def is_active(self) -> bool:
        return self._speed != 0

    def forward(self, speed: float = 1) -> None:
        """Turn forward at `speed` 0..1."""
        self._check(speed)
        self.speed = speed

    def backward(self, speed: float = 1) -> None:
        """Turn backward at `speed` 0..1."""
        self._check(speed)
        self.speed = -speed

    def reverse(self) -> None:
        """The same speed the other way."""
        self.speed = -self._speed

    def stop(self) -> None:
        self.speed = 0

    @staticmethod
    def _check(speed: float) -> None:
        if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not 0 <= speed <= 1:
            raise ValueError(f"speed must be a number 0..1, not {speed!r}")
