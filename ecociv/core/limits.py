"""The request-size limit, checked from the Content-Length header before a byte of the body is
read (Django streams file uploads to disk without a total limit of its own). A body sent without
a length (Transfer-Encoding: chunked) cannot be checked before it is read, and Django would read
it as empty: it is refused (411) with the limit named, so no size of body goes around the limit."""
from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse


def request_limit(path: str) -> int:
    if path.startswith("/monitoring/"):
        return (2 * settings.MONITORING_UPLOAD_MAX_MB + 1) * 1024 * 1024
    return settings.REQUEST_MAX_MB * 1024 * 1024


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = request_limit(request.path)
        name = "MONITORING_UPLOAD_MAX_MB" if request.path.startswith("/monitoring/") else "REQUEST_MAX_MB"
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower() and not request.META.get("CONTENT_LENGTH"):
            msg = (f"请求未注明长度（Content-Length）：分块传输的请求体无法在读取前检查大小，不予受理；"
                   f"请求体上限 {limit // 1024 // 1024} MB（{name}）")
            return _refuse(request, msg, 411)
        if length > limit:
            msg = (f"上传内容有 {length / 1024 / 1024:.1f} MB，超过上限 {limit // 1024 // 1024} MB（{name}）；"
                   f"请缩小文件或拆分后再上传")
            return _refuse(request, msg, 413)
        return self.get_response(request)


def _refuse(request, msg: str, status: int) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": msg}, status=status)
    # Plain text, not a template: the body was not read, so no session or CSRF work here.
    return HttpResponse(msg, status=status, content_type="text/plain; charset=utf-8")
