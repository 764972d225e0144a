"""A process saving changes is killed with SIGKILL; every save it had acknowledged must survive, intact."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.store import Store

REPO = Path(__file__).resolve().parent.parent

# Saves as fast as it can; prints "ACK id version n" only after save() has returned (the commit is done).
WRITER = """
import sys
from wizard.model import Assessment
from wizard.store import Store
store = Store(sys.argv[1])
stored = store.create(Assessment(), "crash-test")
n = 0
while True:
    a = stored.assessment.model_copy(deep=True)
    n += 1
    a.case.end_use = f"save {n}"
    a.case.reference = f"R{n % 7}"
    stored = store.save(a, stored.version, "crash-test")
    print("ACK", a.id, stored.version, n, flush=True)
"""


def run_and_kill(url: str, writers: int, acks_before_kill: int) -> list[tuple[str, int, int]]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url], stdout=subprocess.PIPE, text=True, env=env,
                              cwd=REPO) for _ in range(writers)]
    acked: list[tuple[str, int, int]] = []
    try:
        for p in procs:
            for _ in range(acks_before_kill):
                line = p.stdout.readline()
                assert line.startswith("ACK"), f"writer stopped early: {line!r}"
                _, aid, version, n = line.split()
                acked.append((aid, int(version), int(n)))
    finally:
        for p in procs:
            p.send_signal(signal.SIGKILL)
        for p in procs:
            # whatever was already in the pipe was also acknowledged (printed after commit)
            for line in p.stdout:
                if line.startswith("ACK") and len(line.split()) == 4:
                    _, aid, version, n = line.split()
                    acked.append((aid, int(version), int(n)))
            p.wait()
            assert p.returncode == -signal.SIGKILL
    return acked


def check(path: Path, acked: list[tuple[str, int, int]]) -> None:
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    store = Store(f"sqlite:///{path}")
    last: dict[str, tuple[int, int]] = {}
    for aid, version, n in acked:
        last[aid] = max(last.get(aid, (0, 0)), (version, n))
    for aid, (version, n) in last.items():
        stored = store.get(aid)
        assert stored.version >= version
        assert int(stored.assessment.case.end_use.split()[1]) >= n
        logged = {e.version: e.new for e in store.events(aid) if e.path == "case.end_use"}
        lost = [(v, k) for a, v, k in acked if a == aid and logged.get(v) != f"save {k}"]
        assert lost == [], "acknowledged saves are missing"
    store.close()


@pytest.mark.parametrize("writers", [1, 2])
def test_acknowledged_saves_survive_sigkill(tmp_path, writers):
    path = tmp_path / "crash.sqlite"
    url = f"sqlite:///{path}"
    Store(url).close()
    rng = random.Random(writers)
    all_acked: list[tuple[str, int, int]] = []
    for _ in range(3):  # kill, restart on the same file, kill again
        acked = run_and_kill(url, writers, rng.randint(20, 80))
        assert acked
        all_acked += acked
        check(path, all_acked)
