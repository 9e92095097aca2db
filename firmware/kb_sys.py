# The agent's own verbs: hello, ping, deadman MS, reset, reboot
import kb_board as B
from kb_agent import FW, num


def run(ag, v, a):
    h = ag.h
    if v == 'hello':
        return 'proto=1 fw=%s board=%s uid=%s rx=%d line=%d heap=%d dev=%s' % (
            FW, B.KIND, h.uid, B.RX, B.LINE, h.heap(), B.DEV)
    if v == 'ping':
        return str(h.ticks() & 0xffffff)
    if v == 'deadman':
        ag.dm = num(a, 0, 0, 60000, 'ms')
    elif v == 'reset':
        ag.polls = []
        h.safe()
    else:
        ag.boot = 1
