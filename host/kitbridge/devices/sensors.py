"""Add-on sensors that the board times: DistanceSensor (HC-SR04) and DHT11/DHT22."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import DeviceError
from .addon import need_driver, need_pin, poll_until, timeout_for
from .base import Device
from .registry import export

if TYPE_CHECKING:
    from ..board import Board

US_PER_CM = 58.3  # echo time there and back per cm, in air at 20 °C (343 m/s)


@export
class DistanceSensor(Device):
    """An HC-SR04 ultrasonic distance sensor: how far the nearest thing in front of it is, in cm.

    Wiring: VCC to 5V, GND to GND, Trig to the `trigger` pin, Echo to the `echo` pin. Its Echo
    puts out 5 V: on an ESP32 or micro:bit put a 1 kΩ resistor in that lead (or use an HC-SR04P,
    which runs at 3.3 V). It sees 2..400 cm; farther, or nothing there, reads `max_distance`.

        sensor = DistanceSensor(board, trigger=13, echo=14)
        cm = sensor.distance
        sensor.wait_for_in_range(20, timeout=10)
    """

    def __init__(self, board: Board, *, trigger: int, echo: int, max_distance: float = 400) -> None:
        need_pin(board, trigger, "out", "be an HC-SR04 Trig pin (digital out)")
        need_pin(board, echo, "in", "be an HC-SR04 Echo pin (digital in)")
        if trigger == echo:
            raise ValueError(f"trigger and echo must be two different pins, not both {trigger}")
        if isinstance(max_distance, bool) or not isinstance(max_distance, (int, float)) or not 2 <= max_distance <= 400:
            raise ValueError(f"max_distance must be 2..400 cm, not {max_distance!r}")
        need_driver(board, "dist", "time an HC-SR04's echo")
        super().__init__(board, f"HC-SR04 on pins {trigger} (Trig), {echo} (Echo)")
        self.trigger, self.echo, self.max_distance = trigger, echo, float(max_distance)

    @property
    def raw(self) -> int:
        """The echo's length in microseconds; -1 when no echo came back (nothing within range)."""
        try:
            return int(self._ask("dist", self.trigger, self.echo))
        except DeviceError as exc:
            raise timeout_for(exc, self.name) from None

    @property
    def distance(self) -> float:
        """cm to the nearest object, 0.1 cm steps, at most `max_distance`."""
        us = self.raw
        if us < 0:
            return self.max_distance
        return min(round(us / US_PER_CM, 1), self.max_distance)

    def wait_for_in_range(self, cm: float, timeout: float | None = None) -> float:
        """Wait until something is closer than `cm`; returns its distance."""
        return poll_until(self.board, lambda: self.distance, lambda d: d < cm, timeout,
                          f"nothing came closer than {cm} cm")

    def wait_for_out_of_range(self, cm: float, timeout: float | None = None) -> float:
        """Wait until nothing is closer than `cm`; returns the distance then."""
        return poll_until(self.board, lambda: self.distance, lambda d: d >= cm, timeout,
                          f"something stayed closer than {cm} cm")


@export
class DHT11(Device):
    """A DHT11 temperature and humidity sensor (blue box): whole °C (0..50) and % (20..90).

    Wiring: + (VCC) to 3V3, - (GND) to GND, the data lead (S, OUT or DATA) to the pin; a bare
    4-leg sensor also needs 10 kΩ from data to 3V3. It measures at most once a second (a DHT22
    every 2 s): asking sooner gives the last reading again. ESP32 boards only (the mPython board,
    an ESP32 DevKitC): micro:bit MicroPython cannot time it.

        sensor = DHT11(board, 15)
        celsius = sensor.temperature
        percent = sensor.humidity
    """

    model = 11

    def __init__(self, board: Board, pin: int) -> None:
        need_pin(board, pin, "out", f"talk to a DHT{self.model} (digital in and out)")
        if board.spec.family != "esp32":
            raise DeviceError(f"a DHT{self.model} needs an ESP32 board (mPython board, ESP32 DevKitC): "
                              f"the {board.spec.name}'s MicroPython has no dht module", "E_DEVICE")
        super().__init__(board, f"DHT{self.model} on pin {pin}")
        self.pin = pin

    def read(self) -> tuple[float, float]:
        """(temperature °C, humidity %) from one measurement."""
        try:
            text = self._ask("dht", self.pin, self.model)
        except DeviceError as exc:
            raise timeout_for(exc, self.name) from None
        t, h = (float(w) for w in text.split())
        return t, h

    @property
    def temperature(self) -> float:
        """Air temperature, °C."""
        return self.read()[0]

    @property
    def humidity(self) -> float:
        """Relative humidity, %."""
        return self.read()[1]


@export
class DHT22(DHT11):
    """A DHT22 (AM2302, white box): 0.1 °C (-40..80) and 0.1 % steps, one reading every 2 s.
    Wired and used as DHT11.

        sensor = DHT22(board, 15)
        t, h = sensor.read()
        reading = (t, h)
    """

    model = 22
