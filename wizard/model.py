"""The assessment and its parts, with a lossless, format-versioned JSON round trip.

Pydantic does the validation: unknown fields are refused (``extra="forbid"``) and every error names the
field path, so a bad import says exactly what is wrong. No I/O happens here.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Hashable, Iterable
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

FORMAT_VERSION = 1

INSUFFICIENT = "insufficient_information"
"""The answer "insufficient information": a state of its own, never the same as "no"."""

TriState = Literal["yes", "no", "insufficient_information"]
Status = Literal["draft", "final"]
# Refusals carry their legal basis: "refuse" is the Art. 7(3) refusal (an overriding risk); "refuse_art6" a
# prohibition under Article 6; "refuse_other" a refusal on another ground, such as national criteria.
Outcome = Literal["refuse_art6", "refuse", "refuse_other", "authorise", "authorise_with_conditions", "suspend"]
# Which reading of "knowledge" in Art. 6(3) the authority applies (the treaty does not define it).
KnowledgeReading = Literal["actual", "constructive", "substantial_grounds", "other"]
ItemCategory = Literal[
    "2(1)(a)", "2(1)(b)", "2(1)(c)", "2(1)(d)", "2(1)(e)", "2(1)(f)", "2(1)(g)", "2(1)(h)", "3", "4"
]
SourceType = Literal["un", "nhri", "regional", "ngo", "academic", "media", "diplomatic", "government", "closed",
                     "other"]
Reliability = Literal["high", "medium", "low", "unknown"]
ConsultationKind = Literal["gbv_expert", "gender_focal_point", "womens_organisation", "embassy", "un_agency",
                           "other"]

ITEM_CATEGORIES: tuple[str, ...] = ItemCategory.__args__  # type: ignore[attr-defined]
OUTCOMES: tuple[str, ...] = Outcome.__args__  # type: ignore[attr-defined]
SOURCE_TYPES: tuple[str, ...] = SourceType.__args__  # type: ignore[attr-defined]
RELIABILITIES: tuple[str, ...] = Reliability.__args__  # type: ignore[attr-defined]
CONSULTATION_KINDS: tuple[str, ...] = ConsultationKind.__args__  # type: ignore[attr-defined]
KNOWLEDGE_READINGS: tuple[str, ...] = KnowledgeReading.__args__  # type: ignore[attr-defined]
REFUSALS: tuple[str, ...] = ("refuse_art6", "refuse", "refuse_other")
AUTHORISATIONS: tuple[str, ...] = ("authorise", "authorise_with_conditions")

# Text fields are bounded so that one field cannot exhaust memory, yet a 100,000-character reason fits.
LONG_TEXT_MAX = 200_000
SHORT_TEXT_MAX = 2_000
LongText = Annotated[str, Field(max_length=LONG_TEXT_MAX)]
ShortText = Annotated[str, Field(max_length=SHORT_TEXT_MAX)]

# A table cell: free text, one option id, several option ids, or cited evidence ids.
Cell = str | list[str] | None
Row = dict[str, Cell]
AnswerValue = str | list[str] | list[Row] | None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, str_strip_whitespace=False)


class Item(Strict):
    description: LongText = ""
    category: ItemCategory | None = None
    quantity: int | None = Field(default=None, ge=0)
    value: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    currency: ShortText = ""


class CaseDetails(Strict):
    reference: ShortText = ""
    exporter: ShortText = ""
    importing_state: ShortText = ""
    end_user: ShortText = ""
    end_use: LongText = ""
    art8_documents: LongText = ""
    protective_marking: ShortText = ""
    items: list[Item] = Field(default_factory=list)


class Article6Answer(Strict):
    answer: TriState | None = None
    reasons: LongText = ""


class Article6Screen(Strict):
    p1: Article6Answer = Field(default_factory=Article6Answer)
    p2: Article6Answer = Field(default_factory=Article6Answer)
    p3: Article6Answer = Field(default_factory=Article6Answer)
    p3_reading: KnowledgeReading | None = None

    def parts(self) -> dict[str, Article6Answer]:
        return {"p1": self.p1, "p2": self.p2, "p3": self.p3}

    @property
    def prohibited(self) -> bool:
        return any(a.answer == "yes" for a in self.parts().values())

    def prohibiting(self) -> list[str]:
        """The paragraphs of Article 6 answered "yes", as "6(1)", "6(2)", "6(3)"."""
        return [f"6({key[1:]})" for key, a in self.parts().items() if a.answer == "yes"]


class Answer(Strict):
    """The officer's answer to one guidance question.

    ``value`` holds an option id, a list of option ids, free text or table rows, by question type;
    ``insufficient`` marks "insufficient information" for any question type.
    """

    value: AnswerValue = None
    insufficient: bool = False
    reasons: LongText = ""
    evidence: list[str] = Field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        if self.insufficient:
            return False
        return self.value is None or self.value == [] or (isinstance(self.value, str) and not self.value.strip())


class Source(Strict):
    id: Annotated[str, Field(min_length=1, max_length=40)]
    title: LongText = ""
    publisher: ShortText = ""
    type: SourceType = "other"
    info_date: date | None = None
    reference: LongText = ""
    reliability: Reliability = "unknown"
    findings: LongText = ""


class InformationGap(Strict):
    description: LongText = ""
    asked_of: ShortText = ""
    art8_request: bool = False
    sent_on: date | None = None
    answered_on: date | None = None
    response: LongText = ""


class Consultation(Strict):
    who: ShortText = ""
    kind: ConsultationKind = "other"
    on: date | None = None
    advice: LongText = ""


class ItemOutcome(Strict):
    """The outcome for one of the case's items, named by its index in ``case.items`` (items have no ids)."""

    item: int = Field(ge=0, strict=True)  # an index exactly: JSON true or "1" is refused, not read as 1
    outcome: Outcome
    note: LongText = ""


