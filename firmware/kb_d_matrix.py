# matrix img DDDDD... (25 levels 0-9, row by row) | text %XX-text (scrolls) | px X Y L | clear
import kb_board as B
from kb_agent import num


def run(ag, v, a):
    if B.HAL != 'kb_hal_microbit':
        raise ValueError('E_DEVICE', 'no 5x5 matrix on this board')
    import microbit as M
    d = M.display
    w = a[0] if a else ''
    if w == 'img' and len(a) == 2 and len(a[1]) == 25 and a[1].isdigit():
        s = a[1]
        d.show(M.Image(':'.join([s[i:i + 5] for i in range(0, 25, 5)])))
    elif w == 'text' and len(a) == 2:
        d.scroll(unq(a[1]), wait=False)
    elif w == 'px':
        d.set_pixel(num(a, 1, 0, 4, 'x'), num(a, 2, 0, 4, 'y'), num(a, 3, 0, 9, 'level'))
    elif w == 'clear':
        d.clear()
    else:
        raise ValueError('E_ARG', 'matrix img 25DIGITS, text T, px X Y L, clear')


def unq(s):
    # %XX escapes back to characters (kitbridge.wire.quote)
    p = s.split('%')
    r = p[0]
    for x in p[1:]:
        r += chr(int(x[:2], 16)) + x[2:]
    return r
