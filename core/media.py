"""Uploaded media served by the app itself, in every shape (``make run`` and production alike).

Whitenoise serves static files only, and Django's ``static()`` route exists only under ``DEBUG``,
so without this a question's image 404s for the phones and the projector. The rules:

* **Only shareable prefixes** (``MEDIA_SHARED_PREFIXES``, by default ``questions/``) are served
  here. Everything else under ``MEDIA_ROOT`` (students' drawings, data-set images, model files) has
  its own owner-only view and is never reachable under ``/media/``.
* **A signed URL.** Students have no account, and a question's image must reach every phone and the
  projector of any live session of the quiz. :class:`SignedMediaStorage` adds to every URL it makes
  a signature of the file's name (HMAC with ``SECRET_KEY``): whoever was sent the question (the room)
  has the URL, nobody can derive one for another file, and a name without its signature is a 404.
* **The type comes from the bytes.** ``Content-Type`` is read from the stored file's signature
  (PNG, JPEG, WebP, GIF: what :mod:`core.image_checks` stores), never from the URL or the name; a
  file of any other kind is not served. ``X-Content-Type-Options: nosniff`` on every answer.
* **No traversal.** The name is resolved inside ``MEDIA_ROOT`` (``..``, absolute paths and
  symlinks out of it are a 404), and a missing file is a 404.
* **Caching.** A stored file never changes under its name (a new upload gets a new name), so the
  answer is cacheable for a day (``private``: the URL is a capability, not for shared caches),
  with ``Last-Modified`` and ``304`` for ``If-Modified-Since``.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.utils.crypto import constant_time_compare
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

__all__ = ["MEDIA_MAX_AGE_S", "SignedMediaStorage", "media_signature", "serve_media", "sniff_image_type"]

#: How long a browser may keep a served file (the file never changes under its name).
MEDIA_MAX_AGE_S = 24 * 3600

_SALT = "core.media"

_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
)


def sniff_image_type(head: bytes) -> str | None:
    """The content type of an image from its first bytes (PNG, JPEG, GIF, WebP), else ``None``."""
    for magic, offset, content_type in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def media_signature(name: str) -> str:
    """The signature that makes ``name`` servable under ``/media/`` (HMAC of the name)."""
    return signing.Signer(salt=_SALT).signature(name)


def _shared(name: str) -> bool:
    prefixes: list[str] = list(getattr(settings, "MEDIA_SHARED_PREFIXES", ["questions/"]))
    return any(name.startswith(prefix) for prefix in prefixes)


class SignedMediaStorage(FileSystemStorage):
    """The default storage; its URLs carry the signature that :func:`serve_media` checks."""

    def url(self, name: str | None) -> str:
        plain = super().url(name)
        if not name:
            return plain
        return f"{plain}?s={media_signature(name.replace(chr(92), '/'))}"


def _resolve(name: str) -> Path:
    """The file for a URL's name, inside ``MEDIA_ROOT``; ``Http404`` for anything else."""
    normalised = posixpath.normpath(name).lstrip("/")
    if normalised != name or normalised.startswith("..") or "\x00" in name:
        raise Http404(_("There is no such file."))
    try:
        path = Path(default_storage.path(normalised)).resolve()
    except (SuspiciousFileOperation, ValueError, NotImplementedError):
        raise Http404(_("There is no such file.")) from None
    root = Path(settings.MEDIA_ROOT).resolve()
    if root not in path.parents or not path.is_file():
        raise Http404(_("There is no such file."))
    return path


@require_safe
def serve_media(request: HttpRequest, name: str) -> HttpResponseBase:
    """``GET /media/<name>?s=<signature>``: a shared, signed, stored image (see the module)."""
    signature = request.GET.get("s", "")
    if not _shared(name) or not signature or not constant_time_compare(signature, media_signature(name)):
        raise Http404(_("There is no such file."))
    path = _resolve(name)
    stat = path.stat()
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), stat.st_mtime):
        response: HttpResponseBase = HttpResponseNotModified()
    else:
        handle = path.open("rb")
        content_type = sniff_image_type(handle.read(16))
        if content_type is None:
            handle.close()
            raise Http404(_("There is no such file."))
        handle.seek(0)
        response = FileResponse(handle, content_type=content_type)
    response["Last-Modified"] = http_date(stat.st_mtime)
    response["Cache-Control"] = f"private, max-age={MEDIA_MAX_AGE_S}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
