"""Features: known values by hand, and the firmware's integer sums equal to the host's."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import pytest

from kitbridge.ai import NAMES, features, pick, windows

FIRMWARE = Path(__file__).resolve().parents[2] / "firmware" / "kb_d_model_core.py"


def firmware_model():
    spec = importlib.util.spec_from_file_location("kb_d_model_core_under_test", FIRMWARE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # it imports nothing at the top: no board needed
    return module


def test_features_of_a_small_window_by_hand():
    window = [(1000, -10, 0), (-1000, 10, 0), (1000, -10, 0), (-1000, 10, 0)]
    f = dict(zip(NAMES, features(window)))
    assert (f["x.mean"], f["x.var"], f["x.peak"], f["x.energy"], f["x.zc"]) == (0, 1000, 1000, 1000, 3)
    assert (f["y.mean"], f["y.var"], f["y.peak"], f["y.energy"], f["y.zc"]) == (0, 0, 10, 0, 3)
    assert (f["z.mean"], f["z.zc"]) == (0, 0)
    assert features([(-3, 0, 0), (-4, 0, 0)])[0] == -4  # rounds down, negative numbers too


def test_windows_cut_stream_samples_into_mg_without_a_short_tail():
    samples = [(i / 1000, 0.0, -1.0) for i in range(10)]
    cut = windows(samples, 4, 3)
    assert [w[0][0] for w in cut] == [0, 3, 6]  # 9 alone is too short for a window
    assert cut[0][1] == (1, 0, -1000)
    with pytest.raises(ValueError, match="size and step"):
        windows(samples, 0)
    assert pick(features(cut[0]), ["z.mean", "x.peak"]) == [-1000, 3]


def test_the_firmware_computes_the_same_features_for_1000_random_windows():
    fw = firmware_model()
    rng = random.Random(7)
    for _ in range(1000):
        n = rng.randint(1, 60)
        big = rng.choice((5, 300, 8000))
        window = [tuple(rng.randint(-big, big) for _ in range(3)) for _ in range(n)]
        assert fw.features(window) == features(window), window
