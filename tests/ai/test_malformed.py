"""Model data from the wire is checked: bad data gets a typed error, the agent keeps answering,
and the stored model stays as it was."""

from __future__ import annotations

import pytest

from kitbridge.errors import DeviceError

GOOD = "kbm1 tree 50 25 -1 -1 2 1 -1 low high 0 3 0 100 1 2 -1 0 0 0 -1 1 0 0"


def send(board, text: str) -> str:
    board.request("model", "begin")
    words = text.split()
    for i in range(0, len(words), 8):
        board.request("model", "add", *words[i:i + 8])
    return board.request("model", "end")


@pytest.mark.parametrize("text, code, says", [
    ("kbm2 tree 50 25 -1 -1 2 1 -1 low high 0 1 -1 0 0 0", "E_ARG", "kbm1"),
    ("kbm1 forest 50 25 -1 -1 2 1 -1 low high 0 1 -1 0 0 0", "E_ARG", "kind"),
    ("kbm1 tree 50 25 -1 -1 2 1 -1 low high 0 3 0 nan 1 2 -1 0 0 0 -1 1 0 0", "E_ARG", "whole number"),
    ("kbm1 tree 50 25 -1 -1 2 1 -1 low high 0 3 0 1.5 1 2 -1 0 0 0 -1 1 0 0", "E_ARG", "whole number"),
    ("kbm1 tree 50 25 -1 -1 2 1 -1 low high 0 3 0 100 0 2 -1 0 0 0 -1 1 0 0", "E_RANGE", "child"),
    ("kbm1 tree 50 25 -1 -1 2 1 -1 low high 0 3 0 100 1 2 -1 5 0 0 -1 1 0 0", "E_RANGE", "leaf label"),
    ("kbm1 tree 50 25 -1 -1 2 1 -1 low high 0 3 0 100 1 2 -1 0 0 0", "E_ARG", "ends early"),
    ("kbm1 tree 50 25 -1 -1 2 1 -1 low high 0 3 0 100 1 2 -1 0 0 0 -1 1 0 0 7", "E_ARG", "longer"),
    ("kbm1 tree 50 25 -1 -1 2 1 -1 low low 0 1 -1 0 0 0", "E_ARG", "twice"),
    ("kbm1 tree 50 25 -1 -1 2 1 -1 low 9lives 0 1 -1 0 0 0", "E_ARG", "label 1"),
    ("kbm1 tree 50 25 -1 -1 2 1 -1 low high 15 1 -1 0 0 0", "E_RANGE", "feature"),
    ("kbm1 tree 500 25 -1 -1 2 1 -1 low high 0 1 -1 0 0 0", "E_RANGE", "hz"),
    ("kbm1 knn 50 25 -1 -1 2 1 -1 low high 0 3 2 5 0 6 1", "E_RANGE", "samples"),
    ("kbm1 lin 50 25 -1 -1 2 1 -1 low high 0 1 2 3 1000000000", "E_RANGE", "weight"),
    ("kbm1 tree 50 25 -1 -1 2 1 -1 a b 0 27 " + " ".join(
        f"0 0 {i + 1} {i + 2}" if i < 13 else "-1 0 0 0" for i in range(27)), "E_RANGE", "deeper than 12"),
])
def test_bad_model_data_gets_a_typed_error_and_the_board_goes_on(board, text, code, says):
    assert send(board, GOOD).startswith("tree 2 1 25 50")
    stored = board.sim.files["kb_model.txt"]
    with pytest.raises(DeviceError) as caught:
        send(board, text)
    assert caught.value.code == code and says in str(caught.value)
    assert board.request("ping").isdigit()
    assert board.sim.files["kb_model.txt"] == stored
    assert board.request("model", "predict", "3") == "low"
    assert board.request("model", "predict", "101") == "high"


def test_bad_verbs_and_predict_inputs(board):
    send(board, GOOD)
    for args, code in ((("predict", "1,2"), "E_ARG"), (("predict", "x"), "E_ARG"), (("run", "middle"), "E_ARG"),
                       (("fly",), "E_ARG"), (("add", "1"), "E_ARG")):
        with pytest.raises(DeviceError) as caught:
            board.request("model", *args)
        assert caught.value.code == code, args
    board.request("model", "clear")
    assert board.request("model") == "none"
    with pytest.raises(DeviceError) as caught:
        board.request("model", "predict", "1")
    assert caught.value.code == "E_DEVICE"
    board.request("model", "begin")
    with pytest.raises(DeviceError) as caught:
        for _ in range(400):
            board.request("model", "add", *["1"] * 10)
    assert caught.value.code == "E_RANGE" and board.request("ping").isdigit()
