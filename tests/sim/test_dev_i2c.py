"""The I2C bus end to end: I2C host class -> `iic` firmware verb -> fake machine.I2C / microbit.i2c
-> the World's I2C wires and the fake chips on them (the mPython board's MSA300 and MMC5983MA)."""

from __future__ import annotations

import math

import pytest
from kitbridge import I2C, Board, DeviceError
from kitbridge.sim.buses import I2CBus
from kitbridge.sim.fakes.i2c import RegisterChip


@pytest.fixture
def board():
    with Board("sim?baud=0") as board:
        yield board


def test_scan_finds_the_mpython_boards_own_chips(board):
    bus = I2C(board)
    assert (bus.scl, bus.sda) == (19, 20)  # from boards/mpython.toml
    assert bus.scan() == [0x26, 0x30, 0x3C]  # accelerometer, compass, OLED


def test_a_chip_plugged_in_later_shows_in_the_scan(board):
    board.sim.world.buses.i2c().attach(RegisterChip(), 0x48)
    assert 0x48 in I2C(board).scan()


def test_registers_are_written_and_read_back(board):
    chip = board.sim.world.buses.i2c().attach(RegisterChip(), 0x50)
    bus = I2C(board)
    bus.write_register(0x50, 0x10, [1, 2, 0xFF])
    assert bytes(chip.regs[0x10:0x13]) == b"\x01\x02\xff"
    assert bus.read_register(0x50, 0x11, 2) == b"\x02\xff"
    bus.write(0x50, 0x10)  # a bare write sets the register pointer
    assert bus.read(0x50, 3) == b"\x01\x02\xff"


def test_msa300_reports_the_worlds_acceleration(board):
    world = board.sim.world
    bus = I2C(board)
    assert bus.read_register(0x26, 0x01) == b"\x13"  # part id
    world.acceleration = (0.5, -0.25, -1.0)
    raw = bus.read_register(0x26, 0x02, 6)
    x, y, z = (int.from_bytes(raw[i:i + 2], "little", signed=True) >> 2 for i in (0, 2, 4))
    assert (x, y, z) == (2048, -1024, -4096)  # 14 bits over +-2 g: 4096 per g
    bus.write_register(0x26, 0x0F, 0x01)  # +-4 g
    z = int.from_bytes(bus.read_register(0x26, 0x06, 2), "little", signed=True) >> 2
    assert z == -2048


@pytest.mark.parametrize("heading", [0, 90, 200, 315])
def test_mmc5983ma_measures_the_field_of_the_worlds_heading(board, heading):
    board.sim.world.heading = heading
    bus = I2C(board)
    assert bus.read_register(0x30, 0x2F) == b"\x30"  # product id
    bus.write_register(0x30, 0x09, 0x01)  # take a measurement
    assert bus.read_register(0x30, 0x08)[0] & 1  # done
    raw = bus.read_register(0x30, 0x00, 7)
    x, y, z = ((raw[2 * i] << 10 | raw[2 * i + 1] << 2 | raw[6] >> (6 - 2 * i) & 3) - 131072 for i in range(3))
    assert round(math.degrees(math.atan2(-x, -y))) % 360 == heading
    assert z > 0  # the field points down into the ground
    bus.write_register(0x30, 0x08, 0x01)
    assert not bus.read_register(0x30, 0x08)[0] & 1  # written 1 clears it


def test_no_chip_at_an_address_is_a_device_error_naming_it_and_the_pins(board):
    with pytest.raises(DeviceError, match=r"0x51.*SCL pin 19, SDA pin 20") as info:
        I2C(board).read_register(0x51, 0)
    assert info.value.code == "E_DEVICE"
    with pytest.raises(DeviceError, match="0x51"):
        I2C(board).write(0x51, b"\x00")


def test_values_out_of_range_are_refused_before_sending(board):
    bus = I2C(board)
    with pytest.raises(ValueError, match=r"0x08\.\.0x77"):
        bus.read_register(0x80, 0)
    with pytest.raises(ValueError, match=r"register must be a whole number 0\.\.255"):
        bus.read_register(0x26, 256)
    with pytest.raises(ValueError, match=r"count must be a whole number 1\.\.32"):
        bus.read_register(0x26, 2, 33)
    with pytest.raises(ValueError, match=r"1\.\.32 bytes"):
        bus.write_register(0x26, 2, bytes(40))
    with pytest.raises(ValueError, match="0..255"):
        bus.write(0x26, [300])


def test_bus_pins_must_be_given_where_the_board_has_none():
    with Board("sim:esp32-devkitc?baud=0") as board:
        with pytest.raises(ValueError, match="no I2C pins of its own: give scl= and sda="):
            I2C(board)
        with pytest.raises(ValueError, match="pin 34 .* cannot be the I2C SDA line"):
            I2C(board, scl=22, sda=34)
        chip = board.sim.world.buses.i2c(scl=22, sda=21).attach(RegisterChip(), 0x40)
        bus = I2C(board, scl=22, sda=21)
        assert bus.scan() == [0x40]
        bus.write_register(0x40, 3, 7)
        assert chip.regs[3] == 7
        assert I2C(board, scl=18, sda=19).scan() == []  # other wires, nothing on them


def test_microbit_reaches_its_bus_through_microbit_i2c():
    with Board("sim:microbit-v2?baud=0") as board:
        chip = board.sim.world.buses.i2c().attach(RegisterChip(), 0x48)
        bus = I2C(board)
        assert (bus.scl, bus.sda) == (19, 20)
        assert 0x48 in bus.scan()
        bus.write_register(0x48, 1, b"\xab")
        assert bus.read_register(0x48, 1) == b"\xab"
        assert chip.regs[1] == 0xAB


def test_the_fake_bus_refuses_what_a_real_one_cannot_do():
    bus = I2CBus("test bus")
    with pytest.raises(OSError) as info:
        bus.write(0x20, b"\x00")
    assert info.value.errno == 19  # ENODEV, as ESP32 MicroPython says
    bus.attach(RegisterChip(), 0x20)
    with pytest.raises(ValueError, match="already has a chip at 0x20"):
        bus.attach(RegisterChip(), 0x20)
    with pytest.raises(ValueError, match="0x08..0x77"):
        bus.attach(RegisterChip(), 0x78)
    bus.detach(0x20)
    assert bus.scan() == []
