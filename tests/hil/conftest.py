"""The hardware-in-the-loop layer: a real board named with `--board PORT`; skipped without one."""

from __future__ import annotations

import pytest

from kitbridge import Board


@pytest.fixture(scope="module")
def board(request):
    port = request.config.getoption("--board")
    if not port:
        pytest.skip("no real board given: run pytest --board PORT (e.g. /dev/ttyUSB0) to test hardware")
    with Board(port) as board:
        yield board
