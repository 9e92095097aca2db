# Boots the kit firmware on MicroPython's unix port: the shim stands in for the ESP32 port's
# `machine` and `neopixel` (sys.modules wins over built-ins), then main.py runs unchanged: imported,
# it sets up and its serve() runs the loop, as the kit's micro:bit v1 image does with kb_main.
import sys

import kb_fake_machine

sys.modules['machine'] = kb_fake_machine
sys.modules['neopixel'] = kb_fake_machine
__import__('main').serve()  # the board's loop; returns only when the board stops
