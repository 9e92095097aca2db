# strip N COUNT I RRGGBB..: set LEDs I, I+1.. of a WS2812 (NeoPixel) strip of COUNT on pin N and
# show them; strip N COUNT fill RRGGBB: every LED. Colours are hex, like ff8000 for orange.
import kb_board as B
import kb_sys
from kb_agent import num

S = {}


def dark():
    # registered with the agent: the deadman, reset and Ctrl-C leave every strip dark
    for c, s in S.values():
        for i in range(c):
            s[i] = (0, 0, 0)
        (getattr(s, 'write', None) or s.show)()


def rgb(w):
    try:
        x = int(w, 16)
    except ValueError:
        x = -1
    if len(w) != 6 or x < 0:
        raise ValueError('E_ARG', 'colour %s: give RRGGBB in hex, like ff8000' % w[:8])
    return (x >> 16, x >> 8 & 255, x & 255)


def run(ag, v, a):
    n = num(a, 0, 0, 99, 'pin')
    c = num(a, 1, 1, 512, 'count')
    s = S.get(n)
    if s is None or s[0] != c:
        kb_sys.run(ag, 'pin', [a[0], 'write', '0'])
        import neopixel
        if B.HAL == 'kb_hal_microbit':
            import microbit
            p = getattr(microbit, 'pin%d' % n)
        else:
            import machine
            p = machine.Pin(B.GPIO[n])
        s = S[n] = (c, neopixel.NeoPixel(p, c))
    s = s[1]
    if len(a) == 4 and a[2] == 'fill':
        x = rgb(a[3])
        for i in range(c):
            s[i] = x
    else:
        i = num(a, 2, 0, c - 1, 'index')
        if len(a) < 4 or i + len(a) - 3 > c:
            raise ValueError('E_RANGE', 'give 1..%d colours from LED %d' % (c - i, i))
        for w in a[3:]:
            s[i] = rgb(w)
            i += 1
    (getattr(s, 'write', None) or s.show)()
    if dark not in ag.stops:
        ag.stops.append(dark)
