"""The raw-REPL session against a real MicroPython 1.9.2 (no raw-paste, a 64-byte input buffer)."""

import os
import signal
import statistics
import threading
import time

import pytest
from kitbridge.errors import DeviceError


@pytest.fixture
def repl(board):
    board.repl.interrupt()
    board.repl.enter()
    return board.repl


def test_exec_returns_stdout(repl):
    assert repl.exec("print(1+2)") == "3\r\n"


def test_exec_raises_the_boards_traceback(repl):
    with pytest.raises(DeviceError, match="ZeroDivisionError") as caught:
        repl.exec("1/0")
    assert caught.value.code == "E_INTERNAL"
    assert repl.exec("print('still here')") == "still here\r\n"


def test_long_code_arrives_whole_and_leaves_no_names_behind(repl):
    # 10x the board's 64-byte input buffer: sent in one go, bytes are lost (notes/qemu-microbit.md)
    code = "s='%s'\nt='\\'\\\\\\n\u00e9'\nprint(len(s), len(t))" % ("k" * 640)
    assert repl.exec(code) == "640 4\r\n"
    assert repl.paste is False  # 1.9.2 answers the raw-paste probe as an old firmware
    assert repl.exec("print('_kb' in globals(), '_ka' in globals())") == "False False\r\n"


def test_long_code_survives_the_board_stalling_mid_upload(board, repl):
    # A board that stops reading for 0.2 s (a busy emulator, a long collection) must lose nothing:
    # the host waits for each piece's answer instead of trusting a rate.
    write = repl.port.write
    writes = 0

    def stalling_write(data):
        nonlocal writes
        writes += 1
        if writes == 3:
            os.kill(board._proc.pid, signal.SIGSTOP)
            threading.Timer(0.2, os.kill, (board._proc.pid, signal.SIGCONT)).start()
        return write(data)

    repl.port.write = stalling_write
    try:
        assert repl.exec("s='%s'\nprint(len(s))" % ("q" * 400)) == "400\r\n"
    finally:
        repl.port.write = write
    assert writes > 10


def test_code_too_big_for_the_heap_is_a_memory_error_and_the_board_recovers(repl):
    repl.exec("import gc\ns='%s'" % ("m" * 60))  # the names this test uses, in the globals first
    free = int(repl.exec("gc.collect();print(gc.mem_free())"))
    with pytest.raises(DeviceError) as caught:
        repl.exec("s='%s'" % ("m" * 6000), timeout=30)
    assert caught.value.code == "E_MEM"
    assert int(repl.exec("gc.collect();print(gc.mem_free())")) >= free - 64


def test_long_code_that_fails_reports_the_traceback_and_frees_its_pieces(repl):
    with pytest.raises(DeviceError, match="NameError"):
        repl.exec("x=1\n" * 40 + "undefined_name")
    assert repl.exec("print('_kb' in globals())") == "False\r\n"


def test_soft_reboot_without_main_py_reaches_the_prompt(repl):
    repl.soft_reboot()
    repl.read_until(b">>> ", 3)
    repl.enter()
    assert repl.exec("print(2*21)") == "42\r\n"


def test_exec_round_trip(repl, figure):
    times = []
    for _ in range(50):
        start = time.perf_counter()
        repl.exec("x=1")
        times.append(time.perf_counter() - start)
    figure("raw-REPL exec 'x=1' round trip (median)", "%.2f ms" % (statistics.median(times) * 1000))
    assert repl.exec("print(x)") == "1\r\n"
