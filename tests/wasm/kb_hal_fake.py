# Fake HAL for the wasm layer: the kb_hal_* interface backed by plain state the checks set and read.
# Firmware-style on purpose (the firmware's MicroPython subset, flat module, no f-strings), so it
# runs wherever the firmware runs; kb_board.HAL names it in the generated kb_board.py.
import gc

uid = 'c0ffee0012345678'
now = [0]        # the board clock in ms; ticks() reads it, idle() advances it
out = []         # every write(), in order
log = []         # HAL calls, as the vectors write them: ['pin', n, op, v, hz], ['led', v], ['safe'], ['reboot']
inbox = []       # chunks read() hands out; when empty, read() raises KeyboardInterrupt if stop[0]
stop = [0]
level = {}       # pin label -> what 'read' returns (default: level_all[0])
analog = {}      # pin label -> what 'analog' returns (default: analog_all[0])
level_all = [0]
analog_all = [0]
lit = [0]        # the LED
pressed = {}     # button letter -> pressed
fault = [None]   # an exception instance pin() raises after logging the call
mem = [None]     # what heap() reports; None: the interpreter's own free heap


def clear():
    now[0] = 0
    stop[0] = 0
    lit[0] = 0
    level_all[0] = 0
    analog_all[0] = 0
    fault[0] = None
    mem[0] = None
    for x in (out, log, inbox):
        del x[:]
    for x in (level, analog, pressed):
        x.clear()


def read():
    if inbox:
        return inbox.pop(0)
    if stop[0]:
        raise KeyboardInterrupt
    return None


def write(s):
    out.append(s)


def idle(ms):
    now[0] += ms


def ticks():
    return now[0] & 0x3fffffff


def diff(a, b):
    # time.ticks_diff on a 2**30 period, as the ESP32 and micro:bit ports have
    return ((a - b + 0x20000000) & 0x3fffffff) - 0x20000000


def heap():
    if mem[0] is not None:
        return mem[0]
    gc.collect()
    return gc.mem_free()


def pin(n, op, v=0, hz=0):
    log.append(['pin', n, op, v, hz])
    if fault[0] is not None:
        raise fault[0]
    if op == 'read':
        return level.get(n, level_all[0])
    if op == 'analog':
        return analog.get(n, analog_all[0])


def led(v):
    log.append(['led', v])
    if v is None:
        return lit[0]
    lit[0] = v


def button(b):
    return bool(pressed.get(b))


def safe():
    log.append(['safe'])
    lit[0] = 0


def reboot():
    log.append(['reboot'])
