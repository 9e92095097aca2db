"""Models for the qemu layer's model tests: a tree (depth <= 6) and a 30-sample k-NN trained on
simulated accelerometer gestures, the 200 inputs host and board are compared on, and malformed
model data with the typed error each must get.

The hand is the simulated board's (kitbridge.sim.hand.Hand), posed on a virtual clock: the
same seed gives the same samples, so every run trains the same models. Models within the micro:bit
v1's limits (docs/ai.md): k-NN with 30 stored samples of 6 features, trees of depth <= 6.
"""

from __future__ import annotations

import random

from kitbridge.ai import KNN, DecisionTree, features, pick, windows
from kitbridge.sim.hand import GESTURES, Hand

NAMES = ["x.mean", "x.var", "x.peak", "x.zc", "y.mean", "z.mean"]  # as tests/ai trains on
WINDOW, HZ = 25, 100


def recording(gesture: str, seconds: float, seed: int) -> list[tuple[float, float, float]]:
    """Accelerometer samples (g) of a hand making `gesture`, at HZ."""
    hand = Hand(None, seed, gesture)  # posed on a virtual clock: its thread never runs
    return [hand.pose(i / HZ) for i in range(int(seconds * HZ))]


def gesture_rows(seconds: float, seed: int, step: int) -> tuple[list[list[int]], list[str]]:
    """NAMES features of the windows of every gesture's recording, and their labels."""
    rows, labels = [], []
    for i, gesture in enumerate(GESTURES):
        for w in windows(recording(gesture, seconds, seed + i), WINDOW, step):
            rows.append(pick(features(w), NAMES))
            labels.append(gesture)
    return rows, labels


def depth(nodes: list[list[int]]) -> int:
    """The depth of a tree model's nodes (a lone leaf: 0)."""
    def down(i: int) -> int:
        f, _, left, right = nodes[i]
        return 0 if f < 0 else 1 + max(down(left), down(right))
    return down(0)


def train() -> tuple[DecisionTree, KNN, list[list[int]]]:
    """(tree, k-NN, 200 inputs) trained on simulated gestures: 3 s a gesture for training, the
    inputs from 2 s held out (other seeds) and rows near them, as tests/ai's agreement test."""
    train_x, train_y = gesture_rows(3.0, 0, 10)
    test_x, _ = gesture_rows(2.0, 100, 25)
    tree = DecisionTree(max_depth=6)
    tree.use(NAMES, window=WINDOW, hz=HZ)
    tree.fit(train_x, train_y)
    picked = [round(i * (len(train_x) - 1) / 29) for i in range(30)]  # 30 spread over every gesture
    knn = KNN(k=3)
    knn.use(NAMES, window=WINDOW, hz=HZ)
    knn.fit([train_x[i] for i in picked], [train_y[i] for i in picked])
    rng = random.Random(3)
    inputs = [list(r) for r in test_x][:200]
    while len(inputs) < 200:
        base = rng.choice(test_x)
        inputs.append([v + rng.randint(-abs(v) * 3 // 10 - 5, abs(v) * 3 // 10 + 5) for v in base])
    return tree, knn, inputs


# A good two-label tree on one feature (x.mean <= 100: low, else high), and model data that breaks
# each rule of the format (docs/ai.md), with the error code and a word of the message it must get.
def deepest_tree() -> tuple[DecisionTree, list[list[int]]]:
    """A tree as deep as the v1 takes (depth 6: on noise it grows as deep as it may), and 200
    inputs for it."""
    rng = random.Random(11)
    rows = [[rng.randint(-2000, 2000) for _ in NAMES] for _ in range(600)]
    tree = DecisionTree(max_depth=6)
    tree.use(NAMES, window=WINDOW, hz=HZ)
    tree.fit(rows, [rng.choice(GESTURES) for _ in rows])
    assert depth(tree.data["nodes"]) == 6
    return tree, [[rng.randint(-2500, 2500) for _ in NAMES] for _ in range(200)]


GOOD = "kbm1 tree 50 25 -1 -1 2 1 -1 low high 0 3 0 100 1 2 -1 0 0 0 -1 1 0 0"
DEEP = "kbm1 tree 50 25 -1 -1 2 1 -1 a b 0 27 " + " ".join(
    f"0 0 {i + 1} {i + 2}" if i < 13 else "-1 0 0 0" for i in range(27))
MALFORMED = [
    ("kbm2 tree 50 25 -1 -1 2 1 -1 low high 0 1 -1 0 0 0", "E_ARG", "kbm1"),  # bad magic
    ("kbm1 forest 50 25 -1 -1 2 1 -1 low high 0 1 -1 0 0 0", "E_ARG", "kind"),
    (GOOD.replace("0 100 1 2", "0 nan 1 2"), "E_ARG", "whole number"),  # NaN-like words
    (GOOD.replace("0 100 1 2", "0 inf 1 2"), "E_ARG", "whole number"),
    (GOOD.replace("0 100 1 2", "0 1.5 1 2"), "E_ARG", "whole number"),
    ("kbm1 tree 500 25 -1 -1 2 1 -1 low high 0 1 -1 0 0 0", "E_RANGE", "hz"),  # sizes out of range
    ("kbm1 tree 50 25 -1 -1 11 1 -1 low high 0 1 -1 0 0 0", "E_RANGE", "labels"),
    ("kbm1 knn 50 25 -1 -1 2 1 -1 low high 0 3 2 5 0 6 1", "E_RANGE", "samples"),
    ("kbm1 tree 50 25 -1 -1 2 1 -1 low high 0 256", "E_RANGE", "nodes"),
    ("kbm1 tree 50 25 -1 -1 2 1 -1 low high 15 1 -1 0 0 0", "E_RANGE", "feature"),
    (GOOD.replace("1 2 -1 0", "0 2 -1 0"), "E_RANGE", "child"),  # a loop back to the root
    (DEEP, "E_RANGE", "deeper than 12"),  # too deep
    (GOOD.replace("-1 0 0 0", "-1 5 0 0"), "E_RANGE", "leaf label"),  # unknown label index
    ("kbm1 knn 50 25 -1 -1 2 1 -1 low high 0 1 1 5 2", "E_RANGE", "sample label"),
    ("kbm1 tree 50 25 -1 -1 2 1 2 low high 0 1 -1 0 0 0", "E_RANGE", "led label"),
    ("kbm1 tree 50 25 -1 -1 2 1 -1 low low 0 1 -1 0 0 0", "E_ARG", "twice"),
    (GOOD.rsplit(" ", 4)[0], "E_ARG", "ends early"),
    # 200 samples of 15 features need 12.8 KB: more than the v1's whole heap (elsewhere: ends early)
    ("kbm1 knn 50 25 -1 -1 2 15 -1 low high " + " ".join(map(str, range(15))) + " 3 200 1 2 3", "E_RANGE",
     "too big for this board"),
    (GOOD + " 7", "E_ARG", "longer"),
]
