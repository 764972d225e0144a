"""Who may do what, and the four-eyes review (issue 13), refused by the store itself when called directly."""

from __future__ import annotations

import pytest

from wizard.access import AccessConfig, AccessConfigError, Principal, parse_config, unverified
from wizard.model import approval_holds, content_sha256
from wizard.store import Archived, ListFilter, NotAllowed, Store, StoreError

OFFICER = Principal("sub-officer", "Amina Diallo", "amina@office.example", roles=frozenset({"officer"}), verified=True)
OTHER_OFFICER = Principal("sub-other", "Ben Osei", "ben@office.example", roles=frozenset({"officer"}), verified=True)
REVIEWER = Principal("sub-reviewer", "Head of Licensing", "head@office.example", roles=frozenset({"reviewer"}),
                     verified=True)
TRAINER = Principal("sub-trainer", "Ines Okafor", "ines@office.example", roles=frozenset({"trainer"}), verified=True)
ADMIN = Principal("sub-admin", "Admin", "admin@office.example", roles=frozenset({"administrator"}), verified=True)
BOTH = Principal("sub-both", "Officer and reviewer", "both@office.example",
                 roles=frozenset({"officer", "reviewer"}), verified=True)


@pytest.fixture
def signed_in(store_url) -> Store:
    s = Store(store_url, access=AccessConfig(officers_read_all=True, require_approval=True))
    yield s
    s.close()


def _made(store: Store, make_assessment, by: Principal = OFFICER):
    a = make_assessment()
    a.officer = by.name
    return store.create(a, by)


def test_the_reviewer_approves_the_exact_content_and_the_officer_finalises(signed_in, make_assessment, guidance):
    stored = _made(signed_in, make_assessment)
    aid = stored.assessment.id
    with pytest.raises(NotAllowed, match="reviewer's approval"):
        signed_in.finalise(aid, stored.version, OFFICER, guidance)
    stored = signed_in.submit(aid, stored.version, OFFICER)
    stored = signed_in.comment(aid, stored.version, REVIEWER, "mitigation", "Name who verifies the visits.")
    stored = signed_in.approve(aid, stored.version, REVIEWER)
    a = stored.assessment
    assert a.review.status == "approved" and a.review.approved_sha256 == content_sha256(a) and approval_holds(a)
    assert a.review.reviewer == "Head of Licensing <head@office.example>" and a.review.reviewer_id == "sub-reviewer"
    final = signed_in.finalise(aid, stored.version, OFFICER, guidance)
    assert final.assessment.status == "final" and approval_holds(final.assessment)
    actions = [e.action for e in signed_in.events(aid)][::-1]
    assert actions == ["create", "submit", "comment", "approve", "finalise"]
    assert signed_in.events(aid)[1].actor == "Head of Licensing <head@office.example>"


def test_an_officer_never_approves_their_own_assessment(signed_in, make_assessment):
    stored = _made(signed_in, make_assessment, by=BOTH)
    stored = signed_in.submit(stored.assessment.id, stored.version, BOTH)
    with pytest.raises(NotAllowed, match="never reviews or approves their own"):
        signed_in.approve(stored.assessment.id, stored.version, BOTH)
    # Without sign-in the same rule holds between typed names.
    plain = Store(signed_in.url)
    a = plain.get(stored.assessment.id).assessment
    assert a.review.status == "submitted"
    fresh = make_assessment()
    fresh.id, fresh.officer = "typed-1", "Amina"
    typed = plain.create(fresh, "Amina")
    typed = plain.submit("typed-1", typed.version, "Amina")
    with pytest.raises(NotAllowed, match="own"):
        plain.approve("typed-1", typed.version, "Amina")
    assert plain.approve("typed-1", typed.version, "Ben").assessment.review.status == "approved"
    plain.close()


def test_an_edit_after_approval_voids_it_visibly(signed_in, make_assessment, guidance):
    stored = _made(signed_in, make_assessment)
    aid = stored.assessment.id
    stored = signed_in.approve(aid, signed_in.submit(aid, stored.version, OFFICER).version, REVIEWER)
    edited = stored.assessment.model_copy(deep=True)
    edited.determination.conditions = "A condition added after the approval."
    stored = signed_in.save(edited, stored.version, OFFICER)
    assert stored.assessment.review.status == "voided" and not approval_holds(stored.assessment)
    void = signed_in.events(aid)[0]
    assert (void.action, void.old, void.new) == ("void", "approved", "voided")
    with pytest.raises(NotAllowed, match="voided"):
        signed_in.finalise(aid, stored.version, OFFICER, guidance)
    stored = signed_in.approve(aid, stored.version, REVIEWER)  # approving again: the new content
    assert approval_holds(stored.assessment)


