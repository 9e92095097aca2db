# Lesson 04: a thermometer that raises the alarm when it gets too hot.
# 第4课：温度太高时会报警的温度计。
#
# A micro:bit v2 has a thermometer inside its chip. The ESP32 boards (mPython board,
# DevKitC) need a DHT11 sensor plugged in: see the README for the pin.

import time

from kitbridge import DHT11, Board

TOO_HOT = 30  # degrees Celsius: above this, the alarm goes off · 超过30°C就报警
DHT11_PIN = {"mpython": 0, "esp32-devkitc": 4}

with Board() as board:
    if board.kind == "microbit-v2":
        sensor = None  # the chip's own thermometer · 芯片自带的温度计
    else:
        sensor = DHT11(board, DHT11_PIN[board.kind])

    # Which part can beep? The mPython board has a buzzer, the micro:bit v2 a speaker.
    # 哪个部件能发声？掌控板有蜂鸣器，micro:bit v2 有扬声器。
    beeper = {"mpython": "buzzer", "microbit-v2": "speaker"}.get(board.kind)

    print(f"Alarm above {TOO_HOT} °C. Warm the sensor with your hand! · 超过{TOO_HOT}°C报警，用手捂热传感器！")
    alarms = 0
    for reading in range(15):  # fifteen readings, two seconds apart · 读15次，每次间隔2秒
        if sensor is None:
            celsius = board.temperature.celsius
        else:
            celsius = sensor.temperature
        if celsius > TOO_HOT:
            alarms += 1
            print(f"{celsius:.0f} °C  ALARM: too hot! · {celsius:.0f}°C 报警：太热了！")
            board.led.on()
            if beeper:
                getattr(board, beeper).beep(duration=0.5, frequency=880)
            time.sleep(0.5)
            board.led.off()
            if alarms == 3:  # three alarms in a row: someone should look · 连续报警三次：该去看看了
                print("Three alarms: go and check! · 报警三次：快去看看！")
                break
        else:
            alarms = 0
            print(f"{celsius:.0f} °C  ok · {celsius:.0f}°C 正常")
        time.sleep(2)
    board.led.off()
