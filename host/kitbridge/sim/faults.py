"""Line faults for a simulated board: bytes dropped, corrupted, duplicated or held back.

    sim.faults = FaultPlan(seed=7, drop=0.01, corrupt=0.01)   # a noisy cable, both ways
    sim.faults = FaultPlan(seed=1, delay=0.02, delay_s=0.05, direction="to_host")
    sim.faults = None                                           # a good cable again

Each direction draws from its own generator seeded from `seed`, one draw per byte (plus one
for the bit a corruption flips), so which bytes are hit depends only on their position in that
direction's stream: the same plan over the same traffic hits the same bytes. A corrupted byte
has one bit flipped, never into Ctrl-C (0x03): that would stop the firmware, a different fault.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

DIRECTIONS = ("both", "to_board", "to_host")
CTRL_C = 3


@dataclass(frozen=True)
class FaultPlan:
    """Per-byte probabilities of each fault on the line, and which way they apply."""

    seed: int = 0
    drop: float = 0.0  # the byte never arrives
    corrupt: float = 0.0  # one of its bits flips
    duplicate: float = 0.0  # it arrives twice
    delay: float = 0.0  # the line stalls `delay_s` seconds (before the piece that holds the byte)
    delay_s: float = 0.05
    direction: str = "both"

    def __post_init__(self) -> None:
        for name in ("drop", "corrupt", "duplicate", "delay"):
            p = getattr(self, name)
            if not isinstance(p, (int, float)) or not 0 <= p <= 1:
                raise ValueError(f"{name} must be a probability 0..1, not {p!r}")
        if self.drop + self.corrupt + self.duplicate + self.delay > 1:
            raise ValueError("drop + corrupt + duplicate + delay must not exceed 1")
        if not isinstance(self.delay_s, (int, float)) or not 0 <= self.delay_s <= 5:
            raise ValueError(f"delay_s must be 0..5 seconds, not {self.delay_s!r}")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {self.direction!r}")


@dataclass
class FaultCounts:
    dropped: int = 0
    corrupted: int = 0
    duplicated: int = 0
    delayed: int = 0


@dataclass
class Faults:
    """A FaultPlan at work on one line: apply() per direction, and counts of what it did."""

    plan: FaultPlan
    counts: dict[str, FaultCounts] = field(default_factory=lambda: {"to_board": FaultCounts(),
                                                                   "to_host": FaultCounts()})

    def __post_init__(self) -> None:
        self._rng = {d: random.Random(f"{self.plan.seed}:{d}") for d in ("to_board", "to_host")}
        self._lock = threading.Lock()

    def apply(self, data: bytes, direction: str) -> tuple[bytes, float]:
        """The bytes that cross the line instead of `data`, and seconds the line stalls first."""
        plan = self.plan
        if plan.direction not in ("both", direction):
            return data, 0.0
        rng, counts = self._rng[direction], self.counts[direction]
        out = bytearray()
        pause = 0.0
        with self._lock:
            for byte in data:
                r = rng.random()
                bit = rng.randrange(8)
                if r < plan.drop:
                    counts.dropped += 1
                    continue
                r -= plan.drop
                if r < plan.corrupt:
                    counts.corrupted += 1
                    flipped = byte ^ (1 << bit)
                    out.append(flipped if flipped != CTRL_C else byte ^ 0x40)
                    continue
                r -= plan.corrupt
                if r < plan.duplicate:
                    counts.duplicated += 1
                    out += bytes((byte, byte))
                    continue
                r -= plan.duplicate
                if r < plan.delay:
                    counts.delayed += 1
                    pause += plan.delay_s
                out.append(byte)
        return bytes(out), pause

    @property
    def total(self) -> int:
        """Bytes hit by any fault so far, both ways."""
        return sum(c.dropped + c.corrupted + c.duplicated + c.delayed for c in self.counts.values())
