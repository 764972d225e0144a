"""Signed records: a PAdES signature (pyHanko) over the record, and its check.

A fingerprint printed in the record shows that the pages and the embedded assessment agree; it cannot show who
made the record, since anyone can render an altered assessment. A signature can. Final records are signed
with the office's key; drafts on request.

The key, first match wins (``signing_identity``):

1. ``WIZARD_SIGNING_P12`` (a PKCS#12 file) and ``WIZARD_SIGNING_PASSPHRASE`` in the environment;
2. ``signing.p12`` and ``signing.passphrase`` in the caller's secrets (the app passes ``st.secrets``, i.e.
   ``.streamlit/secrets.toml``; this module never reads that file);
3. the installation's own key: made on first use, with a self-signed certificate, in ``<data folder>/signing/``
   (one PKCS#12 file, readable by its owner only: the file's permissions protect it, as a passphrase file
   beside it would).

Trusted certificates (``trusted_certificates``): the installation's own, the office key's, and every PEM
certificate in ``WIZARD_TRUSTED_CERTS`` or ``signing.trusted`` (a file of one or more PEM certificates).
Checking never fetches anything (no OCSP, no CRL download): it runs offline.

The signature is an incremental update appended to the rendered record, which stays byte-identical for the
same assessment: the check compares the signed revision's original part (``Signatures.body``) with a fresh
render, and refuses anything appended after the signature.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
import secrets as token
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from wizard.store_config import data_dir

ENV_P12 = "WIZARD_SIGNING_P12"
ENV_PASSPHRASE = "WIZARD_SIGNING_PASSPHRASE"
ENV_TRUSTED = "WIZARD_TRUSTED_CERTS"
FIELD_NAME = "RecordSignature"
INSTALLATION_DIR = "signing"
INSTALLATION_P12 = "installation.p12"


class SigningError(Exception):
    """The signing key cannot be loaded or made; the message says which file and why."""


@dataclass(frozen=True)
class SigningIdentity:
    p12: bytes
    passphrase: bytes
    origin: str  # "office" (configured) or "installation" (made on first use)

    def certificate(self) -> Any:
        """The certificate (asn1crypto), to trust and to name."""
        return _load_signer(self).signing_cert


def certificate_sha256(cert: Any) -> str:
    return hashlib.sha256(cert.dump()).hexdigest()


def signer_name(cert: Any) -> str:
    """"Common name (organisation)" as a reader would say it; the whole subject when it has no common name."""
    subject = cert.subject.native
    name, org = subject.get("common_name"), subject.get("organization_name")
    if not name:
        return cert.subject.human_friendly
    return f"{name} ({org})" if org else str(name)


def _signing_settings(secrets: Mapping[str, Any] | None) -> Mapping[str, Any]:
    value = secrets.get("signing") if secrets is not None else None
    return value if isinstance(value, Mapping) else {}


def signing_identity(secrets: Mapping[str, Any] | None = None, folder: Path | None = None) -> SigningIdentity:
    """The office's key if one is configured, else the installation's own (made on first use)."""
    settings = _signing_settings(secrets)
    path = os.environ.get(ENV_P12, "").strip() or str(settings.get("p12") or "").strip()
    if path:
        passphrase = os.environ.get(ENV_PASSPHRASE) or str(settings.get("passphrase") or "")
        try:
            identity = SigningIdentity(Path(path).expanduser().read_bytes(), passphrase.encode(), "office")
        except OSError as err:
            raise SigningError(f"the signing key {path} cannot be read: {err.strerror or err}") from None
        _load_signer(identity)  # a wrong passphrase or a damaged file is said now, not at the first signature
        return identity
    return _installation_identity(folder or data_dir() / INSTALLATION_DIR)


LEGACY_PASSPHRASE = "installation.passphrase"
"""Keys made by earlier versions were encrypted, with their passphrase in this file beside them."""


def _installation_identity(folder: Path) -> SigningIdentity:
    p12, legacy = folder / INSTALLATION_P12, folder / LEGACY_PASSPHRASE
    if not p12.exists():
        _make_installation_key(folder)
    try:
        passphrase = legacy.read_bytes().strip() if legacy.exists() else b""
        return SigningIdentity(p12.read_bytes(), passphrase, "installation")
    except OSError as err:
        raise SigningError(f"the installation's signing key in {folder} cannot be read: "
                           f"{err.strerror or err}") from None


def _make_installation_key(folder: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise SigningError(f"the folder for the signing key, {folder}, cannot be made: {err.strerror or err}") \
            from None
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, f"ATT Art. 7(4) assessment records ({os.uname().nodename})"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Self-signed by this installation"),
    ])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650 * 3))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING,
                                                  ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .sign(key, hashes.SHA256()))
    data = pkcs12.serialize_key_and_certificates(b"record-signing", key, cert, None,
                                                 serialization.NoEncryption())
    # Written whole under another name, then linked into place only if no key is there yet: two processes
    # starting at once never read half a file, and both end up with the first one's key.
    tmp = folder / f".{INSTALLATION_P12}.{os.getpid()}.{token.token_hex(4)}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        with suppress(FileExistsError):
            os.link(tmp, folder / INSTALLATION_P12)
    except OSError as err:  # a full disk, a read-only folder, a file system without hard links
        raise SigningError(f"the installation's signing key cannot be made in {folder}: "
                           f"{err.strerror or err}") from None
    finally:
        tmp.unlink(missing_ok=True)


@lru_cache(maxsize=8)
def _load_signer(identity: SigningIdentity) -> Any:
    """The key and certificate, opened once per key: the download box shows the signer on every rerun of the
    determination screen and every signature needs it. A failure is not cached."""
    from pyhanko.sign import signers

    try:
        signer = signers.SimpleSigner.load_pkcs12_data(identity.p12, other_certs=[],
                                                       passphrase=identity.passphrase or None)
    except Exception as err:  # pyHanko and cryptography raise several kinds for a bad file or passphrase
        raise SigningError(f"the {identity.origin} signing key cannot be opened: {err}") from None
    if signer is None:
        raise SigningError(f"the {identity.origin} signing key cannot be opened (wrong passphrase?)")
    return signer


def trusted_certificates(secrets: Mapping[str, Any] | None = None, folder: Path | None = None) -> list[Any]:
    """The certificates whose signatures a record may carry. Checking makes no key: an installation that has
    never signed trusts only the office's key and its trust list."""
    from asn1crypto import pem, x509

    folder = folder or data_dir() / INSTALLATION_DIR
    certs = []
    if (folder / INSTALLATION_P12).exists():
        certs.append(_installation_identity(folder).certificate())
    settings = _signing_settings(secrets)
    if os.environ.get(ENV_P12, "").strip() or str(settings.get("p12") or "").strip():
        certs.append(signing_identity(secrets, folder).certificate())
    listed = os.environ.get(ENV_TRUSTED, "").strip() or str(_signing_settings(secrets).get("trusted") or "")
    if listed:
        try:
            data = Path(listed).expanduser().read_bytes()
        except OSError as err:
            raise SigningError(f"the trust list {listed} cannot be read: {err.strerror or err}") from None
        try:
            for _type, _headers, der in pem.unarmor(data, multiple=True):
                cert = x509.Certificate.load(der)
                _ = cert.subject  # parsed now: a damaged block is said here, not while checking a record
                certs.append(cert)
        except (ValueError, TypeError) as err:
            raise SigningError(f"the trust list {listed} is not a file of PEM certificates: {err}") from None
    return certs


