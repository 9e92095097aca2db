# compass [SCL SDA] -> heading 0-359 (degrees clockwise from magnetic north, board lying flat);
# compass cal: the micro:bit's own calibration (tilt the board to fill the screen; the agent
# waits meanwhile). ESP32 boards give the I2C pin labels and carry an MMC5983MA at 0x30,
# read without hard-iron calibration.
import kb_board as B

I = []  # the I2C bus, once set up


def run(ag, v, a):
    if B.HAL == 'kb_hal_microbit':
        import microbit
        c = microbit.compass
        if a and a[0] == 'cal':
            c.calibrate()
            return
        if a:
            raise ValueError('E_ARG', 'compass [cal]')
        if not c.is_calibrated():
            raise ValueError('E_DEVICE', 'compass not calibrated: run compass cal first')
        return str(c.heading())
    if a and a[0] == 'cal':
        return
    import math
    try:
        if not I:
            import machine
            g = ag.h.B.GPIO  # kb_board.GPIO exists on ESP32 boards only, so read it via their HAL
            I.append(machine.I2C(0, scl=machine.Pin(g[int(a[0])]), sda=machine.Pin(g[int(a[1])]), freq=400000))
        i = I[0]
        i.writeto_mem(0x30, 9, b'\x01')
        n = 0
        while not i.readfrom_mem(0x30, 8, 1)[0] & 1:
            n += 1
            if n > 50:
                raise OSError
        d = i.readfrom_mem(0x30, 0, 7)
    except (IndexError, ValueError):
        raise ValueError('E_ARG', 'compass SCL SDA: give the I2C pin labels')
    except OSError:
        if I:
            I.pop()
        raise ValueError('E_DEVICE', 'no MMC5983MA compass answers at I2C 0x30 (pins %s %s)' % (a[0], a[1]))
    x = (d[0] << 10 | d[1] << 2 | d[6] >> 6 & 3) - 131072
    y = (d[2] << 10 | d[3] << 2 | d[6] >> 4 & 3) - 131072
    return str(int(math.degrees(math.atan2(-x, -y)) + 360.5) % 360)
