"""The open assessment in a browser session, kept in step with the store.

Answers live in the ``Assessment`` model, never only in widget keys (Streamlit drops the state of widgets
that are not on screen). Every change is an ``Edit`` (wizard/edits.py) and goes through ``commit``: it makes
the edit on a copy of the model, saves it to the store at once with the version it started from, and only then
adopts it. A refused save (conflict, lock, database error) leaves the model as it was and the typed value on
screen; after a conflict the held edits are merged onto the other version by ``edits.merge``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import streamlit as st

from wizard import access, edits, flow, store_config
from wizard.access import AccessConfig, AccessConfigError, Principal, auth_problems, parse_config, unverified
from wizard.edits import Edit
from wizard.guidance import cached_guidance
from wizard.guidance_schema import Guidance, GuidanceError
from wizard.model import Assessment
from wizard.store import Conflict, Locked, NotAllowed, NotFound, Store, Stored, StoreError
from wizard.ui import fragments, labels, typing_guard


@dataclass
class OpenDoc:
    stored: Stored
    generation: int = 0  # bumped when the model is replaced from outside, so widgets re-seed
    saved_at: datetime | None = None
    error: str | None = None
    conflict: Conflict | None = None
    # Edits made since a conflict was found, in order, all against ``assessment``: held (not saved) until the
    # officer chooses.
    pending: list[Edit] = field(default_factory=list)
    derived: dict[tuple[str, int, str, str], Any] = field(default_factory=dict)  # worked out from ``stored``

    @property
    def assessment(self) -> Assessment:
        return self.stored.assessment

    @property
    def final(self) -> bool:
        return self.assessment.status == "final"

    @property
    def locked(self) -> bool:
        """Nothing can be changed here: the assessment is final, or it is not this person's to edit (a
        reviewer reads it; the store would refuse the edit anyway)."""
        return self.final or not self.editable

    editable: bool = True  # set each run from the person's roles (``current``)

    def open_items(self, g: Guidance) -> dict[str, list[flow.Open]]:
        """What is still open, screen by screen; worked out once per stored state, not per widget."""
        return self.memo("open", g, lambda: {s.id: flow.open_items(g, self.assessment, s) for s in g.screens})

    def findings(self, g: Guidance) -> list[flow.Finding]:
        return self.memo("findings", g, lambda: flow.check(g, self.assessment))

    def outside(self, g: Guidance) -> fragments.Outside:
        """What the page shows outside the fragments (marks, rows, conflict): see wizard/ui/fragments.py."""
        return fragments.outside(g, self.open_items(g), self.findings(g), self.assessment,
                                 conflict=self.conflict is not None, pending=bool(self.pending))

    def memo(self, name: str, g: Guidance, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per stored state and guidance: every stored state has its own version (a save
        without changes keeps the same content), and the words depend on the language (and text) shown."""
        key = (name, self.stored.version, g.language, g.digest)
        if key not in self.derived:
            self.derived = {k: v for k, v in self.derived.items() if k[1] == self.stored.version}
            self.derived[key] = compute()
        return self.derived[key]


@st.cache_resource(show_spinner=False)
def _store_for(url: str) -> Store:
    return Store(url)


def secrets() -> Any:
    """.streamlit/secrets.toml as a mapping, or None without one (the core never reads that file itself)."""
    return st.secrets if st.secrets.load_if_toml_exists() else None


def database_url() -> str:
    """The store's URL: the environment first, then ``database_url`` in .streamlit/secrets.toml, then SQLite."""
    return store_config.database_url(st.secrets if st.secrets.load_if_toml_exists() else None)


def store() -> Store:
    s = _store_for(database_url())
    s.access = access_config()  # the office's rules, read from the secrets each run (a dict: cheap)
    return s


# --- who is using the app (issue 13) --------------------------------------------------------------------------


def auth_configured() -> bool:
    """Whether the office configured an OpenID Connect provider (``[auth]`` in .streamlit/secrets.toml)."""
    s = secrets()
    return s is not None and "auth" in s


def access_config() -> AccessConfig:
    """The roles and options: ``[access]`` in the secrets, or the TOML file named by WIZARD_ACCESS_FILE.
    Raises AccessConfigError naming each problem."""
    path = os.environ.get("WIZARD_ACCESS_FILE")
    if path:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise AccessConfigError([f"{path}: cannot be read: {err}"]) from None
        return parse_config(data.get("access", data), path)
    s = secrets()
    section = s.get("access") if s is not None else None
    return parse_config(dict(section) if section is not None else None, ".streamlit/secrets.toml [access]")


