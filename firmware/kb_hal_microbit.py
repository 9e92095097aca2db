# HAL for the BBC micro:bit (v1: MicroPython 1.9.2, v2: 1.23): the serial line is microbit.uart.
import microbit as M
import utime
import machine
import gc
import kb_board as B

read = M.uart.read
write = M.uart.write
idle = M.sleep
ticks = utime.ticks_ms
diff = utime.ticks_diff
reboot = M.reset
uid = ''.join(['%02x' % x for x in machine.unique_id()])
outs = []


def heap():
    gc.collect()
    return gc.mem_free()


def pin(n, op, v=0, hz=0):
    p = getattr(M, 'pin%d' % n)
    if n in outs:
        outs.remove(n)
    if op == 'read':
        return p.read_digital()
    if op == 'analog':
        return p.read_analog()
    if op == 'pull':
        p.set_pull((p.NO_PULL, p.PULL_UP, p.PULL_DOWN)[v])
        return
    if op == 'pwm':
        if hz:
            p.set_analog_period_microseconds(1000000 // hz)
        p.write_analog(v)
    else:
        p.write_digital(v)
    outs.append(n)


def led(v):
    if v is None:
        return 1 if M.display.get_pixel(B.LED[0], B.LED[1]) else 0
    M.display.set_pixel(B.LED[0], B.LED[1], 9 if v else 0)


def button(b):
    return (M.button_a if b == 'a' else M.button_b).is_pressed()


def safe():
    while outs:
        getattr(M, 'pin%d' % outs.pop()).write_digital(0)
    led(0)
