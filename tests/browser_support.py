"""A real Streamlit server and a real Chromium for tests/test_browser.py.

The browser is the Debian ``/usr/bin/chromium`` driven by Playwright (never ``playwright install``); see
/work/shared/tech-notes.md §3. One server per test module runs in its own process group against a temporary
SQLite database (``WIZARD_DATABASE_URL``), so the tests never touch ``data/``; it listens on a free loopback
port (another one when that port is taken before the server binds it), so parallel runs and pytest-xdist
workers never share a server. The server's log is kept in a file and printed when a test fails.
"""

from __future__ import annotations

import functools
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("WIZARD_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_ENV = "WIZARD_REQUIRE_BROWSER"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 20_000
SHOTS = Path(os.environ.get("WIZARD_SHOTS_DIR", "/tmp/shots"))

T = TypeVar("T")


def require_browser() -> None:
    """Skip the calling test module (visibly) when Chromium or Playwright is missing; fail instead under CI.

    Call at module level, before importing Playwright. ``WIZARD_REQUIRE_BROWSER=1`` (set by CI) turns the
    skip into a failure, so that a broken CI image cannot pass by silently skipping the browser tests.
    """
    problems: list[str] = []
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        problems.append(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as err:
        problems.append(f"Playwright for Python is not installed ({err}; pip install playwright)")
    if not problems:
        return
    reason = "browser tests need a real browser: " + "; ".join(problems)
    if os.environ.get(REQUIRE_ENV, "").strip() not in ("", "0"):
        pytest.fail(f"{reason}. {REQUIRE_ENV} is set, so this is a failure, not a skip.", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(probe: Callable[[], T | None], timeout: float = 20.0, interval: float = 0.1,
             what: str = "condition") -> T:
    """Poll ``probe`` until it returns something truthy; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        last = probe()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last value: {last!r})")
        time.sleep(interval)


class PortTaken(RuntimeError):
    """Between ``free_port`` closing its socket and streamlit binding, another process took the port."""


@dataclass
class Server:
    """``streamlit run streamlit_app.py`` on a free loopback port, in its own process group."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path = field(init=False)
    started_in: float = 0.0
    _log_offset: int = 0
    secrets: str = ""  # .streamlit/secrets.toml for this server ("{port}" is filled in), e.g. [auth] and [access]

    def __post_init__(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.data_dir / "streamlit.log"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'wizard.sqlite'}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0, attempts: int = 3) -> Server:
        """Start the server; when another process took the free port first, start again on another one."""
        for attempt in range(1, attempts + 1):
            try:
                return self._start(timeout)
            except PortTaken:
                if attempt == attempts:
                    raise
                self.port = free_port()
        raise AssertionError("unreachable")

    def _start(self, timeout: float) -> Server:
        env = {**os.environ, "WIZARD_DATABASE_URL": self.database_url, "WIZARD_DATA_DIR": str(self.data_dir),
               "PYTHONUNBUFFERED": "1"}
        # Only the port is given: the address (127.0.0.1), headless mode, no usage statistics and no external
        # address lookup come from .streamlit/config.toml, so the tests run the configuration as shipped.
        cmd = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(self.port)]
        if self.secrets:
            secrets = self.data_dir / "secrets.toml"
            secrets.write_text(self.secrets.replace("{port}", str(self.port)), encoding="utf-8")
            cmd += ["--secrets.files", str(secrets)]
        t0 = time.monotonic()
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = t0 + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = self.log()
                error = PortTaken if f"Port {self.port} is not available" in log else RuntimeError
                raise error(f"streamlit exited with {self.proc.returncode} before it was ready:\n" + log)
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as resp:
                    if resp.read().strip() == b"ok":
                        self.started_in = time.monotonic() - t0
                        return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"streamlit was not healthy after {timeout:.0f} s:\n" + self.log())

    def stop(self) -> None:
        """Stop the whole process group (streamlit and anything it started)."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                proc.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return "(no server log)"

    def log_since_mark(self) -> str:
        text = self.log()
        return text[self._log_offset:]

    def mark_log(self) -> None:
        self._log_offset = len(self.log())


def listening_addresses(port: int) -> list[str]:
    """The local addresses on which some process listens on TCP ``port`` (Linux: /proc/net/tcp and tcp6)."""
    import ipaddress

    found = []
    for table, width in (("/proc/net/tcp", 4), ("/proc/net/tcp6", 16)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            hex_address, hex_port = local.split(":")
            if state != "0A" or int(hex_port, 16) != port:  # 0A: LISTEN
                continue
            raw = bytes.fromhex(hex_address)  # kernel order: 32-bit words, each little-endian
            raw = b"".join(raw[i:i + 4][::-1] for i in range(0, width, 4))
            found.append(str(ipaddress.ip_address(raw)))
    return found


class Outbound:
    """Every request the pages of one browser context make; any to another host than the app's is blocked.

    ``context.on("request")`` sees what the pages ask for (scripts, fonts, images, icons, fetches), the route
    blocks and records anything addressed elsewhere (so the test machine's network cannot decide the result),
    and each page's WebSockets are recorded too. ``foreign()`` is what would have left the machine.
    """

    LOCAL_SCHEMES = ("data:", "blob:", "about:")

    def __init__(self, context: Any, server: Server):
        from urllib.parse import urlsplit

        self._split = urlsplit
        self.own = f"127.0.0.1:{server.port}"
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.websockets: list[str] = []
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("page", lambda page: page.on("websocket", lambda ws: self.websockets.append(ws.url)))
        context.route("**/*", self._route)

    def is_own(self, url: str) -> bool:
        return url.startswith(self.LOCAL_SCHEMES) or self._split(url).netloc == self.own

    def _route(self, route: Any) -> None:
        if self.is_own(route.request.url):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    def foreign(self) -> list[str]:
        return sorted({u for u in [*self.requests, *self.blocked, *self.websockets] if not self.is_own(u)})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("browser-server")).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(autouse=True)
def _server_log_on_failure(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print the server's log for the failing test (pytest shows it under "Captured stdout teardown")."""
    if "server" not in request.fixturenames:
        yield
        return
    srv: Server = request.getfixturevalue("server")
    srv.mark_log()
    failed_before = request.session.testsfailed
    yield
    if request.session.testsfailed > failed_before:
        print(f"----- streamlit log ({srv.log_path}) during {request.node.name} -----")
        print(srv.log_since_mark() or "(empty)")
        if srv.proc is not None and srv.proc.poll() is not None:
            print(f"----- streamlit exited with {srv.proc.returncode}; whole log -----\n{srv.log()}")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless Debian Chromium per module; each test opens its own context (cookies, tabs)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def context(chromium: Any) -> Iterator[Any]:
    # An English browser: the app follows the browser's language when the URL and the session name none.
    ctx = chromium.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="en-GB")
    ctx.set_default_timeout(TIMEOUT_MS)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def server_store(server: Server) -> Iterator[Any]:
    """The server's store, opened by the test (before any page loads, so only one process migrates it)."""
    from wizard.store import Store

    s = Store(server.database_url)
    try:
        yield s
    finally:
        s.close()


IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stSkeleton"], [data-stale="true"]');
}"""


def wait_idle(page: Any, timeout: int = TIMEOUT_MS) -> None:
    """Wait until the script run is over and every element is drawn (no skeleton, no stale element)."""
    page.wait_for_function(IDLE_JS, timeout=timeout)


def screenshot(page: Any, name: str, max_height: int = 7000) -> Path:
    """A screenshot of the whole app. Streamlit scrolls inside its main section, so ``full_page`` alone only
    shows the viewport: the viewport is stretched to the content's height for the shot, then restored."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.evaluate("() => document.activeElement && document.activeElement.blur()")  # no focus tooltip
    page.mouse.move(0, 0)
    wait_idle(page)
    size = page.viewport_size or {"width": 1400, "height": 1000}
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll("
        "'[data-testid=stMain], [data-testid=stSidebarContent], [data-testid=stAppScrollToBottomContainer]')]"
        ".map(e => e.scrollHeight), document.body.scrollHeight)")
    page.set_viewport_size({"width": size["width"], "height": min(max(int(height) + 40, size["height"]),
                                                                   max_height)})
    try:
        page.wait_for_timeout(200)  # let the layout follow the new height
        wait_idle(page)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
    return path


@functools.cache
def screen_heading(screen_id: str) -> str:
    """The heading the wizard shows above a screen's questions (as wizard/ui/pages/assessment.py makes it)."""
    from wizard import flow
    from wizard.guidance import load_guidance

    g = load_guidance("en")
    return flow.screen_label(g, g.screen(screen_id))


@functools.cache
def screen_short_title(screen_id: str) -> str:
    """The screen's name on its button in the sidebar (``Tab.go``)."""
    from wizard.guidance import load_guidance

    s = load_guidance("en").screen(screen_id)
    return s.short_title or s.title


