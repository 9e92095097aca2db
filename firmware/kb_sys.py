# The core verbs, in one module because each module and function costs RAM on a micro:bit v1:
# hello, ping, deadman MS, reset, reboot, led [0|1], button a|b,
# pin N read | write 0/1 | analog | pwm DUTY [HZ] | pull up/down/none
import kb_board as B
from kb_agent import FW, num

OPS = ('read', 'write', 'analog', 'pwm', 'pull')


def run(ag, v, a):
    h = ag.h
    if v == 'pin':
        n = num(a, 0, 0, 99, 'pin')
        op = a[1] if len(a) > 1 else 'read'
        p = B.PINS[n * 6:n * 6 + 5]
        if not p or p[0] == '-':
            raise ValueError('E_PIN', 'no pin %d' % n)
        if op not in OPS:
            raise ValueError('E_ARG', 'pin can: ' + ' '.join(OPS))
        if 'IOAPI'[OPS.index(op)] not in p:
            raise ValueError('E_PIN', 'pin %d cannot %s' % (n, op))
        if op == 'write':
            h.pin(n, op, num(a, 2, 0, 1, 'value'))
        elif op == 'pwm':
            h.pin(n, op, num(a, 2, 0, 1023, 'duty'), num(a, 3, 1, B.PWM_HZ, 'Hz') if len(a) > 3 else 0)
        elif op == 'pull':
            q = ('none', 'up', 'down')
            if len(a) < 3 or a[2] not in q:
                raise ValueError('E_ARG', 'pull up, down or none')
            h.pin(n, op, q.index(a[2]))
        else:
            return str(h.pin(n, op))
    elif v == 'led':
        if not a:
            return str(h.led(None))
        h.led(num(a, 0, 0, 1, 'led'))
    elif v == 'button':
        if len(a) != 1 or a[0] not in B.BTN:
            raise ValueError('E_ARG', 'button ' + ' or '.join(B.BTN))
        return '1' if h.button(a[0]) else '0'
    elif v == 'hello':
        return 'proto=1 fw=%s board=%s uid=%s rx=%d line=%d heap=%d dev=%s' % (
            FW, B.KIND, h.uid, B.RX, B.LINE, h.heap(), B.DEV)
    elif v == 'ping':
        return str(h.ticks() & 0xffffff)
    elif v == 'deadman':
        ag.dm = num(a, 0, 0, 60000, 'ms')
    elif v == 'reset':
        ag.safe()
    else:
        ag.boot = 1
