"""Which board kind a MicroPython board is, from what its firmware says of itself."""

from __future__ import annotations

from ..boards import board_kinds
from ..link.rawrepl import RawRepl

# substring of os.uname().machine (lower case) -> board kind; the first that matches wins
MACHINES = (
    ("mpython", "mpython"),  # Labplus firmware names the board (unsure for every release)
    ("micro:bit v1", "microbit-v1"),
    ("nrf51822", "microbit-v1"),
    ("micro:bit v2", "microbit-v2"),
    ("nrf52833", "microbit-v2"),
    ("esp32", "esp32-devkitc"),
)


def kind_from_machine(machine: str) -> str | None:
    text = machine.lower()
    for needle, kind in MACHINES:
        if needle in text:
            return kind
    return None


def detect_kind(repl: RawRepl, timeout: float = 5.0) -> tuple[str | None, str]:
    """(board kind or None, the machine string the board gave)."""
    repl.interrupt(timeout)
    # restart inside the raw REPL (main.py does not run): a stopped agent leaves too little heap to parse
    repl.enter(timeout, soft_reset=True)
    try:
        machine = repl.exec("import os\nprint(os.uname()[4])", timeout).strip()
    finally:
        repl.leave(timeout)
    kind = kind_from_machine(machine)
    return (kind if kind in board_kinds() else None), machine
