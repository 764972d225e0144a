"""Shared fixtures: the real English guidance, and a factory for a fully answered, realistic assessment.

The case is fictional: the Republic of Veloria (not a real State) wants 9 mm pistols and ammunition for a
police unit. ``make_assessment(outcome)`` builds the same case answered towards each outcome, every required
question answered, every finding backed by a source in the register, so that ``flow.check`` finds nothing:

- ``"authorise"``: the end user is not implicated, mitigation is credible, residual risk low;
- ``"authorise_with_conditions"`` (default): the end user is among the perpetrators of a serious form, and
  credible, verifiable measures address it; residual risk moderate; conditions written out;
- ``"refuse"``: serious forms, high diversion risk to implicated units, residual risk high, overriding risk
  found, GBV/VAWC a ground for refusal (Art. 7(3));
- ``"suspend"``: key answers are "insufficient information" and an Art. 8(1) request is outstanding;
- ``prohibited=True`` (with ``"refuse"``): Art. 6(1) applies (an arms embargo), so the Art. 7 path ends there
  and the outcome is ``"refuse_art6"``, the refusal under Article 6.

Tests change one thing on the result to make one consistency rule fire.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from wizard.formats import read_document
from wizard.guidance import GUIDANCE_ROOT, cached_guidance, load_guidance
from wizard.guidance_schema import Guidance, Question
from wizard.model import (
    Answer,
    Article6Answer,
    Article6Screen,
    Assessment,
    CaseDetails,
    Consultation,
    Determination,
    InformationGap,
    Item,
    Row,
    SignOff,
    Source,
)
from wizard.store import Store

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "complete-assessment.json"


def example_assessment(*, draft: bool = False) -> Assessment:
    """examples/complete-assessment.json: a final assessment, or the same as a draft (a final record must also
    be signed, so the content checks of the record tests read a draft)."""
    a = read_document(EXAMPLE.read_bytes())
    return a.model_copy(update={"status": "draft", "finalised_at": None}) if draft else a


ASSESSED_ON = date(2026, 3, 2)
"""The date the fictional assessment was last changed; ``flow.check`` measures evidence age from it."""

OUTCOMES = ("authorise", "authorise_with_conditions", "refuse", "suspend")

# Facts of the fictional case, shared by every outcome.
PREVALENT: dict[str, dict[str, list[str]]] = {
    # form id -> perpetrators, settings (the end user is added per outcome)
    "sexual_violence_security_forces": {"perpetrators": ["state_security_forces"],
                                        "settings": ["detention", "protests"]},
    "intimate_partner_violence_femicide": {"perpetrators": ["private_persons", "state_security_forces"],
                                           "settings": ["home"]},
    "trafficking_sexual_exploitation": {"perpetrators": ["private_persons"], "settings": ["other"]},
    "attacks_on_women_hrds": {"perpetrators": ["state_security_forces", "unknown"],
                              "settings": ["protests", "online"]},
}
SERIOUS = {
    "sexual_violence_security_forces": (["gravity", "state_involvement", "impunity"],
                                        "Rape and sexual torture of detained protesters, repeated in three "
                                        "provinces in 2024-2025; no officer prosecuted."),
    "intimate_partner_violence_femicide": (["gravity", "scale_pattern", "victim_vulnerability"],
                                           "Over 300 femicides a year, a third with firearms, several with "
                                           "police service pistols taken home."),
    "attacks_on_women_hrds": (["gravity", "state_involvement", "impunity"],
                              "Shootings and rape threats against women activists during the 2025 election "
                              "protests; perpetrators unidentified."),
}
NOT_SERIOUS = {
    "trafficking_sexual_exploitation": ([], "Sporadic cases; the 2023 law is enforced and convictions are "
                                            "rising (NHRI 2025)."),
}


def _src(**kw: object) -> Source:
    return Source(**kw)  # type: ignore[arg-type]


def veloria_sources() -> list[Source]:
    return [
        _src(id="S1", title="Concluding observations on the combined 8th and 9th periodic reports of Veloria",
             publisher="CEDAW Committee", type="un", info_date=date(2024, 10, 30),
             reference="CEDAW/C/VEL/CO/8-9 (fictional)", reliability="high",
             findings="Femicide rates rising; sexual violence in police custody; impunity."),
        _src(id="S2", title="Visit to Veloria: report of the Special Rapporteur on torture",
             publisher="UN Human Rights Council", type="un", info_date=date(2025, 3, 14),
             reference="A/HRC/58/00/Add.1 (fictional)", reliability="high",
             findings="Sexual torture of detainees by the Rapid Response Directorate and regional police."),
        _src(id="S3", title="Annual report 2025", publisher="Veloria Human Rights Commission", type="nhri",
             info_date=date(2025, 12, 31), reference="https://example.org/vhrc/2025", reliability="medium",
             findings="Complaints against police; trafficking prosecutions; weak follow-up of complaints."),
        _src(id="S4", title="Silenced at the checkpoint: violence against women activists in Veloria",
             publisher="Women's Legal Aid Network Veloria", type="ngo", info_date=date(2025, 6, 1),
             reference="https://example.org/wlan/silenced", reliability="medium",
             findings="42 documented attacks on women human rights defenders during the 2025 protests."),
        _src(id="S5", title="Embassy report on the Rapid Response Directorate",
             publisher="Embassy in Veloria", type="diplomatic", info_date=date(2026, 1, 20),
             reference="closed file 2026/VEL/007", reliability="high",
             findings="Vetting of the Directorate's units started in 2025 with EU support."),
        _src(id="S6", title="National femicide statistics 2024",
             publisher="Veloria National Statistics Office",
             type="government", info_date=date(2024, 12, 31), reference="https://example.org/vnso/femicide",
             reliability="medium", findings="318 femicides in 2024, 104 with firearms."),
        _src(id="S7", title="National arms export policy: risk thresholds", publisher="Export Control Office",
             type="government", info_date=date(2025, 9, 1), reference="ECO policy note 12",
             reliability="high",
             findings="Overriding risk read as a clear risk (EU Common Position standard)."),
    ]


CITES = {
    "sexual_violence_security_forces": ["S2", "S3"],
    "intimate_partner_violence_femicide": ["S1", "S6"],
    "trafficking_sexual_exploitation": ["S3"],
    "attacks_on_women_hrds": ["S4"],
}


def _answer(value: object, *evidence: str, reasons: str = "") -> Answer:
    return Answer(value=value, evidence=list(evidence), reasons=reasons)  # type: ignore[arg-type]


def _fill_missing_choices(question: Question, row: Row) -> Row:
    """Guidance may add choice columns the factory does not know: answer them "no" (or the first option)."""
    for col in question.columns:
        if col.type == "choice" and row.get(col.id) in (None, ""):
            ids = [o.id for o in col.options]
            row[col.id] = "no" if "no" in ids else (ids[0] if ids else "other")
    return row


def build_assessment(guidance: Guidance, outcome: str = "authorise_with_conditions", *,
                     prohibited: bool = False) -> Assessment:
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}; one of {OUTCOMES}")
    if prohibited and outcome != "refuse":
        raise ValueError("an Art. 6 prohibition only goes with a refusal (made as 'refuse_art6')")
    stamp = datetime(ASSESSED_ON.year, ASSESSED_ON.month, ASSESSED_ON.day, 16, 45, tzinfo=UTC)
    end_user_implicated = outcome in ("authorise_with_conditions", "suspend")
    a = Assessment(
        id="vel-2026-0042", guidance_version=guidance.stamp, language="en",
        created_at=datetime(2026, 2, 9, 9, 30, tzinfo=UTC), updated_at=stamp, officer="A. Moreau",
        case=CaseDetails(
            reference="EXP-2026-0042", exporter="Northbrook Precision Arms Ltd",
            importing_state="Republic of Veloria (fictional)",
            end_user="Veloria National Police, Rapid Response Directorate",
            end_use="Service sidearms for the Directorate's public-order and counter-kidnapping units.",
            art8_documents="End-user certificate EUC-VEL-2026-117 signed by the Ministry of the Interior.",
            protective_marking="OFFICIAL-SENSITIVE",
            items=[
                Item(description="9 mm semi-automatic pistols", category="2(1)(h)", quantity=500,
                     value=312_500.0, currency="EUR"),
                Item(description="9x19 mm ball ammunition", category="3", quantity=200_000, value=54_000.0,
                     currency="EUR"),
            ]),
        evidence=veloria_sources(),
        consultations=[
            Consultation(who="Ministry gender and WPS focal point", kind="gender_focal_point",
                         on=date(2026, 2, 16), advice="Ask for the Directorate's vetting records."),
            Consultation(who="Women's Legal Aid Network Veloria (remote, identities withheld)",
                         kind="womens_organisation", on=date(2026, 2, 18),
                         advice="Detention-related sexual violence continues in two provinces."),
        ],
        signoff=SignOff(officer="A. Moreau", officer_date=ASSESSED_ON),
    )
    if prohibited:
        a.article6 = Article6Screen(
            p1=Article6Answer(answer="yes",
                              reasons="UN Security Council arms embargo on Veloria (fictional)."),
            p2=Article6Answer(answer="no", reasons="No other relevant obligation."),
            p3=Article6Answer(answer="no", reasons="No knowledge of use in atrocity crimes."),
            p3_reading="substantial_grounds")
    else:
        a.article6 = Article6Screen(
            p1=Article6Answer(answer="no", reasons="No UN Security Council measures apply to Veloria."),
            p2=Article6Answer(answer="no", reasons="No relevant international agreement prohibits it."),
            p3=Article6Answer(answer="no", reasons="No knowledge that the items would be used in atrocity "
                                                   "crimes."),
            p3_reading="substantial_grounds")

    # Flowchart step 1: prevalence, one row per catalogue form.
    prevalence_q = guidance.screen("prevalence").question("forms")
    rows: list[Row] = []
    for form in guidance.catalogues.gbv_forms:
        facts = PREVALENT.get(form.id)
        if facts is None:
            row: Row = {"row": form.id, "prevalent": "no", "perpetrators": [], "settings": [],
                        "arms_involved": "no", "evidence": []}
        else:
            perps = list(facts["perpetrators"])
            if form.id == "sexual_violence_security_forces" and end_user_implicated:
                perps.append("intended_end_user")
            row = {"row": form.id, "prevalent": "yes", "perpetrators": perps, "settings": facts["settings"],
                   "arms_involved": "yes", "evidence": CITES[form.id]}
        rows.append(_fill_missing_choices(prevalence_q, row))
    a.set_answer("prevalence", "forms", Answer(value=rows))
    a.set_answer("prevalence", "underreporting", _answer(
        "Survivors rarely report to the police, who are among the perpetrators; NGO figures are far higher "
        "than official ones.", "S1", "S4"))

    # Flowchart step 2: seriousness of the forms found prevalent.
    seriousness_q = guidance.screen("seriousness").question("forms")
    srows: list[Row] = []
    for form_id, (criteria, reasons) in SERIOUS.items():
        srows.append(_fill_missing_choices(seriousness_q, {
            "row": form_id, "serious": "yes", "criteria": criteria, "reasons": reasons,
            "evidence": CITES[form_id]}))
    for form_id, (criteria, reasons) in NOT_SERIOUS.items():
        srows.append(_fill_missing_choices(seriousness_q, {
            "row": form_id, "serious": "no", "criteria": criteria, "reasons": reasons,
            "evidence": CITES[form_id]}))
    a.set_answer("seriousness", "forms", Answer(value=srows))
    a.set_answer("seriousness", "end_user_listed", _answer("no", "S2", reasons="Not listed in the UN "
                                                           "Secretary-General's CRSV annex."))
    a.set_answer("seriousness", "pattern", _answer("Abuse clusters around protests and pre-trial detention.",
                                                   "S2", "S4"))

    # Flowchart step 3: prevention.
    a.set_answer("prevention", "legal_framework", _answer("partial", "S1", reasons="Femicide law of 2022; "
                                                          "marital rape not criminalised."))
    a.set_answer("prevention", "institutions", _answer("partial", "S3"))
    a.set_answer("prevention", "accountability", _answer("limited" if outcome != "refuse" else "impunity",
                                                         "S2", "S3"))
    a.set_answer("prevention", "international_cooperation", _answer("cooperates", "S2",
                                                                    reasons="Accepted the 2025 visit."))
    a.set_answer("prevention", "effectiveness", _answer(
        "partly_effective" if outcome != "refuse" else "not_effective", "S1", "S3"))

    # Flowchart step 5, shown 4th: mitigation.
    measures: list[Row] = [
        {"measure": "end_use_assurance", "description": "No re-transfer; use only by the Directorate.",
         "implementer": "Veloria Ministry of the Interior", "verification": "Annual end-use report, checked "
         "against the embassy's reporting", "risks_addressed": ["sexual_violence_security_forces"],
         "credible": "yes", "evidence": ["S5"]},
    ]
    if outcome == "authorise_with_conditions":
        measures += [
            {"measure": "vetted_units", "description": "Issue only to units vetted under the 2025 programme.",
             "implementer": "Rapid Response Directorate with EU advisers",
             "verification": "Unit roster shared before each delivery; post-shipment visit",
             "risks_addressed": ["sexual_violence_security_forces", "attacks_on_women_hrds"],
             "credible": "yes", "evidence": ["S5"]},
            {"measure": "post_shipment_verification", "description": "On-site check of serial numbers.",
             "implementer": "Exporting State's embassy", "verification": "Inspection report within 6 months",
             "risks_addressed": ["sexual_violence_security_forces", "intimate_partner_violence_femicide"],
             "credible": "yes", "evidence": ["S5"]},
        ]
    if outcome == "refuse":
        measures[0].update(credible="no", verification="No access for post-shipment checks was offered.")
    mitigation_q = guidance.screen("mitigation").question("measures")
    a.set_answer("mitigation", "measures",
                 Answer(value=[_fill_missing_choices(mitigation_q, m) for m in measures]))
    residual = {"authorise": "low", "authorise_with_conditions": "moderate", "refuse": "high",
                "suspend": "moderate"}[outcome]
    a.set_answer("mitigation", "residual_risk", _answer(residual, "S5"))
    a.set_answer("mitigation", "past_compliance", _answer("mixed", "S5",
                                                          reasons="One late end-use report in 2023."))

    # Flowchart step 4, shown 5th: overriding risk.
    a.set_answer("overriding_risk", "pathway", _answer(
        "Pistols are carried by officers who guard detainees and police protests, where the sexual abuse "
        "documented by S2 and S4 occurs; service pistols are also taken home.", "S2", "S4"))
    a.set_answer("overriding_risk", "item_link", _answer("direct", "S2"))
    a.set_answer("overriding_risk", "diversion_risk",
                 _answer("high" if outcome == "refuse" else "low", "S3", "S5"))
    a.set_answer("overriding_risk", "residual_after_mitigation", _answer(
        {"low": "Low: the end user is not implicated and assurances are verifiable.",
         "moderate": "Moderate: vetting and inspections address the abuse by the Directorate.",
         "high": "High: no verifiable measure is available."}[residual]))
    a.set_answer("overriding_risk", "threshold", _answer("clear_risk", "S7"))
    if outcome == "refuse":
        a.set_answer("overriding_risk", "consequences", Answer(
            value=["ihrl"], reasons="Rape and sexual torture in custody are serious violations of human rights law."))

    # Evidence register: information gaps.
    if outcome == "suspend":
        a.gaps = [InformationGap(description="Which units of the Directorate would receive the pistols, and "
                                 "their vetting status", asked_of="Veloria Ministry of the Interior",
                                 art8_request=True, sent_on=date(2026, 2, 20))]
        a.set_answer("prevention", "accountability", Answer(insufficient=True, reasons="Outcome of the 2025 "
                                                            "investigations not yet published."))
    else:
        a.gaps = [InformationGap(description="Number of police officers convicted of sexual violence since "
                                 "2023", asked_of="Embassy in Veloria", sent_on=date(2026, 2, 12),
                                 answered_on=date(2026, 2, 25), response="Two convictions, both appealed.")]

    _answer_unknown_questions(guidance, a)

    reasons = {
        "authorise": "Serious forms of GBV are prevalent, but the Directorate is not implicated, the items' "
                     "link to the abuse found is limited and verifiable assurances are in place.",
        "authorise_with_conditions": "The Directorate is implicated in sexual violence against detainees; "
                                     "vetting and inspections reduce the risk so that it is not overriding.",
        "refuse": "Overriding risk that the pistols would be used to commit serious sexual violence "
                  "against detainees and protesters; no verifiable mitigation (Art. 7(3), 7(4)).",
        "suspend": "Decision suspended until Veloria answers the Art. 8(1) request on the receiving units.",
    }[outcome]
    if prohibited:
        a.determination = Determination(
            overriding_risk=None, outcome="refuse_art6", gbv_ground=False,
            reasons="Prohibited by Art. 6(1): UN Security Council arms embargo on Veloria (fictional).",
            review_date=date(2027, 3, 1), reassessment_triggers="Embargo lifted or amended.")
    else:
        a.determination = Determination(
            overriding_risk={"refuse": "yes", "suspend": "insufficient_information"}.get(outcome, "no"),
            outcome=outcome, gbv_ground=outcome == "refuse", reasons=reasons,
            conditions=("Delivery in two tranches; second tranche only after a satisfactory post-shipment "
                        "inspection; issue only to vetted units." if outcome == "authorise_with_conditions"
                        else ""),
            review_date=date(2026, 9, 1) if outcome == "suspend" else date(2027, 3, 1),
            reassessment_triggers="New credible reports of sexual violence by the Directorate; vetting "
                                  "programme suspended; post-shipment inspection refused.")
    return a


def _answer_unknown_questions(guidance: Guidance, a: Assessment) -> None:
    """Answer any required step question the factory does not know, so the case stays complete."""
    for screen in guidance.screens:
        if screen.kind != "step":
            continue
        for q in screen.questions:
            if q.id in a.answers.get(screen.id, {}) or not q.required:
                continue
            if q.type == "choice":
                ids = [o.id for o in q.options]
                a.set_answer(screen.id, q.id, _answer("no" if "no" in ids else ids[0], "S3"))
            elif q.type == "multi":
                a.set_answer(screen.id, q.id, _answer([q.options[0].id], "S3"))
            elif q.type == "date":
                a.set_answer(screen.id, q.id, _answer("2026-02-01"))
            elif q.type == "table" and q.rows_from is None:
                a.set_answer(screen.id, q.id, Answer(value=[_fill_missing_choices(q, {})]))
            elif q.type == "table":
                pass  # catalogue tables the factory does not know stay as they are; tests will say so
            else:
                a.set_answer(screen.id, q.id, _answer("See the evidence register."))


def english_with_stand_in(target: Path, lang: str = "fr") -> Path:
    """A copy of the guidance folder (changelog, snapshots, schema) with English only, plus ``lang`` as an exact
    copy of English under its own version: a "translation" that tests can break key by key without depending
    on the shipped translations' wording."""
    from wizard.guidance import GUIDANCE_ROOT

    shipped = {p.name for p in GUIDANCE_ROOT.iterdir() if p.is_dir() and (p / "meta.yaml").is_file()} - {"en"}
    shutil.copytree(GUIDANCE_ROOT, target, ignore=lambda d, names: shipped if Path(d) == GUIDANCE_ROOT else ())
    shutil.copytree(target / "en", target / lang)
    meta = target / lang / "meta.yaml"
    text = meta.read_text(encoding="utf-8")
    english = re.search(r'^version: "([^"]+)"', text, flags=re.M).group(1)
    text = text.replace(f'version: "{english}"', f'version: "{english.split("-en.")[0]}-{lang}.1"', 1)
    meta.write_text(text.replace("\nlanguage: en\n", f"\nlanguage: {lang}\n", 1), encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def guidance_root() -> Path:
    """The real guidance folder (``guidance/``), for tests that copy it and break the copy."""
    return GUIDANCE_ROOT


@pytest.fixture(scope="session")
def guidance(guidance_root: Path) -> Guidance:
    return load_guidance("en", root=guidance_root)


@pytest.fixture
def make_assessment(guidance: Guidance) -> Callable[..., Assessment]:
    """``make_assessment(outcome="authorise_with_conditions", *, prohibited=False)``: a new case per call."""

    def make(outcome: str = "authorise_with_conditions", *, prohibited: bool = False) -> Assessment:
        return build_assessment(guidance, outcome, prohibited=prohibited)

    return make


PG_URL_ENV = "WIZARD_TEST_POSTGRES_URL"


@pytest.fixture(scope="session", autouse=True)
def _postgres_database_per_xdist_worker() -> Iterator[None]:
    """Under pytest-xdist, each worker's PostgreSQL tests get a database of their own.

    The PostgreSQL tests empty the whole database named by ``WIZARD_TEST_POSTGRES_URL`` before and after each
    test, so two workers must never share one. A worker (``PYTEST_XDIST_WORKER``, e.g. ``gw1``) creates
    ``<database>_gw1`` beside it (the role needs CREATEDB, as .ci/run gives it), points the variable at it for
    its own process and drops it at the end. Without xdist, or without the variable, nothing changes.
    """
    base = os.environ.get(PG_URL_ENV)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not base or not worker:
        yield
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(base)
    name = f"{url.database}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 10})
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))  # left by a killed run
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as err:  # the PostgreSQL tests will fail on the per-worker URL and say why
        warnings.warn(f"could not create the PostgreSQL test database {name!r} for xdist worker {worker}: {err}",
                      stacklevel=1)
    os.environ[PG_URL_ENV] = url.set(database=name).render_as_string(hide_password=False)
    try:
        yield
    finally:
        os.environ[PG_URL_ENV] = base
        # A database left behind (server gone) is harmless: the next run on this worker drops it first.
        with contextlib.suppress(Exception), admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def app_store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A SQLite file of the test's own, which the app under AppTest opens (through WIZARD_DATABASE_URL)."""
    url = f"sqlite:///{tmp_path}/app.sqlite"
    monkeypatch.setenv("WIZARD_DATABASE_URL", url)
    return url


