# lcd SCL SDA ADDR op: an LCD1602 on a PCF8574 I2C backpack (address 39 = 0x27, or 63 = 0x3F).
# op: init | clear | text ROW COL TEXT | backlight 0|1. Port bits: RS, RW, E, backlight, D4..D7.
import kb_d_iic as I
from kb_agent import num

L = {}  # (SCL, SDA, address) -> backlight bit


def run(ag, v, a):
    b = I.bus(a)
    ad = num(a, 2, 8, 119, 'address')
    op = a[3] if len(a) > 3 else ''
    k = (a[0], a[1], ad)
    try:
        if k not in L or op == 'init':
            L[k] = 8
            init(b, ad)
        bl = L[k]
        if op == 'clear':
            send(b, ad, 1, 0, bl)
            sleep(2)
        elif op == 'text':
            if len(a) < 7:
                raise ValueError('E_ARG', 'lcd ... text ROW COL TEXT')
            r = num(a, 4, 0, 1, 'row')
            send(b, ad, 0x80 + 0x40 * r + num(a, 5, 0, 15, 'column'), 0, bl)
            for c in I.txt(a[6]):
                c = ord(c)
                send(b, ad, c if 31 < c < 127 else 63, 1, bl)
        elif op == 'backlight':
            L[k] = bl = 8 * num(a, 4, 0, 1, 'backlight')
            I.wr(b, ad, bytes([bl]))
        elif op != 'init':
            raise ValueError('E_ARG', 'lcd SCL SDA ADDR init|clear|text ROW COL TEXT|backlight 0|1')
    except OSError:
        L.pop(k, None)
        raise I.gone(a, ad, 'LCD')


def sleep(ms):
    t = __import__('utime' if I.MB else 'time')
    t.sleep_ms(ms)


def nib(b, ad, n, rs, bl):
    d = n << 4 | bl | rs
    I.wr(b, ad, bytes([d | 4, d]))


def send(b, ad, x, rs, bl):
    h = (x >> 4) << 4 | bl | rs
    l = (x & 15) << 4 | bl | rs
    I.wr(b, ad, bytes([h | 4, h, l | 4, l]))


def init(b, ad):
    # wake the HD44780 in 8-bit mode, switch it to 4-bit, then: 2 lines, display on, left to right, clear
    sleep(50)
    for n in (3, 3, 3, 2):
        nib(b, ad, n, 0, 8)
        sleep(5)
    for x in (0x28, 0x0c, 0x06, 0x01):
        send(b, ad, x, 0, 8)
    sleep(2)
