# Lesson 03: a night light. When the room gets dark, the LED turns on by itself.
# 第3课：小夜灯。房间变暗时，LED会自己亮起来。
#
# The board reads the light sensor again and again, and decides each time:
# dark -> LED on, bright -> LED off. That decision is an "if".

import time

from kitbridge import Board

DARK = 0.3  # below this light level (0 = dark, 1 = bright) we call it "dark" · 低于这个值就算“暗”

with Board() as board:
    print("Cover the light sensor, or switch off the room light. Press A to stop.")
    print("遮住光线传感器，或者关掉房间的灯。按A结束。")
    lamp_on = False
    stop_at = time.monotonic() + 120  # stop by itself after two minutes · 两分钟后自己结束
    while time.monotonic() < stop_at and not board.button_a.is_pressed:
        level = board.light.level
        if level < DARK and not lamp_on:
            board.led.on()
            lamp_on = True
            print(f"Dark ({level:.2f}): night light on · 天黑了（{level:.2f}）：小夜灯亮")
        elif level >= DARK and lamp_on:
            board.led.off()
            lamp_on = False
            print(f"Bright ({level:.2f}): night light off · 天亮了（{level:.2f}）：小夜灯灭")
        time.sleep(0.2)  # look five times a second · 每秒看五次
    board.led.off()
    print("Good night! · 晚安！")
