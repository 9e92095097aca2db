"""Fake `dht` (ESP32 MicroPython): DHT11/DHT22 on a pin, answered by a DHT part in World.parts.

As on the board: measure() raises OSError(ETIMEDOUT) when nothing answers (no sensor wired, or
asked again within the sensor's minimum interval: 1 s for a DHT11, 2 s for a DHT22), and
temperature()/humidity() give the last good measurement.
"""

from __future__ import annotations

import types
from typing import Any

from ..runtime import Runtime

ETIMEDOUT = 110
READ_S = 0.005  # the sensor's 40-bit answer takes about 5 ms on the wire


def make_dht(rt: Runtime) -> types.ModuleType:
    from . import module

    class DHTBase:
        _model = 11

        def __init__(self, pin: Any) -> None:
            if not hasattr(pin, "_gpio"):
                raise TypeError(f"DHT needs a machine.Pin, not {pin!r}")
            self._label = pin._label
            self._t = self._h = 0.0

        def measure(self) -> None:
            rt.sleep(READ_S)
            part = rt.world.parts.dht_at(self._label)
            got = part.measure() if part is not None and part.model == self._model else None
            if got is None:
                raise OSError(ETIMEDOUT)
            self._t, self._h = got

        def temperature(self) -> Any:
            return int(self._t) if self._model == 11 else self._t

        def humidity(self) -> Any:
            return int(self._h) if self._model == 11 else self._h

    class DHT11(DHTBase):
        _model = 11

    class DHT22(DHTBase):
        _model = 22

    return module("dht", DHT11=DHT11, DHT22=DHT22, DHTBase=DHTBase)
