# motor A B SPEED: a DC motor behind a two-input driver (L9110S, DRV8833) on pins A and B.
# SPEED -1023..1023: 1 kHz PWM on A (forward) or B (backward), the other pin low; 0 coasts.
import kb_sys
from kb_agent import num


def run(ag, v, a):
    s = num(a, 2, -1023, 1023, 'speed')
    if a[0] == a[1]:
        raise ValueError('E_ARG', 'motor needs two different pins')
    p = a[:2] if s >= 0 else [a[1], a[0]]
    kb_sys.run(ag, 'pin', [p[1], 'write', '0'])
    kb_sys.run(ag, 'pin', [p[0], 'pwm', str(abs(s)), '1000'])
