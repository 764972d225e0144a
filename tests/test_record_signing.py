"""Signed records (issue 10): final records carry a PAdES signature that proves where they come from.

The fingerprint proves that pages and data agree; only the signature proves that this office made the record.
So: a record rendered from altered data fails (unsigned, or signed by a key the office does not trust), so
does anything appended after the signature, and a genuine signed record passes, with the signer named. The
signature validates with pyHanko's own validator, and the rendered body stays byte-identical.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfWriter

from tests.conftest import EXAMPLE, example_assessment
from wizard import record_signing
from wizard.cli import cmd_render, cmd_verify
from wizard.guidance_schema import Guidance
from wizard.model import Assessment
from wizard.record import build_pdf, signed_pdf, verify_pdf

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _own_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test has its own installation key (the data folder) and no office key from the environment."""
    monkeypatch.setenv("WIZARD_DATA_DIR", str(tmp_path / "data"))
    for name in (record_signing.ENV_P12, record_signing.ENV_PASSPHRASE, record_signing.ENV_TRUSTED):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def final() -> Assessment:
    a = example_assessment()
    assert a.status == "final"
    return a


def _office_p12(path: Path, passphrase: bytes, name: str = "Ministry of Trade, Export Licensing") -> Path:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"office", key, cert, None,
                                                           serialization.BestAvailableEncryption(passphrase)))
    return path


def test_a_final_record_is_signed_and_verifies_with_its_signer_named(final: Assessment, guidance: Guidance):
    pdf = signed_pdf(final, guidance)
    body = build_pdf(final, guidance)
    assert pdf.startswith(body), "the signature is appended: the rendered body is unchanged"
    assert build_pdf(final, guidance) == body, "and byte-identical for the same assessment"
    result = verify_pdf(pdf, guidance)
    assert result.ok, result.problems
    assert result.signed and "Self-signed by this installation" in (result.signer or "")
    own = record_signing.signing_identity().certificate()
    assert result.certificate_sha256 == record_signing.certificate_sha256(own)


def test_pyhankos_own_validator_accepts_the_signature(final: Assessment, guidance: Guidance):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    pdf = signed_pdf(final, guidance)
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    status = validate_pdf_signature(sig, ValidationContext(
        trust_roots=[record_signing.signing_identity().certificate()], allow_fetching=False))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert "/ETSI.CAdES.detached" in str(sig.sig_object["/SubFilter"]), "PAdES"
    assert final.id in str(sig.sig_object["/Reason"]) and "Certificate SHA-256" in str(sig.sig_object["/Reason"])


def test_an_unsigned_final_record_fails(final: Assessment, guidance: Guidance):
    """What a forger gets by rendering an altered assessment with the tool's own code: no signature."""
    forged = final.model_copy(deep=True)
    forged.determination.reasons = "No risk was found."
    result = verify_pdf(build_pdf(forged, guidance), guidance)
    assert not result.ok
    assert "has none" in result.problems[0]


def test_a_record_signed_by_another_key_fails(final: Assessment, guidance: Guidance, tmp_path: Path):
    forged = final.model_copy(deep=True)
    forged.determination.outcome = "authorise"
    theirs = record_signing.signing_identity(folder=tmp_path / "forger")
    pdf = record_signing.sign(build_pdf(forged, guidance), theirs, reason="Final record.")
    record_signing.signing_identity()  # this installation has a key of its own
    result = verify_pdf(pdf, guidance)
    assert not result.ok
    assert any("does not trust" in p for p in result.problems), result.problems


def test_the_office_trust_list_accepts_a_listed_certificate(final: Assessment, guidance: Guidance,
                                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    other = record_signing.signing_identity(folder=tmp_path / "headquarters")
    pdf = record_signing.sign(build_pdf(final, guidance), other, reason="Final record.")
    assert not verify_pdf(pdf, guidance).ok
    bundle = tmp_path / "trusted.pem"
    from asn1crypto import pem

    bundle.write_bytes(pem.armor("CERTIFICATE", other.certificate().dump()))
    monkeypatch.setenv(record_signing.ENV_TRUSTED, str(bundle))
    assert verify_pdf(pdf, guidance).ok


def _incremental(pdf: bytes, change) -> bytes:
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_anything_appended_after_the_signature_fails(final: Assessment, guidance: Guidance):
    pdf = signed_pdf(final, guidance)
    changed = _incremental(pdf, lambda w: w.add_metadata({"/Title": "Approved"}))
    result = verify_pdf(changed, guidance)
    assert not result.ok
    assert any("after it was signed" in p for p in result.problems), result.problems
    junk = verify_pdf(pdf + b"\n% a comment\n", guidance)
    assert not junk.ok


def test_a_changed_byte_inside_the_signed_part_fails(final: Assessment, guidance: Guidance):
    pdf = bytearray(signed_pdf(final, guidance))
    at = pdf.index(b"/Author")
    pdf[at + 9] ^= 0x01
    result = verify_pdf(bytes(pdf), guidance)
    assert not result.ok
    assert any("signed part was changed" in p for p in result.problems), result.problems


def test_an_office_key_from_the_environment_signs(final: Assessment, guidance: Guidance, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch):
    p12 = _office_p12(tmp_path / "office.p12", b"correct horse")
    monkeypatch.setenv(record_signing.ENV_P12, str(p12))
    monkeypatch.setenv(record_signing.ENV_PASSPHRASE, "correct horse")
    result = verify_pdf(signed_pdf(final, guidance), guidance)
    assert result.ok, result.problems
    assert "Ministry of Trade, Export Licensing" in (result.signer or "")
    assert not (tmp_path / "data" / "signing").exists(), "with an office key, no installation key is made"

    monkeypatch.setenv(record_signing.ENV_PASSPHRASE, "wrong")
    with pytest.raises(record_signing.SigningError, match="cannot be opened"):
        signed_pdf(final, guidance)


def test_the_installation_key_is_made_once_and_readable_by_its_owner_only(tmp_path: Path):
    folder = tmp_path / "keys"
    first = record_signing.signing_identity(folder=folder)
    again = record_signing.signing_identity(folder=folder)
    assert first.p12 == again.p12 and first.origin == "installation"
    assert stat.S_IMODE(os.stat(folder / record_signing.INSTALLATION_P12).st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == [record_signing.INSTALLATION_P12], "no temporary file left"


def test_processes_starting_at_once_share_one_key(tmp_path: Path):
    """Several processes make the installation key at the same moment: all end up signing with the same one."""
    folder = tmp_path / "keys"
    code = ("import sys; from pathlib import Path; from wizard import record_signing as rs; "
            "print(rs.certificate_sha256(rs.signing_identity(folder=Path(sys.argv[1])).certificate()))")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(folder)], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True) for _ in range(4)]
    prints = {p.communicate(timeout=120)[0].strip() for p in procs}
    assert len(prints) == 1 and len(next(iter(prints))) == 64, prints


