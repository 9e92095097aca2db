# husky i2c SCL SDA op | husky uart TX RX op: the HuskyLens AI camera, on I2C (address 0x32) or on
# UART (9600 baud; ESP32 boards). op: knock | algo N (0 face .. 6 classification) | learn ID |
# forget | read [all|blocks|arrows|learned|id N] -> 'LEARNED FRAME b,x,y,w,h,id a,x,y,x2,y2,id ..'
import kb_board as B
import kb_d_iic as I
from kb_agent import num

U = {}
T = [0, None, 0]  # request ticks, agent, 1 on UART
RQ = ('all', 'blocks', 'arrows', 'learned')
MAXN = 16  # things in one answer: the line stays under the host's 512


def run(ag, v, a):
    if len(a) < 3 or a[0] not in ('i2c', 'uart'):
        raise ValueError('E_ARG', 'husky i2c SCL SDA op | husky uart TX RX op')
    T[1] = ag
    T[2] = a[0] == 'uart'
    l = uart(a) if T[2] else I.bus(a[1:])
    op = a[3] if len(a) > 3 else 'knock'

    try:
        if op == 'read':
            w = a[4] if len(a) > 4 else 'all'
            if w == 'id':
                send(l, 0x26, num(a, 5, 1, 255, 'id'))
            elif w in RQ:
                send(l, 0x20 + RQ.index(w))
            else:
                raise ValueError('E_ARG', 'husky ... read all|blocks|arrows|learned|id N')
            c, d = get(l, a)
            n = w16(d, 0)
            o = ['%d %d' % (w16(d, 2), w16(d, 4))]
            for i in range(n):
                c, d = get(l, a)
                if i < MAXN:
                    o.append('ba'[c - 0x2a] + ',' + ','.join([str(w16(d, j)) for j in range(0, 10, 2)]))
            return ' '.join(o)
        if op == 'knock':
            send(l, 0x2c)
        elif op == 'algo':
            send(l, 0x2d, num(a, 4, 0, 6, 'algorithm'))
        elif op == 'learn':
            send(l, 0x36, num(a, 4, 1, 255, 'id'))
        elif op == 'forget':
            send(l, 0x37)
        else:
            raise ValueError('E_ARG', 'husky ... knock|algo N|learn ID|forget|read')
        if get(l, a)[0] != 0x2e:
            raise ValueError('E_DEVICE', 'the HuskyLens did not say ok to ' + op)
    except OSError:
        raise I.gone(a[1:], 0x32, 'HuskyLens')


def uart(a):
    if I.MB:
        raise ValueError('E_ARG', "husky uart needs an ESP32 board (a micro:bit's UART is its USB line): use i2c")
    t = num(a, 1, 0, 99, 'TX pin')
    r = num(a, 2, 0, 99, 'RX pin')
    p = B.PINS.split()
    if t >= len(p) or 'O' not in p[t] or r >= len(p) or 'I' not in p[r]:
        raise ValueError('E_PIN', 'UART needs an output pin for TX and an input pin for RX')
    k = t * 100 + r
    if k not in U:
        import machine
        U.clear()
        U[k] = machine.UART(2, baudrate=9600, tx=B.GPIO[t], rx=B.GPIO[r], timeout=0)
    return U[k]


def w16(d, i):
    v = d[i] | d[i + 1] << 8
    return v - 65536 if v > 32767 else v


def send(l, c, x=None):
    d = b'' if x is None else bytes([x & 255, x >> 8])
    f = bytes([0x55, 0xaa, 0x11, len(d), c]) + d
    f += bytes([sum(f) & 255])
    T[0] = T[1].h.ticks()
    if T[2]:
        while l.any():
            l.read()
        l.write(f)
    else:
        I.wr(l, 0x32, f)


def wait(a):
    # the camera has had 250 ms since the request: give up naming the wires, else wait a little
    h = T[1].h
    if h.diff(h.ticks(), T[0]) <= 250:
        h.idle(1)
    elif T[2]:
        raise ValueError('E_DEVICE', 'no HuskyLens answer on UART (board TX pin %s, RX pin %s): wire camera '
                         'T to RX, R to TX; set its protocol to UART 9600' % (a[1], a[2]))
    else:
        raise ValueError('E_DEVICE', 'the HuskyLens on I2C (SCL pin %s, SDA pin %s) did not answer: set its '
                         'protocol to I2C' % (a[1], a[2]))


def take(l, n, a):
    o = b''
    while len(o) < n:
        x = l.read(n - len(o)) if T[2] else I.rd(l, 0x32, n - len(o))
        if x:
            o += x
        else:
            wait(a)
    return o


def get(l, a):
    # one frame: 55 AA 11 LEN CMD DATA SUM -> (CMD, DATA)
    while take(l, 1, a)[0] != 0x55 or take(l, 1, a)[0] != 0xaa:
        wait(a)
    f = take(l, 3, a)
    d = take(l, f[1], a) if f[1] else b''
    if (0x55 + 0xaa + sum(f) + sum(d)) & 255 != take(l, 1, a)[0]:
        raise ValueError('E_DEVICE', 'the HuskyLens sent a garbled frame')
    return f[2], d
