"""What the simulated world does while lesson 06 runs: an HC-SR04 is wired; a car backs towards
a wall: nothing in range, then 80, 40, 20 cm (a few beeps at each, which must come faster as the
wall gets closer), then 6 cm, where the sensor must call STOP with the LED held on."""

import time

PINS = {"mpython": (13, 14), "microbit-v2": (13, 14), "esp32-devkitc": (5, 18)}


def wire(world):
    """The HC-SR04 on the desk, with nothing in front of it."""
    trigger, echo = PINS[world.kind]
    world.parts.distance_sensor(trigger, echo)
    world.distance = None


def play(world, narrate):
    trigger, echo = PINS[world.kind]
    narrate(f"HC-SR04 on pins {trigger} (Trig), {echo} (Echo); nothing in front (simulated) · "
            f"HC-SR04接引脚{trigger}和{echo}；前面没有东西（模拟）")

    beeps = []  # when the LED lit, one entry per beep

    def count():
        lit = world.led
        if lit and (not beeps or beeps[-1][1] is False):
            beeps.append((time.monotonic(), True))
        elif not lit and beeps and beeps[-1][1] is True:
            beeps[-1] = (beeps[-1][0], False)
        return len(beeps)

    def gap_at(cm, n=4):
        world.distance = cm
        narrate(f"the wall is {cm} cm away · 墙在{cm}厘米外")
        start = count()
        if not world.wait_for(lambda: count() >= start + n, timeout=20):
            raise AssertionError(f"lesson 06 did not beep {n} times at {cm} cm")
        times = [t for t, _ in beeps[start + 1:start + n]]
        return (times[-1] - times[0]) / (len(times) - 1)

    time.sleep(1.0)
    world.distance = 80
    narrate("the wall is 80 cm away · 墙在80厘米外")
    time.sleep(1.0)
    if world.led:
        raise AssertionError("lesson 06 beeped with the wall 80 cm away")
    slow = gap_at(40)
    fast = gap_at(20)
    narrate(f"beeps every {slow:.2f} s at 40 cm, every {fast:.2f} s at 20 cm · "
            f"40厘米时每{slow:.2f}秒一声，20厘米时每{fast:.2f}秒一声")
    if not fast < slow:
        raise AssertionError(f"lesson 06 beeped no faster at 20 cm ({fast:.2f} s) than at 40 cm ({slow:.2f} s)")
    world.distance = 6
    narrate("the wall is 6 cm away · 墙在6厘米外")
    if not world.wait_for(lambda: world.led, timeout=10):
        raise AssertionError("lesson 06 did not call STOP at 6 cm")
