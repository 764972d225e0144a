"""Who may see and do what (issue 13): the signed-in person, their roles, and the rules the store applies.

Plain Python, no I/O: the configuration is parsed from a mapping the caller read (``.streamlit/secrets.toml``'s
``[access]`` table, or a TOML file named by ``WIZARD_ACCESS_FILE``), and every rule is a function of a
``Principal`` and an assessment. The store calls the same functions before it changes anything, so a rule the
UI hides is also refused when the store is called directly.

Roles:
- **officer**: creates assessments and edits their own; reads others' when the office allows it
  (``officers_read_all``); submits for review.
- **reviewer**: reads assessments submitted for review, comments, returns or approves; never their own.
- **trainer**: runs training sessions and sees training assessments only.
- **administrator**: archives and restores, and manages roles.

Without an identity provider (the single-machine default) a person states a name; they are given every role,
the record says that identities were not verified, and the four-eyes rules still hold between names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from wizard.model import Assessment, approval_holds

Role = Literal["officer", "reviewer", "trainer", "administrator"]
ROLES: tuple[Role, ...] = ("officer", "reviewer", "trainer", "administrator")


class AccessConfigError(ValueError):
    """The access configuration cannot be used; ``problems`` name each key and what is wrong."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class Refused(Exception):
    """What the person asked is not theirs to do; the message says what and why, fit to show them."""


@dataclass(frozen=True)
class Principal:
    subject: str  # the provider's stable id ("sub"), or "name:<name>" without a provider
    name: str
    email: str = ""
    groups: frozenset[str] = frozenset()
    roles: frozenset[Role] = frozenset()
    verified: bool = False  # signed in through the office's identity provider

    @property
    def actor(self) -> str:
        """How the event log names them: the name, and the e-mail address when it was verified."""
        if self.verified and self.email:
            return f"{self.name} <{self.email}>" if self.name else self.email
        return self.name or self.subject

    def has(self, role: Role) -> bool:
        return role in self.roles


def unverified(name: str) -> Principal:
    """Someone who typed a name (no identity provider): every role, nothing verified."""
    name = (name or "").strip()
    return Principal(subject=f"name:{name}", name=name, roles=frozenset(ROLES), verified=False)


@dataclass(frozen=True)
class AccessConfig:
    """Roles by e-mail address or group claim, and the office's choices."""

    assignments: Mapping[Role, tuple[str, ...]] = field(default_factory=dict)
    officers_read_all: bool = True
    require_approval: bool = True  # finalising needs a valid approval (when sign-in is configured)
    groups_claim: str = "groups"
    source: str = ""

    def with_grants(self, grants: Iterable[tuple[str, str]]) -> AccessConfig:
        """This configuration plus the roles administrators granted in the app (member, role)."""
        merged = {r: list(m) for r, m in self.assignments.items()}
        for member, role in grants:
            if role in ROLES:
                merged.setdefault(role, []).append(member)  # type: ignore[arg-type]
        return AccessConfig(assignments={r: tuple(m) for r, m in merged.items()},  # type: ignore[misc]
                            officers_read_all=self.officers_read_all, require_approval=self.require_approval,
                            groups_claim=self.groups_claim, source=self.source)

    def roles_of(self, email: str, groups: Iterable[str]) -> frozenset[Role]:
        email = (email or "").strip().lower()
        mine = {f"group:{g}" for g in groups} | ({email} if email else set())
        return frozenset(r for r, members in self.assignments.items() if mine & set(members))


