"""kitbridge: drive the school kit's boards (ESP32, mPython board, micro:bit) from Python.

    from kitbridge import Board
    with Board("sim") as board:
        board.led.on()
"""

from .board import Board
from .devices import LED, Button, Pin
from .errors import (
    BoardNotFound,
    ConnectionLost,
    DeployError,
    DeviceError,
    FirmwareMismatch,
    KitError,
    KitTimeout,
    ProtocolError,
)

__version__ = "0.1.0"


def __getattr__(name: str):
    # add-on device classes (Servo, DistanceSensor, ...) register themselves in devices/
    from .devices.registry import EXPORTS

    if name in EXPORTS:
        return EXPORTS[name]
    raise AttributeError(f"module 'kitbridge' has no attribute {name!r}")


__all__ = [
    "Board", "LED", "Button", "Pin",
    "KitError", "BoardNotFound", "ConnectionLost", "DeployError", "DeviceError",
    "FirmwareMismatch", "KitTimeout", "ProtocolError",
]
