# Lesson 09: a mood light. Every colour is a mix of red, green and blue light.
# 第9课：心情灯。每种颜色都是红、绿、蓝三种光混合出来的。
#
# A colour is three numbers (red, green, blue), each 0..255: (255, 0, 0) is red,
# (255, 255, 0) is red + green = yellow. Press A for the next mood.

import time

from kitbridge import Board, NeoPixel

MOODS = [
    ("calm", "平静", (0, 60, 255)),  # blue · 蓝
    ("happy", "开心", (255, 180, 0)),  # yellow: red + green · 黄：红+绿
    ("fresh", "清新", (0, 255, 80)),  # green · 绿
    ("excited", "兴奋", (255, 0, 120)),  # pink: red + some blue · 粉：红+一点蓝
]
NEOPIXEL_PIN = {"microbit-v2": 1, "esp32-devkitc": 13}  # boards without RGB LEDs of their own

with Board() as board:
    if board.kind == "mpython":
        lights = board.rgb  # the three RGB LEDs on the board · 板子上的三颗RGB灯
    else:
        lights = NeoPixel(board, NEOPIXEL_PIN[board.kind], count=8)  # a ring of 8 · 8颗灯的灯环

    for english, chinese, (r, g, b) in MOODS:
        # Fade in: the same colour, brighter step by step · 渐亮：同一种颜色，一步步变亮
        for step in range(1, 6):
            lights.fill((r * step // 5, g * step // 5, b * step // 5))
            time.sleep(0.1)
        print(f"Mood: {english} {(r, g, b)} · 心情：{chinese}")
        print("Press A for the next mood · 按A换下一种心情")
        board.button_a.wait_for_press(timeout=60)
        board.button_a.wait_for_release(timeout=60)

    lights.off()
    print("Lights off. Good night! · 关灯，晚安！")
