# watch N [1|0]: report each change of digital input N as the event "pin N 0|1" (PIR motion
# sensors, switches); answers the level now. watch N 0 stops.
import kb_sys
from kb_agent import num

W = {}
G = [None, 0]


def run(ag, v, a):
    n = num(a, 0, 0, 99, 'pin')
    r = kb_sys.run(ag, 'pin', [a[0], 'read'])
    if scan not in ag.polls:
        W.clear()
        ag.polls.append(scan)
    G[0] = ag
    if len(a) > 1 and not num(a, 1, 0, 1, 'on'):
        W.pop(n, None)
    else:
        W[n] = int(r)
    return r


def scan(t):
    ag = G[0]
    # every 20 ms, as the buttons: fast enough for a hand, light on the loop
    if ag.h.diff(t, G[1]) < 20:
        return
    G[1] = t
    for n in W:
        x = ag.h.pin(n, 'read')
        if x != W[n]:
            W[n] = x
            ag.event('pin %d %d' % (n, x))
