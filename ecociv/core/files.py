"""Stored uploads (evidence, responsibility evidence, letter scans, source documents): which
files are accepted, how they are stored, and how a scoped download hands them back."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404

ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSION_ALIASES = {"jpeg": "jpg"}


class UploadRefused(ValueError):
    """A file the platform does not store; the message says which and why, in Chinese."""


def sniff(data: bytes, name: str) -> tuple[str, str]:
    """(extension, mime) judged from the bytes; the name's extension must agree, so a renamed
    .exe is refused whatever it is called. The one rule for every stored attachment."""
    limit = settings.UPLOAD_MAX_MB * 1024 * 1024
    if len(data) > limit:
        raise UploadRefused(f"“{name}”超过 {settings.UPLOAD_MAX_MB} MB 的大小限制")
    if not data:
        raise UploadRefused(f"“{name}”是空文件")
    kind = filetype.guess(data)
    ext = kind.extension if kind else None
    if ext not in ALLOWED_TYPES:
        raise UploadRefused(f"“{name}”的文件内容不是允许的类型（PDF、JPG、PNG、Word .docx、Excel .xlsx）")
    claimed = PurePath(name).suffix.lower().lstrip(".")
    claimed = EXTENSION_ALIASES.get(claimed, claimed)
    if claimed != ext:
        raise UploadRefused(f"“{name}”的扩展名与文件内容（{ext.upper()}）不符")
    return ext, ALLOWED_TYPES[ext]


@dataclass(frozen=True)
class Stored:
    path: str
    name: str  # the name the user gave, without directories
    sha256: str
    size: int
    content_type: str


def store_upload(data: bytes, name: str, folder: str) -> Stored:
    """Check the file (`sniff`) and store it once by content under `folder/ab/<sha256>.<ext>`."""
    ext, mime = sniff(data, name)
    digest = hashlib.sha256(data).hexdigest()
    path = f"{folder}/{digest[:2]}/{digest}.{ext}"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(data))
    return Stored(path=path, name=PurePath(name).name[:200], sha256=digest, size=len(data), content_type=mime)


def stored_file_response(field, *, filename: str, sha256: str, content_type: str | None = None) -> FileResponse:
    """Download of a stored upload (evidence, source documents) as an attachment, with its sha256
    so the receiver can check it. Call only after the scoped lookup has allowed the user."""
    try:
        fh = field.open("rb")
    except FileNotFoundError:
        raise Http404("文件已丢失，请联系管理员") from None
    resp = FileResponse(fh, as_attachment=True, filename=filename, content_type=content_type)
    if sha256:
        resp["X-Content-SHA256"] = sha256
    return resp
