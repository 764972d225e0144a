"""A PDF record re-opens as the assessment it records, through the command line and the store's import rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from wizard.formats import read_document
from wizard.store import Store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "complete-assessment.json"


def _wizard(*args: str, db: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wizard", "--database-url", db, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_render_then_import_the_pdf_gives_back_the_same_assessment(tmp_path):
    db = f"sqlite:///{tmp_path}/store.sqlite"
    record = tmp_path / "record.pdf"
    rendered = _wizard("render", str(EXAMPLE), "-o", str(record), db=db)
    assert rendered.returncode == 0, rendered.stderr
    assert _wizard("verify", str(record), db=db).returncode == 0

    imported = _wizard("import", str(record), db=db)
    assert imported.returncode == 0, imported.stderr
    original = read_document(EXAMPLE.read_bytes())
    stored = Store(db).get(original.id).assessment
    assert stored.model_dump(exclude={"updated_at"}) == original.model_dump(exclude={"updated_at"})
    assert stored.status == "final", "a final record imports as final"

    again = _wizard("import", str(record), db=db)
    assert again.returncode == 1 and "already" in again.stderr, "an existing id is never overwritten"
    copy = _wizard("import", str(record), "--as-new", db=db)
    assert copy.returncode == 0, copy.stderr
    assert Store(db).count() == 2


def test_a_pdf_that_is_not_a_record_is_refused_and_nothing_is_stored(tmp_path):
    db = f"sqlite:///{tmp_path}/store.sqlite"
    fake = tmp_path / "not-a-record.pdf"
    fake.write_bytes(b"%PDF-1.4\n% not really a PDF\n")
    result = _wizard("import", str(fake), db=db)
    assert result.returncode == 1
    assert "refused" in result.stderr.lower()
    assert Store(db).count() == 0
