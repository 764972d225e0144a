"""The wizard's screens other than the generic flowchart steps: case, Article 6, evidence, summary, determination."""

from __future__ import annotations

from typing import Any

import streamlit as st

from wizard import flow
from wizard.edits import Edit
from wizard.guidance_schema import Guidance, Option, Screen
from wizard.locale_format import utc_text
from wizard.model import (
    CONSULTATION_KINDS,
    ITEM_CATEGORIES,
    KNOWLEDGE_READINGS,
    OUTCOMES,
    RELIABILITIES,
    SOURCE_TYPES,
)
from wizard.ui import fragments, inputs, labels
from wizard.ui.session import OpenDoc, goto, on_click, on_widget_change, widget_key
from wizard.ui.text import md


def _yes_to_bool(value: Any) -> bool | None:
    return None if value is None else value == "yes"  # the ground is stored as a bool, offered as Yes / No


def _yes_no(g: Guidance) -> list[Option]:
    return [Option(id="yes", label=g.t("yes")), Option(id="no", label=g.t("no"))]


def _opts(labels: dict[str, str], ids: tuple[str, ...]) -> list[Option]:
    return [Option.model_construct(id=i, label=labels.get(i, i), help="") for i in ids]


def _select(doc: OpenDoc, key: str, label: str, options: list[Option], current: str | None, path: str,
            help: str = "") -> None:
    ids = [o.id for o in options]
    labels = {o.id: o.label for o in options}
    st.selectbox(label, ids, index=ids.index(current) if current in ids else None, key=key,
                 format_func=lambda i: labels.get(i, i), help=help or None, disabled=doc.locked,
                 on_change=on_widget_change, args=(doc, key, path, current), kwargs=fragments.here(),
                 placeholder="—")


def _field_text(doc: OpenDoc, screen: Screen, name: str, path: str, current: str, *, area: bool = False,
                key: str | None = None) -> None:
    f = screen.field(name)
    inputs.text(doc, key or widget_key(doc, screen.id, path), f.label, current, path, help=f.help, area=area)


# ---------------------------------------------------------------------------------------------------------


def case(doc: OpenDoc, g: Guidance, screen: Screen) -> None:
    a = doc.assessment
    c = a.case
    left, right = st.columns(2)
    with left:
        _field_text(doc, screen, "reference", "case.reference", c.reference)
        _field_text(doc, screen, "exporter", "case.exporter", c.exporter)
        _field_text(doc, screen, "importing_state", "case.importing_state", c.importing_state)
        _field_text(doc, screen, "end_user", "case.end_user", c.end_user)
    with right:
        _field_text(doc, screen, "officer", "officer", a.officer)
        _field_text(doc, screen, "protective_marking", "case.protective_marking", c.protective_marking)
        k = widget_key(doc, screen.id, "training")
        st.checkbox(screen.field("training").label, value=a.training, key=k, help=screen.field("training").help,
                    # once training, always training: the store and the database refuse the way back
                    disabled=doc.locked or a.training, on_change=on_widget_change,
                    args=(doc, k, "training", a.training))
    _field_text(doc, screen, "end_use", "case.end_use", c.end_use, area=True)
    _field_text(doc, screen, "art8_documents", "case.art8_documents", c.art8_documents, area=True)

    st.subheader(md(screen.field("items").label))
    if screen.field("items").help:
        st.caption(md(screen.field("items").help))
    categories = _opts(g.catalogues.item_categories, ITEM_CATEGORIES)
    n = len(c.items)
    for i, item in enumerate(c.items):
        with st.container(border=True):
            st.markdown(f"**{g.t('item_n', n=i + 1)}**")
            key = lambda name, i=i: widget_key(doc, screen.id, "item", n, i, name)  # noqa: E731
            inputs.text(doc, key("description"), screen.field("item_description").label, item.description,
                        f"case.items.{i}.description", help=screen.field("item_description").help)
            _select(doc, key("category"), screen.field("item_category").label, categories, item.category,
                    f"case.items.{i}.category", help=screen.field("item_category").help)
            q, v, cur = st.columns(3)
            with q:
                st.number_input(screen.field("item_quantity").label, min_value=0, step=1, value=item.quantity,
                                key=key("quantity"), disabled=doc.locked, on_change=on_widget_change,
                                args=(doc, key("quantity"), f"case.items.{i}.quantity", item.quantity))
            with v:
                st.number_input(screen.field("item_value").label, min_value=0.0, step=1000.0, value=item.value,
                                key=key("value"), disabled=doc.locked, on_change=on_widget_change, format="%.2f",
                                args=(doc, key("value"), f"case.items.{i}.value", item.value))
            with cur:
                inputs.text(doc, key("currency"), screen.field("item_currency").label, item.currency,
                            f"case.items.{i}.currency", area=False)
            st.button(g.t("remove_item", n=i + 1), key=key("remove"), disabled=doc.locked, on_click=on_click,
                      args=(doc, Edit.remove_at(f"case.items.{i}", item)), kwargs=fragments.here())
    st.button(g.t("add_item"), key=widget_key(doc, screen.id, "add_item"), disabled=doc.locked,
              on_click=on_click, args=(doc, Edit.append_to("case.items")), kwargs=fragments.here())


