"""What the simulated world does while lesson 02 runs: three LEDs are wired (nothing to wire in
the simulator: the pins' levels are the LEDs); once the light is green, a person walks up and
presses the crossing button, holds it until the light turns red, then walks across."""

import time

PINS = {"mpython": (0, 1, 8), "microbit-v1": (0, 1, 8), "microbit-v2": (0, 1, 8), "esp32-devkitc": (25, 26, 27)}


def play(world, narrate):
    red, _yellow, green = (f"pin {p}" for p in PINS[world.kind])

    def wait(condition, what, timeout=30):
        if not world.wait_for(condition, timeout=timeout):
            raise AssertionError(f"lesson 02 never {what}")

    wait(lambda: world.value(green) == 1 and world.value(red) != 1, "showed green to the cars")
    time.sleep(1.0)  # a person walks up to the crossing
    world.press("a")
    narrate("someone presses the crossing button (simulated) · 有人按下了过马路按钮（模拟）")
    wait(lambda: world.value(red) == 1, "turned red for the person")
    world.release("a")
    narrate("the person crosses while the light is red · 红灯时行人过马路")
    wait(lambda: world.value(green) == 1 and world.value(red) == 0, "turned green again")
