# Lesson 15: the teachable board. YOU decide what it learns: hold A while you do one thing,
# hold B while you do another. The computer trains a model, and the model moves into the board.
# 第15课：可教的板子。由你决定它学什么：按住A做一件事，按住B做另一件事。
# 电脑训练出一个模型，然后把模型搬进板子里。

import time

from kitbridge import Board
from kitbridge.ai import KNN, features, pick, windows

A_MEANS = "wave"  # what you do while holding A (change it!) · 按住A时做的事（可以改！）
B_MEANS = "rest"  # what you do while holding B · 按住B时做的事
FEATURES = ["x.mean", "y.mean", "z.mean", "x.var", "y.var", "z.var"]  # tilt and movement, each way · 各方向的倾斜和运动
HZ = 50  # samples a second · 每秒采样次数
WINDOW = 25  # half a second a window · 每个窗口半秒
ENOUGH = HZ * 3  # 3 seconds of each is enough · 每种3秒就够了

with Board() as board:
    examples = {A_MEANS: [], B_MEANS: []}
    print(f"Hold A while you {A_MEANS}, hold B while you {B_MEANS}: 3 seconds each. The LED glows while recording.")
    print(f"按住A做“{A_MEANS}”，按住B做“{B_MEANS}”：各3秒。录制时LED亮着。")
    stop_at = time.monotonic() + 120  # two minutes at most · 最多两分钟
    with board.accelerometer.stream(hz=HZ) as stream:
        while min(len(e) for e in examples.values()) < ENOUGH and time.monotonic() < stop_at:
            batch = stream.take(timeout=0.5)  # the samples that came since last time · 上次之后到达的样本
            label = A_MEANS if board.button_a.is_pressed else B_MEANS if board.button_b.is_pressed else None
            board.led.value = label is not None
            if label is not None:
                had = len(examples[label])
                examples[label] += batch
                if had < ENOUGH <= len(examples[label]):
                    print(f"  enough '{label}', thank you! · “{label}”够了，谢谢！")
    board.led.off()

    rows, labels = [], []
    for label, samples in examples.items():
        for window in windows(samples, WINDOW):
            rows.append(pick(features(window), FEATURES))
            labels.append(label)
    model = KNN(k=3)
    model.use(FEATURES, window=WINDOW, hz=HZ)
    model.fit(rows, labels)
    print(f"Learned from {len(rows)} windows · 从{len(rows)}个窗口中学习")

    # Into the board: from now on the board decides, and lights its LED for A's thing.
    # 搬进板子：从现在起由板子做决定，看到A的动作就点亮LED。
    on_board = model.to_board(board, led=A_MEANS)
    print(f"The board decides by itself now: {A_MEANS}, and its LED lights. Press A to stop.")
    print(f"现在板子自己做决定：做“{A_MEANS}”，它的LED就会亮。按A结束。")
    last = None
    stop_at = time.monotonic() + 120
    board.button_a.was_pressed()  # forget the presses before now · 忘掉之前的按键
    while time.monotonic() < stop_at and not board.button_a.was_pressed():  # even a quick press · 快速一按也算
        label = on_board.wait(timeout=5)  # the board's own decision · 板子自己的决定
        if label != last:
            print(f"The board says: {label} · 板子说：{label}")
            last = label
    print("Bye! · 再见！")
