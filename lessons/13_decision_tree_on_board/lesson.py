# Lesson 13: a decision tree learns the gestures on the computer, then moves into the board,
# and the board recognises them by itself.
# 第13课：决策树在电脑上学会手势，然后搬进板子里，由板子自己认手势。
#
# A decision tree is a few yes/no questions, like "is x.var at most 120?". We can read its
# questions, and they are so small that the board can ask them itself, 4 times a second.
# We record each gesture for 3 seconds: two seconds to learn from, the last one to test.

import time

from kitbridge import Board
from kitbridge.ai import DecisionTree, features, pick, windows

GESTURES = ["still", "tilt_left", "tilt_right", "shake"]
FEATURES = ["x.mean", "x.var"]  # the tilt, and how much it shakes · 倾斜程度，和摇晃程度
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


def show(tree, node=0, depth=1, answer=""):
    """Print the tree's questions, each answer indented below its question. · 打印决策树的问题。"""
    feature, number, yes, no = tree.data["nodes"][node]
    line = "  " * depth + answer
    if feature < 0:  # a leaf: the answer · 叶子：答案
        print(line + tree.data["labels"][number])
        return
    print(f"{line}is {FEATURES[feature]} <= {number}? · {FEATURES[feature]} ≤ {number} 吗？")
    show(tree, yes, depth + 1, "yes · 是: ")
    show(tree, no, depth + 1, "no · 否: ")


with Board() as board:
    train_rows, train_labels, test_rows, test_labels = [], [], [], []
    for gesture in GESTURES:
        print(f"Start doing '{gesture}' and keep doing it, then press A. · 开始做“{gesture}”并保持，然后按A。")
        board.button_a.wait_for_press(timeout=60)
        board.led.on()  # the LED glows while the board records · 录制时LED亮着
        samples = record(board)
        board.led.off()
        cut = len(samples) * 2 // 3  # first two seconds to learn, last one to test · 前两秒学习，最后一秒测试
        for row in rows_of(samples[:cut]):
            train_rows.append(row)
            train_labels.append(gesture)
        for row in rows_of(samples[cut:]):
            test_rows.append(row)
            test_labels.append(gesture)

    tree = DecisionTree(max_depth=4)
    tree.use(FEATURES, window=WINDOW, hz=HZ)
    tree.fit(train_rows, train_labels)
    print("The tree's questions · 决策树的问题:")
    show(tree)
    accuracy = tree.score(test_rows, test_labels)  # 0..1: the share it got right · 答对的比例
    print(f"Accuracy on {len(test_rows)} new windows: {accuracy:.0%} · 在{len(test_rows)}个新窗口上的准确率：{accuracy:.0%}")

    # Into the board! It stores the tree and asks the questions itself; its LED lights for "shake".
    # 搬进板子！它保存这棵树，自己提问；看到“shake”时点亮LED。
    on_board = tree.to_board(board, led="shake")
    print("The board decides by itself now. Shake it! Press B when you have seen it. · "
          "现在板子自己做决定。摇一摇！看够了就按B。")
    last = None
    stop_at = time.monotonic() + 120  # two minutes at most · 最多两分钟
    board.button_b.was_pressed()  # forget the presses before now · 忘掉之前的按键
    while time.monotonic() < stop_at and not board.button_b.was_pressed():  # even a quick press · 快速一按也算
        label = on_board.wait(timeout=5)  # the board's own decision · 板子自己的决定
        if label != last:
            print(f"The board says: {label} · 板子说：{label}")
            last = label

# Here the computer lets go of the board. The tree stays in the board's memory (the file
# kb_model.txt), and the board starts it by itself every time it is switched on.
# 到这里电脑放开了板子。决策树留在板子的存储里（文件 kb_model.txt），板子每次通电都会自己启动它。
print("Now unplug the USB cable and power the board from a battery box or a power bank.")
print("It starts the tree by itself: shake it and its LED lights, with no computer at all!")
print("现在拔掉USB线，用电池盒或充电宝给板子供电。")
print("它会自己启动决策树：摇一摇，LED就亮，完全不需要电脑！")
