"""LCD1602 on an I2C backpack: host class -> `lcd` firmware verb -> fake I2C -> the fake
PCF8574 + HD44780 (sim/fakes/lcd1602.py), which shows only what a real one would."""

from __future__ import annotations

import time

import pytest
from kitbridge import LCD1602, Board, DeviceError
from kitbridge.boards import load_board
from kitbridge.sim.fakes.lcd1602 import LCD1602Chip
from kitbridge.sim.world import World


@pytest.fixture
def board():
    with Board("sim?baud=0") as board:
        yield board


def wire_lcd(board, address=0x27):
    world = board.sim.world
    return world.buses.i2c().attach(LCD1602Chip(world), address)


def test_show_puts_two_rows_on_the_screen(board):
    chip = wire_lcd(board)
    lcd = LCD1602(board)
    lcd.show("Hello", "kit world")
    assert chip.lines == ("Hello", "kit world")
    assert board.sim.world.value("lcd 0x27") == ("Hello", "kit world")
    assert chip.backlight


def test_write_goes_to_a_row_and_column_over_what_was_there(board):
    chip = wire_lcd(board)
    lcd = LCD1602(board)
    lcd.show("Temp:  20 C")
    lcd.write("23", row=0, column=7)
    lcd.write("100%", row=1, column=12)
    assert chip.lines == ("Temp:  23 C", "            100%")
    lcd.clear()
    assert chip.lines == ("", "")


def test_the_backlight_turns_off_and_on(board):
    chip = wire_lcd(board)
    lcd = LCD1602(board)
    lcd.backlight = False
    assert not chip.backlight and not lcd.backlight
    lcd.write("dark")  # text keeps the backlight as it is
    assert not chip.backlight and chip.lines[0] == "dark"
    lcd.backlight = True
    assert chip.backlight
    assert [e.value for e in board.sim.world.history("lcd 0x27 backlight")][-2:] == [0, 1]


def test_a_backpack_at_0x3f(board):
    chip = wire_lcd(board, 0x3F)
    LCD1602(board, 0x3F).show("at 3F")
    assert chip.lines[0] == "at 3F"


def test_no_lcd_at_the_address_is_a_device_error_naming_address_and_pins(board):
    wire_lcd(board, 0x3F)
    with pytest.raises(DeviceError, match=r"LCD answers at 39 \(0x27\) on SCL pin 19, SDA pin 20"):
        LCD1602(board)


def test_values_out_of_range_name_the_range(board):
    wire_lcd(board)
    lcd = LCD1602(board)
    with pytest.raises(ValueError, match=r"row must be a whole number 0\.\.1"):
        lcd.write("x", row=2)
    with pytest.raises(ValueError, match=r"column must be a whole number 0\.\.15"):
        lcd.write("x", column=16)
    with pytest.raises(ValueError, match="room for 4"):
        lcd.write("hello", column=12)
    with pytest.raises(ValueError, match="holds 16 characters"):
        lcd.show("x" * 17)
    with pytest.raises(ValueError, match=r"0x08\.\.0x77"):
        LCD1602(board, 0x99)
    with pytest.raises(ValueError, match="printable ASCII"):
        lcd.write("°C")


def test_an_lcd_on_a_microbit():
    with Board("sim:microbit-v2?baud=0") as board:
        chip = wire_lcd(board)
        LCD1602(board).show("micro:bit")
        assert chip.lines == ("micro:bit", "")


def _nibbles(chip, *nibbles, rs=0):
    for n in nibbles:
        d = n << 4 | 8 | rs
        chip.write(bytes([d | 4, d]))


def test_the_fake_lcd_needs_the_wake_up_sequence_and_waits_after_clear():
    chip = LCD1602Chip(World(load_board("mpython")))
    _nibbles(chip, 0x0, 0xC)  # 4-bit "display on" before the wake-up: two 8-bit transfers, 0x00 and 0xC0
    assert not chip.display_on and chip.addr == 0x40  # 0xC0 moved the cursor to row 2
    _nibbles(chip, 3, 3, 3, 2)  # wake up, then 4-bit mode
    _nibbles(chip, 0x0, 0xC)  # display on
    _nibbles(chip, 0x8, 0x0)  # cursor to row 1, column 0
    _nibbles(chip, 0x4, 0x1, rs=1)  # "A"
    assert chip.lines == ("A", "")
    _nibbles(chip, 0x0, 0x1)  # clear: busy for 1.52 ms
    _nibbles(chip, 0x4, 0x2, rs=1)  # sent too soon: lost
    assert chip.lines == ("", "")
    time.sleep(0.003)
    _nibbles(chip, 0x4, 0x2, rs=1)
    assert chip.lines == ("B", "")
