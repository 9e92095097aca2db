# Lesson 06: a parking sensor, like the one in a car: the closer the wall, the faster it beeps.
# 第6课：倒车雷达，和汽车上的一样：离墙越近，嘀嘀声越快。
#
# The HC-SR04 sends out a click of sound too high for us to hear, and times its echo.
# Sound travels about 343 metres a second, so the time tells the distance.

import time

from kitbridge import Board, DistanceSensor

# (Trig pin, Echo pin) on each kind of board · 每种板子上 Trig 和 Echo 接的引脚
PINS = {"mpython": (13, 14), "microbit-v2": (13, 14), "esp32-devkitc": (5, 18)}
FAR = 60  # cm: farther than this, stay quiet · 超过60厘米就不响
STOP = 10  # cm: closer than this, STOP! · 小于10厘米：停！

with Board() as board:
    trigger, echo = PINS[board.kind]
    sensor = DistanceSensor(board, trigger=trigger, echo=echo)
    beeper_name = {"mpython": "buzzer", "microbit-v2": "speaker"}.get(board.kind)
    beeper = getattr(board, beeper_name) if beeper_name else None  # the DevKitC only blinks

    print("Move your hand (or a book) towards the sensor. · 把手（或书）慢慢靠近传感器。")
    stop_at = time.monotonic() + 120  # two minutes at most · 最多两分钟
    while time.monotonic() < stop_at and not board.button_a.is_pressed:
        cm = sensor.distance
        if cm >= FAR:
            time.sleep(0.2)  # nothing near: just look again soon · 附近没东西：过一会儿再看
            continue
        if cm < STOP:
            print(f"{cm:.0f} cm: STOP! · {cm:.0f}厘米：停！")
            board.led.on()
            if beeper:
                beeper.play(1000, duration=1)
            time.sleep(1)
            break
        # One beep, then a pause as long as the distance: 40 cm -> 0.4 s, 20 cm -> 0.2 s.
        # 嘀一声，然后停一下，停多久由距离决定：40厘米停0.4秒，20厘米停0.2秒。
        print(f"{cm:.0f} cm · {cm:.0f}厘米")
        board.led.on()
        if beeper:
            beeper.beep(duration=0.05, frequency=1000)
        time.sleep(0.05)
        board.led.off()
        time.sleep(cm / 100)
    board.led.off()
