"""What the simulated world does while lesson 14 runs: a HuskyLens is on the I2C pins, riding on
a servo's arm. Alice stands in front; she presses A so the camera learns her face, then walks to
the camera's left (to 120° from its right), while Bob, whom it never learned, stands at 60°.
The world keeps the picture true to where the servo points the camera: a face at bearing B
appears at x = 160 - (B - servo angle) * 320/60 (a 60° wide view). Once the camera has turned
to Alice and stays there, Alice presses B."""

import threading
import time

from kitbridge.sim.fakes.huskylens import HuskyLensCam

SERVO_PIN = {"mpython": 8, "microbit-v2": 0}
PIXELS_PER_DEGREE = 320 / 60  # the HuskyLens sees about 60° across its 320-pixel picture


def wire(world):
    """The HuskyLens on the I2C pins, riding the servo's arm (the keyboard's camera turns with it)."""
    world.buses.i2c().attach(HuskyLensCam(world))
    world.parts.servo(SERVO_PIN[world.kind], angle=90)
    return {"camera": SERVO_PIN[world.kind]}


def play(world, narrate):
    servo = world.parts.servos[SERVO_PIN[world.kind]]
    narrate("HuskyLens on I2C, riding a servo (simulated) · HuskyLens接I2C，装在舵机上（模拟）")
    people = {"alice": 90.0}  # name -> bearing, degrees
    faces = {"alice": world.scene.place("face", "alice", x=160, y=110, w=60, h=80)}
    stop = threading.Event()

    def in_view(bearing):
        x = round(160 - (bearing - servo.angle) * PIXELS_PER_DEGREE)
        return x if 20 <= x <= 299 else None

    def optics():  # keeps what the camera sees true to where it points
        while not stop.is_set():
            for name, bearing in people.items():
                x = in_view(bearing)
                if x is None and name in faces:
                    world.scene.remove(faces.pop(name))
                elif x is not None and name not in faces:
                    faces[name] = world.scene.place("face", name, x=x, y=110, w=60, h=80)
                elif x is not None:
                    faces[name].move(x=x)
            stop.wait(0.02)  # the camera's frame rate, 50 pictures a second

    threading.Thread(target=optics, daemon=True).start()
    try:
        time.sleep(1.0)  # Alice reads the prompt
        world.click("a", 0.2)
        narrate("Alice looks into the camera and presses A · Alice看着摄像头，按下A")
        time.sleep(1.0)
        people["alice"] = 110.0
        people["bob"] = 70.0
        narrate("Alice walks to 110°; Bob, a stranger, stands at 70° · Alice走到110°；陌生人Bob站在70°")
        time.sleep(0.5)
        people["alice"] = 120.0
        if not world.wait_for(lambda: abs(servo.angle - 120) <= 3 and not servo.is_moving, timeout=30):
            raise AssertionError(f"lesson 14's camera never turned to Alice at 120° (it points at {servo.angle:.0f}°)")
        narrate(f"the camera follows Alice: {servo.angle:.0f}° · 摄像头跟着Alice：{servo.angle:.0f}°")
        time.sleep(0.5)
        narrate("Alice presses B · Alice按下B")
        world.click("b", 0.2)
    finally:
        stop.set()
