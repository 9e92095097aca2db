"""The unix layer: the firmware's ESP32 main loop, unchanged, under MicroPython's unix port.

main.py and kb_hal_esp32.py run as on an ESP32 (sys.stdin.buffer, select.poll, sys.stdout.buffer),
with the heap capped at 64 KB and stdin/stdout on a pty that the test opens with pyserial; a
firmware-style shim stands in for `machine` and `neopixel` (conftest.py says how). Pointers are
8 bytes here, so heap figures bound a 4-byte-pointer ESP32's from above. Skips without the
`micropython` command, except on CI (CI=true), where tools/test installs it.
"""

from __future__ import annotations

import statistics
import time
from collections import deque

from kitbridge import wire

FLOOD = 2000


def fields(answer: str) -> dict[str, str]:
    words = answer.split(" ")
    assert words[0] == "ok", answer
    return dict(word.split("=", 1) for word in words[1:])


def io_pin(board) -> int:
    """A pin that can write, read and read analog, for round trips through the shim's wire."""
    spec = board.spec
    return next(p for p in spec.pins_with("out") if {"in", "analog"} <= spec.pin(p).caps)


def led_off_trace(spec) -> str:
    led = spec.device("led").params
    if spec.device("led").type == "neopixel":
        return "neopixel %d = %r" % (led["gpio"], [(0, 0, 0)] * led["count"])
    return "gpio %d = 0" % led["gpio"]


def test_boot_event_then_hello(board, figure):
    boot = board.wait_for(lambda item: True)
    assert isinstance(boot, wire.Event) and (boot.seq, boot.name) == (1, "boot"), boot
    hello = fields(board.typed("hello"))
    spec = board.spec
    assert hello["proto"] == "1"
    assert hello["board"] == spec.kind
    assert hello["uid"] == "240ac45e0001"  # the shim's machine.unique_id()
    assert (int(hello["rx"]), int(hello["line"])) == (spec.rx_window, spec.max_line)
    heap = int(hello["heap"])
    figure("%s: gc.mem_free() reported by hello" % spec.kind, "%d bytes" % heap)
    # The firmware and its agent must leave at least half of a 64 KB heap to lessons and streams.
    assert 32 * 1024 <= heap < 64 * 1024


def test_framed_ping(board, figure):
    reply = board.request("ping")
    assert reply.ok and 0 <= int(reply.text) < 1 << 24, reply
    times = []
    for _ in range(200):
        start = time.perf_counter()
        board.ok("ping")
        times.append(time.perf_counter() - start)
    figure("%s: framed ping round trip, median of 200" % board.spec.kind,
           "%.2f ms" % (statistics.median(times) * 1000))
    assert board.typed("ping").startswith("ok ")


def test_pin_round_trip_through_the_shim(board):
    p = io_pin(board)
    gpio = board.spec.pin(p).gpio
    board.ok("pin", p, "write", 1)
    assert board.ok("pin", p, "read") == "1"
    assert board.ok("pin", p, "analog") == "1023"
    board.ok("pin", p, "write", 0)
    assert board.ok("pin", p, "read") == "0"
    board.ok("pin", p, "pull", "up")
    assert board.ok("pin", p, "read") == "1"
    board.ok("pin", p, "pull", "down")
    assert board.ok("pin", p, "read") == "0"
    wire_levels = [line for line in board.trace() if line.startswith("gpio %d " % gpio)]
    assert wire_levels[-4:] == ["gpio %d = %d" % (gpio, v) for v in (1, 0, 1, 0)]