# --- driving the app like an officer --------------------------------------------------------------------

OFFICER_FIELD = "Your name (recorded as the officer and in the audit log)"
FRESH = '[data-testid="stElementContainer"]:not([data-stale="true"])'
"""An element of the current run. During a rerun Streamlit keeps the previous run's elements on the page,
marked ``data-stale``, until the run ends: a new widget key (after a conflict or reload) briefly shows two."""


class Tab:
    """One browser tab on the app, with the few gestures the tests need.

    Locators are by role and accessible name (the labels come from guidance/en). Text is committed the way
    an officer commits it: type, then Tab away (the blur sends the value and the on_change callback saves).
    """

    def __init__(self, page: Any, server: Server):
        self.page = page
        self.server = server
        self.dialogs: list[str] = []
        page.on("dialog", self._on_dialog)

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    # -- where we are --

    def location(self) -> str:
        """The address bar as the browser has it now (``page.url`` can lag one history update behind)."""
        return self.page.evaluate("() => location.href")

    def query(self) -> dict[str, str]:
        from urllib.parse import parse_qsl, urlsplit

        return dict(parse_qsl(urlsplit(self.location()).query))

    def wait_screen(self, screen_id: str) -> None:
        self.page.wait_for_function("s => new URLSearchParams(location.search).get('screen') === s",
                                    arg=screen_id, timeout=TIMEOUT_MS)

    # -- opening --

    def open(self, aid: str, screen: str = "case") -> Tab:
        self.page.goto(f"{self.server.url}/assess?aid={aid}&screen={screen}")
        self.expect_heading_of(screen)
        return self

    def expect_heading_of(self, screen: str) -> None:
        from playwright.sync_api import expect

        expect(self.main().get_by_role("heading", name=screen_heading(screen), exact=True)).to_be_visible(
            timeout=TIMEOUT_MS)

    def create_assessment(self, officer: str) -> str:
        """Type the officer's name in the sidebar, press Create; return the new assessment's id."""
        from playwright.sync_api import expect

        page = self.page
        page.goto(self.server.url + "/")
        name = page.get_by_role("textbox", name=OFFICER_FIELD, exact=True)
        name.fill(officer)
        name.press("Tab")
        create = page.get_by_role("button", name="Create", exact=True)
        expect(create).to_be_enabled(timeout=TIMEOUT_MS)
        create.click()
        self.wait_screen("case")
        expect(self.textbox("Licence or application reference")).to_be_visible(timeout=TIMEOUT_MS)
        return self.query()["aid"]

    # -- locating --

    def main(self) -> Any:
        return self.page.get_by_test_id("stMain")

    def sidebar(self) -> Any:
        return self.page.get_by_test_id("stSidebar")

    def textbox(self, label: str, nth: int | None = None) -> Any:
        loc = self.main().locator(FRESH).get_by_role("textbox", name=label, exact=True)
        return loc if nth is None else loc.nth(nth)

    def radiogroup(self, label: str) -> Any:
        return self.main().locator(FRESH).get_by_role("radiogroup", name=label, exact=True)

    def radio(self, group: str, option: str) -> Any:
        return self.radiogroup(group).get_by_role("radio", name=option, exact=True)

    # -- gestures --

    def type(self, label: str, value: str, nth: int | None = None) -> None:
        wait_idle(self.page)  # an entry made while a run is drawing the page can be lost
        box = self.textbox(label, nth)
        box.fill(value)
        box.press("Tab")  # the blur commits a text_input or text_area: Streamlit reruns and the callback saves

    def choose(self, group: str, option: str) -> None:
        wait_idle(self.page)
        self.radiogroup(group).get_by_text(option, exact=True).click()

    def go(self, short_title: str, screen_id: str) -> None:
        """Click the screen's button in the sidebar: its mark, its place in the wizard, maybe the flowchart's
        number, its short title ("○ 2. Article 6", "✓ 3 · step 1 of the flowchart · Prevalence")."""
        import re

        pattern = re.compile(rf"^\S+ \d+\D(.*\D)?{re.escape(short_title)}$")
        self.sidebar().get_by_role("button", name=pattern).click()
        self.wait_screen(screen_id)
        self.expect_heading_of(screen_id)

    def saved_caption(self) -> Any:
        return self.main().get_by_test_id("stCaptionContainer").filter(has_text=" · rev. ").first
