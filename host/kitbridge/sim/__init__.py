"""The simulated board: the real firmware files under CPython, fake MicroPython modules bound to a
World model, on a pseudo-terminal that the host opens with pyserial like any USB board.

    from kitbridge.sim import SimBoard
    with SimBoard("mpython") as sim:
        port = sim.port          # /dev/pts/N
        sim.world.press("a")
"""

from .board import SimBoard
from .faults import FaultPlan
from .world import Entry, World

__all__ = ["Entry", "FaultPlan", "SimBoard", "World"]