@pytest.fixture
def app_store(app_store_url: str) -> Store:
    """The store the app under test uses, for seeding and for checking what it saved."""
    return Store(app_store_url)


@pytest.fixture
def store(app_store: Store) -> Store:
    """In the AppTest modules, "the store" is the app's (the store tests use db_store, the browser tests
    server_store)."""
    return app_store


@pytest.fixture(scope="module")
def fresh_guidance_cache() -> Iterator[None]:
    """The app's guidance as the files are now, for a module whose tests load it through the app."""
    cached_guidance.cache_clear()
    yield
    cached_guidance.cache_clear()


def postgres_url() -> str:
    url = os.environ.get(PG_URL_ENV)
    if not url and os.environ.get("WIZARD_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"WIZARD_REQUIRE_POSTGRES=1 (CI) but {PG_URL_ENV} is not set")
    if not url:
        pytest.skip(f"PostgreSQL tests need {PG_URL_ENV} (e.g. postgresql+psycopg://wizard:wizard@127.0.0.1:5432/"
                    "wizard_test); .ci/run sets it")
    return url


@contextlib.contextmanager
def statements_sent(target) -> Iterator[list[tuple[str, object]]]:
    """The statements, with their parameters, sent to the database through ``target`` (an engine, or the
    ``Engine`` class for every engine) while the block runs; not BEGIN, COMMIT or ROLLBACK."""
    from sqlalchemy import event

    sent: list[tuple[str, object]] = []

    def note(conn, cursor, statement, parameters, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            sent.append((statement, parameters))

    event.listen(target, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(target, "before_cursor_execute", note)


def reset_postgres(url: str) -> None:
    """Drop everything the store created, so each test starts from an empty database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        # Every table, trigger and function the migrations make lives in the public schema (the test role owns
        # the database, so it owns that schema): dropping it forgets nothing a later migration adds.
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


# The store tests run on both engines: SQLite in a file of the test's own, PostgreSQL when it is configured.
@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    url = postgres_url()
    reset_postgres(url)
    yield url
    reset_postgres(url)


@pytest.fixture
def db_store(store_url):  # not "store": the UI and browser modules have a store fixture of their own
    s = Store(store_url)
    yield s
    s.close()