def test_drafts_are_signed_on_request_and_the_cli_names_the_signer(final: Assessment, guidance: Guidance,
                                                                    tmp_path: Path, capsys: pytest.CaptureFixture):
    draft = final.model_copy(update={"status": "draft", "finalised_at": None})
    source = tmp_path / "draft.json"
    source.write_bytes(draft.model_dump_json().encode())
    unsigned, signed = tmp_path / "unsigned.pdf", tmp_path / "signed.pdf"
    assert cmd_render(SimpleNamespace(assessment=str(source), output=str(unsigned), sign=False)) == 0
    assert cmd_render(SimpleNamespace(assessment=str(source), output=str(signed), sign=True)) == 0
    capsys.readouterr()
    assert cmd_verify(SimpleNamespace(record=str(unsigned))) == 0
    assert "not signed (a draft)" in capsys.readouterr().out
    assert cmd_verify(SimpleNamespace(record=str(signed))) == 0
    out = capsys.readouterr().out
    assert out.startswith("signed by ") and "the signature holds" in out


def test_a_bad_office_key_is_a_message_from_the_command_line(tmp_path: Path):
    env = {**os.environ, "WIZARD_DATA_DIR": str(tmp_path / "data"), record_signing.ENV_P12: str(tmp_path / "no.p12")}
    done = subprocess.run([sys.executable, "-m", "wizard", "render", str(EXAMPLE), "-o", str(tmp_path / "r.pdf")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "cannot be signed" in done.stderr and "no.p12" in done.stderr and "Traceback" not in done.stderr


def test_an_end_of_file_marker_typed_in_a_field_does_not_cut_the_signed_record(final: Assessment,
                                                                              guidance: Guidance):
    """The title and author are also written uncompressed (document information, XMP): a "%%EOF" typed in
    the reference must not be taken for the end of the rendered part."""
    a = final.model_copy(deep=True)
    a.case.reference = "EXP-%%EOF-1"
    a.signoff.officer = "%%EOF\n%%EOF"
    result = verify_pdf(signed_pdf(a, guidance), guidance)
    assert result.ok, result.problems


def test_a_damaged_trust_list_is_a_reason_not_a_traceback(final: Assessment, guidance: Guidance, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture):
    signed = signed_pdf(final, guidance)
    draft = build_pdf(final.model_copy(update={"status": "draft", "finalised_at": None}), guidance)
    bundle = tmp_path / "trusted.pem"
    bundle.write_bytes(b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n")
    monkeypatch.setenv(record_signing.ENV_TRUSTED, str(bundle))
    result = verify_pdf(signed, guidance)
    assert not result.ok and "the trust list" in result.problems[0] and str(bundle) in result.problems[0]
    unsigned = verify_pdf(draft, guidance)
    assert unsigned.ok and any("the trust list" in n for n in unsigned.notes), "a draft is still checked"
    path = tmp_path / "r.pdf"
    path.write_bytes(signed)
    assert cmd_verify(SimpleNamespace(record=str(path))) == 1
    assert "Traceback" not in capsys.readouterr().out


def test_a_key_made_by_an_earlier_version_still_signs(final: Assessment, guidance: Guidance, tmp_path: Path):
    """Earlier versions kept an encrypted PKCS#12 and its passphrase in a file beside it."""
    folder = tmp_path / "data" / "signing"
    folder.mkdir(parents=True)
    _office_p12(folder / record_signing.INSTALLATION_P12, b"s3cret", name="Old installation key")
    (folder / record_signing.LEGACY_PASSPHRASE).write_bytes(b"s3cret\n")
    result = verify_pdf(signed_pdf(final, guidance), guidance)
    assert result.ok and "Old installation key" in (result.signer or ""), result.problems


def test_a_key_that_cannot_be_written_is_a_signing_error(tmp_path: Path):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    with pytest.raises(record_signing.SigningError, match="cannot be made"):
        record_signing.signing_identity(folder=blocked / "signing")


def test_a_language_named_in_the_record_is_never_a_path(final: Assessment, guidance: Guidance):
    from wizard.record import guidance_for

    assert guidance_for("../../en").language == "en" and guidance_for("xx").language == "en"
