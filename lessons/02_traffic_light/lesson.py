# Lesson 02: a traffic light that lets people cross when they press button A.
# 第2课：红绿灯，按下按钮A后让行人过马路。
#
# Three LEDs wired to three pins. A program is a list of steps in order:
# here, the order of the lights is what keeps cars and people safe.

import time

from kitbridge import LED, Board

# Which pins the red, yellow and green LEDs are wired to, on each kind of board.
# 红、黄、绿三个LED分别接在哪个引脚上（每种板子不一样）。
PINS = {
    "mpython": (0, 1, 8),
    "microbit-v1": (0, 1, 8),
    "microbit-v2": (0, 1, 8),
    "esp32-devkitc": (25, 26, 27),
}

with Board() as board:
    red_pin, yellow_pin, green_pin = PINS[board.kind]
    red = LED(board, red_pin)
    yellow = LED(board, yellow_pin)
    green = LED(board, green_pin)

    # Cars go: green on, the others off.
    red.off()
    yellow.off()
    green.on()
    print("Green: cars go · 绿灯：车辆通行")

    print("Press button A to cross · 按按钮A过马路")
    board.button_a.wait_for_press(timeout=60)
    print("Someone wants to cross! · 有人要过马路！")

    # Green -> yellow: cars get ready to stop.
    green.off()
    yellow.on()
    print("Yellow: cars slow down · 黄灯：车辆减速")
    time.sleep(1)

    # Yellow -> red: cars stop, people walk.
    yellow.off()
    red.on()
    print("Red: cars stop, people walk · 红灯：车辆停，行人走")
    time.sleep(3)

    # Red and yellow together: get ready to go (as in many countries).
    yellow.on()
    print("Red + yellow: get ready · 红灯+黄灯：准备")
    time.sleep(1)

    # Back to green.
    red.off()
    yellow.off()
    green.on()
    print("Green again: cars go · 又是绿灯：车辆通行")
    time.sleep(1)