def article6(doc: OpenDoc, g: Guidance, screen: Screen) -> None:
    a = doc.assessment
    yes_no = _yes_no(g)
    for part, answer in a.article6.parts().items():
        f = screen.field(part)
        with st.container(border=True):
            st.markdown(f"**{md(f.label)}**")
            if f.help:
                st.caption(md(f.help))
            if part == "p3":  # the answer to 6(3) is given on the reading of "knowledge" the authority applies
                r = screen.field("p3_reading")
                inputs.choice(doc, g, widget_key(doc, screen.id, "p3_reading"), r.label,
                              _opts(g.catalogues.knowledge_readings, KNOWLEDGE_READINGS), a.article6.p3_reading,
                              "article6.p3_reading", help=r.help, insufficient=False, horizontal=False)
            inputs.choice(doc, g, widget_key(doc, screen.id, part), f.label, yes_no, answer.answer,
                          f"article6.{part}.answer", hide_label=True)
            inputs.text(doc, widget_key(doc, screen.id, part, "reasons"), screen.field("reasons").label,
                        answer.reasons, f"article6.{part}.reasons", height=90)
    if a.article6.prohibited:
        st.error(g.t("art6_prohibited"))


def step(doc: OpenDoc, g: Guidance, screen: Screen) -> None:
    if doc.assessment.article6.prohibited:
        st.warning(g.t("art6_prohibited"))
    for q in screen.questions:
        inputs.question(doc, g, screen, q)
    if screen.id == "overriding_risk":
        overriding_finding(doc, g, screen)


def overriding_finding(doc: OpenDoc, g: Guidance, screen: Screen) -> None:
    f = screen.field("overriding_risk")
    yes_no = _yes_no(g)
    with st.container(border=True):
        st.markdown(f"**{md(f.label)}**")
        if f.help:
            st.caption(md(f.help))
        inputs.choice(doc, g, widget_key(doc, screen.id, "finding"), f.label,
                      yes_no, doc.assessment.determination.overriding_risk,
                      "determination.overriding_risk", hide_label=True)


def _source_card(doc: OpenDoc, g: Guidance, screen: Screen, i: int, titles: dict[str, str],
                 types: list[Option], reliabilities: list[Option]) -> None:
    """Source ``i`` of the register, as a card that stays open while the officer fills it."""
    a = doc.assessment
    f = screen.field
    n = len(a.evidence)
    s = a.evidence[i]
    cited = flow.cited_source_ids(a, g)
    key = lambda name: widget_key(doc, screen.id, "source", n, i, name)  # noqa: E731
    used = g.t("comma_separator").join(titles.get(sid, sid) for sid in cited.get(s.id, [])) or "—"
    # A new (empty) source opens for the officer to fill; it stays open until the officer closes it.
    with inputs.card(widget_key(doc, screen.id, "card", s.id), f"{md(s.id)} · {md(s.title or '—')}  "
                     f"({md(used)})", opened=not s.title):
        inputs.text(doc, key("title"), f("title").label, s.title, f"evidence.{i}.title", area=False)
        left, right = st.columns(2)
        with left:
            inputs.text(doc, key("publisher"), f("publisher").label, s.publisher,
                        f"evidence.{i}.publisher", area=False)
            _select(doc, key("type"), f("type").label, types, s.type, f"evidence.{i}.type",
                    help=f("type").help)
        with right:
            inputs.day(doc, key("info_date"), f("info_date").label, s.info_date,
                       f"evidence.{i}.info_date", help=f("info_date").help)
            _select(doc, key("reliability"), f("reliability").label, reliabilities, s.reliability,
                    f"evidence.{i}.reliability", help=f("reliability").help)
        inputs.text(doc, key("reference"), f("reference").label, s.reference,
                    f"evidence.{i}.reference", area=False)
        inputs.text(doc, key("findings"), f("findings").label, s.findings, f"evidence.{i}.findings",
                    height=80)
        st.button(g.t("remove_source", id=s.id), key=key("remove"), disabled=doc.locked or s.id in cited,
                  on_click=on_click, args=(doc, Edit.remove_at(f"evidence.{i}", s)), kwargs=fragments.here())


