"""What the simulated world does while lesson 03 runs: a bright afternoon, then the sun sets
(the light level drops) and the night light must come on; then morning comes and it must go
off; then someone presses button A to end the lesson."""

import time


def play(world, narrate):
    def wait(condition, what, timeout=30):
        if not world.wait_for(condition, timeout=timeout):
            raise AssertionError(f"lesson 03 never {what}")

    world.light = 0.8
    narrate("a bright afternoon: light 0.8 (simulated) · 明亮的下午：光线0.8（模拟）")
    time.sleep(1.5)  # the afternoon goes by
    if world.led:
        raise AssertionError("lesson 03 lit the LED although it was bright")
    world.light = 0.1
    narrate("the sun sets: light 0.1 · 太阳落山：光线0.1")
    wait(lambda: world.led, "turned the night light on in the dark")
    time.sleep(1.5)  # the night goes by
    world.light = 0.9
    narrate("morning: light 0.9 · 早上：光线0.9")
    wait(lambda: not world.led, "turned the night light off in the morning")
    time.sleep(0.5)
    narrate("button A pressed (simulated) · 按钮A被按下（模拟）")
    world.press("a")
