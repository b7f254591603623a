from django.http import FileResponse, Http404


def stored_file_response(field, *, filename: str, sha256: str, content_type: str | None = None) -> FileResponse:
    """Download of a stored upload (evidence, source documents) as an attachment, with its sha256
    so the receiver can check it. Call only after the scoped lookup has allowed the user."""
    try:
        fh = field.open("rb")
    except FileNotFoundError:
        raise Http404("文件已丢失，请联系管理员") from None
    resp = FileResponse(fh, as_attachment=True, filename=filename, content_type=content_type)
    resp["X-Content-SHA256"] = sha256
    return resp
