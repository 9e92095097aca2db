# Lesson 01: blink the LED, then wait for button A.
# 第1课：让LED闪烁，然后等待按钮A。
#
# Output is what a device puts out to the world: here, light.
# Input is what the world tells the device: here, a finger on a button.

import time

from kitbridge import Board

with Board() as board:  # finds your board (kitbridge run 01 --port sim uses the simulated one)
    # Blink three times: on for half a second, off for half a second.
    for blink in range(3):
        board.led.on()
        print("LED on  · LED 亮")
        time.sleep(0.5)
        board.led.off()
        print("LED off · LED 灭")
        time.sleep(0.5)

    # Now the board waits for you.
    print("Press button A! · 请按按钮A！")
    board.button_a.wait_for_press(timeout=60)
    board.led.on()
    print("Button A pressed: LED on · 按下了按钮A：LED 亮")
    time.sleep(1)
