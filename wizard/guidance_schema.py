"""The guidance schema: the typed shape of every guidance file (pydantic), and the loaded ``Guidance``.

The YAML reader (``wizard.guidance``) validates each file against these models;
``python -m wizard.guidance_jsonschema`` writes them out as the JSON Schema (``guidance/schema/``) that an
editor uses while a reviewer types. The docstrings under the fields become the editor's hover text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ScreenKind = Literal["case", "article6", "step", "evidence", "summary", "determination"]
QuestionType = Literal["choice", "multi", "text", "date", "table"]
ColumnType = Literal["choice", "multi", "text", "evidence"]

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
Text = Annotated[str, Field(min_length=1)]


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Option(Schema):
    id: Id
    """Stable id, stored in saved answers: never change it when rewording the label."""
    label: Text
    """What the officer sees."""
    help: str = ""
    """Optional explanation shown with the option."""


class Column(Schema):
    id: Id
    """Stable id of the column, the key of the cell in saved rows."""
    label: Text
    """Column heading."""
    type: ColumnType
    """choice (one option), multi (several), text, or evidence (sources cited from the register)."""
    options: tuple[Option, ...] = ()
    """The options of a choice or multi column."""
    options_from: Literal["gbv_forms"] | None = None
    """Take the options from a catalogue instead (gbv_forms: the forms of GBV/VAWC)."""
    help: str = ""
    """Optional explanation shown under the heading."""

    @model_validator(mode="after")
    def _options_match_type(self) -> Column:
        if self.type in ("choice", "multi") and not (self.options or self.options_from):
            raise ValueError(f"column {self.id!r} of type {self.type} needs options")
        return self


class Question(Schema):
    id: Id
    """Stable id, the key of saved answers, translations and model answers: keep it when rewording."""
    type: QuestionType
    """choice, multi, text, date, or table (rows and columns)."""
    label: Text
    """The question as the officer reads it."""
    help: str = ""
    """Guidance shown with the question."""
    required: bool = True
    """Whether the summary lists the question as open while it has no answer."""
    options: tuple[Option, ...] = ()
    """The options of a choice or multi question ("insufficient information" is always added)."""
    # Tables: fixed rows come from a catalogue (``rows_from``), optionally only the rows that a table on an
    # earlier screen answered "yes" in one column (``rows_where: SCREEN.QUESTION.COLUMN``); without
    # ``rows_from`` the officer adds rows.
    columns: tuple[Column, ...] = ()
    rows_from: Literal["gbv_forms"] | None = None
    rows_where: str | None = None
    ask_reasons: bool = True
    """Offer a reasons box under the answer."""
    ask_evidence: bool = True
    """Offer to cite sources, and flag a yes/no finding that cites none."""

    @model_validator(mode="after")
    def _shape_matches_type(self) -> Question:
        if self.type in ("choice", "multi") and not self.options:
            raise ValueError(f"question {self.id!r} of type {self.type} needs options")
        if self.type == "table" and not self.columns:
            raise ValueError(f"question {self.id!r} of type table needs columns")
        if self.type != "table" and (self.columns or self.rows_from):
            raise ValueError(f"question {self.id!r}: columns and rows_from are only for tables")
        return self

    def option_label(self, option_id: str) -> str:
        return next((o.label for o in self.options if o.id == option_id), option_id)


class FieldText(Schema):
    """Label and help for a typed field of the model (case details, Article 6, determination)."""

    label: Text
    help: str = ""


class Screen(Schema):
    id: Id
    """Stable id of the screen; meta.yaml's order lists these ids."""
    kind: ScreenKind
    """What the screen is: case, article6, step (one of the five flowchart steps), evidence, summary, determination."""
    title: Text
    """The heading."""
    short_title: str = ""
    """The name in the step list and the sidebar."""
    flowchart_step: int | None = Field(default=None, ge=1, le=5)
    """For steps: the number of the step in the flowchart (the wizard may show it in another place)."""
    legal_basis: str = ""
    """The treaty provisions the screen applies, e.g. "ATT Art. 7(4)"."""
    purpose: Text
    """Why the screen exists and what the officer decides on it."""
    order_note: str = ""
    """Why the screen comes where it does, when that differs from the flowchart's numbering."""
    guiding_questions: tuple[str, ...] = ()
    """Questions the officer should ask of the evidence."""
    indicators: tuple[str, ...] = ()
    """Signs that point to the risk (or away from it)."""
    information_sources: tuple[str, ...] = ()
    """Where to look for information."""
    examples: tuple[str, ...] = ()
    """Worked examples (fictional States only)."""
    cross_cutting: tuple[Id, ...] = ()
    """Ids of the advice in meta.yaml that applies on this screen."""
    references: RefIds = ()
    """Ids of the works in references.yaml that this screen's guidance rests on (its source line)."""
    fields: dict[str, FieldText] = Field(default_factory=dict)
    """Labels and help of the model's own fields shown on this screen, by field name."""
    questions: tuple[Question, ...] = ()
    """The structured questions of a step."""

    @model_validator(mode="after")
    def _steps_are_numbered(self) -> Screen:
        if self.kind == "step" and self.flowchart_step is None:
            raise ValueError(f"screen {self.id!r} of kind step needs a flowchart_step")
        if self.kind != "step" and self.questions:
            raise ValueError(f"screen {self.id!r}: only screens of kind step have questions")
        ids = [q.id for q in self.questions]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise ValueError(f"screen {self.id!r}: question ids used twice: {sorted(dupes)}")
        return self

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def field(self, name: str) -> FieldText:
        return self.fields.get(name) or FieldText(label=name.replace("_", " ").capitalize())


