# Lesson 08: a sound-level meter, and a lamp you switch with a clap.
# 第8课：声音计，和一个拍手就能开关的灯。
#
# The microphone gives a loudness 0 (silent) .. 1 (very loud). A clap is a short, loud
# sound: when the level jumps above CLAP, we switch the LED; then we wait for quiet,
# so that one clap switches only once.

import time

from kitbridge import Board

CLAP = 0.6  # louder than this is a clap · 比这个响就算拍手
QUIET = 0.3  # quieter than this is quiet again · 比这个小就算安静了

with Board() as board:
    print("Clap to switch the light! Press A to stop. · 拍手开关灯！按A结束。")
    lamp_on = False
    last_bar = None
    stop_at = time.monotonic() + 120  # two minutes at most · 最多两分钟
    while time.monotonic() < stop_at and not board.button_a.is_pressed:
        level = board.sound.level
        bar = "#" * round(level * 20)  # the meter: a bar as long as the sound is loud · 声音越响，条越长
        if bar != last_bar:  # print the meter only when it changes · 只在变化时显示
            print(f"{level:4.2f} |{bar:<20}|")
            last_bar = bar
        if level > CLAP:
            lamp_on = not lamp_on  # flip: on becomes off, off becomes on · 翻转：开变关，关变开
            if lamp_on:
                board.led.on()
                print("Clap! Light on · 拍手！灯亮")
            else:
                board.led.off()
                print("Clap! Light off · 拍手！灯灭")
            quiet_by = time.monotonic() + 5
            while board.sound.level >= QUIET and time.monotonic() < quiet_by:
                time.sleep(0.05)  # wait for the clap to fade · 等拍手声消失
        time.sleep(0.1)
    board.led.off()
    print("Bye! · 再见！")
