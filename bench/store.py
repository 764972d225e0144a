"""Store benchmark: with N assessments (and their event logs), the median and p95 time of one autosave, of a
bare one-row UPDATE with the same durability settings, and of each kind of list page and search.

    python bench/store.py [--engine sqlite|postgresql] [--rows 100000[,1000000]] [--events 50] [--runs 30]
                          [--url URL] [--db PATH] [--rounds 5]

With two sizes the store is built up to the first, measured, grown to the second and measured again, and the
ratio of each operation's median between the sizes is printed: an indexed operation grows little, a scan grows
with the rows. PostgreSQL needs ``--url`` (an empty database: it is filled and left filled). The rows are
bulk-inserted (executemany), so that building is quick. A ``{rows}`` in ``--url`` or ``--db`` gives each size a
database of its own, kept: a later run measures it again without building it again (a million assessments with
50 log entries each take about 20 minutes to build and 11 GB on either engine), and the sizes are measured in
turn, ``--rounds`` times, so that a slow minute of the machine weighs on both alike, e.g.

    python bench/store.py --engine postgresql --rows 100000,1000000 \
        --url postgresql+psycopg://wizard:wizard@127.0.0.1:5432/wizard_b{rows}
    python bench/store.py --rows 100000,1000000 --db /var/tmp/bench-{rows}.sqlite

Aims (issue 14): every list or search operation at most 1.5x slower at 1M than at 100k; autosave at most 1.5x
the bare UPDATE; every list operation under 50 ms at 1M.
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

from sqlalchemy import func, insert, select

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


def build(store: Store, count: int, seed: int = 1, start_at: int = 0, events_per: int = 1) -> None:
    rng = random.Random(seed + start_at)
    base = json.loads(to_json(template(), indent=None))
    start = datetime(2023, 1, 1, tzinfo=UTC)
    a_rows, d_rows, e_rows = [], [], []

    def flush(conn) -> None:
        conn.execute(insert(assessments), a_rows)
        conn.execute(insert(documents), d_rows)
        conn.execute(insert(events), e_rows)
        a_rows.clear(), d_rows.clear(), e_rows.clear()

    with store.engine.begin() as conn:
        for i in range(start_at, start_at + count):
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
            e_rows.extend(dict(assessment_id=aid, revision=1, version=1, at=when, actor=officer, action="edit",
                               path="case.end_use", old=json.dumps(f"v{n}"), new=json.dumps(f"v{n + 1}"), note=None)
                          for n in range(events_per - 1))
            if len(a_rows) >= BATCH or len(e_rows) >= BATCH * 10:
                flush(conn)
        if a_rows:
            flush(conn)
    # What a long-lived database has: statistics for the planner, and on PostgreSQL the visibility map that
    # autovacuum keeps (without it an index-only scan still visits the table).
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE")


def store_events(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(events)).scalar_one()


def settings(store: Store) -> str:
    """The engine, and what its figures depend on: PostgreSQL's shared buffers (the list's index pages are read
    from them, or else from the operating system's cache), SQLite's synchronous setting."""
    with store.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            return f"postgresql, shared_buffers {conn.exec_driver_sql('SHOW shared_buffers').scalar_one()}"
        return f"sqlite, synchronous={conn.exec_driver_sql('PRAGMA synchronous').scalar_one()} (2 = FULL)"


def samples_ms(fn, runs: int) -> list[float]:
    """``runs`` timed calls, in milliseconds (after one warm-up call)."""
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def median_p95(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


LISTS = [
    ("list page 1, no filter", ListFilter()),
    ("list page 1, status = final", ListFilter(status="final")),
    ("list page 1, importing state", ListFilter(importing_state="Veloria")),
    ("list page 1, officer + outcome", ListFilter(officer="officer 7", outcome="refuse")),
    ("list page 1, date range (one month)", ListFilter(date_from=date(2024, 3, 1), date_to=date(2024, 3, 31))),
    ("list page 1, text search 'police'", ListFilter(text="police")),
    ("list page 1, text search 'lic-2024-0421'", ListFilter(text="lic-2024-0421")),
    ("list page 1, archived only", ListFilter(only_archived=True)),
]


def measure(store: Store, runs: int) -> dict[str, list[float]]:
    drafts = store.list(ListFilter(status="draft"), page_size=2).rows  # a final row cannot be changed
    current = store.get(drafts[0].id)
    state = {"stored": current, "n": 0}

    edited = []  # each save's edit is made beforehand: the figure is the store's save, not the caller's copy
    for n in range(runs + 1):
        a = current.assessment.model_copy(deep=True)
        a.case.end_use = f"edited {n}"
        edited.append(a)

    def autosave() -> None:
        a = edited.pop()
        a.updated_at = state["stored"].assessment.updated_at  # as the caller has it: from the last save
        state["stored"] = store.save(a, state["stored"].version, "bench")

    other = drafts[1].id

    def bare_update() -> None:  # one row, one column, one transaction, the same engine and durability settings
        state["n"] += 1
        with store.engine.begin() as conn:
            conn.execute(assessments.update().where(assessments.c.id == other).values(officer=f"o{state['n']}"))

    out = {"autosave (one field changed)": samples_ms(autosave, runs),
           "bare one-row UPDATE, same settings": samples_ms(bare_update, runs)}
    for name, f in LISTS:
        out[name] = samples_ms(lambda f=f: store.list(f), runs)
    out["list page 100, sorted by reference"] = samples_ms(lambda: store.list(sort="reference", page=100), runs)
    first = store.list(page_size=1).rows[0].id
    out["history: newest 200 log entries"] = samples_ms(lambda: store.events(first, limit=200), runs)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--rows", default="100000", help="assessments, or two sizes: 100000,1000000")
    p.add_argument("--events", type=int, default=50, help="log entries per assessment (default 50)")
    p.add_argument("--runs", type=int, default=30, help="timed runs per figure (default 30)")
    p.add_argument("--url", help="PostgreSQL: an empty database's URL (filled and left filled)")
    p.add_argument("--db", help="SQLite file to use (default: a temporary one, deleted afterwards)")
    p.add_argument("--rounds", type=int, default=5,
                   help="with a database per size ({rows}): measure the sizes in turn this many times (default 5)")
    args = p.parse_args(argv)
    sizes = [int(x) for x in args.rows.split(",")]

    if args.engine == "postgresql" and not args.url:
        p.error("--engine postgresql needs --url")
    with tempfile.TemporaryDirectory() as tmp:
        if args.engine == "postgresql":
            url = args.url
        else:
            url = f"sqlite:///{Path(args.db) if args.db else Path(tmp) / 'bench.sqlite'}"
        results = run_sizes(url, sizes, args) if "{rows}" in url else grow_and_measure(url, sizes, args)
    for size, figures in results:
        runs = len(next(iter(figures.values())))  # --runs, rounded up to whole rounds
        print(f"{size:,} assessments: median and p95 of {runs} runs")
        for name, times in figures.items():
            median, p95 = median_p95(times)
            print(f"  {name:<44} median {median:8.2f} ms   p95 {p95:8.2f} ms", flush=True)
    failed = 0
    if len(results) == 2:
        (small, a), (large, b) = results
        print(f"ratios of the medians, {large:,} against {small:,} assessments (aim: lists at most 1.5x; "
              f"every list under 50 ms; autosave at most 1.5x the bare UPDATE)")
        for name in a:
            before, after = median_p95(a[name])[0], median_p95(b[name])[0]
            ratio = after / before if before else float("inf")
            listing = name.startswith(("list", "history"))
            over = listing and (ratio > 1.5 or after >= 50)
            failed += over
            print(f"  {name:<44} {ratio:6.2f}x{'   OVER AIM' if over else ''}")
    for size, figures in results:
        autosave = median_p95(figures["autosave (one field changed)"])[0]
        bare = median_p95(figures["bare one-row UPDATE, same settings"])[0]
        print(f"autosave / bare UPDATE at {size:,}: {autosave / bare:.2f}x (aim at most 1.5x)")
    return 1 if failed else 0


def built(store: Store, size: int, events_per: int) -> None:
    t0 = time.perf_counter()
    have = store.count()
    if have < size:
        build(store, size - have, start_at=have, events_per=events_per)
    print(f"{store.count():,} assessments, {store_events(store):,} log entries, {settings(store)}; built in "
          f"{time.perf_counter() - t0:.0f} s", flush=True)


def grow_and_measure(url: str, sizes: list[int], args) -> list[tuple[int, dict[str, list[float]]]]:
    """One database, built up to each size in turn and measured there."""
    results = []
    with Store(url) as store:
        for size in sizes:
            built(store, size, args.events)
            results.append((size, measure(store, args.runs)))
    return results


def run_sizes(url: str, sizes: list[int], args) -> list[tuple[int, dict[str, list[float]]]]:
    """A database per size, measured in turn, round after round (``--rounds``): whatever else slows the machine
    for a while slows every size alike, and the ratios stay the database's."""
    stores = [Store(url.replace("{rows}", str(size))) for size in sizes]
    try:
        for store, size in zip(stores, sizes, strict=True):
            built(store, size, args.events)
        per_round = max(1, -(-args.runs // args.rounds))
        samples: list[dict[str, list[float]]] = [{} for _ in sizes]
        for _ in range(args.rounds):
            for store, kept in zip(stores, samples, strict=True):
                for name, times in measure(store, per_round).items():
                    kept.setdefault(name, []).extend(times)
        return list(zip(sizes, samples, strict=True))
    finally:
        for store in stores:
            store.close()


if __name__ == "__main__":
    sys.exit(main())
