# Stand-in for the ESP32 port's `machine` and `neopixel` modules on MicroPython's unix port, whose
# own `machine` has no Pin, PWM, ADC, unique_id or reset. kb_unix_boot.py installs this module under
# both names in sys.modules before main.py imports the HAL (a built-in would win over a file).
# A pin is a wire: what an output drives, or a pull sets, is what an input reads back. Every
# change is traced on stderr ("machine: ..."), which the unix-layer tests read after the run.
# Firmware-style: the MicroPython subset, no f-strings.
import sys

levels = {}     # GPIO -> level on the wire


def trace(s):
    sys.stderr.write('machine: ' + s + '\n')


def unique_id():
    return b'\x24\x0a\xc4\x5e\x00\x01'


def reset():
    trace('reset')
    raise SystemExit(0)


class Pin:
    IN = 1
    OUT = 3
    PULL_UP = 1
    PULL_DOWN = 2

    def __init__(self, g, mode=None, pull=None):
        self.g = g
        if pull == Pin.PULL_UP or pull == Pin.PULL_DOWN:
            self.value(1 if pull == Pin.PULL_UP else 0)

    def value(self, v=None):
        if v is None:
            return levels.get(self.g, 0)
        levels[self.g] = 1 if v else 0
        trace('gpio %d = %d' % (self.g, levels[self.g]))


class PWM:
    def __init__(self, pin, freq=1000):
        self.g = pin.g
        self.hz = freq
        trace('pwm %d on %d Hz' % (self.g, freq))

    def freq(self, hz):
        self.hz = hz
        trace('pwm %d %d Hz' % (self.g, hz))

    def duty_u16(self, d):
        trace('pwm %d duty %d' % (self.g, d))

    def deinit(self):
        trace('pwm %d off' % self.g)


class ADC:
    ATTN_11DB = 3

    def __init__(self, pin):
        self.g = pin.g

    def atten(self, a):
        pass

    def read_u16(self):
        return 65535 if levels.get(self.g, 0) else 0


class NeoPixel:
    def __init__(self, pin, n):
        self.g = pin.g
        self.px = [(0, 0, 0)] * n

    def __getitem__(self, i):
        return self.px[i]

    def __setitem__(self, i, c):
        self.px[i] = c

    def write(self):
        trace('neopixel %d = %r' % (self.g, self.px))
