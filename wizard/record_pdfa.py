"""What makes a record an archival PDF/A-3b file, added to ReportLab's document before it is written.

- XMP metadata (``/Metadata``) that says PDF/A-3, conformance B, and repeats the document information
  exactly (title, author, subject, keywords, producer, creator, dates), as PDF/A requires;
- an output intent with the sRGB profile committed in ``wizard/icc/`` (its README says where it comes from);
- the embedded ``assessment.json`` listed in the catalogue's ``/AF`` (associated files) as the record's
  source, with its MIME type and its modification date (the file specification is made in record_canvas);
- CreationDate and ModDate from the assessment's own times (created, and last changed or finalised), so the
  same assessment still gives the same bytes.

Checked by tests/test_record_pdfa.py, requirement by requirement, on the file read back with pypdf. veraPDF
(the reference validator) is a Java program that cannot be fetched from the package registries this project
installs from, so it is not run.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDate,
    PDFDictionary,
    PDFInfo,
    PDFName,
    PDFStream,
    PDFString,
    TimeStamp,
)

ICC_PROFILE = Path(__file__).parent / "icc" / "sRGB.icc"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"


def utc(when: datetime) -> datetime:
    """``when`` in UTC; a time without a zone (an imported file may have one) is taken as UTC, never as the
    local time of whichever machine renders or checks the record."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def timestamp(when: datetime) -> TimeStamp:
    """ReportLab's timestamp for ``when`` (UTC), as ReportLab writes dates."""
    ts = TimeStamp(invariant=1)
    t = calendar.timegm(utc(when).timetuple())
    ts.t, ts.lt = t, tuple(datetime.fromtimestamp(t, UTC).timetuple())
    ts.YMDhms, ts.dhh, ts.dmm, ts.tzname = ts.lt[:6], 0, 0, "UTC"
    return ts


class RecordInfo(PDFInfo):
    """ReportLab's document information with the assessment's own creation and modification dates."""

    def __init__(self, base: PDFInfo, created: datetime, modified: datetime):
        super().__init__()
        self.__dict__.update(base.__dict__)
        self.created, self.modified = created, modified

    def format(self, document: Any) -> bytes:
        d = {
            "Title": PDFString(self.title), "Author": PDFString(self.author), "Subject": PDFString(self.subject),
            "Keywords": PDFString(self.keywords), "Creator": PDFString(self.creator),
            "Producer": PDFString(self.producer),
            "CreationDate": PDFDate(ts=timestamp(self.created)), "ModDate": PDFDate(ts=timestamp(self.modified)),
            "Trapped": PDFName(self.trapped),
        }
        return PDFDictionary(d).format(document)


def _xmp_date(when: datetime) -> str:
    return utc(when).strftime("%Y-%m-%dT%H:%M:%SZ")


def xmp(info: RecordInfo, language: str) -> bytes:
    """The XMP packet: PDF/A identification and the document information, word for word."""
    def text(value: str) -> str:
        return escape(value)

    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <pdfaid:part>3</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{text(info.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{text(info.author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{text(info.subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{text(language)}</rdf:li></rdf:Bag></dc:language>
   <pdf:Keywords>{text(info.keywords)}</pdf:Keywords>
   <pdf:Producer>{text(info.producer)}</pdf:Producer>
   <xmp:CreatorTool>{text(info.creator)}</xmp:CreatorTool>
   <xmp:CreateDate>{_xmp_date(info.created)}</xmp:CreateDate>
   <xmp:ModifyDate>{_xmp_date(info.modified)}</xmp:ModifyDate>
   <xmp:MetadataDate>{_xmp_date(info.modified)}</xmp:MetadataDate>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>""".encode()


class PlainStream(PDFStream):
    """A stream written as it is, with no /Filter entry at all (ReportLab writes an empty one for [])."""

    def format(self, document: Any) -> bytes:
        dictionary = PDFDictionary(self.dictionary.dict.copy())
        dictionary["Length"] = len(self.content)
        return dictionary.format(document) + b"\nstream\n" + self.content + b"\nendstream\n"


def _eol_before_endstream(format_stream: Any) -> Any:
    """PDF/A wants an end-of-line before every ``endstream``; ReportLab 5.1 writes the keyword right after the
    data. The line end is outside the stream's /Length, as the standard says."""
    def format(self: PDFStream, document: Any) -> bytes:
        out = format_stream(self, document)
        return out[:-len(b"endstream\n")] + b"\nendstream\n" if out.endswith(b"endstream\n") else out

    format.wizard_eol = True  # type: ignore[attr-defined]
    return format


# Once per process, for every stream ReportLab writes (records and fact sheets alike): deterministic either way.
if not getattr(PDFStream.format, "wizard_eol", False):
    PDFStream.format = _eol_before_endstream(PDFStream.format)  # type: ignore[method-assign]


def make_archival(doc: Any, *, created: datetime, modified: datetime, language: str, attachment_spec: Any) -> None:
    """Turn ReportLab's ``doc`` (a PDFDocument about to be written) into PDF/A-3b."""
    info = RecordInfo(doc.info, created, modified)
    doc.info = info
    catalog = doc.Catalog
    metadata = PlainStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
                           content=xmp(info, language))
    catalog.Metadata = doc.Reference(metadata)
    profile = PlainStream(PDFDictionary({"N": 3}), content=ICC_PROFILE.read_bytes())
    intent = PDFDictionary({
        "Type": PDFName("OutputIntent"), "S": PDFName("GTS_PDFA1"),
        "OutputConditionIdentifier": PDFString(OUTPUT_CONDITION), "Info": PDFString(OUTPUT_CONDITION),
        "DestOutputProfile": doc.Reference(profile),
    })
    catalog.OutputIntents = PDFArray([doc.Reference(intent)])
    catalog.AF = PDFArray([attachment_spec])
    # ReportLab writes only the catalogue entries it knows of; these two are added for this document.
    catalog.__NoDefault__ = [*type(catalog).__NoDefault__, "OutputIntents", "AF"]