def _gap_card(doc: OpenDoc, g: Guidance, screen: Screen, i: int) -> None:
    f = screen.field
    n = len(doc.assessment.gaps)
    gap = doc.assessment.gaps[i]
    key = lambda name, i=i: widget_key(doc, screen.id, "gap", n, i, name)  # noqa: E731
    with st.container(border=True):
        st.markdown(f"**{g.t('gap_n', n=i + 1)}**")
        inputs.text(doc, key("description"), f("gap_description").label, gap.description,
                    f"gaps.{i}.description", height=80)
        left, right = st.columns(2)
        with left:
            inputs.text(doc, key("asked_of"), f("asked_of").label, gap.asked_of, f"gaps.{i}.asked_of",
                        area=False)
            st.checkbox(f("art8_request").label, value=gap.art8_request, key=key("art8"),
                        disabled=doc.locked, on_change=on_widget_change, kwargs=fragments.here(),
                        args=(doc, key("art8"), f"gaps.{i}.art8_request", gap.art8_request))
        with right:
            inputs.day(doc, key("sent_on"), f("sent_on").label, gap.sent_on, f"gaps.{i}.sent_on")
            inputs.day(doc, key("answered_on"), f("answered_on").label, gap.answered_on,
                       f"gaps.{i}.answered_on")
        inputs.text(doc, key("response"), f("response").label, gap.response, f"gaps.{i}.response",
                    height=80)
        st.button(g.t("remove_gap", n=i + 1), key=key("remove"), disabled=doc.locked, on_click=on_click,
                  args=(doc, Edit.remove_at(f"gaps.{i}", gap)), kwargs=fragments.here())


def _consultation_card(doc: OpenDoc, g: Guidance, screen: Screen, i: int, kinds: list[Option]) -> None:
    f = screen.field
    n = len(doc.assessment.consultations)
    c = doc.assessment.consultations[i]
    key = lambda name, i=i: widget_key(doc, screen.id, "consultation", n, i, name)  # noqa: E731
    with st.container(border=True):
        st.markdown(f"**{g.t('consultation_n', n=i + 1)}**")
        left, right = st.columns(2)
        with left:
            inputs.text(doc, key("who"), f("who").label, c.who, f"consultations.{i}.who", area=False)
            _select(doc, key("kind"), f("kind").label, kinds, c.kind, f"consultations.{i}.kind")
        with right:
            inputs.day(doc, key("on"), f("on").label, c.on, f"consultations.{i}.on")
        inputs.text(doc, key("advice"), f("advice").label, c.advice, f"consultations.{i}.advice",
                    height=80)
        st.button(g.t("remove_consultation", n=i + 1), key=key("remove"), disabled=doc.locked,
                  on_click=on_click, args=(doc, Edit.remove_at(f"consultations.{i}", c)), kwargs=fragments.here())


def evidence(doc: OpenDoc, g: Guidance, screen: Screen) -> None:
    a = doc.assessment
    f = screen.field
    titles = {s.id: s.title for s in g.screens}
    st.subheader(md(f("sources").label))
    if f("sources").help:
        st.caption(md(f("sources").help))
    types = _opts(g.catalogues.source_types, SOURCE_TYPES)
    reliabilities = _opts(g.catalogues.reliabilities, RELIABILITIES)
    for i in range(len(a.evidence)):  # each card a fragment: an answer redraws that card (wizard/ui/fragments.py)
        fragments.run(widget_key(doc, screen.id, "source", i, "fragment"),
                      lambda i=i: _source_card(doc, g, screen, i, titles, types, reliabilities))
    st.button(g.t("add_source"), key=widget_key(doc, screen.id, "add_source"), disabled=doc.locked,
              on_click=on_click, args=(doc, Edit.append_to("evidence")), kwargs=fragments.here())

    st.subheader(md(f("gaps").label))
    if f("gaps").help:
        st.caption(md(f("gaps").help))
    for i in range(len(a.gaps)):
        fragments.run(widget_key(doc, screen.id, "gap", i, "fragment"), lambda i=i: _gap_card(doc, g, screen, i))
    st.button(g.t("add_gap"), key=widget_key(doc, screen.id, "add_gap"), disabled=doc.locked, on_click=on_click,
              args=(doc, Edit.append_to("gaps")), kwargs=fragments.here())

    st.subheader(md(f("consultations").label))
    if f("consultations").help:
        st.caption(md(f("consultations").help))
    kinds = _opts(g.catalogues.consultation_kinds, CONSULTATION_KINDS)
    for i in range(len(a.consultations)):
        fragments.run(widget_key(doc, screen.id, "consultation", i, "fragment"),
                      lambda i=i: _consultation_card(doc, g, screen, i, kinds))
    st.button(g.t("add_consultation"), key=widget_key(doc, screen.id, "add_consultation"), disabled=doc.locked,
              on_click=on_click, args=(doc, Edit.append_to("consultations")), kwargs=fragments.here())


