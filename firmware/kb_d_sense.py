# sense light | sound | temp: the micro:bit's own sensors (an ESP32 board reads them as analog pins)
import kb_board as B


def run(ag, v, a):
    if B.HAL != 'kb_hal_microbit':
        raise ValueError('E_DEVICE', 'no such sensor here: read its pin with pin N analog')
    import microbit as M
    w = a[0] if a else ''
    if w == 'light':
        return str(M.display.read_light_level())
    if w == 'temp':
        return str(M.temperature())
    if w == 'sound' and hasattr(M, 'microphone'):
        return str(M.microphone.sound_level())
    raise ValueError('E_ARG', 'sense light, temp' + (', sound' if hasattr(M, 'microphone') else ''))
