"""HuskyLens end to end: host class -> `husky` firmware verb -> fake I2C or UART -> the fake
camera (sim/fakes/huskylens.py) reporting what is placed in the World's scene."""

from __future__ import annotations

import pytest
from kitbridge import Board, HuskyLens, KitTimeout
from kitbridge.devices.huskylens import Arrow, Block
from kitbridge.sim.fakes.huskylens import HuskyLensCam, frame


@pytest.fixture
def board():
    with Board("sim?baud=0") as board:
        yield board


def wire_i2c(board):
    world = board.sim.world
    return world.buses.i2c().attach(HuskyLensCam(world))


def test_blocks_for_the_faces_in_the_scene(board):
    wire_i2c(board)
    scene = board.sim.world.scene
    scene.place("face", "alice", x=100, y=80, w=50, h=60)
    scene.place("object", "cup", x=250, y=200)  # not a face: face recognition ignores it
    cam = HuskyLens(board)
    cam.algorithm = "face recognition"
    assert cam.blocks() == [Block(100, 80, 50, 60, 0)]
    assert not cam.blocks()[0].learned


def test_the_algorithm_decides_what_the_camera_reports(board):
    fake = wire_i2c(board)
    scene = board.sim.world.scene
    scene.place("face", "alice")
    cup = scene.place("object", "cup", x=40, y=30, w=20, h=25)
    scene.place_line(160, 239, 180, 10)
    cam = HuskyLens(board)
    cam.algorithm = "object_tracking"
    assert fake.algorithm == 1 and cam.algorithm == "object tracking"
    assert cam.blocks() == [Block(40, 30, 20, 25, 0)]
    cup.move(x=300)
    assert cam.blocks()[0].x == 300
    cam.algorithm = "line tracking"
    assert cam.blocks() == []
    assert cam.arrows() == [Arrow(160, 239, 180, 10, 0)]


def test_learning_gives_the_thing_in_the_middle_an_id(board):
    fake = wire_i2c(board)
    scene = board.sim.world.scene
    scene.place("face", "alice", x=160, y=120)
    scene.place("face", "bob", x=20, y=20)
    cam = HuskyLens(board)
    cam.algorithm = "face recognition"
    cam.learn(1)
    fake.teach("bob", 2)
    sight = cam.look()
    assert sight.learned_ids == 2
    assert sorted(b.id for b in sight.blocks) == [1, 2]
    assert cam.blocks(id=2) == [Block(20, 20, 40, 40, 2)]
    assert [b.id for b in cam.look("learned").blocks] == [1, 2]
    cam.forget()
    assert cam.learned_ids == 0
    assert [b.id for b in cam.blocks()] == [0, 0]


def test_wait_for_returns_once_the_id_is_seen_or_times_out(board):
    fake = wire_i2c(board)
    cam = HuskyLens(board)
    cam.algorithm = "tag recognition"
    fake.teach("tag 7", 7)
    with pytest.raises(KitTimeout, match="did not see id 7 within 0.2 s"):
        cam.wait_for(7, timeout=0.2)
    board.sim.world.scene.place("tag", "tag 7", x=60, y=60)
    assert cam.wait_for(7, timeout=2) == Block(60, 60, 40, 40, 7)


def test_the_camera_on_uart(board):
    world = board.sim.world
    fake = world.buses.serial(tx=16, rx=15).attach(HuskyLensCam(world))
    world.scene.place("color", "red", x=10, y=20, w=30, h=30)
    cam = HuskyLens(board, tx=16, rx=15)
    cam.algorithm = "color recognition"
    cam.learn(4)
    assert cam.blocks() == [Block(10, 20, 30, 30, 4)]
    assert fake.learned == {(4, "red"): 4}


def test_a_camera_at_another_baud_rate_does_not_answer(board):
    world = board.sim.world
    fake = world.buses.serial(tx=16, rx=15).attach(HuskyLensCam(world))
    fake.baud = 115200  # its Protocol Type menu set to UART 115200
    with pytest.raises(KitTimeout, match=r"board TX pin 16, RX pin 15"):
        HuskyLens(board, tx=16, rx=15)


def test_nothing_wired_on_uart_is_a_timeout_naming_the_pins(board):
    with pytest.raises(KitTimeout, match=r"HuskyLens did not answer.*TX pin 13, RX pin 14"):
        HuskyLens(board, tx=13, rx=14)


def test_nothing_on_i2c_is_a_timeout_naming_the_address_and_pins(board):
    with pytest.raises(KitTimeout, match=r"HuskyLens answers at 50 \(0x32\) on SCL pin 19, SDA pin 20"):
        HuskyLens(board)


def test_arguments_out_of_range_name_the_range(board):
    wire_i2c(board)
    cam = HuskyLens(board)
    with pytest.raises(ValueError, match="algorithm must be one of: face recognition"):
        cam.algorithm = "dog detection"
    with pytest.raises(ValueError, match=r"id must be a whole number 1\.\.255"):
        cam.learn(0)
    with pytest.raises(ValueError, match=r"id must be a whole number 1\.\.255"):
        cam.blocks(id=256)
    with pytest.raises(ValueError, match="all, blocks, arrows, learned"):
        cam.look("faces")
    with pytest.raises(ValueError, match="I2C .* or on UART"):
        HuskyLens(board, scl=19, sda=20, tx=16, rx=15)
    with pytest.raises(ValueError, match="pin 4 .* cannot send to the camera"):
        HuskyLens(board, tx=4, rx=15)


def test_a_microbit_talks_to_it_on_i2c_only():
    with Board("sim:microbit-v2?baud=0") as board:
        world = board.sim.world
        world.buses.i2c().attach(HuskyLensCam(world))
        world.scene.place("face", "alice")
        assert HuskyLens(board).blocks() == [Block(160, 120, 40, 40, 0)]
        with pytest.raises(ValueError, match="USB line: wire the HuskyLens on I2C"):
            HuskyLens(board, tx=1, rx=2)


def test_the_fake_camera_ignores_frames_with_a_bad_sum(board):
    fake = HuskyLensCam(board.sim.world)
    good = frame(0x2C)
    fake.write(good[:-1] + bytes([good[-1] ^ 1]))
    assert fake.take() == b""
    fake.write(b"\x0c" + good)  # a register byte before the frame, as some libraries send
    assert fake.take() == frame(0x2E)
