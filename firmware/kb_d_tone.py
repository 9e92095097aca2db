# tone PIN HZ [MS]: a square wave on a buzzer's pin (HZ 0 stops it; MS 0 or none: until stopped).
# micro:bit: music.pitch on pin0 (and the v2 speaker); elsewhere PWM, which the deadman stops.
import kb_board as B
from kb_agent import num

T = [None, 0, 0]  # agent, pin, stop time (ms) of a timed tone


def run(ag, v, a):
    n = num(a, 0, 0, 99, 'pin')
    hz = num(a, 1, 0, 20000, 'Hz')
    ms = num(a, 2, 0, 60000, 'ms') if len(a) > 2 else 0
    h = ag.h
    p = B.PINS.split()
    if n >= len(p) or 'P' not in p[n]:
        raise ValueError('E_PIN', 'pin %d cannot play tones' % n)
    ag.polls = [f for f in ag.polls if f != poll]
    T[0], T[1], T[2] = ag, n, h.ticks() + ms
    if B.HAL == 'kb_hal_microbit':
        import music
        if n:
            raise ValueError('E_PIN', 'tones play on pin 0 (and the v2 speaker)')
        if hz:
            music.pitch(hz, ms or -1, wait=False)
            if music.stop not in ag.stops:
                ag.stops.append(music.stop)  # the deadman, reset and Ctrl-C silence it
        else:
            music.stop()
        return
    if hz:
        h.pin(n, 'pwm', 512, min(hz, B.PWM_HZ))
    else:
        h.pin(n, 'write', 0)
    if hz and ms:
        ag.polls.append(poll)


def poll(t):
    ag = T[0]
    if ag.h.diff(t, T[2]) >= 0:
        ag.h.pin(T[1], 'write', 0)
        ag.polls = [f for f in ag.polls if f != poll]
