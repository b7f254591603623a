"""The review page: upload a summary, see it with every figure highlighted, and accept (as a draft
value), edit or reject each figure. Per-fact decisions are htmx posts that swap one card."""
from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from ecociv.core import years
from ecociv.core.files import stored_file_response
from ecociv.extraction import actions
from ecociv.extraction.models import DocumentStatus, Fact, FactStatus
from ecociv.extraction.scope import get_document_for_user, get_fact_for_user, visible_documents
from ecociv.regions.scope import can_administer, visible_regions

COMPARATORS = {"=": "", ">=": "不少于", "<=": "不超过", "up": "增加", "down": "减少"}
KIND_LABELS = {"project": "项目", "fund": "资金", "activity": "活动"}
SHOW = {"all": "全部", "pending": "待确认", "proposed": "有建议指标", "accepted": "已采纳", "rejected": "已驳回",
        "masked": "已遮盖"}
# A page shows this many documents, and this many figures' cards. The text is marked with every
# figure up to HIGHLIGHT_ALL figures (the extractor proposes at most DOCUMENT_MAX_FACTS); a larger
# document (one read before that limit) shows the stretch of text around the page's figures, so
# no page renders hundreds of thousands of figures.
DOCS_PER_PAGE = 50
FACTS_PER_PAGE = 200
HIGHLIGHT_ALL = 5000
WINDOW_MARGIN = 300


def writable_regions(user):
    return [r for r in visible_regions(user).filter(level__in=["province", "city", "county"]).order_by("path")
            if can_administer(user, r)]


@login_required
def index(request):
    user = request.user
    regions = writable_regions(user)
    error = ""
    if request.method == "POST":
        f = request.FILES.get("file")
        year = request.POST.get("year", "").strip()
        parsed_year = years.parse_year(year) if year else None
        if f is None:
            error = "请选择文件"
        elif year and parsed_year is None:
            error = f"年度须为 {years.FIRST_YEAR}–{years.LAST_YEAR} 之间的四位数字"
        else:
            try:
                doc = actions.upload_document(by=user, name=f.name, data=f.read(),
                                              region_code=request.POST.get("region", ""),
                                              year=parsed_year)
            except actions.ExtractionError as exc:
                error = str(exc)
            else:
                return redirect("extraction:document", doc_id=doc.pk)
    # Counts as subqueries, the text deferred: a join + GROUP BY would group by every column of
    # the document, its full text included (a 10 MB text made the list fail for everyone).
    docs = (visible_documents(user).select_related("region", "uploaded_by").defer("text")
            .annotate(n_facts=_fact_count(), n_pending=_fact_count(status=FactStatus.PENDING),
                      n_accepted=_fact_count(status=FactStatus.ACCEPTED)))
    page = Paginator(docs, DOCS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "extraction/index.html", {
        "docs": page, "page": page, "regions": regions, "error": error, "can_upload": bool(regions),
        "max_mb": _max_mb(), "this_year": timezone.localdate().year})


def _fact_count(**filters):
    counts = (Fact.objects.filter(document=OuterRef("pk"), **filters).order_by().values("document")
              .annotate(n=Count("pk")).values("n")[:1])
    return Coalesce(Subquery(counts), 0)


def _max_mb():
    from django.conf import settings

    return settings.UPLOAD_MAX_MB


@login_required
def document(request, doc_id):
    doc = get_document_for_user(request.user, doc_id)
    if doc.status == DocumentStatus.PROCESSING:
        return render(request, "extraction/processing.html", {"doc": doc})
    show = request.GET.get("show", "all")
    show = show if show in SHOW else "all"
    counts = _counts(doc)
    ctx = _context(request.user, doc)
    page = Paginator(doc.facts.filter(_shown(show)).select_related("accepted_value", "decided_by"),
                     FACTS_PER_PAGE).get_page(request.GET.get("page"))
    cards = list(page)
    window = None
    if counts["all"] <= HIGHLIGHT_ALL:
        text_html = highlighted(doc.text, doc.facts.only("id", "start", "end", "status", "masked", "indicator_code"))
    else:
        lo = max(min((f.start for f in cards), default=0) - WINDOW_MARGIN, 0)
        hi = min(max((f.end for f in cards), default=0) + WINDOW_MARGIN, len(doc.text))
        hi = max(hi, min(lo + 20_000, len(doc.text))) if not cards else hi
        window = (lo + 1, hi, len(doc.text))
        text_html = highlighted(doc.text, cards, window=(lo, hi))
    return render(request, "extraction/document.html", ctx | {
        "text_html": text_html, "window": window, "cards": [_card(f, ctx) for f in cards], "show": show,
        "page": page, "show_choices": [(k, v, counts[k]) for k, v in SHOW.items()], "counts": counts,
        "accepted_rows": _accepted_rows(doc)})


