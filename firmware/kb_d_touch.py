# touch N -> 1 when a finger is on touch pin N (N = pin label, or logo on the micro:bit v2),
# then the raw reading on an ESP32 (lower = more touch); touch watch N.. | touch watch: events
# 'touch N down' / 'touch N up' for those pads (none: stop)
import kb_board as B

W = [None, 0, {}]  # agent, last scan ms, pad -> last state


def read(ag, n):
    if n == 'logo':
        import microbit
        if not hasattr(microbit, 'pin_logo'):
            raise ValueError('E_PIN', 'no touch logo on this board')
        return (microbit.pin_logo.is_touched(), 0)
    p = B.PINS.split()
    if not n.isdigit() or int(n) >= len(p) or 'T' not in p[int(n)]:
        raise ValueError('E_PIN', 'pin %s cannot sense touch' % n)
    if B.HAL == 'kb_hal_microbit':
        import microbit
        return (getattr(microbit, 'pin' + n).is_touched(), 0)
    import machine
    # kb_board.GPIO exists on ESP32 boards only, so read it via their HAL
    r = machine.TouchPad(machine.Pin(ag.h.B.GPIO[int(n)])).read()
    return (r < 300, r)


def run(ag, v, a):
    if a and a[0] == 'watch':
        ag.polls = [f for f in ag.polls if f != poll]
        W[0], W[2] = ag, {}
        for n in a[1:]:
            W[2][n] = read(ag, n)[0]
        if a[1:]:
            ag.polls.append(poll)
        return
    if len(a) != 1:
        raise ValueError('E_ARG', 'touch N | touch watch N..')
    t, r = read(ag, a[0])
    return '%d %d' % (t, r)


def poll(t):
    ag = W[0]
    if ag.h.diff(t, W[1]) < 50:
        return
    W[1] = t
    for n in W[2]:
        s = read(ag, n)[0]
        if s != W[2][n]:
            W[2][n] = s
            ag.event('touch %s %s' % (n, 'down' if s else 'up'))