def principal() -> Principal:
    """The person using this session: signed in through the provider (verified, roles from the
    configuration), or, without a provider, the name typed in the sidebar (every role, not verified)."""
    if not auth_configured():
        return unverified(actor_default().strip() or ui_text("unnamed_officer", UNNAMED))
    user = st.user
    info = user.to_dict() if hasattr(user, "to_dict") else dict(user)
    config = access_config().with_grants((g.member, g.role) for g in _store_for(database_url()).role_grants())
    groups = info.get(config.groups_claim) or []
    groups = [groups] if isinstance(groups, str) else [str(g) for g in groups]
    email = str(info.get("email") or "")
    name = str(info.get("name") or info.get("preferred_username") or email or info.get("sub") or "")
    return Principal(subject=str(info.get("sub") or email), name=name, email=email, groups=frozenset(groups),
                     roles=config.roles_of(email, groups), verified=True)


def signed_in() -> bool:
    return not auth_configured() or bool(getattr(st.user, "is_logged_in", False))


def gate() -> bool:
    """Before any page: a clear error page for a broken configuration, and, with a provider, only the sign-in
    page until the person has signed in. True when the page may be shown."""
    try:
        access_config()
        if auth_configured():
            problems = auth_problems(secrets()["auth"], ".streamlit/secrets.toml")
            if problems:
                raise AccessConfigError(problems)
    except AccessConfigError as err:
        st.error(ui_text("access_config_error", "The access configuration cannot be used"))
        st.code("\n".join(err.problems), language=None)
        return False
    if signed_in():
        return True
    st.title(ui_text("app_title", "ATT Article 7(4) assessment"))
    st.info(ui_text("sign_in_needed", "Sign in with your office account to continue."))
    st.button(ui_text("sign_in", "Sign in"), key="sign_in", on_click=st.login, type="primary")
    return False


def guidance() -> Guidance:
    return cached_guidance(language())


def available_languages() -> list[str]:
    """The languages the guidance exists in, English first (each a folder under guidance/)."""
    from wizard.guidance_parity import languages

    return languages()


def language() -> str:
    """The session's language: ``?lang=`` if the guidance exists in it, else the one chosen earlier in this
    session, else the browser's, else English. A choice sticks for the session."""
    available = available_languages()
    asked = (st.query_params.get("lang") or "").strip()
    if asked in available:
        st.session_state["lang"] = asked
        return asked
    kept = st.session_state.get("lang")
    if kept in available:
        return kept
    browser = (getattr(st.context, "locale", None) or "").split("-")[0].lower()
    return browser if browser in available else available[0]


def language_name(lang: str) -> str:
    """A language's name in that language: the selector is read by someone who may not read the current one.
    A language whose guidance cannot be loaded is named by its code (the page says what is wrong)."""
    try:
        return cached_guidance(lang).t("language_name")
    except GuidanceError:
        return lang


def _choose_language() -> None:
    lang = st.session_state.get("lang_select")
    if lang in available_languages():
        st.session_state["lang"] = lang
        st.query_params["lang"] = lang


def language_selector() -> None:
    """On every page, when the guidance exists in more than one language."""
    available = available_languages()
    if len(available) < 2:
        return
    current = language()
    if st.session_state.get("lang") == current and st.query_params.get("lang") != current:
        st.query_params["lang"] = current  # a chosen language survives a refresh, as the officer's name does
    st.session_state["lang_select"] = current  # follows ?lang= and the session's choice
    st.selectbox(ui_text("language_selector", "Language"), available, key="lang_select", format_func=language_name,
                 on_change=_choose_language)


def follow_switch() -> None:
    """Go to the page a callback asked for (``st.session_state["switch_to"] = (page, query)``), carrying the
    typed name in the URL as the other links do."""
    target = st.session_state.pop("switch_to", None)
    if target:
        by = {"by": actor_default()} if actor_default() and not auth_configured() else {}
        st.switch_page(target[0], query_params={**target[1], **by})


def show_left_messages(error_key: str, notice_key: str) -> None:
    """Show, once, the error or notice a callback left in the session for this run of the page."""
    for key, show in ((error_key, st.error), (notice_key, st.success)):
        if st.session_state.get(key):
            show(st.session_state.pop(key))


def actor_default() -> str:
    """The name this session gave, or the one carried in the URL (?by=) across a refresh."""
    if "actor" in st.session_state:
        return st.session_state["actor"] or ""
    return (st.query_params.get("by") or "").strip()


def actor() -> Principal:
    """Who acts in this session: the store checks their roles and the log names them."""
    return principal()


def officer_name() -> str:
    """The name the case screen and the record show for the officer."""
    return principal().name


UNNAMED = "unnamed officer"


def unnamed() -> bool:
    """Whether this session has given no name yet (comments, decisions and new assessments need one); a
    signed-in person is never unnamed."""
    return not auth_configured() and not actor_default().strip()


