# blink N ON OFF [TIMES]: blink digital output N on the board, ON ms lit and OFF ms dark, TIMES
# times (0 or none: until told otherwise); blink N 0 0 stops it dark.
import kb_sys
from kb_agent import num

L = {}
G = [None]


def run(ag, v, a):
    n = num(a, 0, 0, 99, 'pin')
    on = num(a, 1, 0, 60000, 'on ms')
    off = num(a, 2, 0, 60000, 'off ms')
    k = num(a, 3, 0, 30000, 'times') if len(a) > 3 else 0
    kb_sys.run(ag, 'pin', [a[0], 'write', '1' if on else '0'])
    if tick not in ag.polls:
        L.clear()
        ag.polls.append(tick)
    G[0] = ag
    L.pop(n, None)
    if on and off:
        L[n] = [on, off, 2 * k - 1 if k else -1, 1, ag.h.ticks()]


def tick(t):
    ag = G[0]
    if ag.last is None:
        L.clear()  # the deadman has made the outputs safe: keep them so
    for n in list(L):
        e = L[n]
        if ag.h.diff(t, e[4]) >= e[1 - e[3]]:
            e[3] = 1 - e[3]
            e[4] = t
            ag.h.pin(n, 'write', e[3])
            e[2] -= 1
            if not e[2]:
                del L[n]
