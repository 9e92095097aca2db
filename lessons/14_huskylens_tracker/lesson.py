# Lesson 14: the HuskyLens learns your face, and a servo turns the camera to follow you.
# 第14课：HuskyLens学会认你的脸，舵机转动摄像头跟着你。
#
# The camera sits on the servo's arm. It tells us where your face is in its picture:
# x = 0 is the left edge, 160 the middle, 319 the right edge. If your face is left of the
# middle we turn a little left, if it is right we turn a little right: a bit each time,
# so the camera glides instead of jumping. That is called feedback.

import time

from kitbridge import Board, HuskyLens, Servo

SERVO_PIN = {"mpython": 8, "microbit-v2": 0}
MIDDLE = 160  # the middle of the camera's picture · 画面的中间
GAIN = 0.05  # degrees to turn for each pixel off the middle · 每偏离1个像素转多少度

with Board() as board:
    camera = HuskyLens(board)  # on the I2C pins: see the README · 接在I2C引脚上：看README
    camera.algorithm = "face recognition"
    servo = Servo(board, SERVO_PIN[board.kind])
    angle = 90
    servo.angle = angle  # start looking straight ahead · 先朝正前方

    print("Look into the camera and press A so it learns your face. · 看着摄像头，按A让它记住你的脸。")
    board.button_a.wait_for_press(timeout=60)
    camera.learn(1)  # your face is now "id 1" · 你的脸现在是“1号”
    print("Learned! Now walk around. Press B to stop. · 记住了！现在走动吧。按B结束。")

    stop_at = time.monotonic() + 120  # two minutes at most · 最多两分钟
    while time.monotonic() < stop_at and not board.button_b.is_pressed:
        faces = camera.blocks(id=1)  # only the face it learned, not other people · 只看记住的脸
        if faces:
            off_middle = MIDDLE - faces[0].x  # + : face is left of the middle · 正数：脸在中间左边
            angle = min(180, max(0, angle + off_middle * GAIN))
            servo.angle = round(angle)
        time.sleep(0.05)
    servo.detach()
    print(f"The camera ended at {angle:.0f}° · 摄像头最后停在{angle:.0f}°")
