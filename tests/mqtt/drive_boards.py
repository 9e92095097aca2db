"""One host process of the classroom test: drive the given boards at once, report JSON on stdout.

    python drive_boards.py BROKER_URL ROUNDS ID=UID [ID=UID ...]
Every board gets ROUNDS hello requests from its own thread; an answer with another board's uid
counts as wrong. The password comes from $KITBRIDGE_MQTT_PASSWORD, never the command line."""

from __future__ import annotations

import json
import sys
import threading
import time

from kitbridge import Board


def drive(url: str, board_id: str, uid: str, rounds: int, result: dict) -> None:
    right = wrong = 0
    times = []
    try:
        with Board(f"{url}/{board_id}") as board:
            for _ in range(rounds):
                start = time.perf_counter()
                answer = board.request("hello")
                times.append(time.perf_counter() - start)
                if f"uid={uid}" in answer.split():
                    right += 1
                else:
                    wrong += 1
    except Exception as exc:  # reported to the test, which fails on it
        result[board_id] = {"error": f"{type(exc).__name__}: {exc}"}
        return
    result[board_id] = {"right": right, "wrong": wrong, "median_ms": sorted(times)[len(times) // 2] * 1000}


def main() -> None:
    url, rounds = sys.argv[1], int(sys.argv[2])
    result: dict = {}
    threads = [threading.Thread(target=drive, args=(url, *pair.split("="), rounds, result))
               for pair in sys.argv[3:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
