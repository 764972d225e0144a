"""Import and export: whole-document validation, refusals that change nothing, format migration, the CLI."""

from __future__ import annotations

import argparse
import json

import pytest

from tests.test_store import dump, make
from wizard import cli, formats, record_integrity, service
from wizard.model import FORMAT_VERSION, AssessmentFormatError, Item, canonical_json, to_json
from wizard.service import MAX_IMPORT_BYTES
from wizard.store import ImportRefused, Store


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'store.sqlite'}"


@pytest.fixture
def store(url):
    s = Store(url)
    s.create(make(reference="EXISTING"), "alice")
    yield s
    s.close()


def good_doc() -> dict:
    a = make(reference="NEW-1")
    a.case.items = [Item(description="pistols", quantity=20)]
    return json.loads(to_json(a))


def v0_doc() -> dict:
    """The pre-release shape: items top-level, officer inside case."""
    doc = good_doc()
    doc["format_version"] = 0
    doc["items"] = doc["case"].pop("items")
    doc["case"]["officer"] = doc.pop("officer")
    return doc


REFUSALS = [
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe garbage", "not valid JSON"),
    (b"[1, 2]", "must be a JSON object"),
    (b"[" * 100_000, "not valid JSON"),
    ({"format_version": 99}, "newer version"),
    ({"format_version": -1}, "not a known format version"),
    ({"format_version": True}, "not a format version number"),
    ({"format_version": "1"}, "not a format version number"),
    ({"id": "x"}, "format_version: missing"),
]


def _bytes(doc) -> bytes:
    return doc if isinstance(doc, bytes) else json.dumps(doc).encode()


@pytest.fixture
def import_json(store, guidance):
    """Import JSON text as the app and the command line do (``service.import_file``)."""

    def run(text: str | bytes, actor: str = "bob", *, as_new: bool = False, source: str = "a.json",
            into: Store | None = None):
        data = text.encode() if isinstance(text, str) else text
        return service.import_file(into or store, guidance, source, data, actor, as_new=as_new)

    return run


@pytest.mark.parametrize(("doc", "message"), REFUSALS)
def test_malformed_documents_are_refused_and_change_nothing(store, import_json, doc, message):
    before = dump(store)
    with pytest.raises(ImportRefused, match=message):
        import_json(_bytes(doc), "bob")
    assert dump(store) == before


@pytest.mark.parametrize(("path", "value", "message"), [
    (("case", "items", 0, "quantity"), "many", r"case\.items\.0\.quantity: Input should be a valid integer"),
    (("case", "items", 0, "quantity"), -1, r"case\.items\.0\.quantity: Input should be greater than"),
    (("status",), "approved", r"status: Input should be 'draft' or 'final'"),
    (("case", "colour"), "red", r"case\.colour: unknown field"),
    (("id",), "../etc", r"id: String should match pattern"),
])
def test_wrong_types_are_refused_with_the_field_path(store, import_json, path, value, message):
    doc = good_doc()
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    before = dump(store)
    with pytest.raises(ImportRefused, match=message):
        import_json(json.dumps(doc), "bob")
    assert dump(store) == before


def test_one_bad_field_refuses_the_whole_document(store, import_json):
    doc = good_doc()
    doc["case"]["items"].append({"quantity": "x"})  # the first item and everything else is fine
    before = dump(store)
    with pytest.raises(ImportRefused, match=r"case\.items\.1\.quantity"):
        import_json(json.dumps(doc), "bob")
    assert dump(store) == before


def test_oversized_file_is_refused_before_parsing(store, import_json):
    big = b" " * (MAX_IMPORT_BYTES + 1)
    before = dump(store)
    with pytest.raises(ImportRefused, match="limit"):
        import_json(big, "bob")
    assert dump(store) == before


def test_existing_id_is_never_overwritten(store, import_json):
    existing = store.list().rows[0]
    doc = json.loads(store.export_json(existing.id))
    doc["case"]["end_user"] = "someone else"
    before = dump(store)
    with pytest.raises(ImportRefused, match=r"already exists.*different.*--as-new"):
        import_json(json.dumps(doc), "bob")
    with pytest.raises(ImportRefused, match="identical"):
        import_json(store.export_json(existing.id), "bob")
    assert dump(store) == before
    copy = import_json(json.dumps(doc), "bob", as_new=True, source="case.json")
    assert copy.assessment.id != existing.id and copy.assessment.revision == 1
    assert copy.assessment.case.end_user == "someone else"
    assert store.get(existing.id).assessment.case.end_user == "Ministry of Defence"
    assert store.events(copy.assessment.id)[0].note == f"imported from case.json id {existing.id}"


def test_round_trip_keeps_every_byte(store, import_json, tmp_path):
    a = make(reference="RT")
    a.case.items = [Item(description="Überwachung ✓", quantity=1, value=2.5, currency="EUR")]
    stored = store.create(a, "alice")
    text = store.export_json(a.id)
    assert json.loads(text)["format_version"] == FORMAT_VERSION
    other = Store(f"sqlite:///{tmp_path / 'b.sqlite'}")
    assert canonical_json(import_json(text, into=other).assessment) == canonical_json(stored.assessment)
    other.close()


