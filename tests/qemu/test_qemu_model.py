"""A decision tree and a k-NN trained on the host predict on a micro:bit v1 exactly as on the host,
with the model core alone at the board's raw REPL: no agent, no driver, the board's own clock.

This runs on the kit's v1 image, whose kb_d_model_core is built into flash (the bytecode of
this checkout's firmware/kb_d_model_core.py: tests/images checks the image holds it). After a
soft reset inside the raw REPL (main.py does not run) the core is imported, the models go to the
file system as the words kb_model.txt holds, the core parses them a line at a time, and 200
inputs per model come back with the host's labels; the predictions are timed on the board.
Malformed model data gets the core's typed ValueError (E_ARG / E_RANGE) and the REPL goes on.
tests/qemu/test_qemu_model_agent.py proves the agent and the model driver together.
(Compiled on the board from source, on Debian's image, the core leaves too little heap for
these helpers: "parser could not allocate enough memory".)

Models within the v1's limits (docs/ai.md): k-NN with 30 stored samples of 6 features, trees of depth <= 6.
"""

from __future__ import annotations

import ast
import re

import pytest
from gesture_models import GOOD, HZ, MALFORMED, WINDOW, deepest_tree, depth, train
from kitbridge.ai.model import to_words
from kitbridge.deploy.copier import _write
from kitbridge.errors import DeviceError

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


@pytest.fixture(scope="module")
def models():
    return train()


@pytest.fixture
def repl(board):
    """The fresh board's raw REPL, MicroPython just restarted inside it (main.py does not run)."""
    board.repl.interrupt()
    board.repl.enter(soft_reset=True)
    return board.repl


def put(repl, files: dict[str, str]) -> None:
    """Write `files` (name -> text) to the board, then restart for a fresh heap."""
    repl.exec("import os")
    for name, text in files.items():
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
    tree, inputs = deepest_tree()
    put(repl, {"tree.txt": model_file(to_words(tree.to_data()))})
    repl.exec("import kb_d_model_core as C")
    repl.exec(LINES)
    repl.exec(PREDICT)
    before = free(repl)
    repl.exec("R=C.parse(L('tree.txt'))")
    after = free(repl)
    got, ms = predict_on_board(repl, "R", inputs)
    assert [tree.data["labels"][i] for i in got] == tree.predict(inputs)
    figure(f"v1 REPL heap: a depth-6 tree of {len(tree.data['nodes'])} nodes",
           f"{before - after} B parsed, {after} B left; 200 predictions in {ms:.0f} ms")


@pytest.mark.parametrize("text, code, says", MALFORMED)
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
