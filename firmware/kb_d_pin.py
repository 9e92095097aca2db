# pin N read | write 0/1 | analog | pwm DUTY [HZ] | pull up/down/none
import kb_board as B
from kb_agent import Err, num

OPS = ('read', 'write', 'analog', 'pwm', 'pull')


def having(c):
    p = B.PINS.split()
    return ' '.join([str(i) for i in range(len(p)) if c in p[i] and p[i] != '-'])


def run(ag, v, a):
    n = num(a, 0, 0, 99, 'pin')
    op = a[1] if len(a) > 1 else 'read'
    p = B.PINS.split()
    if n >= len(p) or p[n] == '-':
        raise Err('E_PIN', 'no pin %d; pins: %s' % (n, having('')))
    if op not in OPS:
        raise Err('E_ARG', 'pin can: ' + ' '.join(OPS))
    c = 'IOAPI'[OPS.index(op)]
    if c not in p[n]:
        raise Err('E_PIN', 'pin %d cannot %s; pins that can: %s' % (n, op, having(c)))
    h = ag.h
    if op == 'write':
        h.pin(n, op, num(a, 2, 0, 1, 'value'))
    elif op == 'pwm':
        h.pin(n, op, num(a, 2, 0, 1023, 'duty'), num(a, 3, 1, B.PWM_HZ, 'Hz') if len(a) > 3 else 0)
    elif op == 'pull':
        q = ('none', 'up', 'down')
        if len(a) < 3 or a[2] not in q:
            raise Err('E_ARG', 'pull must be up, down or none')
        h.pin(n, op, q.index(a[2]))
    else:
        return str(h.pin(n, op))
