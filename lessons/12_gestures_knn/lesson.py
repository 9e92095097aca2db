# Lesson 12: teach the computer four gestures, and see how often it recognises them.
# 第12课：教电脑认识四种手势，看看它认得有多准。
#
# For each gesture we record 3 seconds of the accelerometer. We cut the recording into
# windows of a quarter second and sum each window up in a few numbers (features): the tilt
# (x.mean), how much it shakes (x.var), ... k nearest neighbours (k-NN) remembers all the
# examples, and labels a new window like the 3 examples most similar to it.
# We keep the last second of each gesture aside, to test the model on windows it never saw.

import time

from kitbridge import Board
from kitbridge.ai import KNN, features, pick, windows

GESTURES = ["still", "tilt_left", "tilt_right", "shake"]
FEATURES = ["x.mean", "x.var", "x.peak", "x.zc", "y.mean", "z.mean"]
HZ = 100  # samples a second · 每秒采样次数
WINDOW = 25  # samples in a window: a quarter second · 一个窗口的样本数：四分之一秒
SECONDS = 3  # to record each gesture · 每个手势录几秒


def record(board):
    """SECONDS of accelerometer samples (x, y, z in g). · 录SECONDS秒的加速度数据。"""
    samples = []
    with board.accelerometer.stream(hz=HZ) as stream:
        for sample in stream:  # stops with an error if the board goes quiet · 板子没反应时会报错停止
            samples.append(sample)
            if len(samples) == HZ * SECONDS:
                break
    return samples


def rows_of(samples):
    """The features of each window, a new window every 10 samples. · 每个窗口的特征。"""
    return [pick(features(window), FEATURES) for window in windows(samples, WINDOW, step=10)]


with Board() as board:
    train_rows, train_labels, test_rows, test_labels = [], [], [], []
    for gesture in GESTURES:
        print(f"Start doing '{gesture}' and keep doing it, then press A. · 开始做“{gesture}”并保持，然后按A。")
        board.button_a.wait_for_press(timeout=60)
        board.led.on()  # the LED glows while the board records · 录制时LED亮着
        samples = record(board)
        board.led.off()
        print(f"  recorded {len(samples)} samples · 录了{len(samples)}个样本")
        cut = len(samples) * 2 // 3  # first two seconds to learn, last one to test · 前两秒学习，最后一秒测试
        for row in rows_of(samples[:cut]):
            train_rows.append(row)
            train_labels.append(gesture)
        for row in rows_of(samples[cut:]):
            test_rows.append(row)
            test_labels.append(gesture)

    model = KNN(k=3)
    model.use(FEATURES, window=WINDOW, hz=HZ)
    model.fit(train_rows, train_labels)
    accuracy = model.score(test_rows, test_labels)  # 0..1: the share it got right · 答对的比例
    print(f"Accuracy on {len(test_rows)} new windows: {accuracy:.0%} · 在{len(test_rows)}个新窗口上的准确率：{accuracy:.0%}")

    print("Now move the board: the LED lights for 'shake'. Press B to stop. · 现在动动板子：摇晃时LED亮。按B结束。")
    board.button_b.was_pressed()  # forget the presses before now · 忘掉之前的按键
    last = None
    stop_at = time.monotonic() + 120  # two minutes at most · 最多两分钟
    with board.accelerometer.stream(hz=HZ) as stream:
        window = []
        for sample in stream:
            window.append(sample)
            if len(window) < WINDOW:
                continue
            guess = model.predict(rows_of(window))[0]  # one window, one guess · 一个窗口，一个猜测
            window = []
            if guess != last:
                print(f"I think: {guess} · 我觉得是：{guess}")
                board.led.value = guess == "shake"
                last = guess
            if board.button_b.was_pressed() or time.monotonic() > stop_at:  # even a quick press · 快速一按也算
                break
    board.led.off()
    print("Bye! · 再见！")
