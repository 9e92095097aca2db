# oled SCL SDA ADDR op: the 128x64 SSD1106 OLED (the mPython board's, at 60 = 0x3C). op:
# clear | fill C | text X Y TEXT [C] | pixel X Y [C] | line X1 Y1 X2 Y2 [C] | rect X Y W H [C] [F]
# | show | auto 0|1. Draws into a frame buffer here, then sends it (unless auto 0: then on show).
import kb_d_iic as I
from kb_agent import num

S = {}  # (bus, address) -> [frame buffer, its bytes, auto show]
INIT = b'\x00\xae\xd5\x80\xa8\x3f\xd3\x00\x40\xad\x8b\xa1\xc8\xda\x12\x81\xcf\xd9\x22\xdb\x40\xa4\xa6\xaf'
W = 128
H = 64


def run(ag, v, a):
    b = I.bus(a)
    ad = num(a, 2, 8, 119, 'address')
    op = a[3] if len(a) > 3 else ''
    k = (a[0], a[1], ad)
    try:
        if k not in S:
            import framebuf
            buf = bytearray(W * H // 8)
            I.wr(b, ad, INIT)
            S[k] = [framebuf.FrameBuffer(buf, W, H, framebuf.MONO_VLSB), buf, 1]
        s = S[k]
        f = s[0]
        c = 1
        if op == 'clear':
            f.fill(0)
        elif op == 'fill':
            f.fill(num(a, 4, 0, 1, 'colour'))
        elif op == 'text':
            if len(a) < 7:
                raise ValueError('E_ARG', 'oled ... text X Y TEXT [C]')
            c = num(a, 7, 0, 1, 'colour') if len(a) > 7 else 1
            f.text(I.txt(a[6]), num(a, 4, 0, W - 1, 'x'), num(a, 5, 0, H - 1, 'y'), c)
        elif op == 'pixel':
            f.pixel(num(a, 4, 0, W - 1, 'x'), num(a, 5, 0, H - 1, 'y'), num(a, 6, 0, 1, 'colour') if len(a) > 6 else 1)
        elif op == 'line':
            p = [num(a, 4 + i, 0, (W, H)[i % 2] - 1, 'xyxy'[i]) for i in range(4)]
            f.line(p[0], p[1], p[2], p[3], num(a, 8, 0, 1, 'colour') if len(a) > 8 else 1)
        elif op == 'rect':
            p = [num(a, 4 + i, i // 2, (W, H)[i % 2] - (1 - i // 2), 'xywh'[i]) for i in range(4)]
            c = num(a, 8, 0, 1, 'colour') if len(a) > 8 else 1
            (f.fill_rect if a[9:10] == ['1'] else f.rect)(p[0], p[1], p[2], p[3], c)
        elif op == 'auto':
            s[2] = num(a, 4, 0, 1, 'auto')
            return
        elif op != 'show':
            raise ValueError('E_ARG', 'oled SCL SDA ADDR clear|fill|text|pixel|line|rect|show|auto')
        if s[2] or op == 'show':
            show(b, ad, s[1])
    except OSError:
        S.pop(k, None)
        raise I.gone(a, ad, 'OLED')


def show(b, ad, buf):
    for p in range(8):
        I.wr(b, ad, bytes([0, 0xb0 + p, 2, 0x10]))
        I.wr(b, ad, b'\x40' + bytes(buf[p * W:p * W + W]))
