# accel [SCL SDA] -> 'x y z' in mg; accel gesture; accel watch 1|0 (gesture events).
# ESP32 boards give the I2C pin labels (the host reads them from the board definition) and
# carry an MSA300 at 0x26: 14-bit samples, +-4 g range, 2048 per g.
import kb_board as B

I = []  # the I2C bus, once set up
W = [None, '', 0, []]  # while watching: agent, last gesture, last check ms, I2C pin labels


def run(ag, v, a):
    w = a[0] if a and a[0].isalpha() else 'xyz'
    if w == 'watch':
        ag.polls = [f for f in ag.polls if f != poll]
        if a[1:2] == ['1']:
            # the resting gesture now is no event: only changes from it are
            W[0], W[1], W[2], W[3] = ag, gesture(ag, a[2:]), 0, a[2:]
            ag.polls.append(poll)
        return
    if w not in ('xyz', 'gesture'):
        raise ValueError('E_ARG', 'accel [xyz|gesture|watch 1|0]')
    if w == 'gesture':
        return gesture(ag, a[1:]).replace(' ', '_') or '-'
    return '%d %d %d' % xyz(ag, a[1:] if a and a[0].isalpha() else a)


def xyz(ag, a):
    if B.HAL == 'kb_hal_microbit':
        import microbit
        return microbit.accelerometer.get_values()
    try:
        if not I:
            import machine
            g = ag.h.B.GPIO  # kb_board.GPIO exists on ESP32 boards only, so read it via their HAL
            I.append(machine.I2C(0, scl=machine.Pin(g[int(a[0])]), sda=machine.Pin(g[int(a[1])]), freq=400000))
            I[0].writeto_mem(0x26, 0x0f, b'\x01')
            I[0].writeto_mem(0x26, 0x11, b'\x00')
        d = I[0].readfrom_mem(0x26, 2, 6)
    except (IndexError, ValueError):
        raise ValueError('E_ARG', 'accel xyz SCL SDA: give the I2C pin labels')
    except OSError:
        if I:
            I.pop()
        raise ValueError('E_DEVICE', 'no MSA300 accelerometer answers at I2C 0x26 (pins %s %s)' % (a[0], a[1]))
    r = []
    for i in (0, 2, 4):
        n = d[i] | d[i + 1] << 8
        r.append((((n - 65536 if n > 32767 else n) >> 2) * 1000 + 1024) // 2048)
    return tuple(r)


def gesture(ag, a):
    if B.HAL == 'kb_hal_microbit':
        import microbit
        return microbit.accelerometer.current_gesture()
    x, y, z = xyz(ag, a)
    m = x * x + y * y + z * z
    if m < 90000:
        return 'freefall'
    if m > 4000000:
        return 'shake'
    if z < -800:
        return 'face up'
    if z > 800:
        return 'face down'
    if abs(x) > abs(y) and abs(x) > 500:
        return 'right' if x > 0 else 'left'
    if abs(y) > 500:
        return 'down' if y > 0 else 'up'
    return ''


def poll(t):
    ag = W[0]
    if ag.h.diff(t, W[2]) < 50:
        return
    W[2] = t
    try:
        g = gesture(ag, W[3])
    except ValueError:
        g = ''
    if g != W[1]:
        W[1] = g
        if g:
            ag.event('gesture ' + g.replace(' ', '_'))
