"""One Board from several threads on a noisy line: every call ends in time, with an answer or a typed error."""

from __future__ import annotations

import threading
import time

from kitbridge import KitError
from kitbridge.sim import FaultPlan


def test_threads_on_a_noisy_line_all_finish_in_time(sim, connect):
    board = connect(sim.port, timeout=0.3)
    sim.faults = FaultPlan(seed=9, drop=0.002, corrupt=0.002, duplicate=0.002)
    overruns, untyped, done = [], [], []

    def worker(label: int) -> None:
        for i in range(40):
            started = time.monotonic()
            try:
                if i % 2:
                    board.pin(label).write_digital(i % 4 // 2)
                else:
                    board.request("ping")
            except KitError:
                pass
            except BaseException as exc:  # collected for the assertion below
                untyped.append(exc)
            if time.monotonic() - started > 0.3 + 0.15:
                overruns.append(time.monotonic() - started)
        done.append(label)

    threads = [threading.Thread(target=worker, args=(label,)) for label in (0, 1, 8, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(done) == [0, 1, 8, 9]
    assert untyped == [] and overruns == []
    sim.faults = None
    assert board.request("ping").isdigit()
