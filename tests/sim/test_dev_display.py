"""board.display on the mPython board: Display -> `oled` firmware verb -> fake framebuf and
SoftI2C -> the fake SSD1106 on the board's own I2C bus, read back as pixels and text."""

from __future__ import annotations

import pytest
from kitbridge import Board, DeviceError
from kitbridge.devices.oled import Display
from kitbridge.sim.fakes.chips import SSD1106


@pytest.fixture
def board():
    with Board("sim?baud=0") as board:
        yield board


def screen(board) -> SSD1106:
    return board.sim.world.buses.i2c().chip(0x3C)


def test_the_mpython_display_is_the_oled(board):
    assert isinstance(board.display, Display)
    assert (board.display.width, board.display.height) == (128, 64)


def test_text_shows_where_it_was_put(board):
    board.display.text("Hello, kit!", x=0, y=0)
    board.display.text("100%", x=16, y=24)
    assert screen(board).text()[:4] == ["Hello, kit!", "", "", "  100%"]
    assert board.sim.world.value("oled")[0] == "Hello, kit!"


def test_pixels_lines_and_rectangles(board):
    d, oled = board.display, screen(board)
    d.pixel(5, 7)
    assert oled.pixel(5, 7) == 1 and oled.pixel(6, 7) == 0
    d.pixel(5, 7, 0)
    assert oled.pixel(5, 7) == 0
    d.line(0, 63, 127, 0)
    assert oled.pixel(0, 63) == 1 and oled.pixel(127, 0) == 1 and oled.pixel(64, 32) + oled.pixel(63, 32) >= 1
    d.clear()
    d.rect(10, 10, 20, 10)
    assert oled.pixel(10, 10) == oled.pixel(29, 19) == 1 and oled.pixel(15, 15) == 0
    d.rect(10, 10, 20, 10, fill=True)
    assert oled.pixel(15, 15) == 1
    d.fill(1)
    assert all(row == "#" * 128 for row in oled.rows())
    d.clear()
    assert all(row == "." * 128 for row in oled.rows())


def test_without_auto_show_nothing_changes_until_show(board):
    d, oled = board.display, screen(board)
    d.auto_show = False
    d.text("later", 0, 0)
    assert oled.text()[0] == ""
    d.show()
    assert oled.text()[0] == "later"
    d.auto_show = True
    d.text("now", 0, 8)
    assert oled.text()[1] == "now"


def test_values_out_of_range_name_the_range(board):
    d = board.display
    with pytest.raises(ValueError, match=r"x must be a whole number 0\.\.127"):
        d.pixel(128, 0)
    with pytest.raises(ValueError, match=r"y must be a whole number 0\.\.63"):
        d.text("hi", 0, 64)
    with pytest.raises(ValueError, match=r"width must be a whole number 1\.\.128"):
        d.rect(0, 0, 0, 5)
    with pytest.raises(ValueError, match="color is 1"):
        d.pixel(0, 0, 2)
    with pytest.raises(ValueError, match="printable ASCII"):
        d.text("你好")
    with pytest.raises(ValueError, match="at most"):
        d.text("x" * 200)


def test_an_oled_that_does_not_answer_is_a_device_error_naming_it(board):
    board.sim.world.buses.i2c().detach(0x3C)
    with pytest.raises(DeviceError, match=r"OLED answers at 60 \(0x3c\) on SCL pin 19, SDA pin 20"):
        board.display.text("hi")


def test_the_chip_stays_dark_until_switched_on():
    from kitbridge.boards import load_board
    from kitbridge.sim.world import World

    oled = SSD1106(World(load_board("mpython")))
    oled.write(b"\x00\xa1\xc8\xb0\x02\x10")
    oled.write(b"\x40\xff")
    assert oled.pixel(0, 0) == 0  # display off
    oled.write(b"\x00\xaf")
    assert [oled.pixel(0, y) for y in range(9)] == [1] * 8 + [0]


def test_boards_without_a_display_name_the_boards_that_have_one():
    with Board("sim:esp32-devkitc?baud=0") as board, pytest.raises(ValueError, match="boards with one: .*mpython"):
        _ = board.display


def test_the_microbit_display_is_its_led_matrix():
    from kitbridge.devices.matrix import LEDMatrix

    with Board("sim:microbit-v2?baud=0") as board:
        assert isinstance(board.display, LEDMatrix)
