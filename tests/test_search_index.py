"""Indexed text search (issue 14): the trigram index (SQLite FTS5, PostgreSQL pg_trgm) finds exactly what the
substring search it replaces found: the same assessments, for short and long texts, accents, Chinese, quotes
and the characters LIKE treats specially, on both engines."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text as sql

from tests.conftest import statements_sent
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
           "e", "7e b", "exp-2024-0007", "exp-2021-01"]


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


def test_a_list_page_and_its_count_are_one_statement(searched):
    searched.list(ListFilter(text="police"))  # a text's plan is worked out once, then kept
    for f in (ListFilter(), ListFilter(text="police"), ListFilter(text="po"), ListFilter(status="draft"),
              ListFilter(text="police", status="draft"), ListFilter(text="nothing-like-this")):
        searched.list(f)
        with statements_sent(searched.engine) as sent:
            page = searched.list(f, page_size=10)
        assert len(sent) == 1, (f, sent)
        assert page.total >= len(page.rows)
    with statements_sent(searched.engine) as sent:  # past the end: the last page, with a count of its own
        page = searched.list(ListFilter(text="police"), page=999, page_size=10)
    assert page.page == page.pages and page.rows and len(sent) == 3


@pytest.mark.postgres
@pytest.mark.parametrize("store_url", ["postgres"], indirect=True)  # SQLite's trigram table has no such cost
def test_postgresql_looks_a_reference_up_by_its_rarest_word(store_url):
    s = Store(store_url)
    for i in range(20):
        a = Assessment(id=f"r{i:05d}")
        a.case.reference, a.case.end_user = f"LIC-2024-{i:06d}", "Ministry of Interior"
        s.create(a, "Officer")
    with s.engine.begin() as conn:  # the bulk of them quickly: only the list columns matter here
        conn.execute(sql("INSERT INTO assessments (id, version, revision, status, archived, training, reference, "
                         "importing_state, end_user, officer, created_at, updated_at, search, guidance_version, "
                         "review_status, officer_id) SELECT 'bulk' || g, 1, 1, 'draft', false, false, "
                         "'LIC-2024-' || lpad(g::text, 6, '0'), 'X', 'Ministry of Interior', 'O', now(), now(), "
                         "'lic-2024-' || lpad(g::text, 6, '0') || chr(31) || 'ministry of interior', '', 'none', "
                         "'name:O' FROM generate_series(20, 2999) g"))
        conn.execute(sql("ANALYZE assessments"))
    # "lic" and "202" are in every row: the index would read all 3,000 entries for each, so the plan looks up
    # the number alone and tests the whole text on the few rows found.
    plan = s._text_plan("lic-2024-000017")
    assert (plan.probe, plan.common) == ("000017", False)
    assert [r.id for r in s.list(ListFilter(text="LIC-2024-000017")).rows] == ["r00017"]
    assert s.list(ListFilter(text="lic-2024-00001")).total == 10
    s.close()


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_sqlite_fetches_a_rare_texts_rows_by_the_trigram_tables_list(store_url):
    """Left to itself, SQLite walked the sort order's index and tested every row against the trigram table's
    list (18 ms at 100,000 assessments, growing with them)."""
    s = Store(store_url)
    for a in _corpus(random.Random(5), 60):
        s.create(a, "Officer")
    with s.engine.begin() as conn:
        conn.execute(sql("ANALYZE"))
    s.list(ListFilter(text="exp-2024"))  # the plan is worked out first
    with statements_sent(s.engine) as sent:
        s.list(ListFilter(text="exp-2024"))
    statement, params = next((st, p) for st, p in sent if st.lstrip().startswith("SELECT"))
    with s.engine.connect() as conn:
        plan = " | ".join(str(r[3]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params))
    assert "assessments_fts VIRTUAL TABLE" in plan and "ix_assessments_updated" not in plan, plan
    s.close()
