"""Suite-wide options: the hardware layer runs only with --board PORT."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def pytest_addoption(parser):
    parser.addoption("--board", default=None, help="port of a real board for the hil layer (e.g. /dev/ttyUSB0)")
