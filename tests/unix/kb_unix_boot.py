# Boots the kit firmware on MicroPython's unix port: the shim stands in for the ESP32 port's
# `machine` and `neopixel` (sys.modules wins over built-ins), then main.py runs unchanged.
import sys

import kb_fake_machine

sys.modules['machine'] = kb_fake_machine
sys.modules['neopixel'] = kb_fake_machine
__import__('main')  # the board's loop; returns only when the board stops
