# Lesson 05: turn the knob, and the servo's arm follows.
# 第5课：转动电位器旋钮，舵机的摆臂跟着转。
#
# The knob (a potentiometer) gives a number 0..1. The servo wants an angle 0..180 degrees.
# Turning one number into another with a rule is called "mapping".

import time

from kitbridge import AnalogSensor, Board, Servo

# (knob pin, servo pin) on each kind of board · 每种板子上旋钮和舵机接的引脚
PINS = {
    "mpython": (2, 8),
    "microbit-v1": (1, 0),
    "microbit-v2": (1, 0),
    "esp32-devkitc": (34, 13),
}

with Board() as board:
    knob_pin, servo_pin = PINS[board.kind]
    knob = AnalogSensor(board, knob_pin)
    servo = Servo(board, servo_pin)

    print("Turn the knob! Press A to stop. · 转动旋钮！按A结束。")
    last_angle = None
    stop_at = time.monotonic() + 120  # two minutes at most · 最多两分钟
    while time.monotonic() < stop_at and not board.button_a.is_pressed:
        angle = round(knob.value * 180)  # 0..1 -> 0..180 degrees · 0..1 变成 0..180度
        if last_angle is None or abs(angle - last_angle) >= 2:  # ignore tiny wobbles · 忽略小抖动
            servo.angle = angle
            last_angle = angle
            print(f"knob {knob.value:.2f} -> servo {angle}° · 旋钮 {knob.value:.2f} -> 舵机 {angle}°")
        time.sleep(0.05)
    servo.detach()  # let the servo rest · 让舵机休息
    print("Done · 完成")
