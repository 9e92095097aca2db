"""Turning a stream of accelerometer samples into windows, and each window into a few numbers.

A model does not look at raw samples: it looks at *features*, numbers that sum up one window
(say half a second) of movement. For each axis x, y and z we compute five:

    mean     the average reading: which way the board is tilted
    var      the variance: how much the readings spread around the mean (shaking spreads them)
    peak     the largest reading, ignoring its sign: the hardest jolt
    energy   the average of the squared readings: how much movement there is in all
    zc       zero crossings: how often the readings cross their mean (fast shaking crosses often)

Fixed point, so the host and the board compute exactly the same numbers:
samples are whole thousandths of g (mg), and every feature is a whole number, in thousandths of
its unit: mean and peak in mg; var and energy in thousandths of g squared. Divisions round down
(Python's //, also for negative numbers), zc is a plain count. firmware/kb_d_model.py does the
same sums; docs/ai.md has the rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

AXES = ("x", "y", "z")
KINDS = ("mean", "var", "peak", "energy", "zc")
NAMES = tuple(f"{axis}.{kind}" for axis in AXES for kind in KINDS)  # the board numbers them 0..14


def to_mg(sample: Sequence[float]) -> tuple[int, int, int]:
    """A sample (x, y, z in g, or a stream sample with .x .y .z) as whole thousandths of g."""
    x, y, z = (sample.x, sample.y, sample.z) if hasattr(sample, "x") else sample
    return round(x * 1000), round(y * 1000), round(z * 1000)


def windows(samples: Iterable[Sequence[float]], size: int, step: int | None = None) -> list[list[tuple[int, int, int]]]:
    """Cut samples into windows of `size` samples, a new one every `step` samples (default: size,
    so windows do not overlap, as on the board). A last, shorter window is dropped."""
    if size < 1 or (step is not None and step < 1):
        raise ValueError("size and step must be whole numbers of samples, 1 or more")
    step = step or size
    mg = [to_mg(s) for s in samples]
    return [mg[i:i + size] for i in range(0, len(mg) - size + 1, step)]


def features(window: Sequence[Sequence[int]]) -> list[int]:
    """The 15 features of one window of samples in mg, in NAMES order (x.mean, x.var, ... z.zc)."""
    n = len(window)
    if n == 0:
        raise ValueError("a window needs at least one sample")
    result: list[int] = []
    for axis in range(3):
        values = [sample[axis] for sample in window]
        mean = sum(values) // n
        spread = sum((v - mean) * (v - mean) for v in values)
        energy = sum(v * v for v in values)
        peak = max(abs(v) for v in values)
        below = [v < mean for v in values]
        crossings = sum(1 for a, b in zip(below, below[1:]) if a != b)
        result += [mean, spread // (n * 1000), peak, energy // (n * 1000), crossings]
    return result


def pick(row: Sequence[int], names: Sequence[str]) -> list[int]:
    """The features called `names` (e.g. ["x.mean", "x.var"]) out of a full row of 15."""
    return [row[index(name)] for name in names]


def index(name: str) -> int:
    """The board's number for feature `name` (0..14)."""
    if name not in NAMES:
        raise ValueError(f"no feature {name!r}; features are: {', '.join(NAMES)}")
    return NAMES.index(name)