# --- format versions ---

def test_version_0_is_upgraded_on_import(store, import_json):
    doc = v0_doc()
    stored = import_json(json.dumps(doc), "bob")
    a = stored.assessment
    assert a.format_version == 1
    assert a.officer == "A. Officer" and a.case.items[0].description == "pistols"
    assert canonical_json(a) == canonical_json(store.get(a.id).assessment)


def test_upgrade_does_not_touch_its_input_and_chains_to_current():
    doc = v0_doc()
    snapshot = json.dumps(doc, sort_keys=True)
    out = formats.upgrade(doc)
    assert json.dumps(doc, sort_keys=True) == snapshot
    same_ids = {k: doc[k] for k in ("id", "created_at", "updated_at")}
    assert out == good_doc() | same_ids
    assert formats.upgrade(out) == out  # current documents pass through


def test_version_0_with_items_in_both_places_is_refused():
    doc = v0_doc()
    doc["case"]["items"] = []
    with pytest.raises(AssessmentFormatError, match=r"case\.items"):
        formats.upgrade(doc)
    doc = v0_doc()
    doc["officer"] = "x"
    with pytest.raises(AssessmentFormatError, match="officer"):
        formats.upgrade(doc)


# --- command line ---

def ns(url, **kw):
    return argparse.Namespace(database_url=url, **kw)


def test_cli_export_import_list(store, url, tmp_path, capsys):
    aid = store.list().rows[0].id
    out = tmp_path / "a.json"
    assert cli.cmd_export(ns(url, id=aid, output=str(out))) == 0
    assert json.loads(out.read_text())["id"] == aid

    assert cli.cmd_import(ns(url, file=str(out), as_new=False, actor="cli")) == 1
    assert "import refused: an assessment with id" in capsys.readouterr().err
    assert cli.cmd_import(ns(url, file=str(out), as_new=True, actor="cli")) == 0
    assert "imported" in capsys.readouterr().out

    assert cli.cmd_list(ns(url, status=None, text="existing", all=False, limit=10)) == 0
    listed = capsys.readouterr()
    assert listed.out.count("EXISTING") == 2 and "2 of 2 shown" in listed.err
    assert cli.cmd_list(ns(url, status="approved", text=None, all=False, limit=10)) == 2
    assert cli.cmd_export(ns(url, id="missing", output=str(tmp_path / "m.json"))) == 1
    assert "no assessment with id 'missing'" in capsys.readouterr().err


def test_cli_import_refusal_names_the_field(store, url, tmp_path, capsys):
    doc = good_doc()
    doc["case"]["items"][0]["quantity"] = "lots"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    before = dump(store)
    assert cli.cmd_import(ns(url, file=str(bad), as_new=False, actor="cli")) == 1
    assert "import refused: case.items.0.quantity: Input should be a valid integer" in capsys.readouterr().err
    assert dump(store) == before
    assert cli.cmd_import(ns(url, file=str(tmp_path / "absent.json"), as_new=False, actor="cli")) == 1
    assert "cannot read" in capsys.readouterr().err


def test_cli_refuses_oversized_file_reading_no_more_than_the_limit(store, url, tmp_path, capsys):
    big = tmp_path / "big.json"
    with big.open("wb") as f:
        f.truncate(50 * MAX_IMPORT_BYTES)  # sparse: the size is there, the bytes are not
    before = dump(store)
    assert cli.cmd_import(ns(url, file=str(big), as_new=False, actor="cli")) == 1
    assert "limit" in capsys.readouterr().err
    assert dump(store) == before


def test_cli_pdf_import_goes_through_extract_assessment(store, url, tmp_path, monkeypatch, capsys):
    a = make(reference="FROM-PDF")
    seen = []
    monkeypatch.setattr(record_integrity, "extract_assessment", lambda data: seen.append(data) or a)
    pdf = tmp_path / "RECORD.PDF"
    pdf.write_bytes(b"%PDF-1.7 fake")
    assert cli.cmd_import(ns(url, file=str(pdf), as_new=False, actor="cli")) == 0
    assert seen == [b"%PDF-1.7 fake"]
    assert store.get(a.id).assessment.case.reference == "FROM-PDF"
    assert store.events(a.id)[0].note == "imported from RECORD.PDF"

    def broken(data):
        raise ValueError("no embedded assessment")

    monkeypatch.setattr(record_integrity, "extract_assessment", broken)
    before = dump(store)
    assert cli.cmd_import(ns(url, file=str(pdf), as_new=True, actor="cli")) == 1
    err = capsys.readouterr().err
    assert "import refused: no assessment could be read from the PDF record: no embedded" in err
    assert dump(store) == before
