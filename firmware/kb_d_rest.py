# rest N 0|1: drive pin N to this level now, and leave it there whenever the outputs are made
# safe (deadman, reset, Ctrl-C) instead of low: a "low level trigger" relay is off when its
# input is high, so low would switch it ON just when everything should stop.
import kb_sys
from kb_agent import num

R = {}  # pin -> HAL, for the pins that rest high


def run(ag, v, a):
    n = num(a, 0, 0, 99, 'pin')
    x = num(a, 1, 0, 1, 'level')
    kb_sys.run(ag, 'pin', [a[0], 'write', a[1]])
    if x:
        R[n] = ag.h
    else:
        R.pop(n, None)
    if stop not in ag.stops:
        ag.stops.append(stop)


def stop():
    # runs before the HAL's safe(), which drives its outputs low: take these pins off its list
    for n in R:
        h = R[n]
        h.pin(n, 'write', 1)
        o = h.outs
        if n in o:
            if isinstance(o, list):
                o.remove(n)
            else:
                o.pop(n)