def sign(pdf: bytes, identity: SigningIdentity, *, reason: str, location: str = "") -> bytes:
    """``pdf`` with a PAdES signature appended (an incremental update: the original bytes come first)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = _load_signer(identity)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=f"{reason} Certificate SHA-256 {certificate_sha256(signer.signing_cert)}.", location=location or None)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


@dataclass
class Signatures:
    """What a record's signature says: ``signed`` at all, the problems, the signer, and the signed body."""

    signed: bool
    body: bytes
    problems: list[str] = field(default_factory=list)
    signer: str | None = None
    certificate_sha256: str | None = None
    signed_at: dt.datetime | None = None


def check(pdf: bytes, trusted: list[Any]) -> Signatures:
    """Validate the record's signature offline against ``trusted``; ``body`` is the part the render made."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        found = list(reader.embedded_signatures)
    except Exception as err:  # a damaged file: the content checks will say more
        return Signatures(False, pdf, [f"the signatures cannot be read ({type(err).__name__}: {str(err)[:160]})"])
    if not found:
        return Signatures(False, pdf)
    out = Signatures(True, _first_revision(pdf, reader))
    if len(found) > 1:
        out.problems.append(f"the record carries {len(found)} signatures; a record has one")
    sig = found[0]
    try:
        with _quiet():  # pyHanko logs an untrusted certificate with a traceback; the problem below says it
            status = validate_pdf_signature(sig, ValidationContext(trust_roots=trusted, allow_fetching=False))
    except Exception as err:
        out.problems.append(f"the signature cannot be checked ({type(err).__name__}: {str(err)[:160]})")
        return out
    cert = status.signing_cert
    out.signer = signer_name(cert) if cert is not None else None
    out.certificate_sha256 = certificate_sha256(cert) if cert is not None else None
    out.signed_at = status.signer_reported_dt
    if not status.intact:
        out.problems.append("the signature does not match the file: the signed part was changed")
    elif not status.valid:
        out.problems.append("the signature is not valid")
    if status.intact and status.valid and not status.trusted:
        out.problems.append(f"the record is signed by a certificate this office does not trust: {out.signer}, "
                            f"SHA-256 {out.certificate_sha256}")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        out.problems.append("the file was changed after it was signed: something was appended after the signature")
    return out


@contextmanager
def _quiet() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def _first_revision(pdf: bytes, reader: Any) -> bytes:
    """The file as the render made it: its first revision, up to that revision's end-of-file marker (the
    signature is appended after). The marker is looked for after the revision's cross-reference section, so a
    "%%EOF" in the record's own text (a title, the XMP) cannot end it early."""
    try:
        after = reader.xrefs.get_xref_container_info(0).end_location
    except Exception:  # no readable cross-reference: the content checks say what is wrong
        after = 0
    end = pdf.find(b"%%EOF", after)
    if end < 0:
        return pdf
    end += len(b"%%EOF")
    for eol in (b"\r\n", b"\n", b"\r"):
        if pdf.startswith(eol, end):
            return pdf[:end + len(eol)]
    return pdf[:end]
