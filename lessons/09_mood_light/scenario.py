"""What the simulated world does while lesson 09 runs: on boards without RGB LEDs a NeoPixel
ring of 8 is wired (in the simulator its pin's colours are the ring); a person watches each
mood's colour reach full brightness, then clicks button A for the next one, four times."""

import time

MOODS = [(0, 60, 255), (255, 180, 0), (0, 255, 80), (255, 0, 120)]
NEOPIXEL_PIN = {"microbit-v2": 1, "esp32-devkitc": 13}


def colours(world):
    """The colour of every LED in the strip the lesson drives, as the simulated board shows it."""
    if world.kind == "mpython":
        return world.value(world.pin_name(world.spec.devices["rgb"].params["gpio"]) + " neopixel") or ()
    return world.value(f"pin {NEOPIXEL_PIN[world.kind]} neopixel") or ()


def play(world, narrate):
    for number, mood in enumerate(MOODS, 1):
        if not world.wait_for(lambda mood=mood: set(colours(world)) == {mood}, timeout=30):
            raise AssertionError(f"lesson 09 never showed mood {number} as {mood} (shows {colours(world)})")
        narrate(f"the lights glow {mood} (simulated) · 灯光是{mood}（模拟）")
        time.sleep(0.5)  # a person enjoys the colour for a moment
        narrate("button A clicked · 按了按钮A")
        world.click("a", 0.2)
    if not world.wait_for(lambda: colours(world) and not any(map(any, colours(world))), timeout=10):
        raise AssertionError("lesson 09 did not switch the lights off at the end")
