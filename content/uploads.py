"""Asset file uploads: which files we accept, checked by their content and not only their name,
and the safe name a stored file gets. Used by the asset form and by the API serializer alike."""

import os
import re
import unicodedata
import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

# extension -> the type its content must have
EXTENSION_TYPES = {
    "pdf": "pdf",
    "pptx": "pptx",
    "docx": "docx",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
}
TYPE_LABELS = {
    "pdf": "PDF",
    "pptx": "PowerPoint (PPTX)",
    "docx": "Word (DOCX)",
    "png": "PNG image",
    "jpeg": "JPEG image",
}
ALLOWED_LABEL = "PDF, PPTX, DOCX, PNG or JPEG"

# The main part an Office Open XML package declares in [Content_Types].xml.
OOXML_MAIN_PARTS = {
    "docx": b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "pptx": b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
# [Content_Types].xml is a few kilobytes; a larger one is not a document we want to inflate.
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
MAX_FILE_NAME_LENGTH = 100
HEAD_BYTES = 8192


def max_upload_bytes() -> int:
    return settings.ASSET_MAX_UPLOAD_MB * 1024 * 1024


def _rewound(uploaded_file):
    uploaded_file.seek(0)
    return uploaded_file


def _ooxml_type(uploaded_file) -> str | None:
    """'docx' or 'pptx' when the file is a zip whose [Content_Types].xml declares that main part."""
    try:
        with zipfile.ZipFile(_rewound(uploaded_file)) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > MAX_CONTENT_TYPES_BYTES:
                return None
            content_types = archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError, EOFError):
        return None
    finally:
        uploaded_file.seek(0)
    for kind, main_part in OOXML_MAIN_PARTS.items():
        if main_part in content_types:
            return kind
    return None


def detect_type(uploaded_file) -> str | None:
    """The file's real type read from its bytes: 'pdf', 'docx', 'pptx', 'png', 'jpeg', or None."""
    head = _rewound(uploaded_file).read(HEAD_BYTES)
    uploaded_file.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    guessed = filetype.guess(head)
    mime = guessed.mime if guessed else ""
    if mime == "image/png":
        return "png"
    if mime == "image/jpeg":
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_type(uploaded_file)
    return None


def extension_of(name: str) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def validate_asset_file(uploaded_file) -> str:
    """Refuse anything but a PDF, PPTX, DOCX, PNG or JPEG whose content agrees with its name and
    whose size is within settings.ASSET_MAX_UPLOAD_MB. Returns the detected type.

    Raises django.core.exceptions.ValidationError with a message a marketer can act on."""
    name = getattr(uploaded_file, "name", "") or ""
    extension = extension_of(name)
    expected = EXTENSION_TYPES.get(extension)
    if expected is None:
        raise ValidationError(
            "“%(ext)s” files are not accepted. Upload a %(allowed)s file.",
            code="file_type",
            params={"ext": f".{extension}" if extension else "Unnamed", "allowed": ALLOWED_LABEL},
        )
    size = uploaded_file.size
    if size > max_upload_bytes():
        raise ValidationError(
            "The file is %(size)s; the limit is %(limit)s MB.",
            code="file_size",
            params={"size": filesizeformat(size), "limit": settings.ASSET_MAX_UPLOAD_MB},
        )
    if size == 0:
        raise ValidationError("The file is empty.", code="file_empty")
    actual = detect_type(uploaded_file)
    if actual is None:
        raise ValidationError(
            "The file is named .%(ext)s but its content is not a %(allowed)s file.",
            code="file_content",
            params={"ext": extension, "allowed": ALLOWED_LABEL},
        )
    if actual != expected:
        raise ValidationError(
            "The file is named .%(ext)s but its content is a %(actual)s. Rename it or upload the right file.",
            code="file_mismatch",
            params={"ext": extension, "actual": TYPE_LABELS[actual]},
        )
    return actual


_UNSAFE = re.compile(r"[^\w.\-]+")


def safe_file_name(name: str) -> str:
    """A file name safe to store and to send back in Content-Disposition: no directories, no
    control characters, nothing but letters, digits, dot, dash and underscore (spaces become
    underscores, as the storage would make them anyway), and at most
    MAX_FILE_NAME_LENGTH characters with the extension kept."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = unicodedata.normalize("NFKC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name.strip()).strip("._")
    stem, ext = os.path.splitext(name)
    stem = re.sub(r"_{2,}", "_", stem).strip("._-") or "file"
    ext = ext.lower()[:10]
    return stem[: MAX_FILE_NAME_LENGTH - len(ext)] + ext


__all__ = ["ALLOWED_LABEL", "detect_type", "safe_file_name", "validate_asset_file"]
