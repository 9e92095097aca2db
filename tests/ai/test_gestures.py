"""Gestures recorded from the simulated board: trained on the host, checked on held-out
recordings, sent to the board, and the board's answers equal to the host's."""

from __future__ import annotations

import logging
import random

import pytest

from gestures import HZ, NAMES, WINDOW
from kitbridge.sim.hand import Hand

from kitbridge.ai import KNN, DecisionTree, Perceptron, from_data
from kitbridge import Board
from kitbridge.ai.onboard import OnBoard, row_pieces

log = logging.getLogger(__name__)


def trained(model, gesture_data):
    train_x, train_y, _, _ = gesture_data
    model.use(NAMES, window=WINDOW, hz=HZ)
    if isinstance(model, DecisionTree):
        # a tree splits greedily: on a few seconds of data, noise features (peak, y, z) can win a
        # split that does not hold on new recordings; the tilt and the shaking alone do
        model.use(["x.mean", "x.var"])
        train_x = [row[:2] for row in train_x]
    return model.fit(train_x, train_y)


def rows_for(model, rows):
    return [row[:2] for row in rows] if isinstance(model, DecisionTree) else rows


def inputs_200(gesture_data) -> list[list[int]]:
    """The held-out rows, then rows near them (each feature moved up to 30 %), 200 in all."""
    _, _, test_x, _ = gesture_data
    rng = random.Random(3)
    rows = [list(r) for r in test_x][:200]
    while len(rows) < 200:
        base = rng.choice(test_x)
        rows.append([v + rng.randint(-abs(v) * 3 // 10 - 5, abs(v) * 3 // 10 + 5) for v in base])
    return rows


@pytest.mark.parametrize("make, least", [(lambda: KNN(k=3), 0.9), (lambda: DecisionTree(max_depth=4), 0.9),
                                         (lambda: Perceptron(epochs=50), 0.8)])
def test_held_out_accuracy(gesture_data, make, least):
    model = trained(make(), gesture_data)
    _, _, test_x, test_y = gesture_data
    test_x = rows_for(model, test_x)
    accuracy = model.score(test_x, test_y)
    log.info("%s: %.1f %% of %d held-out windows", type(model).__name__, 100 * accuracy, len(test_x))
    assert len(test_x) >= 60 and len(set(test_y)) == 4
    wrong = [(row, want, got) for row, want, got in zip(test_x, test_y, model.predict(test_x)) if want != got]
    assert accuracy >= least, f"{type(model).__name__} got {accuracy:.1%} right; wrong: {wrong} {model.data}"


@pytest.mark.parametrize("make", [lambda: KNN(k=3), lambda: DecisionTree(max_depth=4), lambda: Perceptron(epochs=50)])
def test_the_board_predicts_as_the_host_for_200_inputs(board, gesture_data, make):
    model = trained(make(), gesture_data)
    on_board = model.to_board(board, run=False)
    rows = rows_for(model, inputs_200(gesture_data))
    host = model.predict(rows)
    assert [on_board.predict(r) for r in rows] == host
    assert len(set(host)) >= 3  # the inputs reach several labels, not one
    assert from_data(model.to_data()).predict(rows) == host  # saved data predicts the same


def test_the_model_survives_a_reboot_and_decides_with_no_requests(board, gesture_data):
    model = trained(KNN(k=3), gesture_data)
    model.to_board(board, led="shake", run=False)
    assert board.sim.files["kb_model.txt"].startswith(b"kbm1 knn 100 25 19 20 4 6 3 ")
    board.request("reboot")
    assert board.sim.world.wait_for(lambda: board.sim.boots >= 2 and board.sim.state == "running", 5)
    assert board.request("model").startswith("knn 4 6 25 100 ")  # back from kb_model.txt, not sent again
    watcher = OnBoard(board)  # a new handle: nothing was sent since the reboot
    watcher.run()
    world = board.sim.world
    world.acceleration = (0.0, 0.0, -1.0)
    assert watcher.wait(timeout=3) == "still"
    world.acceleration = (-0.6, 0.0, -0.8)
    assert world.wait_for(lambda: watcher.predictions[-1:] == ["tilt_left"], 3)
    world.acceleration = (0.6, 0.0, -0.8)
    assert world.wait_for(lambda: watcher.predictions[-1:] == ["tilt_right"], 3)
    assert not world.led
    hand = Hand(world, 9, "shake")
    hand.start()
    try:
        assert world.wait_for(lambda: watcher.predictions[-1:] == ["shake"] and world.led, 3)
    finally:
        hand.stop()
    assert world.wait_for(lambda: watcher.predictions[-1:] == ["still"] and not world.led, 3)
    watcher.stop()


def test_on_a_micro_bit_v1_each_row_goes_in_pieces_and_the_board_still_agrees(gesture_data):
    model = trained(KNN(k=3), gesture_data)
    rows = inputs_200(gesture_data)[:60]
    with Board("sim:microbit-v1?baud=0") as v1:  # a 32-byte line: 6 features take 3-4 requests
        on_board = model.to_board(v1, run=False)
        assert [on_board.predict(r) for r in rows] == model.predict(rows)


def test_row_pieces_fit_the_line_in_order_and_refuse_a_value_too_long():
    values = ["-1234", "2345", "-3456", "4567", "-5678", "6789"]
    pieces = row_pieces(values, 32)
    assert ",".join(pieces).split(",") == values and len(pieces) > 1
    assert all(len(f"9999 model in {p} *0000") <= 32 for p in pieces[:-1])
    assert len(f"9999 model predict {pieces[-1]} *0000") <= 32
    assert row_pieces(values, 120) == [",".join(values)]  # one request where the line is long
    with pytest.raises(ValueError, match="does not fit a 32-byte line"):
        row_pieces(["1234567890123", "1"], 32)