def set_actor() -> None:
    name = (st.session_state.get("actor_input") or "").strip()
    st.session_state["actor"] = name
    if name:
        st.query_params["by"] = name
    else:
        st.query_params.pop("by", None)


def identity_box() -> None:
    """The sidebar: who is signed in, with their roles and a sign-out button; or, without a provider, the box
    where a name is stated (and the reminder that names are not verified)."""
    if not auth_configured():
        name_field(ui_text("officer_name", "Your name"))
        return
    if not signed_in():
        return
    try:
        p = principal()
    except AccessConfigError:
        return  # the gate shows the error page
    roles = ", ".join(ui_text(f"role_{r}", r) for r in sorted(p.roles)) or ui_text("role_none", "no role")
    st.markdown(f"**{p.name}**  \n{p.email}")
    st.caption(ui_text("signed_in_roles", "Roles: {roles}").format(roles=roles))
    st.button(ui_text("sign_out", "Sign out"), key="sign_out", on_click=st.logout)


def name_field(label: str) -> None:
    """The sidebar name box, the session's name and ``?by=`` kept as one: whichever was given first wins.

    The name is seeded once from the URL (a refresh, a bookmark), then lives in the session, so a page whose
    URL has lost ``?by=`` (the top bar's links drop the query) still knows it, and puts it back.
    """
    if "actor" not in st.session_state:
        st.session_state["actor"] = (st.query_params.get("by") or "").strip()
    if "actor_input" not in st.session_state:  # first run, or the widget's state was dropped
        st.session_state["actor_input"] = st.session_state["actor"]
    st.text_input(label, key="actor_input", on_change=set_actor, live=typing_guard.LIVE)
    name = st.session_state["actor"]
    if name and st.query_params.get("by") != name:
        st.query_params["by"] = name


def current() -> OpenDoc | None:
    """The open assessment: the one named in the URL, or else the one this session had open.

    The top bar's page links drop the URL's query, so the id is kept in the session as well, and put back in
    the URL (``?aid=``) so that a refresh or a bookmark of any page finds it again.
    """
    aid = st.query_params.get("aid") or st.session_state.get("aid")
    doc: OpenDoc | None = st.session_state.get("doc")
    if not aid:
        return None
    if doc is None or doc.assessment.id != aid:
        try:
            stored = store().get(aid, as_=actor())
        except NotFound:
            st.session_state.pop("doc", None)
            st.session_state.pop("aid", None)
            return None
        except NotAllowed as err:  # not this person's to read: said, and nothing of it shown
            st.session_state.pop("doc", None)
            st.error(str(err))
            return None
        doc = OpenDoc(stored=stored, saved_at=stored.saved_at)
        st.session_state["doc"] = doc
    doc.editable = access.may_edit(actor(), doc.assessment)
    st.session_state["aid"] = aid
    if st.query_params.get("aid") != aid:
        st.query_params["aid"] = aid
    name = actor_default()
    if name and not auth_configured() and st.query_params.get("by") != name:
        st.query_params["by"] = name  # signed in, the URL never names anyone
    return doc


def goto(screen_id: str) -> None:
    """Show one screen of the open assessment; remembered for the session as well as in the URL (?screen=)."""
    st.query_params["screen"] = screen_id
    st.session_state["screen"] = (st.session_state.get("aid"), screen_id)
    if _fragment_run():  # a button in a fragment (the sidebar's marks): draw the whole page, not the fragment
        st.rerun()


def current_screen(screen_ids: list[str]) -> str:
    """The screen to show: the URL's, else the one last shown of this assessment in this session, else the first."""
    wanted = st.query_params.get("screen")
    if wanted not in screen_ids:
        aid, last = st.session_state.get("screen") or (None, None)
        wanted = last if aid == st.session_state.get("aid") and last in screen_ids else screen_ids[0]
    st.session_state["screen"] = (st.session_state.get("aid"), wanted)
    if st.query_params.get("screen") != wanted:
        st.query_params["screen"] = wanted
    return wanted


def open_assessment(stored: Stored) -> None:
    st.session_state["doc"] = OpenDoc(stored=stored, saved_at=stored.saved_at)
    st.session_state["aid"] = stored.assessment.id


def widget_key(doc: OpenDoc, *parts: object) -> str:
    return ":".join(["w", doc.assessment.id, str(doc.generation), *(str(p) for p in parts)])


def commit(doc: OpenDoc, edit: Edit) -> bool:
    """Make one edit and save it at once; True when it is stored."""
    doc.error = None
    if doc.locked:
        doc.error = guidance().t("locked_notice")
        return False
    if doc.conflict is not None:
        # Inputs stay open (disabling them can reset what the officer typed on screen); further edits wait
        # with the first until the officer chooses.
        doc.pending.append(edit)
        return False
    try:
        draft = edits.apply(doc.assessment, edit)
    except edits.EditError as err:
        doc.error = guidance().t("save_failed", error=str(err))
        return False
    return _save(doc, draft, [edit])


