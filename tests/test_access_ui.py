"""Sign-in and roles in the app (issue 13), with AppTest's signed-in user (``at.user``): only the sign-in page
before sign-in; a reviewer reads and approves but never edits; a trainer never opens a real assessment; the URL
cannot name anyone; a broken configuration is an error page, not a traceback."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui_driver import APP, WIZARD_PAGE, plain
from wizard.access import Principal
from wizard.guidance import load_guidance

pytestmark = pytest.mark.usefixtures("app_store_url", "fresh_guidance_cache")

EN = load_guidance("en")
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "test-cookie-secret",
        "client_id": "wizard", "client_secret": "wizard-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
ACCESS = {"officer": ["amina@office.example", "group:licensing"], "reviewer": ["group:heads"],
          "trainer": ["ines@office.example"], "administrator": ["admin@office.example"]}
PEOPLE = {
    "officer": {"sub": "sub-amina", "name": "Amina Diallo", "email": "amina@office.example", "groups": []},
    "reviewer": {"sub": "sub-head", "name": "Head of Licensing", "email": "head@office.example", "groups": ["heads"]},
    "trainer": {"sub": "sub-ines", "name": "Ines Okafor", "email": "ines@office.example", "groups": []},
}
OFFICER = Principal("sub-amina", "Amina Diallo", "amina@office.example", roles=frozenset({"officer"}), verified=True)


def _app(person: str | None, page: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["auth"] = AUTH
    at.secrets["access"] = ACCESS
    at.user = {"is_logged_in": False} if person is None else {"is_logged_in": True, **PEOPLE[person]}
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _seeded(store, make_assessment, submitted: bool = True) -> str:
    a = make_assessment()
    a.officer = "Amina Diallo"
    stored = store.create(a, OFFICER)
    if submitted:
        store.submit(a.id, stored.version, OFFICER)
    return a.id


def test_before_sign_in_only_the_sign_in_page_is_shown(store, make_assessment):
    aid = _seeded(store, make_assessment)
    at = _app(None, aid=aid, screen="case")
    assert [b.key for b in at.button] == ["sign_in"]
    text = plain("\n".join(str(m.value) for m in [*at.markdown, *at.info, *at.title]))
    assert EN.t("sign_in_needed") in text and "EXP-2026" not in text and "VEL-2026" not in text
    assert not at.text_input, "no name box: the provider names people"


def test_the_url_cannot_name_anyone_when_sign_in_is_configured(store, make_assessment):
    at = _app("officer", by="Head of Licensing")
    text = plain("\n".join(str(m.value) for m in at.sidebar.markdown))
    assert "Amina Diallo" in text and "Head of Licensing" not in text
    assert not [t for t in at.sidebar.text_input if t.key == "actor_input"]


def test_a_reviewer_reads_comments_and_approves_but_cannot_edit(store, make_assessment):
    aid = _seeded(store, make_assessment)
    at = _app("reviewer", WIZARD_PAGE, aid=aid, screen="case")
    assert EN.t("read_only_notice") in [i.value for i in at.info]
    boxes = [t for t in at.text_input if t.key and t.key.endswith("case.reference")]
    assert boxes and all(t.disabled for t in boxes), "answers are read-only for a reviewer"
    at.text_area(key="review_text:case").input("Give the end-user certificate's number.").run()
    at.button(key="review_comment:case").click().run()
    at.query_params["screen"] = "summary"
    at.run()
    at.button(key="review_approve").click().run()
    a = store.get(aid).assessment
    assert a.review.status == "approved" and a.review.reviewer == "Head of Licensing <head@office.example>"
    assert a.review.comments[0].screen == "case" and a.review.comments[0].by.startswith("Head of Licensing")


def test_the_officer_sees_no_approve_button_on_their_own_assessment(store, make_assessment):
    aid = _seeded(store, make_assessment)
    at = _app("officer", WIZARD_PAGE, aid=aid, screen="summary")
    keys = [b.key for b in at.button]
    assert "review_approve" not in keys and "review_submit" not in keys  # already submitted
    assert EN.t("review_state_submitted") in [i.value for i in at.info]


def test_a_trainer_cannot_open_a_real_assessment(store, make_assessment):
    aid = _seeded(store, make_assessment, submitted=False)
    at = _app("trainer", WIZARD_PAGE, aid=aid, screen="case")
    assert any("not yours to read" in e.value for e in at.error)
    assert not [t for t in at.text_input if t.key and t.key.endswith("case.reference")]


def test_a_broken_access_configuration_is_an_error_page_not_a_traceback(store):
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["auth"] = AUTH
    at.secrets["access"] = {"officer": ["amina@office.example"], "auditor": ["x@office.example"]}
    at.user = {"is_logged_in": True, **PEOPLE["officer"]}
    at.run()
    assert not at.exception
    assert any(EN.t("access_config_error") == e.value for e in at.error)
    assert "access.auditor: unknown key" in at.code[0].value
    assert not at.button, "nothing else is offered"


def test_a_malformed_sign_in_configuration_is_an_error_page_too(store):
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["auth"] = {"redirect_uri": "http://127.0.0.1:8501/callback", "client_id": "wizard"}
    at.secrets["access"] = ACCESS
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    problems = at.code[0].value
    for expected in ("auth.cookie_secret: missing", "auth.client_secret: missing",
                     "auth.server_metadata_url: missing", "auth.redirect_uri: must end with /oauth2callback"):
        assert expected in problems
    assert not at.button, "no sign-in button that could only fail"


def test_each_person_sees_the_training_tabs_of_their_roles(store):
    officer = _app("officer", "wizard/ui/pages/training.py")
    trainer = _app("trainer", "wizard/ui/pages/training.py")
    assert [t.label for t in officer.tabs] == [EN.t("tab_trainee")]
    assert [t.label for t in trainer.tabs] == [EN.t("tab_trainer")]
    assert not [b for b in officer.button if b.key == "create_session"]


def test_the_list_offers_only_what_each_person_may_open(store, make_assessment):
    mine = _seeded(store, make_assessment, submitted=False)
    other = make_assessment()
    other.id, other.case.reference = "not-mine-1", "OTHER-2026-0001"
    store.create(other, Principal("sub-ben", "Ben Osei", "ben@office.example", roles=frozenset({"officer"}),
                                  verified=True))
    def shown(at: AppTest) -> str:
        return plain("\n".join(str(m.value) for m in at.markdown))
    at = _app("reviewer", "wizard/ui/pages/assessments.py")
    assert "OTHER-2026-0001" not in shown(at), "a reviewer lists only what was submitted for review"
    strict = {**ACCESS, "officers_read_all": False}
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["auth"], at.secrets["access"] = AUTH, strict
    at.user = {"is_logged_in": True, **PEOPLE["officer"]}
    at.run()
    at.switch_page("wizard/ui/pages/assessments.py").run()
    text = shown(at)
    assert store.get(mine).assessment.case.reference in text and "OTHER-2026-0001" not in text
