"""Who may see an uploaded document: whoever sees its region (regions.scope). Not in scope →
Http404, so another county cannot even learn that a document exists."""
from __future__ import annotations

from django.http import Http404

from ecociv.extraction.models import Fact, SourceDocument
from ecociv.regions.scope import region_in_scope, visible_regions

NOT_FOUND = "文档不存在或不在您的管辖范围内"


def visible_documents(user):
    return SourceDocument.objects.filter(region__in=visible_regions(user))


def get_document_for_user(user, doc_id) -> SourceDocument:
    doc = SourceDocument.objects.select_related("region", "uploaded_by").filter(pk=doc_id).first()
    if doc is None or not region_in_scope(user, doc.region):
        raise Http404(NOT_FOUND)
    return doc


def get_fact_for_user(user, fact_id) -> Fact:
    fact = Fact.objects.select_related("document", "document__region").filter(pk=fact_id).first()
    if fact is None or not region_in_scope(user, fact.document.region):
        raise Http404("数据不存在或不在您的管辖范围内")
    return fact
