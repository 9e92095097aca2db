# Lesson 11: a night light that LEARNS when it is dark, from your examples.
# 第11课：一盏从你的例子中“学会”什么时候算暗的小夜灯。
#
# In lesson 03 we wrote the rule ourselves: "dark is below 0.3". Now we only show examples:
# "this is dark: lamp on" (button A) and "this is bright: lamp off" (button B).
# A perceptron finds the rule: it gives each label a score, weight x light + bias,
# and the higher score wins. Whenever it gets an example wrong, it nudges the weights.

import time

from kitbridge import Board
from kitbridge.ai import Perceptron

EXAMPLES = 3  # examples of each kind · 每种例子几个

with Board() as board:
    rows = []  # the light of each example, in percent · 每个例子的光线（百分比）
    labels = []  # what the lamp should do then · 那时灯该怎么做
    for button, label, english, chinese in ((board.button_a, "on", "dark", "暗"), (board.button_b, "off", "bright", "亮")):
        letter = button.letter.upper()
        print(f"Make it {english} in {EXAMPLES} different ways; press {letter} each time.")
        print(f"用{EXAMPLES}种不同的方式让它变{chinese}，每次按{letter}。")
        for example in range(EXAMPLES):
            button.wait_for_press(timeout=60)
            light = round(board.light.level * 100)  # 0..100 % · 百分比
            rows.append([light])
            labels.append(label)
            print(f"  light {light} % -> lamp {label} · 光线 {light}% -> 灯{'亮' if label == 'on' else '灭'}")
            board.led.on()  # a short flash: "got it" · 闪一下：“收到”
            time.sleep(0.3)
            board.led.off()
            button.wait_for_release(timeout=10)

    model = Perceptron(epochs=100)
    model.use(["x.mean"])  # one number a row (kitbridge.ai names it after the accelerometer; for us it is the light)
    model.fit(rows, labels)
    # Which is the first light level the model calls "off"? That is the threshold it learned.
    # 模型认为“该灭灯”的最小光线是多少？这就是它学到的阈值。
    threshold = next((p for p in range(101) if model.predict([[p]])[0] == "off"), 100)
    print(f"Learned: lamp on below {threshold} % light · 学会了：光线低于{threshold}%时开灯")

    print("Now the learned night light runs. Press A to stop. · 学到的小夜灯开始工作。按A结束。")
    lamp_on = False
    stop_at = time.monotonic() + 120  # two minutes at most · 最多两分钟
    while time.monotonic() < stop_at and not board.button_a.is_pressed:
        light = round(board.light.level * 100)
        wanted = model.predict([[light]])[0] == "on"  # the model decides · 模型来决定
        if wanted != lamp_on:
            board.led.value = wanted
            lamp_on = wanted
            print(f"light {light} %: night light {'on · 小夜灯亮' if wanted else 'off · 小夜灯灭'}")
        time.sleep(0.2)
    board.led.off()
    print("Good night! · 晚安！")
