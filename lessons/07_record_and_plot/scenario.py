"""What the simulated world does while lesson 07 records (its LED glows meanwhile): a bright
room; a hand passes over the light sensor (light 0.1 for a second and a half); then someone
tilts the board to the right, then shakes it."""

import time


def play(world, narrate):
    def wait(condition, what, timeout=20):
        if not world.wait_for(condition, timeout=timeout):
            raise AssertionError(f"lesson 07 never {what}")

    world.light = 0.8
    wait(lambda: world.led, "started recording (its LED stayed off)")
    time.sleep(1.5)  # the room as it is
    world.light = 0.1
    narrate("a hand over the light sensor: light 0.1 (simulated) · 手遮住光线传感器：光线0.1（模拟）")
    time.sleep(1.5)
    world.light = 0.8
    world.acceleration = (0.5, 0.0, -0.87)  # tipped about 30° to the right
    narrate("the board tilts right · 板子向右倾斜")
    time.sleep(1.0)
    world.acceleration = (0.0, 0.0, -1.0)
    narrate("a shake! · 摇一摇！")
    world.shake(0.5)
    wait(lambda: not world.led, "finished recording")
