"""Where device classes announce themselves, so adding a device touches only its own module.

    @onboard("light")            # board.light, for boards whose definition has a `light` device
    class LightSensor(Device): ...

    @onboard("display", type="led_matrix")   # the same name, told apart by the device's type
    class LEDMatrix(Device): ...

    @export                      # from kitbridge import Servo
    class Servo(Device): ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

# (device name in boards/*.toml, its type or None for any) -> class taking (board, name)
ONBOARD: dict[tuple[str, str | None], type] = {}
EXPORTS: dict[str, type] = {}  # public name -> class


def onboard(*names: str, type: str | None = None) -> Callable[[T], T]:  # noqa: A002 (the TOML key)
    def register(cls: T) -> T:
        for name in names:
            if (name, type) in ONBOARD:
                raise RuntimeError(f"two classes claim on-board device {name!r} of type {type!r}")
            ONBOARD[(name, type)] = cls  # type: ignore[assignment]
        return cls

    return register


def onboard_class(name: str, device_type: str) -> type | None:
    """The class for on-board device `name` of `device_type`, or None."""
    return ONBOARD.get((name, device_type)) or ONBOARD.get((name, None))


def is_onboard_name(name: str) -> bool:
    return any(key[0] == name for key in ONBOARD)


def export(cls: T) -> T:
    EXPORTS[cls.__name__] = cls  # type: ignore[attr-defined]
    return cls


def exported(name: str) -> Any:
    return EXPORTS[name]