def open_item_where(g: Guidance, o: flow.Open) -> str:
    """Screen › question › row › column, in the screen's words (plain text: escape before showing)."""
    parts = [flow.screen_label_for(g, o.screen_id), o.label, o.row, o.column]
    return labels.SEP.join(p for p in parts if p)


def _open_item_lines(g: Guidance, items: list[flow.Open], prefix: str) -> None:
    """One line per open cell, each with a button that goes to its screen."""
    for n, o in enumerate(c for item in items for c in item.each()):
        text, button = st.columns([5, 1], vertical_alignment="center")
        text.markdown(f"- {md(open_item_where(g, o))}")
        title = g.screen(o.screen_id)
        button.button(g.t("go_to_screen", screen=title.short_title or title.title), key=f"{prefix}_{n}_{o.screen_id}",
                      on_click=goto, args=(o.screen_id,), width="stretch")


def summary(doc: OpenDoc, g: Guidance, screen: Screen) -> None:
    items = [o for s in g.screens for o in doc.open_items(g)[s.id]]
    findings = doc.findings(g)
    titles = {s.id: flow.screen_label(g, s) for s in g.screens}
    blockers = flow.blocking(findings)

    # What stops finalising comes first, in red: nothing reassuring is said above it.
    st.subheader(g.t("summary_blocking"))
    if not blockers:
        st.success(g.t("summary_no_blocking"))
    for n, fnd in enumerate(blockers):
        text, button = st.columns([5, 1], vertical_alignment="center")
        text.error(md(g.t("label_value", label=titles.get(fnd.screen_id, fnd.screen_id), value=fnd.message)))
        if fnd.screen_id in titles:
            target = g.screen(fnd.screen_id)
            button.button(g.t("go_to_screen", screen=target.short_title or target.title),
                          key=f"blocking_{n}_{fnd.screen_id}", on_click=goto, args=(fnd.screen_id,), width="stretch")

    st.subheader(g.t("summary_unanswered"))
    unanswered = [c for o in items for c in o.each() if c.state == "unanswered"]
    if not unanswered:
        st.success(g.t("summary_all_answered"))
    _open_item_lines(g, unanswered, "unanswered")
    st.subheader(g.t("summary_insufficient"))
    # A table that is open for an empty cell may also hold cells answered "insufficient information".
    insufficient = [c for o in items for c in o.each() if c.state == "insufficient"]
    if not insufficient:
        st.success(g.t("summary_none_insufficient"))
    _open_item_lines(g, insufficient, "insufficient")
    st.subheader(g.t("summary_warnings"))
    warnings = [f for f in findings if f not in blockers]
    if not findings:
        st.success(g.t("summary_no_warnings"))
    for fnd in warnings:
        st.warning(md(g.t("label_value", label=titles.get(fnd.screen_id, fnd.screen_id), value=fnd.message)))
    record_download(doc, g, screen)


