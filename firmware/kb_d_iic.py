# iic SCL SDA [scan] -> addresses; iic SCL SDA read ADDR REG N -> hex; iic SCL SDA write ADDR REG HEX
# (the verb is "iic": the agent takes verbs of letters only)
# SCL, SDA: pin labels; numbers in decimal, data in hex; REG '-' for none. The oled, lcd and
# husky drivers reach their chips through bus(), wr(), rd(), gone() and txt() here.
import kb_board as B
from kb_agent import num

MB = B.HAL == 'kb_hal_microbit'
BS = {}


def bus(a):
    # words 0, 1 of a: the SCL and SDA pin labels -> the bus on them, made once
    s = num(a, 0, 0, 99, 'SCL pin')
    d = num(a, 1, 0, 99, 'SDA pin')
    k = s * 100 + d
    if k not in BS:
        p = B.PINS.split()
        for n in (s, d):
            if n >= len(p) or 'O' not in p[n]:
                raise ValueError('E_PIN', 'pin %d cannot be an I2C line' % n)
        if MB:
            import microbit
            b = microbit.i2c
            b.init(freq=100000, sda=getattr(microbit, 'pin%d' % d), scl=getattr(microbit, 'pin%d' % s))
            BS.clear()  # one I2C unit: the last pins set win
        else:
            import machine
            g = B.GPIO
            b = getattr(machine, 'SoftI2C', machine.I2C)(scl=machine.Pin(g[s]), sda=machine.Pin(g[d]), freq=100000)
        BS[k] = b
    return BS[k]


def wr(b, ad, d, stop=True):
    if MB:
        b.write(ad, d, not stop)
    else:
        b.writeto(ad, d, stop)


def rd(b, ad, n):
    return b.read(ad, n) if MB else b.readfrom(ad, n)


def gone(a, ad, what='device'):
    return ValueError('E_DEVICE', 'no I2C %s answers at %d (0x%02x) on SCL pin %s, SDA pin %s: check wires and power' % (
        what, ad, ad, a[0], a[1]))


def txt(s):
    # a %XX-escaped word back to its text
    o = bytearray()
    i = 0
    try:
        while i < len(s):
            if s[i] == '%':
                o.append(int(s[i + 1:i + 3], 16))
                i += 3
            else:
                o.append(ord(s[i]))
                i += 1
        return str(bytes(o), 'utf-8')
    except Exception:
        raise ValueError('E_ARG', 'text: bad %XX escape')


def run(ag, v, a):
    b = bus(a)
    op = a[2] if len(a) > 2 else 'scan'
    if op == 'scan':
        return ' '.join([str(x) for x in b.scan()])
    if op not in ('read', 'write') or len(a) < 5:
        raise ValueError('E_ARG', 'iic SCL SDA scan | read ADDR REG N | write ADDR REG HEX')
    ad = num(a, 3, 8, 119, 'address')
    r = b'' if a[4] == '-' else bytes([num(a, 4, 0, 255, 'register')])
    try:
        if op == 'read':
            n = num(a, 5, 1, 32, 'count')
            if r:
                wr(b, ad, r, False)
            return ''.join(['%02x' % x for x in rd(b, ad, n)])
        h = a[5] if len(a) > 5 else ''
        try:
            d = bytes([int(h[i:i + 2], 16) for i in range(0, len(h), 2)])
        except ValueError:
            d = None
        if d is None or len(h) % 2:
            raise ValueError('E_ARG', 'data: give hex bytes like 0aff')
        wr(b, ad, r + d)
    except OSError:
        raise gone(a, ad)
