"""Every write of the review page: upload a document, store its facts, accept or reject a fact.

Each action is atomic, checks permission through regions.scope (another county's document →
404, a read-only role → 403) and writes an audit row. Accepting is the only way a figure from
a document becomes data, and it becomes a DRAFT that the entry review must still pass.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from ecociv.audit.actions import record
from ecociv.core import years
from ecociv.core.background import start_thread
from ecociv.entry.actions.evidence import add_evidence, attach_file
from ecociv.entry.actions.values import save_value
from ecociv.entry.errors import EntryError
from ecociv.entry.models import IndicatorValue, Task
from ecociv.entry.writer import ValueWrite, write_values
from ecociv.extraction.models import DocumentStatus, Fact, FactStatus, SourceDocument
from ecociv.extraction.textio import IMAGE_SUFFIXES, DocumentError, kind_of, read_bytes
from ecociv.regions.scope import get_region_for_user, visible_regions

# Below this many characters the extractor runs inside the upload request (60 KB of text takes
# ≈ 0.2 s, benchmarks/extraction); longer documents run in a thread while the page shows a status.
SYNC_CHARS = 30_000


class ExtractionError(ValueError):
    """A refused action, with a message fit to show the user."""


# ---- upload ----------------------------------------------------------------------------------

ACCEPTED = (".txt", ".docx", ".pdf", ".doc", ".wps", *IMAGE_SUFFIXES)

def check_file(name: str, data: bytes) -> tuple[str, str]:
    """(extension, text). The content decides, not the name: a .docx must be a Word package,
    a .txt must decode as text; anything else is refused before it is stored."""
    if not data:
        raise ExtractionError(f"“{name}”是空文件")
    limit = settings.UPLOAD_MAX_MB * 1024 * 1024
    if len(data) > limit:
        raise ExtractionError(f"“{name}”超过 {settings.UPLOAD_MAX_MB} MB 的大小限制")
    ext = PurePath(name).suffix.lower()
    if ext not in ACCEPTED:
        raise ExtractionError("只支持 .txt（UTF-8 或 GB18030）、.docx、.pdf（带文字层）、.doc 和 .wps 文件")
    kind = kind_of(name, data)
    if ext == ".docx":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                if "word/document.xml" not in z.namelist():
                    raise ExtractionError(f"“{name}”不是 Word .docx 文档")
        except zipfile.BadZipFile:
            raise ExtractionError(f"“{name}”的内容不是 Word .docx 文档") from None
    elif ext == ".pdf" and kind != "pdf":
        raise ExtractionError(f"“{name}”的内容不是 PDF 文件")
    elif ext in (".doc", ".wps") and kind not in ("word", "docx"):
        raise ExtractionError(f"“{name}”的内容不是 Word/WPS 文档")
    elif ext == ".txt" and (kind != "txt" or b"\x00" in data[:4096]):
        # A binary file renamed .txt (or a UTF-16 text, which GB18030 would read as garbage).
        raise ExtractionError(f"“{name}”的内容不是文本文件，请另存为 UTF-8 或 GB18030 编码的 .txt")
    try:
        text = read_bytes(name, data)
    except DocumentError as exc:
        raise ExtractionError(f"无法读取“{name}”：{exc}") from None
    if not text.strip():
        raise ExtractionError(f"“{name}”中没有文字")
    if len(text) > settings.DOCUMENT_MAX_CHARS:
        raise ExtractionError(f"“{name}”有 {len(text):,} 个字符，超过文档字数上限 {settings.DOCUMENT_MAX_CHARS:,} 字"
                              f"（DOCUMENT_MAX_CHARS）；请只上传总结正文，或拆成几份上传")
    return ext, text


def upload_document(*, by, name: str, data: bytes, region_code: str = "", year: int | None = None,
                    run: str = "auto") -> SourceDocument:
    """Store the file and its text, then find its facts (inline for ordinary documents, in a
    thread for long ones). With no region chosen, the uploader's own region holds the document
    until the extractor proposes one in scope."""
    name = PurePath(name or "document").name[:255]
    if region_code:
        region = get_region_for_user(by, region_code, write=True)
    elif by.region_id:
        region = get_region_for_user(by, by.region.code, write=True)
    else:
        raise ExtractionError("请选择区划")
    ext, text = check_file(name, data)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        doc = SourceDocument(region=region, year=year, name=name, extension=ext, size=len(data), sha256=digest,
                             text=text, uploaded_by=by)
        path = f"extraction/{digest[:2]}/{digest}{ext}"
        if default_storage.exists(path):
            doc.file.name = path  # the same bytes were uploaded before; store them once
        else:
            doc.file.save(path, ContentFile(data), save=False)
        doc.save()
        record(user=by, action="extraction.upload", obj=doc, region=region,
               after={"name": name, "sha256": digest, "size": len(data), "year": year,
                      "region": region.code, "chars": len(text)})
    if run == "thread" or (run == "auto" and len(text) > SYNC_CHARS):
        transaction.on_commit(lambda: start_thread(_process_in_thread, doc.pk, not region_code,
                                                   name=f"extraction-{doc.pk}"))
    elif run != "none":
        process_document(doc, propose_region=not region_code)
    return doc


def _process_in_thread(doc_id: int, propose_region: bool) -> None:
    process_document(SourceDocument.objects.get(pk=doc_id), propose_region=propose_region)


def process_document(doc: SourceDocument, *, propose_region: bool = False) -> SourceDocument:
    """Run the extractor and store every fact as 待确认. A failure is stored on the document
    so the page says so instead of showing a status for ever."""
    from ecociv.extraction.extract import extract

    names = list(visible_regions(doc.uploaded_by).filter(level__in=["city", "county"]).values_list("name", flat=True)) \
        if doc.uploaded_by else []
    try:
        facts = extract(doc.text, regions=names)
    except Exception as exc:  # noqa: BLE001 — any extractor bug must end as a visible failure
        SourceDocument.objects.filter(pk=doc.pk).update(status=DocumentStatus.FAILED, error=f"识别出错：{exc}",
                                                        processed_at=timezone.now())
        doc.refresh_from_db()
        return doc
    if len(facts) > settings.DOCUMENT_MAX_FACTS:
        # A document proposing more figures than a person can review is not a work summary; store
        # none rather than hold the write lock for hundreds of thousands of rows.
        SourceDocument.objects.filter(pk=doc.pk).update(
            status=DocumentStatus.FAILED, processed_at=timezone.now(),
            error=f"识别出 {len(facts):,} 个数字，超过上限 {settings.DOCUMENT_MAX_FACTS:,} 个（DOCUMENT_MAX_FACTS）；"
                  f"请拆分文档后再上传")
        doc.refresh_from_db()
        return doc
    found_region = _most_common(f.region for f in facts)
    found_year = _most_common(f.period for f in facts if f.period and f.period.isdigit())
    with transaction.atomic():
        doc = SourceDocument.objects.select_for_update().get(pk=doc.pk)
        Fact.objects.filter(document=doc).delete()
        Fact.objects.bulk_create([Fact(
            document=doc, start=f.start, end=f.end, quote=f.quote[:200], subject=(f.subject or "")[:200],
            sentence=f.sentence, value=f.value, value_max=f.value_max, from_value=f.from_value, unit=f.unit[:40],
            comparator=f.comparator, kind=f.kind, masked=f.masked, period=(f.period or "")[:20],
            region_name=(f.region or "")[:60], indicator_code=f.indicator or "", candidates=f.candidates,
            explanation=f.explanation)
            for f in facts], batch_size=500)
        doc.found_region, doc.found_year = (found_region or "")[:60], found_year or ""
        if propose_region and found_region:
            proposed = _region_named(doc.uploaded_by, found_region, within=doc.region)
            if proposed is not None:
                doc.region = proposed
        if doc.year is None and found_year:
            doc.year = int(found_year)
        doc.status, doc.error, doc.processed_at = DocumentStatus.DONE, "", timezone.now()
        doc.save()
        record(user=doc.uploaded_by, action="extraction.process", obj=doc, region=doc.region,
               after={"facts": len(facts), "masked": sum(f.masked for f in facts),
                      "found_region": doc.found_region, "found_year": doc.found_year,
                      "region": doc.region.code, "year": doc.year})
    return doc


def _most_common(items) -> str | None:
    counts = Counter(i for i in items if i)
    return counts.most_common(1)[0][0] if counts else None


def _region_named(user, name: str, *, within):
    """The region the document names, if the uploader may write it and it lies under the region
    holding the document: a document never moves out of the scope it was uploaded to."""
    from ecociv.regions.scope import can_administer

    for r in visible_regions(user).filter(name=name, path__startswith=within.path):
        if can_administer(user, r):
            return r
    return None


# ---- decisions -------------------------------------------------------------------------------

def parse_value(raw) -> Decimal:
    text = str(raw if raw is not None else "").strip().replace(",", "").replace("，", "")
    if not text:
        raise ExtractionError("请填写数值")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ExtractionError(f"“{raw}”不是数字") from None
    if not number.is_finite():
        raise ExtractionError(f"“{raw}”不是数字")
    if abs(number) >= Decimal(10) ** 18:
        raise ExtractionError("数值过大")
    return number


def _lock_pending(fact: Fact) -> Fact:
    locked = Fact.objects.select_for_update(of=("self",)).select_related("document", "document__region").get(pk=fact.pk)
    if locked.status != FactStatus.PENDING:
        raise ExtractionError(f"该数据已{locked.get_status_display()}，请刷新页面")
    return locked


def resolve_indicator(region, year: int, code: str):
    """The indicator `code` in the standard the region-year is assessed against (the extractor
    proposes national-2019 codes; a region on another version resolves the same code there)."""
    from ecociv.standards.resolve import standard_for

    code = (code or "").strip().split(" ", 1)[0]
    if not code:
        raise ExtractionError("请选择指标")
    standard = standard_for(region, year)
    if standard is None:
        raise ExtractionError("未找到适用的指标体系")
    indicator = standard.indicators.filter(code=code).first()
    if indicator is None:
        raise ExtractionError(f"《{standard.title}》中没有序号为 {code} 的指标")
    if indicator.sub_items.exists():
        raise ExtractionError(f"指标 {code} 由分项组成，请选择具体的分项（如 {code}.1）")
    return indicator


def accept_fact(fact: Fact, *, by, region_code: str, year, indicator_code: str, value=None, unit: str = "",
                note: str = ""):
    """Write the fact (as edited by the user) into a region-year indicator value as a DRAFT with
    its lineage, and attach the quote as evidence. An approved or submitted value is never
    overwritten: the review decides about those, not a document."""
    doc = fact.document
    get_region_for_user(by, doc.region.code, write=True)
    region = get_region_for_user(by, region_code, write=True)
    raw_year, year = year, years.parse_year(year)
    if year is None:
        raise ExtractionError(f"“{raw_year}”不是有效年度：请填写 {years.FIRST_YEAR}–{years.LAST_YEAR} 之间的四位数字")
    if value in (None, "") and fact.masked:
        raise ExtractionError("该数字在文档中被遮盖，请填写实际数值后再采纳")
    number = parse_value(fact.value if value in (None, "") else value)
    unit = (unit if unit is not None else fact.unit).strip()[:40]
    indicator = resolve_indicator(region, year, indicator_code)
    with transaction.atomic():
        fact = _lock_pending(fact)
        doc = fact.document
        v = IndicatorValue.objects.filter(region=region, year=year, indicator=indicator).first()
        edited = {k: new for k, old, new in (
            ("value", fact.value, number), ("unit", fact.unit, unit), ("indicator", fact.indicator_code, indicator.code))
            if old != new and not (k == "value" and old is not None and Decimal(old) == new)}
        lineage = {
            "source": "extracted",
            "document": {"id": doc.pk, "name": doc.name, "sha256": doc.sha256},
            "fact": fact.pk, "quote": fact.quote, "start": fact.start, "end": fact.end,
            "sentence": fact.sentence[:500], "unit": unit,
        }
        if edited:
            lineage["edited"] = {"from": {"value": _num(fact.value), "unit": fact.unit,
                                          "indicator": fact.indicator_code or None}}
        default_note = f"摘自《{doc.name}》：“{fact.sentence.strip()[:300] or fact.quote}”"
        note = (note or "").strip() or (v.note if v is not None else "") or default_note
        reason = f"采纳文档《{doc.name}》中的“{fact.quote}”（第 {fact.start}–{fact.end} 字）"
        task = _task_for(region, year, indicator)
        # The one writer of values (entry.writer): a value 已提交 or 已审核 is never overwritten by
        # a document — the review decides about those (return / reopen), and the refusal says so.
        try:
            if task is not None:
                # The figure belongs to a department's task: written as if the filler had typed it,
                # so its checks run and the task's status follows.
                v, _findings = save_value(
                    task, indicator, by=by, raw=number, note=note, source="extracted", lineage=lineage,
                    achieved=v.achieved if v is not None else None, action="value.extract", reason=reason,
                    audit={"lineage": lineage})
            else:
                # No task covers this region-year indicator (typical for the years of old
                # summaries): a plain draft, which a task created later picks up like any other.
                (o,) = write_values([ValueWrite(region, year, indicator, number, note=note, lineage=lineage,
                                                keep_achieved=True, reason=reason, after={"lineage": lineage},
                                                where=f"{region.name} {year}年 指标 {indicator.code}")],
                                    by=by, source="extracted", action="value.extract")
                v = o.value
        except EntryError as exc:
            raise ExtractionError(f"{exc}。文档中的数字不能覆盖它") from None
        evidence = _attach_quote(v, fact=fact, by=by, unit=unit, task=task)
        fact.status, fact.decided_by, fact.decided_at = FactStatus.ACCEPTED, by, timezone.now()
        fact.accepted_value = v
        fact.accepted = {"region": region.code, "region_name": region.name, "year": year,
                         "indicator": indicator.code, "indicator_name": indicator.name, "value": _num(number),
                         "unit": unit, "edited": sorted(edited), "evidence": evidence}
        fact.save(update_fields=["status", "decided_by", "decided_at", "accepted_value", "accepted"])
        record(user=by, action="extraction.accept", obj=fact, object_repr=f"{doc.name} · {fact.quote}",
               region=region, after=fact.accepted)
    return v


def reject_fact(fact: Fact, *, by, reason: str = "") -> Fact:
    get_region_for_user(by, fact.document.region.code, write=True)
    with transaction.atomic():
        fact = _lock_pending(fact)
        fact.status, fact.decided_by, fact.decided_at = FactStatus.REJECTED, by, timezone.now()
        fact.reason = (reason or "").strip()
        fact.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        record(user=by, action="extraction.reject", obj=fact, object_repr=f"{fact.document.name} · {fact.quote}",
               region=fact.document.region, after={"status": fact.status, "quote": fact.quote}, reason=fact.reason)
    return fact


def reopen_fact(fact: Fact, *, by) -> Fact:
    """Undo a rejection (a mis-click must not lose a figure). Accepted facts stay accepted: the
    value they wrote is changed through the entry workflow."""
    get_region_for_user(by, fact.document.region.code, write=True)
    with transaction.atomic():
        fact = Fact.objects.select_for_update(of=("self",)).select_related("document", "document__region").get(pk=fact.pk)
        if fact.status != FactStatus.REJECTED:
            raise ExtractionError("只有已驳回的数据可以撤销驳回")
        fact.status, fact.decided_by, fact.decided_at, fact.reason = FactStatus.PENDING, None, None, ""
        fact.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        record(user=by, action="extraction.reopen", obj=fact, object_repr=f"{fact.document.name} · {fact.quote}",
               region=fact.document.region, after={"status": fact.status})
    return fact


# ---- helpers ---------------------------------------------------------------------------------

def _num(v):
    if v is None:
        return None
    v = Decimal(v)
    return format(v.normalize(), "f")


def _task_for(region, year: int, indicator):
    return Task.objects.select_related("region", "department").filter(
        region=region, year=year, items__indicator=indicator).first()


def _attach_quote(v, *, fact: Fact, by, unit: str, task=None) -> dict:
    """The quote, its sentence and the document's identity as a small .docx 佐证材料 on the value:
    the reviewer opens it like any other evidence."""
    data = _excerpt_docx(fact, unit=unit)
    doc = fact.document
    name = f"文档摘录-{PurePath(doc.name).stem[:80]}-{fact.start}.docx"
    if task is not None:
        try:
            ev = add_evidence(task, v.indicator, by=by, name=name, data=data)
        except EntryError as exc:
            raise ExtractionError(f"原文摘录未能作为佐证材料保存：{exc}") from None
        return {"id": ev.pk, "name": ev.original_name, "sha256": ev.sha256}
    try:
        ev = attach_file(v, by=by, name=name, data=data)
    except EntryError as exc:
        raise ExtractionError(f"原文摘录未能作为佐证材料保存：{exc}") from None
    return {"id": ev.pk, "name": ev.original_name, "sha256": ev.sha256}


def _excerpt_docx(fact: Fact, *, unit: str) -> bytes:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    doc = fact.document
    d = Document()
    style = d.styles["Normal"]
    style.font.name = "宋体"
    # Word ignores a Chinese font set only on the Latin attribute (CONVENTIONS: python-docx).
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    d.add_heading("文档摘录（识别数据佐证）", level=1)
    for label, text in (("文档", doc.name), ("SHA-256", doc.sha256), ("位置", f"第 {fact.start}–{fact.end} 字"),
                        ("原文数字", fact.quote), ("单位", unit or "—")):
        p = d.add_paragraph()
        p.add_run(f"{label}：").bold = True
        p.add_run(text)
    d.add_paragraph().add_run("所在语句：").bold = True
    sentence = fact.sentence or fact.quote
    p = d.add_paragraph()
    i = sentence.find(fact.quote)
    if i >= 0:
        p.add_run(sentence[:i])
        hit = p.add_run(fact.quote)
        hit.bold = True
        hit.font.color.rgb = RGBColor(0xC6, 0x28, 0x28)
        p.add_run(sentence[i + len(fact.quote):])
    else:
        p.add_run(sentence)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()
