"""Files attached to domain objects: the one place that checks, stores and lists them.

Any app attaches a file with :func:`attachment_add` (from its own service, inside its own
transaction) and lists them with :func:`attachment_list`. The file's type is read from its
content, never from its name or the browser's claim: JPEG, PNG and WebP images that Pillow can
open, and PDF documents. The size limit is ``ATTACHMENT_MAX_BYTES`` (settings, from the
environment). Downloads go through ``core.views.attachment_download``, which serves a file only to
a user who may see the object it belongs to (that model's ``restrict`` rule).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .events import event_append
from .models import Attachment

PDF_MAGIC = b"%PDF-"
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def attachment_type(upload) -> str:
    """The file's real type (a MIME type of ``Attachment.EXTENSIONS``), or ValidationError."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(PDF_MAGIC):
        return "application/pdf"
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            fmt = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        fmt = None
    finally:
        upload.seek(0)
    if fmt not in IMAGE_FORMATS:
        raise ValidationError(
            _("%(name)s is not a photo (JPEG, PNG, WebP) or a PDF document.")
            % {"name": getattr(upload, "name", "")},
            code="attachment_type",
        )
    return IMAGE_FORMATS[fmt]


def attachment_check(upload) -> str:
    """Size and type of an uploaded file; returns its MIME type. Forms call it to show the
    error beside the field; :func:`attachment_add` calls it again."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s MB.")
            % {"name": getattr(upload, "name", ""), "limit": round(limit / 1024 / 1024, 1)},
            code="attachment_size",
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": getattr(upload, "name", "")},
                              code="attachment_empty")
    return attachment_type(upload)


def attachment_add(*, actor, subject, upload, kind: str = "") -> Attachment:
    """Store ``upload`` and attach it to ``subject`` with an event on the subject's timeline.
    Call it inside the caller's transaction: if the caller's step fails, the row goes with it
    (a stored file without a row is never served; never a row without a file)."""
    mime = attachment_check(upload)
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200]
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk,
        kind=kind, name=name, mime=mime, size=upload.size, uploaded_by=actor,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    event_append(subject=subject, action="attachment_add", actor=actor,
                 data={"attachment": attachment.pk, "name": name, "kind": kind})
    return attachment


def attachment_list(subject, kind: str | None = None):
    """The files attached to ``subject`` (of one ``kind`` if given), oldest first."""
    queryset = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk)
    return queryset.filter(kind=kind) if kind is not None else queryset
