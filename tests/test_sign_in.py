"""Sign-in through a real OpenID Connect provider (issue 13): ``oidc-provider`` from the npm registry, run with the
machine's Node.js on 127.0.0.1 (tests/oidc/provider.mjs), and the app configured with ``[auth]`` and ``[access]``
as an office would. An officer and a reviewer sign in in two browser contexts and take an assessment through
submit, approve and finalise; the log names them as the provider does, and the URL names no one."""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

pytest.register_assert_rewrite("tests.browser_support")

from tests.browser_support import ROOT, TIMEOUT_MS, Server, free_port, require_browser, wait_for  # noqa: E402

require_browser()

from playwright.sync_api import expect  # noqa: E402

pytest_plugins = ["tests.browser_support"]
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

OIDC = ROOT / "tests" / "oidc"


def _node() -> str | None:
    node = shutil.which("node")
    if node is None or not (OIDC / "node_modules" / "oidc-provider").is_dir():
        if os.environ.get("WIZARD_REQUIRE_OIDC"):
            pytest.fail("the OpenID Connect provider is missing: install Node.js and run "
                        "`npm ci --prefix tests/oidc` (.ci/run does)")
        pytest.skip("no OpenID Connect provider here: needs Node.js and `npm ci --prefix tests/oidc`")
    return node


SECRETS = """
[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "a-test-cookie-secret-long-enough-for-signing"
client_id = "wizard"
client_secret = "wizard-test-secret"
server_metadata_url = "http://127.0.0.1:OIDC_PORT/.well-known/openid-configuration"
client_kwargs = { scope = "openid profile email groups", prompt = "login" }

[access]
officer = ["amina@office.example"]
reviewer = ["group:heads"]
trainer = ["group:trainers"]
require_approval = true
"""


@pytest.fixture(scope="module")
def signed_in_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    node = _node()
    app_port, oidc_port = free_port(), free_port()
    log = (tmp_path_factory.mktemp("oidc") / "provider.log").open("wb")
    provider = subprocess.Popen([node, "provider.mjs", str(oidc_port), f"http://127.0.0.1:{app_port}/oauth2callback"],
                                cwd=OIDC, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)

    def ready() -> bool | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{oidc_port}/.well-known/openid-configuration",
                                        timeout=2) as resp:
                return resp.status == 200 or None
        except OSError:
            return None

    wait_for(ready, timeout=20)
    server = Server(tmp_path_factory.mktemp("signed-in-server"), port=app_port,
                    secrets=SECRETS.replace("OIDC_PORT", str(oidc_port)))
    server._start(30.0)  # the provider knows this port: no retry on another one
    try:
        yield server
    finally:
        server.stop()
        provider.terminate()
        provider.wait(10)
        log.close()


def _sign_in(context: Any, server: Server, login: str, path: str = "/") -> Any:
    """Open the app, press Sign in, and sign in on the provider's own form as ``login``."""
    page = context.new_page()
    page.goto(server.url + path)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("input[name=login]", timeout=TIMEOUT_MS)
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any password")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if "/interaction/" in page.url:  # the provider asks to confirm what the app may read
        page.click("button[type=submit]")
    expect(page.get_by_test_id("stMain")).to_be_visible(timeout=TIMEOUT_MS)
    return page


def test_an_officer_and_a_reviewer_take_an_assessment_through_submit_approve_and_finalise(
        chromium: Any, signed_in_server: Server, make_assessment: Any) -> None:
    from wizard.access import Principal
    from wizard.model import approval_holds
    from wizard.store import Store

    store = Store(signed_in_server.database_url)
    amina = Principal("officer", "Amina Diallo", "amina@office.example", roles=frozenset({"officer"}), verified=True)
    a = make_assessment()
    a.officer = "Amina Diallo"
    stored = store.create(a, amina)
    aid = stored.assessment.id
    officer_ctx = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    reviewer_ctx = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    try:
        # Before sign-in: only the sign-in page, whatever the URL asks.
        anonymous = officer_ctx.new_page()
        anonymous.goto(f"{signed_in_server.url}/assess?aid={aid}&screen=case&by=Head%20of%20Licensing")
        expect(anonymous.get_by_role("button", name="Sign in")).to_be_visible(timeout=TIMEOUT_MS)
        expect(anonymous.get_by_text(a.case.reference)).to_have_count(0)
        anonymous.close()

        officer = _sign_in(officer_ctx, signed_in_server, "officer", f"/assess?aid={aid}&screen=summary")
        officer.goto(f"{signed_in_server.url}/assess?aid={aid}&screen=summary&by=Head%20of%20Licensing")
        expect(officer.get_by_test_id("stSidebar").get_by_text("Amina Diallo")).to_be_visible(timeout=TIMEOUT_MS)
        officer.get_by_role("button", name="Submit for review").click()
        wait_for(lambda: store.get(aid).assessment.review.status == "submitted" or None)

        reviewer = _sign_in(reviewer_ctx, signed_in_server, "reviewer")
        reviewer.get_by_text("Waiting for my review").click()
        expect(reviewer.get_by_text(a.case.reference)).to_be_visible(timeout=TIMEOUT_MS)
        reviewer.goto(f"{signed_in_server.url}/assess?aid={aid}&screen=summary")
        reviewer.get_by_role("button", name="Approve this content").click()
        wait_for(lambda: store.get(aid).assessment.review.status == "approved" or None)

        officer.goto(f"{signed_in_server.url}/assess?aid={aid}&screen=determination")
        officer.get_by_text("I have reviewed the record and want to lock it.").click()
        officer.get_by_role("button", name="Finalise").click()
        final = wait_for(lambda: ((s := store.get(aid)).assessment.status == "final" and s) or None)
        assert approval_holds(final.assessment) and final.assessment.identities_verified
        log = {e.action: e.actor for e in store.events(aid)}
        assert log["submit"] == "Amina Diallo <amina@office.example>"
        assert log["approve"] == "Head of Licensing <head@office.example>"
        assert log["finalise"] == "Amina Diallo <amina@office.example>"
        assert final.assessment.review.reviewer_id == "reviewer"
    finally:
        officer_ctx.close()
        reviewer_ctx.close()
        store.close()

