"""How long the PDF record takes to build, against a plain ReportLab document of the same length.

Run: ``python bench/pdf.py`` (from the repository root). Prints a table: median build time over 25 builds
(after one warm-up build, so the one-off font loading is not counted), pages, file size, and the ratio to a
plain document of paragraphs with the same number of pages. Aims: under 100 ms (English), under 150 ms
(Chinese user text), within 4x the plain document.

The record is "full": every question answered, 20 sources, long reasons. The Chinese case has Chinese user
text; the guidance is English unless ``guidance/zh/`` exists (the record says which).
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate  # noqa: E402

from wizard.formats import read_document  # noqa: E402
from wizard.guidance import GUIDANCE_ROOT  # noqa: E402
from wizard.guidance_schema import Guidance  # noqa: E402
from wizard.model import Answer, Assessment, Source  # noqa: E402
from wizard.record import build_pdf, guidance_for  # noqa: E402

BUILDS = 25
EN_REASON = ("The sources agree that officers of the intended end user were involved, and the pattern has "
             "continued since the last review; the authorities have not prosecuted anyone, and the reports of "
             "women's organisations describe threats with service weapons in homes and at protests. ")
ZH_REASON = ("多个来源一致表明，预定最终用户的警员参与了相关行为，自上次审查以来这一模式仍在持续；"
             "当局没有起诉任何人，妇女组织的报告描述了在家中和抗议现场使用公务武器进行威胁的情况。")


def full_assessment(chinese: bool) -> Assessment:
    """The example case with every question answered, 20 sources and long reasons."""
    a = read_document((ROOT / "examples" / "complete-assessment.json").read_bytes())
    reason = (ZH_REASON if chinese else EN_REASON) * 5
    for n in range(len(a.evidence) + 1, 21):
        a.evidence.append(Source(
            id=f"S{n}", title=(f"补充来源 {n}：关于马伦兰警察部门的报告" if chinese else
                               f"Supplementary source {n}: report on the Marenland police"),
            publisher="人权观察组织" if chinese else "Horizon Rights Watch", type="ngo",
            info_date=date(2026, 1, n % 28 + 1), reference=f"https://example.org/reports/{n}",
            reliability="medium", findings=reason[:300]))
    for screen_answers in a.answers.values():
        for qid, ans in screen_answers.items():
            update: dict[str, object] = {"reasons": reason}
            if isinstance(ans.value, str) and (ans.value == "" or len(ans.value) > 40):
                update["value"] = reason
            screen_answers[qid] = ans.model_copy(update=update)
    a.set_answer("prevalence", "other_forms", Answer(value=reason))
    a.set_answer("overriding_risk", "threshold_description", Answer(value=reason))
    a.determination.reasons = reason * 2
    if chinese:
        a.language = "zh"
        a.case.end_user = "马伦兰国家警察局公共秩序局快速干预第三和第五大队"
        a.case.end_use = "示威期间的公共秩序维护以及首都地区和北方省关键基础设施的保护。"
        a.case.exporter = "北港防务系统股份有限公司"
        for item in a.case.items:
            item.description = "9毫米半自动手枪，附枪套和两个弹匣 " + item.description
        for gap in a.gaps:
            gap.description, gap.response = ZH_REASON, ZH_REASON
        for c in a.consultations:
            c.advice = ZH_REASON
    return a


def median_ms(build: Callable[[], bytes]) -> tuple[float, bytes]:
    pdf = build()  # warm-up: fonts, caches
    times = []
    for _ in range(BUILDS):
        t0 = time.perf_counter()
        pdf = build()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000, pdf


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def plain_document(pages: int) -> Callable[[], bytes]:
    """A plain ReportLab document (Helvetica paragraphs, no tables, no furniture) of ``pages`` pages."""
    style = ParagraphStyle("p", fontName="Helvetica", fontSize=9, leading=12, spaceAfter=3)
    text = EN_REASON * 3

    def build_n(n: int) -> bytes:
        buf = io.BytesIO()
        SimpleDocTemplate(buf, invariant=1).build([Paragraph(text, style) for _ in range(n)])
        return buf.getvalue()

    n = 10
    while page_count(build_n(n)) < pages:
        n = int(n * 1.5) + 1
    while n > 1 and page_count(build_n(n - 1)) >= pages:
        n -= 1
    return lambda: build_n(n)


def main() -> None:
    rows = []
    zh_note = "zh guidance" if (GUIDANCE_ROOT / "zh").is_dir() else "English guidance (no guidance/zh/ yet)"
    for name, chinese, aim in (("English", False, 100), ("Chinese user text", True, 150)):
        a = full_assessment(chinese)
        g: Guidance = guidance_for(a.language)
        ms, pdf = median_ms(lambda a=a, g=g: build_pdf(a, g))
        pages = page_count(pdf)
        plain_ms, _ = median_ms(plain_document(pages))
        rows.append((name, ms, aim, pages, len(pdf), plain_ms, ms / plain_ms,
                     zh_note if chinese else "English guidance"))
    head = ("record", "median ms", "aim ms", "pages", "size KB", "plain ms", "ratio", "guidance")
    print(f"PDF record build, median of {BUILDS} builds after a warm-up (Python {sys.version.split()[0]})")
    print(f"{head[0]:<18} {head[1]:>9} {head[2]:>7} {head[3]:>5} {head[4]:>8} {head[5]:>9} {head[6]:>6}  {head[7]}")
    for name, ms, aim, pages, size, plain_ms, ratio, note in rows:
        print(f"{name:<18} {ms:9.1f} {aim:7d} {pages:5d} {size / 1024:8.1f} {plain_ms:9.1f} {ratio:5.1f}x  {note}")
    cold(rows[0][1])


COLD_RUNS = 7
IMPORT_FLOOR = "import wizard.cli, wizard.record, reportlab.platypus, pyhanko.sign.signers, pyhanko.sign.validation"


def _process_ms(args: list[str], env: dict[str, str]) -> float:
    import subprocess

    times = []
    for _ in range(COLD_RUNS):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def cold(build_ms: float) -> None:
    """The command line as a clerk runs it: a new process each time, against the figures it cannot beat.

    Aims: ``render`` within 1.5x (the import floor of its libraries + one in-process build); ``verify``
    within 2x (the same floor + one build), since verify renders the record again to compare it.
    """
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "WIZARD_DATA_DIR": tmp}  # its own signing key, made by the first render
        out = Path(tmp) / "record.pdf"
        example = str(ROOT / "examples" / "complete-assessment.json")
        render = ["-m", "wizard", "render", example, "-o", str(out)]
        _process_ms(render, env)  # makes the installation key once, outside the timing
        floor = _process_ms(["-c", IMPORT_FLOOR], env)
        empty = _process_ms(["-c", "pass"], env)
        render_ms = _process_ms(render, env)
        verify_ms = _process_ms(["-m", "wizard", "verify", str(out)], env)
    base = floor + build_ms
    print(f"\nCommand line, a new process each time, median of {COLD_RUNS} (the example record, final and signed)")
    print(f"  python itself (python -c pass)                {empty:7.0f} ms")
    print(f"  import floor (wizard, reportlab, pyhanko)     {floor:7.0f} ms")
    print(f"  one in-process build (warm, above)            {build_ms:7.0f} ms")
    print(f"  render end to end                             {render_ms:7.0f} ms   {render_ms / base:4.2f}x "
          f"(floor + build; aim 1.5x)")
    print(f"  verify end to end                             {verify_ms:7.0f} ms   {verify_ms / base:4.2f}x "
          f"(floor + build; aim 2x)")


if __name__ == "__main__":
    main()
