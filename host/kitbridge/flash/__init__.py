"""Putting MicroPython itself on boards: ESP32 family through esptool, micro:bit by its MICROBIT drive."""

from .esp import flash_esp32, translate_esptool_error
from .images import find_image
from .microbit import drive_kind, flash_microbit, microbit_drives

__all__ = ["drive_kind", "find_image", "flash_esp32", "flash_microbit", "microbit_drives", "translate_esptool_error"]