def _save(doc: OpenDoc, draft: Assessment, made: list[Edit]) -> bool:
    """Save ``draft`` (``doc``'s assessment with ``made``) and adopt it; a conflict holds ``made``."""
    try:
        saved = store().save(draft, doc.stored.version, actor())
    except Conflict as err:
        doc.conflict = err
        doc.pending = list(made)
        return False
    except Locked as err:
        doc.error = str(err)
        return False
    except (StoreError, ValueError) as err:
        doc.error = guidance().t("save_failed", error=str(err))
        return False
    doc.stored = saved
    doc.saved_at = saved.saved_at
    return True


def on_widget_change(doc: OpenDoc, key: str, path: str, old: Any,
                     to_model: Callable[[Any], Any] | None = None, fragment: str | None = None) -> None:
    """Widget ``on_change`` callback: the widget's value (read by key) becomes an edit of ``path``.

    ``old`` is what the model held when the widget was rendered: what the officer saw. ``fragment`` is the
    fragment the widget is drawn in (``fragments.here()``): what else to redraw is decided by ``_rerun``.
    """
    before = doc.outside(guidance())
    value = st.session_state.get(key)
    commit(doc, Edit(path, to_model(value) if to_model is not None else value, old))
    _rerun(doc, fragment, before)


def on_click(doc: OpenDoc, edit: Edit, fragment: str | None = None) -> None:
    """Button ``on_click`` callback: make ``edit`` (add or remove a row, a source ...), then redraw."""
    before = doc.outside(guidance())
    commit(doc, edit)
    _rerun(doc, fragment, before)


def _fragment_run() -> bool:
    """Whether this run draws fragments only (a browser interaction inside one), not the whole page."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def redraw_after(doc: OpenDoc, fragment: str | None, before: fragments.Outside) -> None:
    """After a callback's edits: redraw what they changed outside ``fragment`` (a callback of its own)."""
    _rerun(doc, fragment, before)


def _rerun(doc: OpenDoc, fragment: str | None, before: fragments.Outside) -> None:
    if not _fragment_run():
        # The whole page runs anyway: the default when the widget is outside any fragment, and what AppTest
        # does on every interaction (its element tree would hold only the fragments of a keyed rerun).
        return
    scope = fragments.rerun_after(fragment, before, doc.outside(guidance()))
    if scope is not None:
        st.rerun(scope)  # from a callback: replaces the interaction's default rerun


def resolve_conflict(doc: OpenDoc, keep_mine: bool) -> None:
    """Load their version; with ``keep_mine``, merge the held edits onto it and save the result."""
    conflict = doc.conflict
    if conflict is None:
        return
    mine, held = doc.assessment, doc.pending
    doc.stored = conflict.current
    doc.saved_at = conflict.current.saved_at
    doc.conflict = None
    doc.pending = []
    doc.error = None
    doc.generation += 1  # their values replace what the widgets hold
    if not keep_mine:
        return
    merged = edits.merge(mine, held, doc.assessment)
    if merged.applied:
        # One save for all of them; should a third writer have saved meanwhile, they are held again, now
        # against the version just loaded.
        _save(doc, merged.assessment, list(merged.applied))
    if merged.not_applied:
        g = guidance()
        # Named as the screens name them; the field paths are kept for experts in the page's details fold.
        note = g.t("conflict_not_reapplied", n=len(merged.not_applied),
                   fields=g.t("list_separator").join(labels.where(g, n.edit.path) for n in merged.not_applied))
        doc.error = f"{doc.error}\n\n{note}" if doc.error else note


def reload(doc: OpenDoc) -> None:
    doc.stored = store().get(doc.assessment.id)
    doc.saved_at = doc.stored.saved_at
    doc.generation += 1


def ui_text(key: str, fallback: str) -> str:
    """A UI string that must show even when the guidance cannot be loaded (navigation, error pages): from the
    session's language, else from English, else ``fallback`` (the English words, for when no guidance loads)."""
    for lang in dict.fromkeys((language(), "en")):
        try:
            return cached_guidance(lang).t(key)
        except GuidanceError:
            continue
    return fallback


def guidance_or_error() -> Guidance | None:
    """The guidance, or a plain error page naming each problem (never a traceback)."""
    try:
        return guidance()
    except GuidanceError as err:
        st.error(ui_text("guidance_error_title", "The guidance text could not be loaded"))
        st.write(ui_text("guidance_error_body", "The app cannot run assessments until the guidance files are "
                         "mended. Nothing has been lost: assessments are stored separately. Each line below "
                         "names the file, the line and the key."))
        st.code("\n".join(err.problems), language=None)
        return None