class Determination(Strict):
    overriding_risk: TriState | None = None
    # The outcome of the whole licence: stated by the officer, or (with ``item_outcomes``) the one every item
    # shares (``wizard.item_outcomes.overall_outcome``).
    outcome: Outcome | None = None
    gbv_ground: bool | None = None
    reasons: LongText = ""
    conditions: LongText = ""
    review_date: date | None = None
    reassessment_triggers: LongText = ""
    # Empty: one outcome for the whole licence. Otherwise an outcome per item, decided item by item.
    item_outcomes: list[ItemOutcome] = Field(default_factory=list)

    @field_validator("item_outcomes")
    @classmethod
    def _one_outcome_per_item(cls, outcomes: list[ItemOutcome]) -> list[ItemOutcome]:
        if (item := _repeated(o.item for o in outcomes)) is not None:
            raise ValueError(f"item {item} has more than one outcome")
        return outcomes


def _repeated(keys: Iterable[Hashable]) -> Hashable | None:
    """The first key met a second time, or None."""
    seen: set[Hashable] = set()
    for key in keys:
        if key in seen:
            return key
        seen.add(key)
    return None


class SignOff(Strict):
    officer: ShortText = ""
    officer_date: date | None = None
    reviewer: ShortText = ""
    reviewer_date: date | None = None


ReviewStatus = Literal["none", "submitted", "returned", "approved", "voided"]


class ReviewComment(Strict):
    """A reviewer's comment on one screen (or on the whole assessment: ``screen`` empty)."""

    screen: ShortText = ""
    text: LongText
    by: ShortText
    at: datetime


class Review(Strict):
    """The four-eyes review (issue 13): changed only by the store (submit, return, comment, approve, void)."""

    status: ReviewStatus = "none"
    submitted_by: ShortText = ""
    submitted_at: datetime | None = None
    reviewer: ShortText = ""
    reviewer_id: ShortText = ""
    comments: list[ReviewComment] = Field(default_factory=list)
    approved_at: datetime | None = None
    approved_sha256: Annotated[str, Field(pattern=r"^([0-9a-f]{64})?$")] = ""
    """SHA-256 of the content approved (``content_sha256``): a later change no longer matches it."""


def new_id() -> str:
    """A fresh assessment id: 12 hex digits, short enough to read out and type."""
    return uuid.uuid4().hex[:12]


def utc_now() -> datetime:
    """Now, in UTC, to the second: the precision of every timestamp the model and the store keep."""
    return datetime.now(UTC).replace(microsecond=0)