def record_download(doc: OpenDoc, g: Guidance, screen: Screen) -> None:
    from wizard import record, record_signing
    from wizard.ui import session

    record_text = g.screen("summary").field("record")  # one wording for the record wherever it is offered
    st.subheader(md(record_text.label))
    a = doc.assessment
    if a.status == "final":  # the guidance's help speaks of a draft; a final record says what it is
        when = a.finalised_at or a.updated_at
        st.caption(md(g.t("record_final_help", n=a.revision,
                          date=utc_text(when, g.language))))
    elif record_text.help:
        st.caption(md(record_text.help))
    missing = record.missing_glyphs(a)
    if missing:
        chars = " ".join(sorted({ch for _path, text in missing for ch in text}))
        st.warning(g.t("missing_glyphs", chars=chars))
    left, right = st.columns(2)
    with left:
        size = st.radio(g.t("page_size"), ["A4", "letter"], horizontal=True, key=f"pdf_size_{screen.id}")
    with right:
        annex = st.checkbox(g.t("include_annex"), key=f"pdf_annex_{screen.id}")
        # A final record is always signed; a draft on request (e.g. to send for review as it stands).
        sign = a.status == "final" or st.checkbox(g.t("sign_draft"), key=f"pdf_sign_{screen.id}",
                                                  help=g.t("sign_draft_help"))
    try:
        identity = record_signing.signing_identity(session.secrets()) if sign else None
    except record_signing.SigningError as err:  # said before the click, with the reason
        st.error(g.t("signing_unavailable", error=str(err)))
        return
    if identity is not None:
        cert = identity.certificate()
        st.caption(md(g.t("signed_with", signer=record_signing.signer_name(cert),
                          fingerprint=record_signing.certificate_sha256(cert)[:16])))
    # The record in the language the assessment was written in, or another chosen here.
    record_g = g
    languages = session.available_languages()
    if len(languages) > 1:
        default = a.language if a.language in languages else g.language
        chosen = st.selectbox(g.t("record_language_choice"), languages, index=languages.index(default),
                              key=f"pdf_lang_{screen.id}", format_func=session.language_name)
        record_g = session.cached_guidance(chosen)
    # Reference, revision, status and the time of the saved state: two drafts never share a name.
    name = labels.record_file_name(g, a.case.reference, a.id, a.revision, a.status,
                                   a.finalised_at if a.status == "final" and a.finalised_at else doc.saved_at)
    st.download_button(g.t("download_pdf"), data=lambda: record.signed_pdf(a, record_g, page_size=size, annex=annex,
                                                                           sign=sign, secrets=session.secrets()),
                       file_name=name, mime="application/pdf", on_click="ignore", key=f"pdf_{screen.id}",
                       type="primary")


def determination(doc: OpenDoc, g: Guidance, screen: Screen) -> None:
    a = doc.assessment
    d = a.determination
    f = screen.field
    yes_no = _yes_no(g)
    if a.article6.prohibited:
        st.error(g.t("art6_prohibited"))
    with st.container(border=True):
        inputs.choice(doc, g, widget_key(doc, screen.id, "overriding_risk"), f("overriding_risk").label, yes_no,
                      d.overriding_risk, "determination.overriding_risk", help=f("overriding_risk").help)
        outcomes = _opts(g.catalogues.outcomes, OUTCOMES)
        inputs.choice(doc, g, widget_key(doc, screen.id, "outcome"), f("outcome").label, outcomes, d.outcome,
                      "determination.outcome", help=f("outcome").help, insufficient=False,
                      horizontal=False)
        from wizard.ui import item_outcomes  # one outcome per item, or one for the whole licence
        item_outcomes.section(doc, g, screen)
        if d.outcome:  # only what is still missing; nothing once everything is there
            still_open = {o.key for o in doc.open_items(g)[screen.id]}
            missing = [f(name).label for name in flow.outcome_requires(a) if name in still_open]
            if missing:
                st.caption(g.t("outcome_requires", fields=md(g.t("comma_separator").join(missing))))
        ground = None if d.gbv_ground is None else ("yes" if d.gbv_ground else "no")
        inputs.choice(doc, g, widget_key(doc, screen.id, "gbv_ground"), f("gbv_ground").label, yes_no, ground,
                      "determination.gbv_ground", old=d.gbv_ground, to_model=_yes_to_bool, help=f("gbv_ground").help,
                      insufficient=False)
        _field_text(doc, screen, "reasons", "determination.reasons", d.reasons, area=True)
        _field_text(doc, screen, "conditions", "determination.conditions", d.conditions, area=True)
        inputs.day(doc, widget_key(doc, screen.id, "review_date"), f("review_date").label, d.review_date,
                   "determination.review_date", help=f("review_date").help)
        _field_text(doc, screen, "reassessment_triggers", "determination.reassessment_triggers",
                    d.reassessment_triggers, area=True)
    with st.container(border=True):
        s = a.signoff
        left, right = st.columns(2)
        with left:
            _field_text(doc, screen, "officer", "signoff.officer", s.officer)
            inputs.day(doc, widget_key(doc, screen.id, "officer_date"), f("officer_date").label, s.officer_date,
                       "signoff.officer_date")
        with right:
            _field_text(doc, screen, "reviewer", "signoff.reviewer", s.reviewer)
            inputs.day(doc, widget_key(doc, screen.id, "reviewer_date"), f("reviewer_date").label,
                       s.reviewer_date, "signoff.reviewer_date")
    findings = doc.findings(g)
    for fnd in findings:
        if fnd.screen_id == screen.id:
            (st.error if fnd.severity == "error" else st.warning)(md(fnd.message))
    record_download(doc, g, screen)


RENDERERS = {"case": case, "article6": article6, "step": step, "evidence": evidence, "summary": summary,
             "determination": determination}
