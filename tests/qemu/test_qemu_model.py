"""A decision tree and a k-NN trained on the host predict on a micro:bit v1 exactly as on the host.

This runs at the v1's raw REPL, WITHOUT the kit agent: the agent and the model driver do not fit
in the v1's heap together (docs/microbit-v1-memory.md: ~1.8 KB free with the agent running, so
the v1 gets no drivers). What it proves on the v1's real MicroPython 1.9.2 is that the model
code itself, firmware/kb_d_model_core.py (reading model data with every check, and integer
prediction), runs there and agrees with the host bit for bit. After a soft reset inside the raw
REPL (main.py does not run; ~9.8 KB free) the core alone is written to the board and imported,
the models go to its file system as the words kb_model.txt holds, the core parses them a line
at a time, and 200 inputs per model come back with the host's labels. Malformed model data gets
the core's typed ValueError (E_ARG / E_RANGE) and the REPL goes on answering.

Models within the v1's limits (docs/ai.md): k-NN with 30 stored samples of 6 features, trees of depth <= 6.
"""

from __future__ import annotations

import ast
import math
import random
import re
from pathlib import Path

import pytest
from kitbridge.ai import KNN, DecisionTree, features, pick, windows
from kitbridge.ai.model import to_words
from kitbridge.deploy.copier import _write
from kitbridge.errors import DeviceError

CORE = Path(__file__).resolve().parents[2] / "firmware" / "kb_d_model_core.py"
GESTURES = ("still", "tilt_left", "tilt_right", "shake")
NAMES = ["x.mean", "x.var", "x.peak", "x.zc", "y.mean", "z.mean"]  # as tests/ai trains on
WINDOW, HZ = 25, 100
LINE = 34  # characters of model words a line, as `model add` chunks them for a small board

# On the board, beside the core: L reads a file a line at a time (1.9.2's files are not
# iterable), P predicts a batch of rows, prints their label indexes and adds up the time taken.
LINES = """def L(n):
 f=open(n)
 while 1:
  s=f.readline()
  if not s:
   f.close()
   return
  yield s"""
PREDICT = """import utime
def P(m,X):
 global T
 t=utime.ticks_us()
 r=[C.predict(m,x) for x in X]
 T+=utime.ticks_diff(utime.ticks_us(),t)
 print(r)"""


def recording(gesture: str, seconds: float, seed: int) -> list[tuple[float, float, float]]:
    """Accelerometer samples (g) of a hand making `gesture`, moved as tests/ai/gestures.py moves
    the simulated board, on a virtual clock at HZ: the same seed gives the same samples."""
    rng = random.Random(seed)
    tilt, amp, freq = rng.uniform(0.5, 0.6), rng.uniform(2.0, 3.0), rng.uniform(4.0, 6.0)
    out = []
    for i in range(int(seconds * HZ)):
        t = i / HZ
        if gesture == "still":
            x, y, z = rng.gauss(0, 0.02), rng.gauss(0, 0.02), -1 + rng.gauss(0, 0.02)
        elif gesture in ("tilt_left", "tilt_right"):
            side = -1 if gesture == "tilt_left" else 1
            x = side * (tilt + 0.2 * math.sin(2 * math.pi * 0.4 * t)) + rng.gauss(0, 0.03)
            y, z = rng.gauss(0, 0.05), -0.8 + rng.gauss(0, 0.03)
        else:
            a = amp * (1 + 0.2 * math.sin(2 * math.pi * 0.3 * t))
            x = a * math.sin(2 * math.pi * freq * t) + rng.gauss(0, 0.2)
            y, z = rng.gauss(0, 0.3), -1 + rng.gauss(0, 0.3)
        out.append(tuple(max(-7.9, min(7.9, v)) for v in (x, y, z)))
    return out


def gesture_rows(seconds: float, seed: int, step: int) -> tuple[list[list[int]], list[str]]:
    rows, labels = [], []
    for i, gesture in enumerate(GESTURES):
        for w in windows(recording(gesture, seconds, seed + i), WINDOW, step):
            rows.append(pick(features(w), NAMES))
            labels.append(gesture)
    return rows, labels


def depth(nodes: list[list[int]]) -> int:
    def down(i: int) -> int:
        f, _, left, right = nodes[i]
        return 0 if f < 0 else 1 + max(down(left), down(right))
    return down(0)


@pytest.fixture(scope="module")
def models():
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


@pytest.fixture
def repl(board):
    """The fresh board's raw REPL, MicroPython just restarted inside it (main.py does not run)."""
    board.repl.interrupt()
    board.repl.enter(soft_reset=True)
    return board.repl


def put(repl, files: dict[str, str]) -> None:
    """Write the core and `files` (name -> text) to the board, then restart for a fresh heap."""
    repl.exec("import os")
    for name, text in {"kb_d_model_core.py": CORE.read_text(encoding="utf-8"), **files}.items():
        _write(repl, name, text.encode("utf-8"), True, None, 10)
    repl.enter(soft_reset=True)  # nothing imported: not even os
    repl.exec("import gc")


def free(repl) -> int:
    return int(repl.exec("gc.collect();print(gc.mem_free())"))


