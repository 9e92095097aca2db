"""Add-ons on pins against the emulated micro:bit v1 (MicroPython 1.9.2, ~10 KB heap). QEMU shows
the GPIO output register, so: an LED and a relay on pin 0 through the core `pin` verb, and the
refusal of what needs a driver the kit's v1 image does not have built in; on Debian's image, the
refusal of a built-in driver's verb, with the fix (flash the kit's image)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kitbridge import LED, Board, DeviceError, Relay

PIN0_GPIO = 1 << 3  # edge pin 0 is nRF51 GPIO 3


@pytest.fixture(scope="module")
def board(qemu_tools) -> Iterator[Board]:
    with Board("qemu:microbit-v1") as b:
        yield b


def lit(board: Board) -> bool:
    return bool(board.link.qemu.gpio_out() & PIN0_GPIO)


def test_an_led_on_pin_0_lights_and_goes_out(board):
    led = LED(board, 0)
    led.on()
    assert lit(board) and led.is_lit
    led.off()
    assert not lit(board) and not led.is_lit


def test_a_relay_on_pin_0_follows_its_trigger_level(board):
    relay = Relay(board, 0, active_high=False)
    assert lit(board), "a low-trigger relay rests with its input high"
    relay.on()
    assert not lit(board)
    relay.off()
    assert lit(board)


def test_blinking_needs_a_driver_the_v1_has_no_room_for(board):
    with pytest.raises(DeviceError, match="no room for the 'blink' driver"):
        LED(board, 0).blink()
    assert board.request("ping").isdigit(), "the board still answers"


def test_on_debians_image_a_built_in_drivers_verb_says_to_flash_the_kits_image(qemu_tools):
    with Board("qemu:microbit-v1?firmware=debian") as board:
        with pytest.raises(DeviceError, match=r"no room for the 'accel' driver: flash the kit's image.*kitbridge flash"):
            _ = board.accelerometer.acceleration
        assert board.request("ping").isdigit(), "the board still answers"
