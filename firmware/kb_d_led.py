# led -> 0/1 | led 0/1: the board's own LED (its first RGB LED, or the centre of the matrix)
from kb_agent import num


def run(ag, v, a):
    if a:
        ag.h.led(num(a, 0, 0, 1, 'led'))
    else:
        return str(ag.h.led(None))
