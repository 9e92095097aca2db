# dht N [11|22]: temperature (C) and humidity (%) of a DHT11 or DHT22 on pin N, as "T H".
# A DHT11 answers at most once a second (a DHT22 every 2 s): asking sooner gets the last reading.
import kb_board as B
import kb_sys
from kb_agent import num

R = {}


def run(ag, v, a):
    n = num(a, 0, 0, 99, 'pin')
    m = num(a, 1, 11, 22, 'model') if len(a) > 1 else 11
    if m != 11 and m != 22:
        raise ValueError('E_ARG', 'model 11 or 22')
    if B.HAL == 'kb_hal_microbit':
        raise ValueError('E_DEVICE', 'no DHT on a micro:bit: its MicroPython has no dht module')
    kb_sys.run(ag, 'pin', [a[0], 'write', '1'])
    t = ag.h.ticks()
    r = R.get(n)
    # <=: ticks are whole ms, so 1000 ticks apart may be 999.x ms; the sensor wants a full second
    if r and r[2] == m and ag.h.diff(t, r[0]) <= (1000 if m == 11 else 2000):
        return r[1]
    import dht
    import machine
    d = (dht.DHT11 if m == 11 else dht.DHT22)(machine.Pin(B.GPIO[n]))
    try:
        d.measure()
    except OSError:
        raise ValueError('E_DEVICE', 'no DHT%d answers on pin %d: wire DATA to pin %d, + to 3V3, - to GND' % (m, n, n))
    s = '%s %s' % (d.temperature(), d.humidity())
    R[n] = (ag.h.ticks(), s, m)  # when the sensor was read, not when asked
    return s