def model_file(words: list[str]) -> str:
    """Model words in lines of up to LINE characters, as kb_model.txt holds them."""
    lines = [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > LINE:
            lines.append("")
        lines[-1] = (lines[-1] + " " + word).strip()
    return "\n".join(lines) + "\n"


def predict_on_board(repl, name: str, rows: list[list[int]]) -> tuple[list[int], float]:
    """The board's label indexes for `rows`, sent in batches whose command fits the 64-byte input
    buffer whole, and the board's own time for those predictions in ms (ticks_us around predict)."""
    def call(batch: list[list[int]]) -> str:
        return f"P({name},{batch!r})".replace(" ", "")

    repl.exec("T=0")
    got: list[int] = []
    batch: list[list[int]] = []
    for row in rows:
        if batch and len(call(batch + [row])) + 1 > repl.burst:
            got += ast.literal_eval(repl.exec(call(batch)))
            batch = []
        batch.append(row)
    got += ast.literal_eval(repl.exec(call(batch)))
    return got, int(repl.exec("print(T)")) / 1000


def test_tree_and_knn_predict_on_the_v1_as_on_the_host(repl, models, figure):
    tree, knn, inputs = models
    assert len(knn.data["samples"]) == 30 and len(knn.data["features"]) == 6
    assert depth(tree.data["nodes"]) <= 6
    put(repl, {"tree.txt": model_file(to_words(tree.to_data())), "knn.txt": model_file(to_words(knn.to_data()))})
    fresh = free(repl)
    repl.exec("import kb_d_model_core as C")
    core = free(repl)
    repl.exec(LINES)
    repl.exec(PREDICT)
    helpers = free(repl)
    repl.exec("R=C.parse(L('tree.txt'))")
    with_tree = free(repl)
    repl.exec("K=C.parse(L('knn.txt'))")
    with_knn = free(repl)
    figure("v1 REPL heap: free after a soft reset", f"{fresh} B")
    figure("v1 REPL heap: after importing kb_d_model_core", f"{core} B (the core costs {fresh - core} B)")
    figure(f"v1 REPL heap: after parsing the gesture tree ({len(tree.data['nodes'])} nodes, "
           f"depth {depth(tree.data['nodes'])})", f"{with_tree} B ({helpers - with_tree} B for the model)")
    figure("v1 REPL heap: after parsing the k-NN too (30 samples of 6 features)",
           f"{with_knn} B ({with_tree - with_knn} B for the model)")
    assert repl.exec("print(R[:8])") == repr(["tree", HZ, WINDOW, -1, -1, -1, tree.data["labels"],
                                              [0, 1, 2, 4, 5, 10]]) + "\r\n"
    for name, model, what in (("R", tree, "tree"), ("K", knn, "k-NN")):
        host = model.predict(inputs)
        got, ms = predict_on_board(repl, name, inputs)
        assert [model.data["labels"][i] for i in got] == host, f"the v1's {what} disagrees with the host"
        assert len(set(host)) >= 3  # the inputs reach several labels, not one
        figure(f"v1: 200 {what} predictions (board time, QEMU at the nRF51's speed)", f"{ms:.0f} ms")
    left = free(repl)
    figure("v1 REPL heap: left with both models, after 400 predictions", f"{left} B")
    assert left > 1000  # room still for a program of the student's own to use the answers


def test_the_deepest_tree_the_v1_takes_predicts_as_on_the_host(repl, figure):
    rng = random.Random(11)
    rows = [[rng.randint(-2000, 2000) for _ in NAMES] for _ in range(600)]
    tree = DecisionTree(max_depth=6)  # on noise it grows as deep as it may
    tree.use(NAMES, window=WINDOW, hz=HZ)
    tree.fit(rows, [rng.choice(GESTURES) for _ in rows])
    assert depth(tree.data["nodes"]) == 6
    put(repl, {"tree.txt": model_file(to_words(tree.to_data()))})
    repl.exec("import kb_d_model_core as C")
    repl.exec(LINES)
    repl.exec(PREDICT)
    before = free(repl)
    repl.exec("R=C.parse(L('tree.txt'))")
    after = free(repl)
    inputs = [[rng.randint(-2500, 2500) for _ in NAMES] for _ in range(200)]
    got, ms = predict_on_board(repl, "R", inputs)
    assert [tree.data["labels"][i] for i in got] == tree.predict(inputs)
    figure(f"v1 REPL heap: a depth-6 tree of {len(tree.data['nodes'])} nodes",
           f"{before - after} B parsed, {after} B left; 200 predictions in {ms:.0f} ms")


GOOD = "kbm1 tree 50 25 -1 -1 2 1 -1 low high 0 3 0 100 1 2 -1 0 0 0 -1 1 0 0"
DEEP = "kbm1 tree 50 25 -1 -1 2 1 -1 a b 0 27 " + " ".join(
    f"0 0 {i + 1} {i + 2}" if i < 13 else "-1 0 0 0" for i in range(27))


@pytest.mark.parametrize("text, code, says", [
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
])
def test_malformed_models_get_a_typed_error_and_the_repl_goes_on(repl, text, code, says):
    put(repl, {"good.txt": model_file(GOOD.split()), "bad.txt": model_file(text.split())})
    repl.exec("import kb_d_model_core as C")
    repl.exec(LINES)
    repl.exec("G=C.parse(L('good.txt'))")
    with pytest.raises(DeviceError) as caught:
        repl.exec("C.parse(L('bad.txt'))")
    trace = str(caught.value)
    raised = re.search(r"ValueError: \('(E_\w+)', '([^']*)'\)", trace)
    assert raised and 'kb_d_model_core.py", line' in trace, trace
    assert raised.group(1) == code and says in raised.group(2), trace
    assert repl.exec("print(C.predict(G,[3]),C.predict(G,[101]))") == "0 1\r\n"  # it goes on answering
