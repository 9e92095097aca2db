# HAL for ESP32 boards (DevKitC, mPython board): the serial line is the REPL's stdin/stdout.
import sys
import select
import time
import gc
import machine
import kb_board as B

P = machine.Pin
inp = sys.stdin.buffer
write = sys.stdout.buffer.write
poller = select.poll()
poller.register(sys.stdin, select.POLLIN)
idle = poller.poll
ticks = time.ticks_ms
diff = time.ticks_diff
uid = ''.join(['%02x' % x for x in machine.unique_id()])
outs = {}
pwms = {}
btns = {}
strip = []


def read():
    b = b''
    while len(b) < 64 and poller.poll(0):
        b += inp.read(1)
    return b or None


def heap():
    gc.collect()
    return gc.mem_free()


def release(n):
    outs.pop(n, None)
    p = pwms.pop(n, None)
    if p:
        p.deinit()


def pin(n, op, v=0, hz=0):
    g = B.GPIO[n]
    if op == 'pwm':
        outs.pop(n, None)
        p = pwms.get(n)
        if p is None:
            p = pwms[n] = machine.PWM(P(g), freq=hz or 1000)
        elif hz:
            p.freq(hz)
        if hasattr(p, 'duty_u16'):
            p.duty_u16(v * 64 + v // 16)
        else:
            p.duty(v)
        return
    release(n)
    if op == 'write':
        P(g, P.OUT).value(v)
        outs[n] = 1
    elif op == 'pull':
        P(g, P.IN, (None, P.PULL_UP, P.PULL_DOWN)[v])
    elif op == 'read':
        return P(g, P.IN).value()
    else:
        a = machine.ADC(P(g))
        a.atten(machine.ADC.ATTN_11DB)
        return a.read_u16() >> 6 if hasattr(a, 'read_u16') else a.read() >> 2


def led(v):
    k = B.LED
    if k[0] == 'pin':
        q = P(k[1], P.OUT)
        if v is None:
            return q.value()
        q.value(v)
        return
    if not strip:
        import neopixel
        strip.append(neopixel.NeoPixel(P(k[1], P.OUT), k[2]))
    s = strip[0]
    if v is None:
        return 0 if s[k[3]] == (0, 0, 0) else 1
    s[k[3]] = (k[4], k[4], k[4]) if v else (0, 0, 0)
    s.write()


def button(b):
    p = btns.get(b)
    if p is None:
        p = btns[b] = P(B.BTNPIN[B.BTN.index(b)][0], P.IN, P.PULL_UP)
    return p.value() == B.BTNPIN[B.BTN.index(b)][1]


def safe():
    for n in list(pwms) + list(outs):
        release(n)
        P(B.GPIO[n], P.OUT).value(0)
    if strip:
        for i in range(B.LED[2]):
            strip[0][i] = (0, 0, 0)
        strip[0].write()
    else:
        led(0)


def reboot():
    time.sleep_ms(50)
    machine.reset()
