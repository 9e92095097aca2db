"""Where device classes announce themselves, so adding a device touches only its own module.

    @onboard("light")            # board.light, for boards whose definition has a `light` device
    class LightSensor(Device): ...

    @export                      # from kitbridge import Servo
    class Servo(Device): ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

ONBOARD: dict[str, type] = {}  # device name in boards/*.toml -> class taking (board, name)
EXPORTS: dict[str, type] = {}  # public name -> class


def onboard(*names: str) -> Callable[[T], T]:
    def register(cls: T) -> T:
        for name in names:
            if name in ONBOARD:
                raise RuntimeError(f"two classes claim on-board device {name!r}")
            ONBOARD[name] = cls  # type: ignore[assignment]
        return cls

    return register


def export(cls: T) -> T:
    EXPORTS[cls.__name__] = cls  # type: ignore[attr-defined]
    return cls


def exported(name: str) -> Any:
    return EXPORTS[name]
