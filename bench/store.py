"""Store benchmark: with N assessments in SQLite, the median time of one autosave and of a list page.

    python bench/store.py [--count 100000] [--runs 30] [--db PATH]

The rows are bulk-inserted (one transaction, executemany), so building 100,000 takes well under a minute.
Aims: autosave < 5 ms, first list page < 50 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from wizard.model import Answer, Assessment, CaseDetails, Determination, Item, Source, to_json
from wizard.store import ListFilter, Store
from wizard.store_schema import assessments, documents, events, search_key

STATES = ["Atlantis", "Borduria", "Carpania", "Syldavia", "Veloria", "Elbonia", "Freedonia", "Genovia"]
USERS = ["Ministry of Defence", "National Police", "Border Guard", "Navy", "Presidential Guard", "Army"]
OFFICERS = [f"officer {i}" for i in range(40)]
OUTCOMES = [None, "authorise", "refuse", "authorise_with_conditions", "suspend"]
BATCH = 5_000


def template() -> Assessment:
    """A realistic, partly answered assessment (about 3 kB of JSON)."""
    a = Assessment(case=CaseDetails(end_use="Law enforcement; crowd control " * 5,
                                    items=[Item(description="9 mm pistols", category="2(1)(h)", quantity=500,
                                                value=250_000, currency="EUR")]),
                   determination=Determination(reasons="Reasons " * 40))
    for step in ("step1", "step2", "step3"):
        for q in range(4):
            a.set_answer(step, f"q{q}", Answer(value="yes", reasons="Because of the reports cited. " * 3,
                                               evidence=["S1"]))
    a.evidence = [Source(id="S1", title="UN report", publisher="OHCHR", type="un", reliability="high")]
    return a


def build(store: Store, count: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    base = json.loads(to_json(template(), indent=None))
    start = datetime(2023, 1, 1, tzinfo=UTC)
    a_rows, d_rows, e_rows = [], [], []

    def flush(conn) -> None:
        conn.execute(insert(assessments), a_rows)
        conn.execute(insert(documents), d_rows)
        conn.execute(insert(events), e_rows)
        a_rows.clear(), d_rows.clear(), e_rows.clear()

    with store.engine.begin() as conn:
        for i in range(count):
            aid = f"b{i:011d}"
            ref, state, user = f"LIC-{2023 + i % 3}-{i:06d}", rng.choice(STATES), rng.choice(USERS)
            officer, outcome = rng.choice(OFFICERS), rng.choice(OUTCOMES)
            status = "final" if outcome and rng.random() < 0.6 else "draft"
            when = start + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
            doc = dict(base, id=aid, status=status, officer=officer, created_at=when.isoformat(),
                       updated_at=when.isoformat(),
                       case=dict(base["case"], reference=ref, importing_state=state, end_user=user),
                       determination=dict(base["determination"], outcome=outcome))
            a_rows.append(dict(id=aid, version=1, revision=1, status=status, archived=rng.random() < 0.05,
                               training=False, reference=ref, importing_state=state, end_user=user,
                               officer=officer, outcome=outcome, created_at=when, updated_at=when,
                               search=search_key(ref, user)))
            d_rows.append(dict(assessment_id=aid, body=json.dumps(doc)))
            e_rows.append(dict(assessment_id=aid, revision=1, version=1, at=when, actor=officer,
                               action="create", path=None, old=None, new=None, note="benchmark"))
            if len(a_rows) >= BATCH:
                flush(conn)
        if a_rows:
            flush(conn)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")  # what a long-lived database has; lets SQLite pick the indexes


def median_ms(fn, runs: int) -> float:
    fn()  # warm-up, not counted
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--count", type=int, default=100_000, help="assessments to store (default 100000)")
    p.add_argument("--runs", type=int, default=30, help="timed runs per figure (default 30)")
    p.add_argument("--db", help="SQLite file to use (default: a temporary one, deleted afterwards)")
    args = p.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.db) if args.db else Path(tmp) / "bench.sqlite"
        store = Store(f"sqlite:///{path}")
        t0 = time.perf_counter()
        if store.count() < args.count:
            build(store, args.count - store.count())
        built = time.perf_counter() - t0
        total = store.count()
        size = path.stat().st_size / 1e6
        print(f"{total:,} assessments in SQLite ({size:.0f} MB), built in {built:.1f} s; "
              f"medians of {args.runs} runs each")

        current = store.get(store.list(page_size=1).rows[0].id)
        state = {"stored": current, "n": 0}

        def autosave() -> None:
            a = state["stored"].assessment.model_copy(deep=True)
            state["n"] += 1
            a.case.end_use = f"edited {state['n']}"
            state["stored"] = store.save(a, state["stored"].version, "bench")

        figures = [("autosave (one field changed, synchronous=FULL)", autosave, 5)]
        lists = [
            ("list page 1, no filter", ListFilter()),
            ("list page 1, status = final", ListFilter(status="final")),
            ("list page 1, importing state", ListFilter(importing_state="Veloria")),
            ("list page 1, officer + outcome", ListFilter(officer="officer 7", outcome="refuse")),
            ("list page 1, date range (one month)", ListFilter(date_from=date(2024, 3, 1),
                                                                date_to=date(2024, 3, 31))),
            ("list page 1, text search 'police'", ListFilter(text="police")),
            ("list page 1, text search 'lic-2024-0421'", ListFilter(text="lic-2024-0421")),
            ("list page 1, archived only", ListFilter(only_archived=True)),
        ]
        figures += [(name, lambda f=f: store.list(f), 50) for name, f in lists]
        figures.append(("list page 100, sorted by reference",
                        lambda: store.list(sort="reference", page=100), 50))
        worst = 0
        for name, fn, aim in figures:
            ms = median_ms(fn, args.runs)
            ok = "ok" if ms < aim else "OVER AIM"
            worst += ms >= aim
            print(f"  {name:<48} {ms:8.2f} ms   (aim < {aim} ms: {ok})")
        store.close()
    return 1 if worst else 0


if __name__ == "__main__":
    sys.exit(main())
