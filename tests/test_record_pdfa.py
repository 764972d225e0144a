"""The record is an archival PDF/A-3b file (issue 10), checked requirement by requirement on the file read back.

veraPDF, the reference validator, is a Java program that cannot be fetched from the package registries this
project installs from; these structural tests stand in for it (wizard/record_pdfa.py says the same).
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import UTC
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import example_assessment
from wizard.guidance_schema import Guidance
from wizard.model import Assessment
from wizard.record import build_pdf, signed_pdf
from wizard.record_pdfa import ICC_PROFILE, OUTPUT_CONDITION

NS = {"x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      "pdfaid": "http://www.aiim.org/pdfa/ns/id/", "dc": "http://purl.org/dc/elements/1.1/",
      "pdf": "http://ns.adobe.com/pdf/1.3/", "xmp": "http://ns.adobe.com/xap/1.0/"}


@pytest.fixture(scope="module")
def final() -> Assessment:
    return example_assessment()


@pytest.fixture(scope="module")
def reader(final: Assessment, guidance: Guidance) -> PdfReader:
    return PdfReader(io.BytesIO(build_pdf(final, guidance)))


def _pdf_date(when) -> str:
    return when.astimezone(UTC).strftime("D:%Y%m%d%H%M%S+00'00'")


def test_xmp_says_pdfa_3b_and_repeats_the_document_information(reader: PdfReader, final: Assessment):
    meta = reader.trailer["/Root"]["/Metadata"].get_object()
    assert meta["/Type"] == "/Metadata" and meta["/Subtype"] == "/XML"
    assert "/Filter" not in meta, "the XMP packet stays readable without decoding"
    desc = ET.fromstring(meta.get_data()).find("rdf:RDF/rdf:Description", NS)
    assert desc is not None

    def one(path: str) -> str:
        found = desc.find(path, NS)
        assert found is not None, path
        return found.text or ""

    assert (one("pdfaid:part"), one("pdfaid:conformance")) == ("3", "B")
    info = reader.metadata
    assert one("dc:title/rdf:Alt/rdf:li") == info["/Title"]
    assert one("dc:creator/rdf:Seq/rdf:li") == info["/Author"]
    assert one("dc:description/rdf:Alt/rdf:li") == info["/Subject"]
    assert one("pdf:Keywords") == info["/Keywords"]
    assert one("pdf:Producer") == info["/Producer"]
    assert one("xmp:CreatorTool") == info["/Creator"]
    assert one("xmp:CreateDate") == final.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert one("xmp:ModifyDate") == final.finalised_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_dates_are_the_assessments_own_and_the_file_is_deterministic(reader: PdfReader, final: Assessment,
                                                                          guidance: Guidance):
    info = reader.metadata
    assert info["/CreationDate"] == _pdf_date(final.created_at)
    assert info["/ModDate"] == _pdf_date(final.finalised_at)
    draft = final.model_copy(update={"status": "draft", "finalised_at": None})
    assert PdfReader(io.BytesIO(build_pdf(draft, guidance))).metadata["/ModDate"] == _pdf_date(final.updated_at)
    assert build_pdf(final, guidance) == build_pdf(final, guidance)


def test_an_srgb_output_intent_with_the_committed_profile(reader: PdfReader):
    from PIL import ImageCms

    (intent,) = [i.get_object() for i in reader.trailer["/Root"]["/OutputIntents"]]
    assert intent["/Type"] == "/OutputIntent" and intent["/S"] == "/GTS_PDFA1"
    assert intent["/OutputConditionIdentifier"] == OUTPUT_CONDITION
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.get_data() == ICC_PROFILE.read_bytes()
    icc = ImageCms.ImageCmsProfile(io.BytesIO(ICC_PROFILE.read_bytes()))
    assert ImageCms.getProfileDescription(icc).strip() == "sRGB built-in"
    assert icc.profile.xcolor_space.strip() == "RGB" and icc.profile.device_class == "mntr"
    assert (ICC_PROFILE.parent / "README.md").read_text().count("Licence") == 1


def test_the_assessment_json_is_an_associated_source_file(reader: PdfReader, final: Assessment):
    root = reader.trailer["/Root"]
    (spec,) = [s.get_object() for s in root["/AF"]]
    assert spec["/F"] == spec["/UF"] == "assessment.json"
    assert spec["/AFRelationship"] == "/Source"
    stream = spec["/EF"]["/F"].get_object()
    assert stream["/Subtype"] == "/application/json"
    assert stream["/Params"]["/ModDate"] == _pdf_date(final.finalised_at)
    names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    assert names[1].get_object() == spec, "the same file specification in the name tree and in /AF"


def test_every_font_is_embedded_and_nothing_active(reader: PdfReader):
    fonts = {}
    for page in reader.pages:
        for name, ref in (page["/Resources"].get("/Font") or {}).items():
            fonts[name] = ref.get_object()
    assert fonts
    for name, font in fonts.items():
        descriptor = font.get("/FontDescriptor")
        if descriptor is None and "/DescendantFonts" in font:
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert descriptor is not None, name
        descriptor = descriptor.get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), (name, font["/BaseFont"])
    root = reader.trailer["/Root"]
    assert not any(k in root for k in ("/OpenAction", "/AA", "/AcroForm")) and "/JavaScript" not in root["/Names"]
    assert "/Encrypt" not in reader.trailer and len(reader.trailer["/ID"]) == 2


def test_a_signed_record_keeps_its_archival_parts(final: Assessment, guidance: Guidance, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("WIZARD_DATA_DIR", str(tmp_path))
    root = PdfReader(io.BytesIO(signed_pdf(final, guidance))).trailer["/Root"]
    assert {"/Metadata", "/OutputIntents", "/AF", "/Lang"} <= set(root.keys())
    assert "/AcroForm" in root, "the signature field"


def test_file_syntax_pdfa_asks_for(final: Assessment, guidance: Guidance):
    import re

    pdf = build_pdf(final, guidance)
    assert pdf.startswith(b"%PDF-1.") and all(b > 127 for b in pdf.split(b"\n")[1][1:5]), "a binary comment"
    ends = [m.start() for m in re.finditer(rb"endstream", pdf)]
    assert ends and all(pdf[i - 1:i] == b"\n" for i in ends), "an end of line before every endstream"
    starts = [m.end() for m in re.finditer(rb"[^d]stream", pdf)]
    assert all(pdf[i:i + 1] == b"\n" or pdf[i:i + 2] == b"\r\n" for i in starts), "an end of line after stream"
    # The end of line is outside /Length: a strict reader finds every stream whole.
    strict = PdfReader(io.BytesIO(pdf), strict=True)
    assert all(page.extract_text() for page in strict.pages)


def test_a_time_without_a_zone_is_utc_on_every_machine(final: Assessment, guidance: Guidance, tmp_path: Path):
    """An imported file may carry times without a zone: the record must not depend on the machine's."""
    import subprocess
    import sys

    naive = final.model_copy(update={"created_at": final.created_at.replace(tzinfo=None)})
    source = tmp_path / "naive.json"
    source.write_text(naive.model_dump_json(), encoding="utf-8")
    code = ("import sys, hashlib; from pathlib import Path; from wizard.formats import read_document; "
            "from wizard.guidance import load_guidance; from wizard.record import build_pdf; "
            "a = read_document(Path(sys.argv[1]).read_bytes()); "
            "print(hashlib.sha256(build_pdf(a, load_guidance('en'))).hexdigest())")
    root = Path(__file__).resolve().parent.parent
    digests = {subprocess.run([sys.executable, "-c", code, str(source)], cwd=root, capture_output=True, text=True,
                              timeout=120, env={"TZ": tz, "PATH": "/usr/bin:/bin"}).stdout.strip()
               for tz in ("UTC", "Asia/Kolkata", "America/Los_Angeles")}
    assert len(digests) == 1 and len(next(iter(digests))) == 64, digests