def _counts(doc) -> dict[str, int]:
    """How many figures of each kind, counted by the database (a document may hold many)."""
    return doc.facts.aggregate(**{k: Count("pk", filter=_shown(k)) for k in SHOW})


def _shown(show) -> Q:
    if show == "proposed":
        return ~Q(indicator_code="")
    if show == "masked":
        return Q(masked=True)
    return Q(status=show) if show in FactStatus.values else Q()


@login_required
def document_status(request, doc_id):
    doc = get_document_for_user(request.user, doc_id)
    if doc.status != DocumentStatus.PROCESSING:
        resp = HttpResponse("")
        resp["HX-Refresh"] = "true"  # the whole page changes once the facts exist
        return resp
    return render(request, "extraction/_status.html", {"doc": doc, "elapsed": int(
        (timezone.now() - doc.uploaded_at).total_seconds())})


@login_required
def document_file(request, doc_id):
    doc = get_document_for_user(request.user, doc_id)
    return stored_file_response(doc.file, filename=doc.name, sha256=doc.sha256)


@login_required
@require_POST
def fact_accept(request, fact_id):
    fact = get_fact_for_user(request.user, fact_id)
    p = request.POST
    posted = {k: p.get(k, "") for k in ("region", "year", "indicator", "value", "unit")}
    try:
        actions.accept_fact(fact, by=request.user, region_code=posted["region"], year=posted["year"],
                            indicator_code=posted["indicator"], value=posted["value"], unit=posted["unit"])
    except actions.ExtractionError as exc:
        return _fact_response(request, fact, error=str(exc), posted=posted)
    return _fact_response(request, fact, message="已采纳为草稿，等待填报审核")


@login_required
@require_POST
def fact_reject(request, fact_id):
    fact = get_fact_for_user(request.user, fact_id)
    try:
        actions.reject_fact(fact, by=request.user, reason=request.POST.get("reason", ""))
    except actions.ExtractionError as exc:
        return _fact_response(request, fact, error=str(exc))
    return _fact_response(request, fact)


@login_required
@require_POST
def fact_reopen(request, fact_id):
    fact = get_fact_for_user(request.user, fact_id)
    try:
        actions.reopen_fact(fact, by=request.user)
    except actions.ExtractionError as exc:
        return _fact_response(request, fact, error=str(exc))
    return _fact_response(request, fact)


def _fact_response(request, fact, *, error="", message="", posted=None):
    if not request.htmx:
        # Without JavaScript the form posts normally: back to the card on the page.
        (messages.error if error else messages.success)(request, error or message or "已处理")
        return redirect(reverse("extraction:document", args=[fact.document_id]) + f"#fact-{fact.pk}")
    fact.refresh_from_db()
    doc = fact.document
    ctx = _context(request.user, doc)
    return render(request, "extraction/_fact_response.html", ctx | {
        "c": _card(fact, ctx, error=error, message=message, posted=posted),
        "mark_oob": mark(fact, doc.text[fact.start:fact.end], oob=True),
        "accepted_rows": _accepted_rows(doc),
        "counts": _counts(doc)})


# ---- building the page -----------------------------------------------------------------------

def _context(user, doc) -> dict:
    from ecociv.standards.resolve import standard_for

    year = doc.year or timezone.localdate().year
    standard = standard_for(doc.region, year)
    indicators = list(standard.indicators.filter(sub_items__isnull=True).order_by("order")) if standard else []
    # Accepting writes to a region the user administers: the document's region or one under it.
    regions = [r for r in writable_regions(user) if r.path.startswith(doc.region.path)]
    return {"doc": doc, "standard": standard, "indicators": indicators,
            "indicator_by_code": {i.code: i for i in indicators}, "regions": regions,
            "can_write": can_administer(user, doc.region)}


def _fmt(v) -> str:
    if v is None:
        return ""
    return format(Decimal(v).normalize(), "f")


