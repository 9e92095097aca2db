"""Flashing a real ESP32-family board: run with `pytest tests/hil --board PORT` and KITBRIDGE_HIL_FIRMWARE
naming a MicroPython .bin for it (this erases nothing but the image's region, then redeploys the kit)."""

from __future__ import annotations

import os

import pytest
from kitbridge.cli import main


def test_flash_then_deploy_a_real_esp32(request):
    port = request.config.getoption("--board")
    image = os.environ.get("KITBRIDGE_HIL_FIRMWARE")
    if not port or not image:
        pytest.skip("needs --board PORT and KITBRIDGE_HIL_FIRMWARE=/path/to/ESP32_GENERIC.bin")
    assert main(["flash", "--port", port, "--firmware", image]) == 0
    assert main(["deploy", "--port", port]) == 0
    assert main(["doctor", "--port", port]) == 0