def parse_config(data: Mapping[str, Any] | None, source: str) -> AccessConfig:
    """``[access]``: ``officer = ["a@office.example", "group:licensing"]`` for each role, and the options
    ``officers_read_all``, ``require_approval``, ``groups_claim``. Unknown keys and roles are refused, by name."""
    if data is None:
        return AccessConfig(source=source)
    problems: list[str] = []
    assignments: dict[Role, tuple[str, ...]] = {}
    options: dict[str, Any] = {}
    for key, value in data.items():
        if key in ROLES:
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                problems.append(f"{source}: access.{key}: a list of e-mail addresses or \"group:<name>\" entries")
                continue
            members = tuple(v.strip().lower() if not v.startswith("group:") else v.strip() for v in value)
            bad = [m for m in members if not m.startswith("group:") and "@" not in m]
            problems += [f"{source}: access.{key}: {m!r} is neither an e-mail address nor \"group:<name>\""
                         for m in bad]
            assignments[key] = members  # type: ignore[index]
        elif key in ("officers_read_all", "require_approval"):
            if not isinstance(value, bool):
                problems.append(f"{source}: access.{key}: true or false")
            options[key] = value
        elif key == "groups_claim":
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{source}: access.groups_claim: the name of the ID token's groups claim")
            options[key] = value
        else:
            problems.append(f"{source}: access.{key}: unknown key (roles are {', '.join(ROLES)}; options are "
                            "officers_read_all, require_approval, groups_claim)")
    if problems:
        raise AccessConfigError(problems)
    return AccessConfig(assignments=assignments, source=source, **options)


AUTH_TOP = ("redirect_uri", "cookie_secret")
AUTH_PROVIDER = ("client_id", "client_secret", "server_metadata_url")


def auth_problems(section: Mapping[str, Any], source: str) -> list[str]:
    """What Streamlit's sign-in (``[auth]``) lacks: the redirect address and cookie secret, and for the provider
    (or each named one, ``[auth.<name>]``) its client id, secret and metadata address."""
    problems = [f"{source}: auth.{k}: missing" for k in AUTH_TOP if not str(section.get(k) or "").strip()]
    named = {k: v for k, v in section.items() if isinstance(v, Mapping) and k != "client_kwargs"}
    providers = named or {"": section}
    for name, provider in providers.items():
        where = f"auth.{name}." if name else "auth."
        problems += [f"{source}: {where}{k}: missing" for k in AUTH_PROVIDER if not str(provider.get(k) or "").strip()]
    redirect = str(section.get("redirect_uri") or "")
    if redirect and not redirect.endswith("/oauth2callback"):
        problems.append(f"{source}: auth.redirect_uri: must end with /oauth2callback (Streamlit's sign-in address)")
    return problems


# --- the rules ----------------------------------------------------------------------------------------------------


def owns(p: Principal, a: Assessment) -> bool:
    """The assessment is theirs: they created it (by subject), or, for one made before sign-in, by name."""
    if a.officer_id:
        return a.officer_id == p.subject
    return bool(p.name) and a.officer == p.name


def may_read(p: Principal, a: Assessment, config: AccessConfig) -> bool:
    if a.training:
        return p.has("trainer") or (p.has("officer") and owns(p, a)) or p.has("administrator")
    if p.has("administrator"):
        return True
    if p.has("officer") and (owns(p, a) or config.officers_read_all):
        return True
    return p.has("reviewer") and a.review.status in ("submitted", "approved", "returned", "voided")


def may_edit(p: Principal, a: Assessment) -> bool:
    """Answers are changed by the assessment's officer (or, for practice, by the trainee who owns it). Where
    identities are not verified a typed name proves nothing, so any officer may edit, as before sign-in."""
    return (owns(p, a) or not p.verified) and (p.has("officer") or (a.training and p.has("trainer")))


def may_review(p: Principal, a: Assessment) -> bool:
    """Comment, return, approve: a reviewer, never on their own assessment, and not on practice."""
    return p.has("reviewer") and not owns(p, a) and not a.training


def may_archive(p: Principal) -> bool:
    return p.has("administrator")


def may_manage_roles(p: Principal) -> bool:
    return p.has("administrator")


def may_run_training(p: Principal) -> bool:
    return p.has("trainer")


def finalise_needs_approval(config: AccessConfig, p: Principal) -> bool:
    """With sign-in configured, finalising needs a valid approval unless the office turned the rule off."""
    return p.verified and config.require_approval


def check(allowed: bool, what: str) -> None:
    if not allowed:
        raise Refused(what)


def may_finalise(p: Principal, a: Assessment, config: AccessConfig) -> tuple[bool, str]:
    if not may_edit(p, a):
        return False, "only the assessment's own officer finalises it"
    if finalise_needs_approval(config, p) and not approval_holds(a):
        return False, ("finalising needs a reviewer's approval of the content as it is now"
                       + (" (the approval was voided by a later change)" if a.review.status == "voided" else ""))
    return True, ""
