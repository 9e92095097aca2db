"""The client against an in-memory link whose 'board' answers from a Python function."""

from __future__ import annotations

import queue
import threading
import time

import pytest

from kitbridge import wire
from kitbridge.client import Client
from kitbridge.errors import ConnectionLost, DeviceError, FirmwareMismatch, KitTimeout


def frame(head: str, text: str) -> bytes:
    body = f"{head} {text}"
    return f"{body} *{wire.checksum(body)}\n".encode()


class ScriptedLink:
    """A link whose board answers each request line with answer(rid, words) -> bytes or None."""

    name = "scripted"
    board_kind = None

    def __init__(self, answer):
        self.answer = answer
        self.incoming: queue.Queue[bytes] = queue.Queue()
        self.sent: list[bytes] = []
        self.unanswered_bytes = 0
        self.most_unanswered = 0
        self.closed = False
        self.broken = False
        self._lock = threading.Lock()

    def write(self, data: bytes) -> None:
        if self.broken:
            raise ConnectionLost("cable pulled")
        self.sent.append(data)
        text = data.decode().rstrip("\n")
        body, _, _ = text.rpartition(" *")
        rid, *words = body.split(" ")
        with self._lock:
            self.unanswered_bytes += len(data)
            self.most_unanswered = max(self.most_unanswered, self.unanswered_bytes)
        reply = self.answer(rid, words)
        if reply is not None:
            self.push(reply, len(data))

    def push(self, data: bytes, consumed: int = 0) -> None:
        with self._lock:
            self.unanswered_bytes -= consumed
        self.incoming.put(data)

    def read(self, timeout: float) -> bytes:
        if self.broken:
            raise ConnectionLost("cable pulled")
        try:
            return self.incoming.get(timeout=timeout)
        except queue.Empty:
            return b""

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def make_client():
    clients = []

    def make(answer, **kwargs):
        link = ScriptedLink(answer)
        client = Client(link, **kwargs)
        clients.append(client)
        return client, link

    yield make
    for client in clients:
        client.close()


def test_request_matches_reply_by_id(make_client):
    client, link = make_client(lambda rid, words: frame(f"@{rid}", f"ok {' '.join(words)}"))
    assert client.request("ping") == "ping"
    assert client.request("pin", 2, "read") == "pin 2 read"
    assert link.sent[0].startswith(b"1 ping *")


def test_error_replies_become_typed_errors(make_client):
    codes = {"a": "E_RANGE duty 2000 out of range 0..1023", "b": "E_VERB unknown command b",
             "c": "E_PIN no pin 30"}
    client, _ = make_client(lambda rid, words: frame(f"@{rid}", f"err {codes[words[0]]}"))
    with pytest.raises(DeviceError, match="out of range 0..1023") as error:
        client.request("a")
    assert error.value.code == "E_RANGE"
    with pytest.raises(FirmwareMismatch, match="kitbridge deploy"):
        client.request("b")
    with pytest.raises(DeviceError, match="no pin 30"):
        client.request("c")


def test_bad_checksum_is_sent_again(make_client):
    calls = []

    def answer(rid, words):
        calls.append(rid)
        return frame(f"@{rid}", "err E_CHECK bad checksum, not run" if len(calls) == 1 else "ok 7")

    client, _ = make_client(answer)
    assert client.request("ping") == "7"
    assert len(calls) == 2


def test_no_answer_times_out(make_client):
    client, _ = make_client(lambda rid, words: None)
    started = time.monotonic()
    with pytest.raises(KitTimeout, match="no answer"):
        client.request("ping", timeout=0.2)
    assert time.monotonic() - started >= 0.2


def test_pipelined_requests_never_exceed_the_window(make_client):
    held: list[tuple[str, int]] = []
    lock = threading.Lock()

    def answer(rid, words):
        with lock:
            held.append((rid, 0))
        return None  # answered later, by the releaser below

    client, link = make_client(answer)
    client.window = 48

    def releaser():
        answered = 0
        while answered < 200:
            with lock:
                batch, held[:] = list(held), []
            for rid, _ in batch:
                size = next(len(s) for s in link.sent if s.startswith(f"{rid} ".encode()))
                link.push(frame(f"@{rid}", "ok"), size)
                answered += 1
            time.sleep(0.001)

    thread = threading.Thread(target=releaser)
    thread.start()
    pendings = [client.submit("pin", 3, "write", i % 2) for i in range(200)]
    replies = [client.wait(p) for p in pendings]
    thread.join()
    assert all(r.ok for r in replies)
    assert link.most_unanswered <= 48


def test_request_longer_than_the_board_takes_is_refused(make_client):
    client, link = make_client(lambda rid, words: frame(f"@{rid}", "ok"))
    client.max_line = 20
    with pytest.raises(ValueError, match="at most 20"):
        client.request("display", "x" * 30)
    assert link.sent == []


def test_events_reach_handlers_and_gaps_are_counted(make_client):
    client, link = make_client(lambda rid, words: None)
    seen = []
    got = threading.Event()

    def handler(event):
        seen.append(event)
        if len(seen) == 3:
            got.set()

    client.add_handler(handler)
    link.push(frame("@!1 100", "button a down"))
    link.push(frame("@!2 150", "button a up"))
    link.push(frame("@!5 200", "button b down"))
    assert got.wait(2)
    assert [(e.name, e.args) for e in seen] == [("button", ("a", "down")), ("button", ("a", "up")),
                                               ("button", ("b", "down"))]
    assert client.events_lost == 2


def test_a_callback_exception_surfaces_in_the_callers_thread(make_client):
    client, link = make_client(lambda rid, words: frame(f"@{rid}", "ok"))

    def handler(event):
        raise ZeroDivisionError("student bug")

    client.add_handler(handler)
    link.push(frame("@!1 100", "button a down"))
    deadline = time.monotonic() + 2
    with pytest.raises(ZeroDivisionError, match="student bug"):
        while time.monotonic() < deadline:
            client.request("ping")
            time.sleep(0.01)


def test_console_lines_do_not_disturb_requests(make_client):
    def answer(rid, words):
        return b"Traceback (most recent call last):\r\n@not a frame\n" + frame(f"@{rid}", "ok 1")

    client, _ = make_client(answer)
    assert client.request("ping") == "1"
    assert "Traceback (most recent call last):" in client.console
    assert "@not a frame" in client.console


def test_a_pulled_cable_fails_waiting_and_later_requests(make_client):
    client, link = make_client(lambda rid, words: None)
    pending = client.submit("ping")
    link.broken = True
    with pytest.raises(ConnectionLost, match="cable pulled"):
        client.wait(pending, timeout=2)
    with pytest.raises(ConnectionLost):
        client.request("ping")