def test_a_change_outside_the_content_keeps_the_approval(signed_in, make_assessment):
    stored = _made(signed_in, make_assessment)
    aid = stored.assessment.id
    stored = signed_in.approve(aid, signed_in.submit(aid, stored.version, OFFICER).version, REVIEWER)
    signed = stored.assessment.model_copy(deep=True)
    signed.signoff.officer = "Amina Diallo"  # signing off is not a change of what was approved
    assert approval_holds(signed_in.save(signed, stored.version, OFFICER).assessment)


def test_a_reviewer_cannot_edit_answers_and_returns_with_comments(signed_in, make_assessment):
    stored = _made(signed_in, make_assessment)
    aid = stored.assessment.id
    stored = signed_in.submit(aid, stored.version, OFFICER)
    changed = stored.assessment.model_copy(deep=True)
    changed.determination.reasons = "A reviewer's own reasons."
    with pytest.raises(NotAllowed, match="own officer"):
        signed_in.save(changed, stored.version, REVIEWER)
    with pytest.raises(NotAllowed, match="own officer"):
        signed_in.save(changed, stored.version, OTHER_OFFICER)
    stored = signed_in.return_for_changes(aid, stored.version, REVIEWER, "Cite the NHRI report in step 3.")
    assert stored.assessment.review.status == "returned"
    assert stored.assessment.review.comments[-1].text == "Cite the NHRI report in step 3."
    returned = signed_in.list(ListFilter(review_status="returned"))
    assert [r.id for r in returned.rows] == [aid]


def test_a_trainer_sees_training_only_and_roles_guard_the_rest(signed_in, make_assessment):
    real = _made(signed_in, make_assessment)
    with pytest.raises(NotAllowed, match="not yours to read"):
        signed_in.get(real.assessment.id, as_=TRAINER)
    assert signed_in.get(real.assessment.id, as_=OTHER_OFFICER)  # the office lets officers read each other's
    with pytest.raises(NotAllowed, match="administrator"):
        signed_in.archive(real.assessment.id, OFFICER)
    assert signed_in.archive(real.assessment.id, ADMIN).archived
    with pytest.raises(Archived):
        signed_in.submit(real.assessment.id, signed_in.get(real.assessment.id).version, OFFICER)
    with pytest.raises(NotAllowed, match="officer role"):
        signed_in.create(make_assessment(), REVIEWER)
    with pytest.raises(NotAllowed, match="trainer role"):
        signed_in.create_training_session("quessa_brigade", "en", "", OFFICER)
    session = signed_in.create_training_session("quessa_brigade", "en", "Course", TRAINER)
    with pytest.raises(NotAllowed, match="for its trainers"):
        signed_in.attempts(session.code, as_=OFFICER)
    assert signed_in.attempts(session.code, as_=TRAINER) == []
    strict = Store(signed_in.url, access=AccessConfig(officers_read_all=False))
    with pytest.raises(NotAllowed):
        strict.get(real.assessment.id, as_=OTHER_OFFICER)
    strict.close()


def test_reopening_needs_a_new_approval(signed_in, make_assessment, guidance):
    stored = _made(signed_in, make_assessment)
    aid = stored.assessment.id
    stored = signed_in.approve(aid, signed_in.submit(aid, stored.version, OFFICER).version, REVIEWER)
    stored = signed_in.finalise(aid, stored.version, OFFICER, guidance)
    reopened = signed_in.reopen(aid, OFFICER, "New reports from the NHRI (Art. 7(7)).")
    assert reopened.assessment.review.status == "none" and not approval_holds(reopened.assessment)
    with pytest.raises(NotAllowed, match="approval"):
        signed_in.finalise(aid, reopened.version, OFFICER, guidance)


def test_the_office_may_turn_the_approval_rule_off(store_url, make_assessment, guidance):
    s = Store(store_url, access=AccessConfig(require_approval=False))
    stored = _made(s, make_assessment)
    assert s.finalise(stored.assessment.id, stored.version, OFFICER, guidance).assessment.status == "final"
    s.close()


