"""Words that only the PDF record uses.

Everything else in the record (screen titles, question, option, field and catalogue labels) comes from the
guidance, so a translation of the guidance translates the record. These few strings can be translated by adding
``record_<key>`` to ``guidance/<lang>/ui.yaml``; until then the English text below is used.
"""

from __future__ import annotations

from typing import Any

from wizard.guidance import Guidance

RECORD_LABELS: dict[str, str] = {
    "title": "Record of an Article 7(4) assessment",
    "header_title": "ATT Art. 7(4) assessment record",
    "record_id": "Record id",
    "revision": "Revision",
    "status": "Status",
    "status_draft": "Draft",
    "status_final": "Final",
    "training": "Training assessment",
    "language": "Language",
    "marking": "Protective marking",
    "no_marking": "(none given)",
    "officer": "Officer",
    "reviewer": "Reviewer",
    "created": "Created",
    "updated": "Last updated",
    "finalised": "Finalised",
    "guidance_version": "Guidance version",
    "guidance_rendered": "{recorded} when assessed; record made with {used}",
    "fingerprint": "SHA-256 fingerprint of the embedded assessment (assessment.json)",
    "determination_box": "Determination",
    "overriding_risk": "Overriding risk",
    "outcome": "Outcome",
    "gbv_ground": "GBV/VAWC a ground for the decision",
    "reasons_brief": "Reasons in brief",
    "reasons_continued": "… (continued in full under “{section}”)",
    "art6_prohibited": "Article 6 prohibits this transfer: at least one question of the Article 6 screen is "
                       "answered “yes”, so the Article 7 assessment does not apply and the transfer shall not "
                       "be authorised.",
    "items": "Items",
    "item_no": "No.",
    "item_description": "Description",
    "item_category": "ATT category",
    "item_quantity": "Quantity",
    "item_value": "Value",
    "flowchart_caption": "The five steps of the Article 7(4) flowchart in the order this tool asks them",
    "flowchart_box": "{index} of {total}",
    "flowchart_number": "flowchart step {n}",
    "flowchart_why": "Mitigation (flowchart step 5) comes before overriding risk (flowchart step 4): the "
                     "overriding-risk finding is made after mitigating measures have been considered "
                     "(Art. 7(3); footnote 7 of the chair's report to CSP11).",
    "answer": "Answer",
    "sources_cited": "Sources cited",
    "no_sources_cited": "No source cited",
    "not_in_register": "{id} (not in the evidence register)",
    "row": "Row",
    "row_form": "Form of GBV/VAWC",
    "no_rows": "No rows.",
    "no_rows_filtered": "No rows: no form of violence reached this table from the earlier step.",
    "finding": "Finding",
    "register": "Evidence register",
    "src_no": "No.",
    "src_title": "Title and reference",
    "src_publisher": "Publisher",
    "src_type": "Type",
    "src_date": "Information dated",
    "src_reliability": "Reliability",
    "src_used_in": "Used in",
    "src_findings": "What it shows",
    "src_not_cited": "not cited",
    "no_sources": "No sources were recorded.",
    "gaps": "Information gaps and questions sent",
    "gap_description": "What is missing",
    "gap_asked_of": "Asked of",
    "gap_art8": "Art. 8(1) request",
    "gap_sent": "Sent",
    "gap_answered": "Answered",
    "gap_response": "Response",
    "no_gaps": "No information gaps were recorded.",
    "consultations": "Consultations",
    "con_who": "Who",
    "con_kind": "Kind",
    "con_on": "When",
    "con_advice": "What they advised",
    "no_consultations": "No consultations were recorded.",
    "checks": "Consistency warnings open when this record was made",
    "no_checks": "None.",
    "severity_error": "must be resolved",
    "severity_warning": "warning",
    "open_items": "Open items",
    "no_open_items": "None: every required question is answered.",
    "state_unanswered": "not answered",
    "state_insufficient": "insufficient information",
    "unshown": "Characters the record's fonts cannot show",
    "unshown_intro": "The fonts embedded in this record have no shape for the characters below, or the "
                     "characters have no visible shape (control and format characters). Where they occur "
                     "they are printed as a red [U+XXXX] marker giving the code point, so nothing typed is "
                     "lost; line breaks start a new line and other white space prints as a space. The "
                     "embedded assessment.json keeps every character exactly as typed.",
    "unshown_field": "Field",
    "unshown_chars": "Characters",
    "determination": "Determination",
    "conditions": "Conditions",
    "review_date": "Review date",
    "triggers": "Triggers for reassessment (Art. 7(7))",
    "signoff": "Sign-off",
    "signature": "Signature",
    "date": "Date",
    "annex": "Annex: the guidance shown at each screen",
    "annex_intro": "The guidance text below is the text the officer saw beside each screen, from guidance "
                   "version {version}.",
    "help": "Help",
    "purpose": "Purpose",
    "legal_basis": "Legal basis",
    "order_note": "Order",
    "guiding_questions": "Guiding questions",
    "indicators": "Indicators",
    "information_sources": "Where to find information",
    "examples": "Worked examples",
    "questions_help": "Questions",
    "yes": "Yes",
    "no": "No",
    "not_answered": "Not answered",
    "insufficient": "Insufficient information",
    "watermark_draft": "DRAFT",
    "watermark_training": "TRAINING",
    "page_x_of_y": "Page {page} of {pages}",
    "footer": "Record {id} · revision {revision} · SHA-256 {fingerprint}…",
    "language_en": "English",
    "language_zh": "Chinese (简体中文)",
    "language_fr": "French",
    "language_es": "Spanish",
    "disclaimer": "About this record",
}


def label(guidance: Guidance, key: str, **kwargs: Any) -> str:
    """A record label: ``record_<key>`` from the guidance's UI strings if present, else the English default."""
    text = guidance.ui.get(f"record_{key}") or RECORD_LABELS[key]
    return text.format(**kwargs) if kwargs else text