def test_flood_within_the_window_is_all_answered(board, figure):
    p = io_pin(board)
    button = sorted(name[7:] for name in board.spec.devices if name.startswith("button_"))[0]
    verbs = [("ping",), ("pin", p, "write", 1), ("pin", p, "read"), ("led",), ("button", button),
             ("pin", p, "write", 0), ("led", 1)]
    for verb in verbs:  # first uses allocate for good (pin objects, the LED strip): not a leak
        board.ok(*verb)
    hello = fields(board.typed("hello"))
    rx = int(hello["rx"])
    requests = [wire.encode_request(i + 1, *verbs[i % len(verbs)]) for i in range(FLOOD)]
    first = len(board.items)
    in_flight: deque[tuple[int, int]] = deque()
    sent = held = peak = 0
    start = time.monotonic()
    for n in range(FLOOD):
        while sent < FLOOD and held + len(requests[sent]) <= rx:
            board.send(requests[sent])
            in_flight.append((sent + 1, len(requests[sent])))
            held += len(requests[sent])
            sent += 1
        peak = max(peak, held)
        reply = board.wait_for(lambda item: isinstance(item, wire.Reply), timeout=5)
        rid, size = in_flight.popleft()
        assert (reply.rid, reply.ok) == (rid, True), "request %d of %d: %r" % (n + 1, FLOOD, reply)
        held -= size
    elapsed = time.monotonic() - start
    assert not in_flight and 0 < peak <= rx
    assert not [item for item in board.items[first:] if isinstance(item, wire.Console)], "unframed lines"
    figure("%s: %d pipelined requests, window %d bytes" % (board.spec.kind, FLOOD, rx),
           "%.2f s, %.0f requests/s, peak %d bytes in flight" % (elapsed, FLOOD / elapsed, peak))
    heap_after = int(fields(board.typed("hello"))["heap"])
    figure("%s: free heap before and after the flood" % board.spec.kind, "%s, %d bytes" % (hello["heap"], heap_after))
    assert heap_after >= int(hello["heap"]) - 1024, "the flood left the heap %d bytes smaller" % (
        int(hello["heap"]) - heap_after)


def test_ctrl_c_is_data_and_its_line_is_not_run(board):
    # On a board's REPL Ctrl-C raises KeyboardInterrupt; here, stdin on a pty, the unix port
    # passes 0x03 through as data (notes/qemu-microbit.md). The line it lands in must not run.
    p = io_pin(board)
    board.ok("pin", p, "write", 1)
    board.send(b"\x03" + wire.encode_request(500, "pin", p, "write", 0))
    refused = board.wait_for(lambda item: isinstance(item, wire.Console) and item.text.startswith("err "))
    assert refused.text == "err E_FRAME not a command"
    assert board.ok("pin", p, "read") == "1", "the request after the 0x03 ran"
    assert board.proc.poll() is None


def test_interrupt_leaves_outputs_safe(board):
    # SIGINT is the unix port's Ctrl-C: KeyboardInterrupt in the loop, then main.py's finally.
    p = io_pin(board)
    board.ok("pin", p, "write", 1)
    board.ok("led", 1)
    before = len(board.trace())
    board.interrupt()
    assert board.exited() == 130, board.stderr()  # the unix port's status for an uncaught KeyboardInterrupt
    after = board.trace()[before:]
    assert "gpio %d = 0" % board.spec.pin(p).gpio in after, after
    assert after[-1] == led_off_trace(board.spec), after


def test_deadman_fires_in_real_time(board, figure):
    p = io_pin(board)
    board.ok("pin", p, "write", 1)
    board.ok("deadman", 200)
    start = time.monotonic()
    event = board.wait_for(lambda item: isinstance(item, wire.Event) and item.name == "deadman", timeout=3)
    waited = time.monotonic() - start
    assert event.args == ("200",)
    assert waited >= 0.15, "the deadman fired %.3f s after the last request, before its 200 ms" % waited
    assert "gpio %d = 0" % board.spec.pin(p).gpio in board.trace()
    figure("%s: deadman 200 ms fired after" % board.spec.kind, "%.0f ms" % (waited * 1000))


def test_reboot_answers_then_resets(board):
    reply = board.request("reboot")
    assert reply.ok, reply
    assert board.exited() == 0, board.stderr()
    assert "reset" in board.trace()
