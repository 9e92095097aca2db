"""On the kit's micro:bit v1 image, with the agent running, models sent through the host API
predict exactly as on the host, fit the v1's free heap, survive a restart, and bad model data gets
a typed error.

The kit image (images/microbit-v1.hex) has the agent and the model driver frozen in flash, so
they fit the v1's ~10 KB of heap together. Everything here goes through kitbridge's public API:
Board("qemu:microbit-v1"), model.to_board(board, run=False), OnBoard.predict, board.request(). The
inputs are fed by the driver's test verb: `model predict V,V,...`, after `model in V,V,...` for the
first values, because a row of 6 features does not fit the v1's 32-byte request line in one piece.
Free heap is what the core verb `hello` reports (heap=N, after a gc.collect()), at any time.

Models within the v1's limits (docs/ai.md): k-NN with 30 stored samples of 6 features, trees of
depth <= 6. tests/qemu/test_qemu_model.py runs the model core alone at the REPL of Debian's image.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from gesture_models import GOOD, HZ, MALFORMED, NAMES, WINDOW, deepest_tree, depth, train
from kitbridge import Board
from kitbridge.ai import features, pick
from kitbridge.ai.onboard import OnBoard, chunks
from kitbridge.errors import DeviceError

PORT = "qemu:microbit-v1"
# What the agent must keep free beside a model: its line buffers, replies and events, a stream.
# (With ~1.9 KB free, 2 of 2,000 pipelined requests met a MemoryError: boards/microbit-v1.toml.)
HEAP_FLOOR = 2000


@pytest.fixture(scope="module")
def models():
    return train()


@pytest.fixture(scope="module")
def v1(qemu_tools) -> Iterator[Board]:
    """One emulated micro:bit v1 on the kit image, the kit deployed, the agent running."""
    with Board(PORT) as board:
        yield board


def heap(board: Board) -> int:
    """The agent's free heap now, as `hello` reports it."""
    found = re.search(r"\bheap=(\d+)", board.request("hello"))
    assert found, "hello reports no heap="
    return int(found.group(1))


def agree(on_board: OnBoard, model, inputs: list[list[int]]) -> float:
    """Assert the board's 200 labels equal the host's; the seconds they took over the wire."""
    host = model.predict(inputs)
    start = time.monotonic()
    got = [on_board.predict(row) for row in inputs]  # a row in pieces: model in ..., model predict
    took = time.monotonic() - start
    assert got == host, f"the v1's {model.kind} disagrees on {sum(g != h for g, h in zip(got, host))} of 200"
    assert len(set(host)) >= 3  # the inputs reach several labels, not one
    return took


def send(board: Board, text: str) -> str:
    """Model data words as OnBoard.send sends them, but unchecked by the host: `model end`'s answer."""
    board.request("model", "begin")
    for group in chunks(text.split(), int(board.info["line"])):
        board.request("model", "add", *group)
    return board.request("model", "end")


def test_tree_and_knn_from_the_host_api_predict_on_the_v1_as_on_the_host(v1, models, figure):
    tree, knn, inputs = models
    assert len(knn.data["samples"]) == 30 and len(knn.data["features"]) == 6
    assert depth(tree.data["nodes"]) <= 6
    v1.request("model", "clear")
    started = int(v1.info["heap"])
    figure("v1 kit image, agent running: free heap after the handshake (hello)", f"{started} B")
    before = heap(v1)
    for model, what in ((tree, f"gesture tree ({len(tree.data['nodes'])} nodes, depth {depth(tree.data['nodes'])})"),
                        (knn, "k-NN (30 samples of 6 features)")):
        start = time.monotonic()
        on_board = model.to_board(v1, run=False)
        sent = time.monotonic() - start
        assert isinstance(on_board, OnBoard)
        assert v1.request("model") == f"{model.kind} 4 6 {WINDOW} {HZ} 0"  # stored, not running
        free = heap(v1)
        figure(f"v1 agent: free heap with the {what} loaded",
               f"{free} B ({before - free} B for the model; sent in {sent:.1f} s)")
        assert free >= HEAP_FLOOR, f"the {what} leaves the agent {free} B"
        took = agree(on_board, model, inputs)
        figure(f"v1 agent: 200 {model.kind} predictions over the wire (model in + model predict)", f"{took:.1f} s")
    assert heap(v1) >= HEAP_FLOOR