def test_without_sign_in_a_typed_name_has_every_role_and_nothing_is_verified(store, make_assessment, guidance):
    p = unverified("Amina")
    assert p.roles == {"officer", "reviewer", "trainer", "administrator"} and not p.verified
    stored = store.create(make_assessment(), "Amina")
    assert stored.assessment.officer_id == "name:Amina" and not stored.assessment.identities_verified
    assert store.finalise(stored.assessment.id, stored.version, "Amina", guidance).assessment.status == "final"


def test_bad_configuration_is_named_key_by_key():
    with pytest.raises(AccessConfigError) as err:
        parse_config({"officer": ["amina@office.example"], "reviwer": ["x@y.z"], "trainer": "ines",
                      "administrator": ["not-an-address"], "require_approval": "yes"}, "secrets.toml")
    problems = err.value.problems
    assert any("access.reviwer: unknown key" in p for p in problems)
    assert any("access.trainer: a list" in p for p in problems)
    assert any("'not-an-address' is neither an e-mail address" in p for p in problems)
    assert any("access.require_approval: true or false" in p for p in problems)
    config = parse_config({"officer": ["Amina@Office.example", "group:licensing"], "reviewer": ["group:heads"]},
                          "secrets.toml")
    assert config.roles_of("amina@office.example", []) == {"officer"}
    assert config.roles_of("x@office.example", ["licensing", "heads"]) == {"officer", "reviewer"}
    assert StoreError


def test_administrators_grant_and_revoke_roles_and_every_change_is_logged(signed_in):
    from sqlalchemy import text

    with pytest.raises(NotAllowed, match="administrator"):
        signed_in.grant_role("ben@office.example", "reviewer", OFFICER)
    signed_in.grant_role("Ben@Office.example", "reviewer", ADMIN)
    signed_in.grant_role("group:licensing-heads", "reviewer", ADMIN)
    signed_in.grant_role("ben@office.example", "reviewer", ADMIN)  # already granted: nothing new
    with pytest.raises(StoreError, match="neither an e-mail address"):
        signed_in.grant_role("Ben Osei", "reviewer", ADMIN)
    with pytest.raises(StoreError, match="unknown role"):
        signed_in.grant_role("ben@office.example", "auditor", ADMIN)
    assert [(g.member, g.role) for g in signed_in.role_grants()] == [("ben@office.example", "reviewer"),
                                                                     ("group:licensing-heads", "reviewer")]
    config = AccessConfig().with_grants((g.member, g.role) for g in signed_in.role_grants())
    assert config.roles_of("ben@office.example", []) == {"reviewer"}
    assert config.roles_of("x@office.example", ["licensing-heads"]) == {"reviewer"}
    signed_in.revoke_role("ben@office.example", "reviewer", ADMIN)
    assert [(e.action, e.member) for e in signed_in.role_log()] == [
        ("revoke", "ben@office.example"), ("grant", "group:licensing-heads"), ("grant", "ben@office.example")]
    assert signed_in.role_log()[0].actor == "Admin <admin@office.example>"
    with signed_in.engine.begin() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("DELETE FROM role_events"))


def test_the_record_shows_who_reviewed_what_and_whether_it_matches(signed_in, make_assessment, guidance):
    import io

    from pypdf import PdfReader

    from wizard.record import build_pdf

    def text(a) -> str:
        return "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(build_pdf(a, guidance))).pages).split())

    stored = _made(signed_in, make_assessment)
    aid = stored.assessment.id
    stored = signed_in.submit(aid, stored.version, OFFICER)
    stored = signed_in.comment(aid, stored.version, REVIEWER, "prevention", "Name the prosecutions.")
    stored = signed_in.approve(aid, stored.version, REVIEWER)
    a = stored.assessment
    shown = text(a)
    assert "".join(guidance.t("record_review_matches").split()) in shown
    assert "HeadofLicensing<head@office.example>" in shown and "Namethe prosecutions.".replace(" ", "") in shown
    assert a.review.approved_sha256 in shown, "the approved content's SHA-256 is printed"
    assert "".join(guidance.t("record_identities_not_verified").split()) not in shown
    tampered = a.model_copy(deep=True)
    tampered.determination.reasons = "Changed outside the store, after the approval."
    assert "".join(guidance.t("record_review_does_not_match").split()) in text(tampered)
    typed = make_assessment()
    assert "".join(guidance.t("record_identities_not_verified").split()) in text(typed)
