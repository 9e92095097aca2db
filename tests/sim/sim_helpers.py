"""Line helpers for the sim tests: frames with checksums, waiting for a line or some text."""

from __future__ import annotations

import re
import time

import pytest


def checksum(text: str) -> str:
    """Fletcher-16 as in the protocol, written independently of both codecs."""
    a = b = 0
    for byte in text.encode("ascii"):
        a = (a + byte) % 255
        b = (b + a) % 255
    return "%04x" % (b * 256 + a)


def frame(rid: int, text: str) -> bytes:
    body = f"{rid} {text}"
    return f"{body} *{checksum(body)}\n".encode("ascii")


def expect_line(ser, pattern: str, timeout: float = 2.0) -> re.Match:
    """Read lines until one matches `pattern` (re.fullmatch); fail naming what came instead."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        raw = ser.readline()
        if not raw:
            continue
        text = raw.decode("ascii", "replace").rstrip("\r\n")
        match = re.fullmatch(pattern, text)
        if match:
            return match
        seen.append(text)
    pytest.fail(f"no line matching {pattern!r} within {timeout} s; got {seen!r}")


def read_until_text(ser, text: bytes, timeout: float = 2.0) -> bytes:
    """Bytes read until `text` appears; fail with what came if it does not."""
    got = b""
    deadline = time.monotonic() + timeout
    while text not in got and time.monotonic() < deadline:
        got += ser.read(max(1, ser.in_waiting))
    assert text in got, f"{text!r} did not come within {timeout} s; got {got[-300:]!r}"
    return got


def wait_until(predicate, timeout: float = 2.0) -> bool:
    """Poll `predicate` every 5 ms until it is true (True) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True
