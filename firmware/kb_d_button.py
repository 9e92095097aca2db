# button a|b -> 1 while pressed, else 0
import kb_board as B
from kb_agent import Err


def run(ag, v, a):
    if len(a) != 1 or a[0] not in B.BTN:
        raise Err('E_ARG', 'button must be one of: ' + ' '.join(B.BTN))
    return '1' if ag.h.button(a[0]) else '0'