RefIds = tuple[Id, ...]


class GbvForm(Schema):
    id: Id
    label: Text
    description: Text
    references: RefIds = ()
    """Ids of the works in references.yaml that the description rests on."""


class Advice(Schema):
    id: Id
    title: Text
    text: Text
    references: RefIds = ()
    """Ids of the works in references.yaml that the advice rests on."""


class Term(Schema):
    id: Id
    term: Text
    definition: Text
    see_also: tuple[Id, ...] = ()
    references: RefIds = ()
    """Ids of the works in references.yaml that the definition rests on."""


class Reference(Schema):
    """A work the guidance rests on: the treaty, guides, studies. Cited by id; never quoted unless checked."""

    id: Id
    """Stable id, used in the references lists of screens, terms, forms and advice."""
    title: Text
    """The work's title as published."""
    author: Text
    """The author or publishing body."""
    year: int | None = Field(default=None, ge=1900, le=2100)
    """Year of publication, if known."""
    kind: Literal["treaty", "official", "guide", "study", "un", "other"] = "other"
    """treaty text, an official ATT document, a practical guide, a study, a UN document, or other."""
    locator: str = ""
    """Where to find it: a document symbol, an ISBN or a web address."""
    note: str = ""
    """What the guidance takes from it, in a sentence."""


class ReferencesFile(Schema):
    references: tuple[Reference, ...] = Field(min_length=1)


class Meta(Schema):
    version: Text
    """The guidance version stamped into every assessment and record; give every change a new one."""
    language: Literal["en", "zh", "fr", "es"]
    """The language of this folder."""
    title: Text
    """The product's title in this language."""
    order: tuple[Id, ...] = Field(min_length=1)
    """The screens in the order the wizard shows them (screen ids)."""
    order_reason: Text
    """Why the wizard's order differs from the flowchart's numbering."""
    disclaimer: Text
    """Shown on every page: the tool supports the officer's judgement and never decides."""
    cross_cutting: tuple[Advice, ...] = ()
    """Advice that applies on several screens, referred to by id."""


class Catalogues(Schema):
    gbv_forms: tuple[GbvForm, ...] = Field(min_length=1)
    item_categories: dict[str, Text]
    outcomes: dict[str, Text]
    """The outcome's label, by outcome id; refusals name their legal basis."""
    legal_bases: dict[str, Text]
    """The legal basis the record prints for each outcome; {paragraphs} is filled with the Art. 6 paragraphs
    answered "yes"."""
    knowledge_readings: dict[str, Text]
    """The readings of "knowledge" in Art. 6(3) an authority may apply, by id."""
    source_types: dict[str, Text]
    reliabilities: dict[str, Text]
    consultation_kinds: dict[str, Text]
    answers: dict[str, Text]


class GuidanceError(Exception):
    """Guidance that cannot be used; every problem names its file, line and key."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Guidance:
    language: str
    version: str
    digest: str
    meta: Meta
    screens: tuple[Screen, ...]
    catalogues: Catalogues
    glossary: tuple[Term, ...]
    ui: dict[str, str]
    references: tuple[Reference, ...] = ()

    def screen(self, screen_id: str) -> Screen:
        for s in self.screens:
            if s.id == screen_id:
                return s
        raise KeyError(screen_id)

    def reference(self, reference_id: str) -> Reference:
        for r in self.references:
            if r.id == reference_id:
                return r
        raise KeyError(reference_id)

    def cross_cutting(self, advice_id: str) -> Advice:
        for a in self.meta.cross_cutting:
            if a.id == advice_id:
                return a
        raise KeyError(advice_id)

    def t(self, key: str, **kwargs: Any) -> str:
        """A UI string by key; a missing key shows itself rather than crashing a page."""
        text = self.ui.get(key, key)
        return text.format(**kwargs) if kwargs else text

    @property
    def stamp(self) -> str:
        """The version stamped into assessments and records: the declared version and a content digest."""
        return f"{self.version} ({self.digest[:12]})"


class GlossaryFile(Schema):
    terms: tuple[Term, ...] = Field(min_length=1)


class UiFile(Schema):
    strings: dict[str, str]
