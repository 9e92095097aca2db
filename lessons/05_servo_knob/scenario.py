"""What the simulated world does while lesson 05 runs: an SG90 servo and a 10 kΩ knob are
wired; a hand turns the knob to one end, the other end, and the middle, waiting each time
until the servo's arm has got there; then presses button A."""

import time

PINS = {"mpython": (2, 8), "microbit-v1": (1, 0), "microbit-v2": (1, 0), "esp32-devkitc": (34, 13)}


def wire(world):
    """The knob (turned to the middle) and the servo on the desk; the keyboard may turn the knob."""
    knob, servo_pin = PINS[world.kind]
    world.set_analog(knob, 512)
    world.parts.servo(servo_pin)
    return {"knob": knob}


def play(world, narrate):
    knob, servo_pin = PINS[world.kind]
    servo = world.parts.servos[servo_pin]
    narrate(f"knob on pin {knob}, servo on pin {servo_pin} (simulated) · 旋钮接引脚{knob}，舵机接引脚{servo_pin}（模拟）")

    def turn(raw, angle, words):
        time.sleep(0.5)  # a hand reaches for the knob
        world.set_analog(knob, raw)
        narrate(words)
        if not world.wait_for(lambda: abs(servo.angle - angle) <= 3 and not servo.is_moving, timeout=20):
            raise AssertionError(f"lesson 05's servo never reached {angle}° (it is at {servo.angle:.0f}°)")

    turn(0, 0, "knob turned all the way left · 旋钮转到最左")
    turn(1023, 180, "knob turned all the way right · 旋钮转到最右")
    turn(512, 90, "knob back to the middle · 旋钮回到中间")
    narrate("button A pressed (simulated) · 按钮A被按下（模拟）")
    world.press("a")
