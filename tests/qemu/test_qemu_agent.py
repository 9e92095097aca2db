"""The kit agent running on the emulated micro:bit: handshake, pins, buttons, Ctrl-C, heap."""

import statistics
import time

from kitbridge.deploy import deploy_files, firmware_version

PIN0_GPIO = 1 << 3  # edge pin 0 is nRF51 GPIO 3


def test_hello_reports_board_firmware_and_heap(agent, kit_board, spec, figure):
    words = dict(w.split("=", 1) for w in agent.ok("hello").split())
    assert words["proto"] == "1"
    assert words["fw"] == firmware_version(deploy_files(spec))
    assert words["board"] == "microbit-v1"
    assert int(words["rx"]) == spec.rx_window and int(words["line"]) == spec.max_line
    heap = int(words["heap"])
    assert 0 < heap < spec.heap
    assert heap == kit_board.deploy_report.heap or abs(heap - kit_board.deploy_report.heap) < 512
    figure("free heap after start (hello heap=)", f"{heap} bytes")


def test_ping_answers_board_ticks_and_round_trip(agent, figure):
    first = int(agent.ok("ping"))
    times = []
    for _ in range(50):
        start = time.perf_counter()
        agent.ok("ping")
        times.append(time.perf_counter() - start)
    assert int(agent.ok("ping")) >= first
    figure("kit request 'ping' round trip (median)", "%.2f ms" % (statistics.median(times) * 1000))


def test_pin_write_drives_the_gpio_register(agent, kit_board):
    assert not kit_board.gpio_out() & PIN0_GPIO
    agent.ok("pin", 0, "write", 1)
    assert kit_board.gpio_out() & PIN0_GPIO
    agent.ok("pin", 0, "write", 0)
    assert not kit_board.gpio_out() & PIN0_GPIO


def test_button_press_through_qtest_is_an_event(agent, kit_board):
    agent.wait_board_ms(40)  # the agent's first scan, 20 ms after its start, is the baseline
    kit_board.press("a")
    down = agent.event("button", "a", "down")
    kit_board.release("a")
    up = agent.event("button", "a", "up")
    assert up.seq == down.seq + 1 and up.ticks >= down.ticks
    assert agent.ok("button", "a") == "0"


def test_ctrl_c_stops_the_agent_at_the_prompt_with_outputs_safe(agent, kit_board):
    agent.ok("pin", 0, "write", 1)
    assert kit_board.gpio_out() & PIN0_GPIO
    kit_board.repl.write(b"\x03")
    kit_board.repl.read_until(b">>> ", 3)
    assert not kit_board.gpio_out() & PIN0_GPIO  # main.py's finally: hal.safe()
