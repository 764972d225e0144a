"""Indexed text search (issue 14): the trigram index (SQLite FTS5, PostgreSQL pg_trgm) finds exactly what the
substring search it replaces found: the same assessments, for short and long texts, accents, Chinese, quotes
and the characters LIKE treats specially, on both engines."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text as sql

from wizard.model import Assessment
from wizard.store import ListFilter, Store
from wizard.store_schema import search_key

WORDS = ["Police", "Nationale", "Garde", "côtière", "Brigade", "7e", "Policía", "Guardia", "国家警察", "边防", "50%",
         "under_score", 'say "no"', "Ministère", "ÉTAT", "Velorian", "O'Neill", "back\\slash", "Rapid", "unit"]


def _corpus(rng: random.Random, n: int) -> list[Assessment]:
    out = []
    for i in range(n):
        a = Assessment(id=f"s{i:04d}")
        a.case.reference = f"EXP-{rng.randint(2020, 2026)}-{i:04d} " + rng.choice(WORDS)
        a.case.end_user = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
        out.append(a)
    return out


QUERIES = ["po", "pol", "police", "POLICE", "garde cô", "côtière", "ÉTAT", "état", "国家", "警察", "边", "50%", "%",
           "_", "under_score", '"no"', "o'neill", "back\\", "2026-00", "exp-2024", "unit rapid", "nothing-like-this",
           "e", "7e b"]


@pytest.fixture
def searched(store_url) -> Store:
    s = Store(store_url)
    rng = random.Random(7)
    for a in _corpus(rng, 240):
        s.create(a, "Officer")
    yield s
    s.close()


def test_the_index_finds_exactly_what_the_substring_search_finds(searched):
    docs = {r.id: search_key(r.reference, r.end_user)
            for r in searched.list(ListFilter(include_archived=True), page_size=500).rows}
    assert len(docs) == 240
    for q in QUERIES:
        expected = sorted(aid for aid, key in docs.items() if q.strip().lower() in key)
        found = sorted(r.id for r in searched.list(ListFilter(text=q), page_size=500).rows)
        assert found == expected, q
        assert searched.list(ListFilter(text=q), page_size=5).total == len(expected), q


def test_the_index_follows_edits_and_is_used(searched):
    s = searched.get("s0001")
    a = s.assessment.model_copy(deep=True)
    a.case.end_user = "Coastguard of Ostmarch"
    searched.save(a, s.version, "Officer")
    assert [r.id for r in searched.list(ListFilter(text="ostmarch")).rows] == ["s0001"]
    with searched.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            plan = " ".join(str(r) for r in conn.execute(sql(
                "EXPLAIN QUERY PLAN SELECT rowid FROM assessments_fts WHERE assessments_fts MATCH '\"ostmarch\"'")))
            assert "VIRTUAL TABLE INDEX" in plan, plan
        else:
            indexes = conn.execute(sql("SELECT indexdef FROM pg_indexes WHERE indexname = "
                                       "'ix_assessments_search_trgm'")).scalar_one()
            assert "gin_trgm_ops" in indexes


def test_counting_stops_at_the_cap_and_pages_go_on(store_url, monkeypatch):
    from wizard import store as store_module

    monkeypatch.setattr(store_module, "COUNT_CAP", 50)
    s = Store(store_url)
    for a in _corpus(random.Random(3), 120):
        s.create(a, "Officer")
    first = s.list(ListFilter(), page_size=20)
    assert (first.total, first.exact) == (50, False) and len(first.rows) == 20
    far = s.list(ListFilter(), page=6, page_size=20)  # beyond the counted pages: still served
    assert far.page == 6 and len(far.rows) == 20
    few = s.list(ListFilter(text="国家"), page_size=20)
    assert few.exact and few.total == len({r.id for r in s.list(ListFilter(text="国家"), page_size=200).rows})
    s.close()