class Assessment(Strict):
    format_version: Literal[1] = FORMAT_VERSION
    id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")] = Field(
        default_factory=new_id)
    revision: int = Field(default=1, ge=1)
    guidance_version: ShortText = ""
    language: Literal["en", "zh", "fr", "es"] = "en"
    status: Status = "draft"
    training: bool = False
    scenario: Annotated[str, Field(max_length=60)] | None = None
    """The training scenario this attempt works on (issue 12); a training assessment only."""
    training_session: Annotated[str, Field(max_length=16)] | None = None
    """The training session's code; a training assessment only."""
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)
    finalised_at: datetime | None = None
    officer: ShortText = ""
    officer_id: ShortText = ""
    """Who created the assessment: the signed-in subject, or "name:<name>" where identities are not verified."""
    identities_verified: bool = False
    """Whether the people named (officer, reviewer, log) were signed in through the office's identity provider."""
    case: CaseDetails = Field(default_factory=CaseDetails)
    article6: Article6Screen = Field(default_factory=Article6Screen)
    answers: dict[str, dict[str, Answer]] = Field(default_factory=dict)
    evidence: list[Source] = Field(default_factory=list)
    gaps: list[InformationGap] = Field(default_factory=list)
    consultations: list[Consultation] = Field(default_factory=list)
    determination: Determination = Field(default_factory=Determination)
    signoff: SignOff = Field(default_factory=SignOff)
    review: Review = Field(default_factory=Review)

    @model_validator(mode="after")
    def _training_stays_training(self) -> Assessment:
        # An attempt at a training scenario can never pass for a real assessment (an edited export included).
        if (self.scenario or self.training_session) and not self.training:
            raise ValueError("training: an attempt at a training scenario is a training assessment "
                             "(training must be true)")
        return self

    @field_validator("evidence")
    @classmethod
    def _unique_source_ids(cls, sources: list[Source]) -> list[Source]:
        if (sid := _repeated(s.id for s in sources)) is not None:
            raise ValueError(f"source id {sid!r} is used twice")
        return sources

    def answer(self, step_id: str, question_id: str) -> Answer:
        """The stored answer, or an empty one (not stored) when the question is unanswered."""
        return self.answers.get(step_id, {}).get(question_id) or Answer()

    def set_answer(self, step_id: str, question_id: str, answer: Answer) -> None:
        self.answers.setdefault(step_id, {})[question_id] = answer

    def source_ids(self) -> list[str]:
        return [s.id for s in self.evidence]

    def next_source_id(self) -> str:
        used = set(self.source_ids())
        n = len(used) + 1
        while f"S{n}" in used:
            n += 1
        return f"S{n}"


class AssessmentFormatError(ValueError):
    """An assessment document that cannot be accepted; the message names every offending field."""


def _describe(err: ValidationError) -> str:
    lines = []
    for e in err.errors():
        path = ".".join(str(p) for p in e["loc"]) or "(document)"
        msg = "unknown field" if e["type"] == "extra_forbidden" else e["msg"]
        lines.append(f"{path}: {msg}")
    return "; ".join(lines)


def to_json(assessment: Assessment, *, indent: int | None = 2) -> str:
    return assessment.model_dump_json(indent=indent)


# What a reviewer approves: everything the officer decides and the record prints as the assessment, not the
# bookkeeping that changes by itself (times, revision, status) nor the review itself.
CONTENT_IGNORES = frozenset({"format_version", "revision", "guidance_version", "status", "created_at", "updated_at",
                             "finalised_at", "review", "identities_verified", "signoff"})


def content_sha256(assessment: Assessment) -> str:
    """SHA-256 of the approved content: the same as long as nothing the officer answered has changed."""
    data = {k: v for k, v in assessment.model_dump(mode="json").items() if k not in CONTENT_IGNORES}
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
                          .encode("utf-8")).hexdigest()


def approval_holds(assessment: Assessment) -> bool:
    """An approval is on record and matches the content as it is now."""
    r = assessment.review
    return r.status == "approved" and r.approved_sha256 == content_sha256(assessment)


def canonical_json(assessment: Assessment) -> bytes:
    """One byte sequence per assessment (sorted keys, no spaces): what the record fingerprints."""
    data = assessment.model_dump(mode="json")
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def from_dict(data: Any) -> Assessment:
    if not isinstance(data, dict):
        raise AssessmentFormatError("an assessment must be a JSON object")
    version = data.get("format_version")
    if version is None:
        raise AssessmentFormatError("format_version: missing")
    if type(version) is not int or version != FORMAT_VERSION:  # JSON true == 1 in Python; refuse it
        raise AssessmentFormatError(
            f"format_version: {version!r} is not a known format version (this tool reads {FORMAT_VERSION})")
    try:
        return Assessment.model_validate(data)
    except ValidationError as err:
        raise AssessmentFormatError(_describe(err)) from None