def test_the_deepest_tree_the_v1_takes_predicts_with_the_agent_as_on_the_host(v1, figure):
    tree, inputs = deepest_tree()
    v1.request("model", "clear")
    before = heap(v1)
    on_board = tree.to_board(v1, run=False)
    free = heap(v1)
    assert free >= HEAP_FLOOR
    took = agree(on_board, tree, inputs)
    figure(f"v1 agent: a depth-6 tree of {len(tree.data['nodes'])} nodes",
           f"{before - free} B, {free} B left; 200 predictions over the wire in {took:.1f} s")


@pytest.mark.parametrize("text, code, says", MALFORMED)
def test_malformed_model_data_gets_a_typed_error_and_the_agent_keeps_its_model(v1, text, code, says):
    assert send(v1, GOOD) == "tree 2 1 25 50 0"
    with pytest.raises(DeviceError) as caught:
        send(v1, text)
    assert caught.value.code == code and says in str(caught.value), str(caught.value)
    assert v1.request("ping").isdigit()
    assert v1.request("model") == "tree 2 1 25 50 0"  # the stored model stays as it was
    assert (v1.request("model", "predict", "3"), v1.request("model", "predict", "101")) == ("low", "high")


@pytest.mark.parametrize("accepted, refused", [
    ([("in", "1,2,3"), ("in", "4,5,6")], ("in", "7")),  # more values than features
    ([("in", "1,2,3")], ("predict", "4,5,6,7")),  # too many, counting those held
    ([("in", "1,2")], ("predict", "3,4")),  # too few
    ([("in", "1")], ("in", "2,x")),  # not whole numbers
    ([], ("predict",)),
])
def test_bad_inputs_to_predict_get_e_arg_and_leave_nothing_held(v1, models, accepted, refused):
    knn, inputs = models[1], models[2]
    if not v1.request("model").startswith("knn"):
        knn.to_board(v1, run=False)
    for args in accepted:
        v1.request("model", *args)
    with pytest.raises(DeviceError) as caught:
        v1.request("model", *refused)
    assert caught.value.code == "E_ARG"
    assert OnBoard(v1).predict(inputs[0]) == knn.predict(inputs[:1])[0]  # nothing was left held


def test_a_stored_model_survives_a_restart_and_decides_with_no_host(qemu_tools, models, figure):
    knn = models[1]
    with Board(PORT, deadman=None) as board:  # no keepalives: the line stays quiet while MicroPython restarts
        samples = {board.accelerometer.raw for _ in range(5)}
        assert len(samples) == 1, f"QEMU's accelerometer moved: {samples}"  # its I2C stub reads a constant
        window = [samples.pop()] * WINDOW
        expected = knn.predict([pick(features(window), NAMES)])[0]
        on_board = knn.to_board(board, led=expected, run=False)
        # Ctrl-C ends the agent (main.py stops), Ctrl-D at the REPL restarts MicroPython: RAM is
        # wiped, the file system stays. (QEMU's system reset would reload the flash image, files too.)
        board.link.write(b"\x03")
        wait_for(lambda: any("Type \"help()\"" in line for line in board.console), 5, "the REPL after Ctrl-C")
        board.link.write(b"\x04")
        label = on_board.wait(timeout=10)  # main.py's boot hook loaded kb_model.txt and runs it
        assert label == expected
        assert board.request("model") == f"knn 4 6 {WINDOW} {HZ} 1"  # stored, and running
        assert on_board.wait(timeout=2) == expected  # it goes on deciding, a window at a time
        assert board.request("led") == "1"  # lit while its own label is predicted
        assert board.request("model") == f"knn 4 6 {WINDOW} {HZ} 1"  # no accelerometer error stopped it
        figure("v1 agent: free heap after a restart, the k-NN loaded by main.py and running", f"{heap(board)} B")
        board.request("model", "stop")
        assert board.request("model") == f"knn 4 6 {WINDOW} {HZ} 0"


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not come within {timeout} s"
        time.sleep(0.02)