def _card(f, ctx, *, error="", message="", posted=None) -> dict:
    by_code = ctx["indicator_by_code"]
    ind = by_code.get(f.indicator_code)
    year = f.period if (f.period or "").isdigit() else (ctx["doc"].year or "")
    defaults = {"region": ctx["doc"].region.code, "year": str(year), "value": "" if f.masked else _fmt(f.value),
                "unit": f.unit, "indicator": f"{ind.code} {ind.name}" if ind else f.indicator_code}
    form = defaults | (posted or {})
    warnings = []
    if f.masked:
        warnings.append("该数字在文档中被遮盖（**、XX 等），只能填写实际数值后采纳")
    if f.is_change and f.indicator_code not in _change_indicators():
        warnings.append("这是变化量（同比/较上年），不是当年数值：请改为当年数值或驳回")
    if f.value_max is not None:
        warnings.append(f"文档写的是范围 {_fmt(f.value)}–{_fmt(f.value_max)}")
    if ind and ind.unit and f.unit and _norm_unit(ind.unit) != _norm_unit(f.unit):
        warnings.append(f"文档单位“{f.unit}”与指标单位“{ind.unit}”不同，请换算后再采纳")
    value_text = "已遮盖" if f.masked else (
        f"{COMPARATORS.get(f.comparator, '')}{_fmt(f.value)}"
        + (f"–{_fmt(f.value_max)}" if f.value_max is not None else "") + f" {f.unit}")
    if f.kind == "rank" and f.from_value is not None:
        value_text = f"由第{_fmt(f.from_value)}名到第{_fmt(f.value)}名"
    elif f.kind == "class" and f.value is not None:
        value_text = f"{'优于或达到' if f.comparator == '<=' else ''}{ROMAN.get(int(f.value), _fmt(f.value))}类"
    cands = [{"code": c.get("code", ""), "name": c.get("name", ""), "score": c.get("score"),
              "label": f"{c.get('code', '')} {c.get('name', '')}".strip()} for c in f.indicator_candidates]
    ledger = [{"kind": KIND_LABELS.get(c["kind"], c["kind"]), "name": c.get("name") or c.get("matched", ""),
               "score": c.get("score")} for c in f.ledger_candidates]
    from ecociv.extraction.mapping import Catalogue

    name = ind.name if ind else Catalogue.from_files().names.get(f.indicator_code, "")
    return {"f": f, "indicator": ind, "form": form, "warnings": warnings, "value_text": value_text.strip(),
            "indicator_label": f"{f.indicator_code} {name}".strip(),
            "candidates": cands, "ledger": ledger, "error": error, "message": message}


ROMAN = {1: "Ⅰ", 2: "Ⅱ", 3: "Ⅲ", 4: "Ⅳ", 5: "Ⅴ"}


def _change_indicators() -> set[str]:
    """Sub-indicators whose value IS a change (7.2 PM2.5 下降幅度, 8.1 提高幅度): no warning there."""
    from ecociv.extraction.mapping import Catalogue

    return set(Catalogue.from_files().level_of)


def _norm_unit(u: str) -> str:
    return u.replace("％", "%").replace("个百分点", "%").replace("百分点", "%").strip()


def _accepted_rows(doc) -> list[dict]:
    rows = []
    for f in doc.facts.filter(status=FactStatus.ACCEPTED).select_related("accepted_value"):
        v = f.accepted_value
        history = ""
        if v is not None:
            try:
                history = reverse("entry:history", args=[v.pk])
            except NoReverseMatch:
                history = ""
        rows.append({"f": f, "a": f.accepted, "v": v, "history": history})
    return rows


def highlighted(text: str, facts, *, window: tuple[int, int] | None = None) -> str:
    """The document text (or its window [lo, hi)), HTML-escaped, with each fact wrapped in a link
    to its card. Offsets are into the original text; a fact overlapping an earlier one is listed
    but not marked."""
    lo, hi = window or (0, len(text))
    out, pos = [], lo
    for f in sorted(facts, key=lambda f: (f.start, -f.end)):
        if f.start < pos or f.end > hi:
            continue
        out.append(escape(text[pos:f.start]))
        out.append(mark(f, text[f.start:f.end]))
        pos = f.end
    out.append(escape(text[pos:hi]))
    return mark_safe("".join(str(o) for o in out))  # nosec B308 B703  # escaped before: json with <>& as \u escapes / escape()+format_html


def mark(f, quote: str, oob: bool = False) -> str:
    classes = f"hl {f.status}" + (" masked" if f.masked else "") + (" proposed" if f.indicator_code else "")
    title = f"{f.get_status_display()}" + ("；已遮盖" if f.masked else "") + (
        f"；建议指标 {f.indicator_code}" if f.indicator_code else "")
    return format_html('<a id="hl-{}" class="{}" href="#fact-{}" title="{}"{}>{}</a>', f.pk, classes, f.pk, title,
                       mark_safe(' hx-swap-oob="true"') if oob else "", quote)  # nosec B308  # escaped before: json with <>& as \u escapes / escape()+format_html
