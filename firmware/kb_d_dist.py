# dist T E: fire an HC-SR04 (Trig on pin T) and time its echo on pin E. Answers the echo in us
# (58 us a cm), -1 when nothing is in range; E_DEVICE when no echo starts (not wired, no power).
import kb_board as B
import kb_sys
from kb_agent import num


def run(ag, v, a):
    t = num(a, 0, 0, 99, 'trigger pin')
    e = num(a, 1, 0, 99, 'echo pin')
    kb_sys.run(ag, 'pin', [a[1], 'read'])
    import machine
    if B.HAL == 'kb_hal_microbit':
        import microbit
        p = getattr(microbit, 'pin%d' % e)
    else:
        p = machine.Pin(B.GPIO[e], machine.Pin.IN)
    # the pin checks between the two writes keep Trig high well past the 10 us it needs
    kb_sys.run(ag, 'pin', [a[0], 'write', '1'])
    kb_sys.run(ag, 'pin', [a[0], 'write', '0'])
    us = machine.time_pulse_us(p, 1, 30000)
    if us == -2:
        raise ValueError('E_DEVICE', 'no echo on pin %d: wire Echo to pin %d, Trig to pin %d, VCC to 5V' % (e, e, t))
    return str(us)
