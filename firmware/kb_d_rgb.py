# rgb I RRGGBB: colour of on-board RGB LED I (0..count-1, or * for all) | rgb I -> RRGGBB
# The strip is the one the HAL lights for the `led` verb (kb_board.LED = ('np', gpio, count, ...)).
import kb_board as B


def run(ag, v, a):
    k = B.LED
    if k[0] != 'np':
        raise ValueError('E_DEVICE', 'no RGB LEDs on this board')
    h = ag.h
    if not h.strip:
        import machine
        import neopixel
        h.strip.append(neopixel.NeoPixel(machine.Pin(k[1], machine.Pin.OUT), k[2]))
    s = h.strip[0]
    w = a[0] if a else ''
    r = range(k[2]) if w == '*' else [int(w)] if w.isdigit() and int(w) < k[2] else None
    if r is None:
        raise ValueError('E_RANGE', 'rgb LED: give 0..%d or *' % (k[2] - 1))
    if len(a) == 1:
        return '%02x%02x%02x' % s[r[0]]
    try:
        c = int(a[1], 16)
        if len(a[1]) != 6:
            raise ValueError
    except (ValueError, IndexError):
        raise ValueError('E_ARG', 'rgb I RRGGBB: colour as 6 hex digits')
    for i in r:
        s[i] = (c >> 16, c >> 8 & 255, c & 255)
    s.write()
