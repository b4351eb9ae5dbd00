"""Reading a zip of class folders (``cat/1.png``, ``dog/x.jpg``) safely, in memory (no Django).

Nothing is ever extracted to disk: members are read into memory with a bounded read, so zip slip
cannot write anywhere, and a name that tries to (``../x``, ``/etc/x``, ``C:\\x``) refuses the whole
zip because it was made to attack, not to teach. Sizes declared in the zip are checked first (cheap)
and the bytes actually read are checked again (declared sizes can lie).

Layout rules, chosen to match what people's computers produce:

* one folder per class; the folder name is the label (NFC-normalised: macOS writes Korean names
  decomposed (NFD), which would otherwise look identical but compare unequal);
* wrapping folders are peeled off while every file sits in the same top folder
  (``mydata/cat/1.png`` -> label ``cat``); deeper nesting (``cat/2023/1.png``) is refused;
* ``__MACOSX/``, ``.DS_Store``, ``Thumbs.db``, ``desktop.ini`` and hidden files (``.x``) are ignored;
  folder entries are ignored;
* names without the UTF-8 flag are re-decoded: UTF-8 (macOS), then CP949 (Korean Windows), then CP437;
* backslashes count as folder separators (some Windows tools write them);
* files loose at the top (no class folder) are returned with ``label=""`` and ``problem="no_label"``;
  files over ``max_member_bytes`` are returned unread with ``problem="too_large"``. Both come back
  from :func:`check_zip_images` in the "skipped" list so people learn which files were left out.

Members are returned *not yet* image-checked; :func:`check_zip_images` runs
:func:`core.image_checks.check_image` on each one.

:class:`ZipRejected` codes (stable; messages live in the web layer, see ``docs/uploads.md``):

=========================== =====================================================================
code                        params
=========================== =====================================================================
``not_a_zip``               ``{}``, or ``{"name"}`` when one member is corrupt or uses an
                            unsupported compression method
``path_traversal``          ``{"name"}`` (absolute path, ``..``, drive letter, NUL in a name)
``too_many_files``          ``{"count", "max_files"}``
``too_large_uncompressed``  ``{"max_bytes", "max_mb"}``
``compression_ratio``       ``{"name", "ratio", "max_ratio"}`` (a zip bomb)
``no_classes``              ``{"loose_files"}`` (no file is inside a class folder)
``encrypted``               ``{"name"}`` (password-protected member)
``nested_folders_too_deep`` ``{"name"}`` (a file deeper than ``class/file`` after unwrapping)
``duplicate_names``         ``{"name"}`` (two members with the same path: which one is meant?)
``excel_file``              ``{}`` (an Excel workbook: an .xlsx is a zip too)
``nested_zip``              ``{"name"}`` (no image in a class folder, but a zip inside the zip)
=========================== =====================================================================

Per-member problems (``ZipMember.problem``, and the skipped codes of :func:`check_zip_images`):
``no_label``, ``too_large``, ``nested_zip`` (a zip inside a class folder) plus every
:mod:`core.image_checks` code.
"""

from __future__ import annotations

import contextlib
import io
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO

from core.image_checks import CheckedImage, ImageRejected, check_image, mb
from core.rejections import Rejected

__all__ = [
    "MEMBER_PROBLEM_CODES",
    "ZIP_REJECTION_CODES",
    "ZipMember",
    "ZipRejected",
    "check_zip_images",
    "read_labelled_zip",
]

ZIP_REJECTION_CODES = frozenset(
    {
        "not_a_zip",
        "path_traversal",
        "too_many_files",
        "too_large_uncompressed",
        "compression_ratio",
        "no_classes",
        "encrypted",
        "nested_folders_too_deep",
        "duplicate_names",
        "excel_file",
        "nested_zip",
    }
)
MEMBER_PROBLEM_CODES = frozenset({"no_label", "too_large", "nested_zip"})
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

JUNK_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini", "__macosx"})

RATIO_MIN_BYTES = 1_000_000
"""The compression ratio is only judged on members that inflate past this: a 300-byte file of
spaces compresses 100:1 yet harms no one; a bomb has to be big to matter."""

CENTRAL_DIRECTORY_BYTES_PER_ENTRY = 1024
"""Generous room per entry (header, long Korean path, extra fields) when bounding the directory."""

_FLAG_ENCRYPTED = 0x1
_FLAG_STRONG_ENCRYPTION = 0x40
_FLAG_UTF8 = 0x800
_DRIVE = re.compile(r"^[A-Za-z]:")


class ZipRejected(Rejected):
    """A zip that must not be used; ``code`` is stable, ``params`` fill in the message."""

    CODES = ZIP_REJECTION_CODES
    KIND = "zip"


@dataclass(frozen=True)
class ZipMember:
    """One file from a labelled zip: raw bytes, not yet image-checked."""

    label: str
    name: str
    """The path inside the zip (decoded, NFC, ``/`` separators), for telling people which file."""
    data: bytes
    problem: str | None = None
    """``None`` for a usable member; else a code from ``MEMBER_PROBLEM_CODES`` and ``data`` is empty."""


def read_labelled_zip(
    data_or_file: bytes | bytearray | memoryview | BinaryIO,
    *,
    max_files: int = 5000,
    max_total_uncompressed: int = 200_000_000,
    max_member_bytes: int = 5_000_000,
    max_ratio: int = 100,
) -> list[ZipMember]:
    """The files of a class-folder zip with their labels, or :class:`ZipRejected`.

    ``data_or_file`` is the zip's bytes or a seekable binary file (e.g. a Django ``UploadedFile``).
    ``max_files`` counts the files that are kept (junk excluded); the raw entry count may be up to
    ``2 * max_files + 1000`` so that macOS's ``__MACOSX`` twins do not count against people.
    """
    fp: BinaryIO = (
        io.BytesIO(bytes(data_or_file)) if isinstance(data_or_file, bytes | bytearray | memoryview) else data_or_file
    )
    _check_directory_size(fp, max_files)
    try:
        archive = zipfile.ZipFile(fp)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise ZipRejected("not_a_zip") from exc
    with archive:
        return _read(archive, max_files, max_total_uncompressed, max_member_bytes, max_ratio)


def check_zip_images(
    members: Iterable[ZipMember], **image_kwargs: Any
) -> tuple[list[tuple[str, CheckedImage, str]], list[tuple[str, str]]]:
    """Run :func:`check_image` on every member: ``([(label, image, name)], [(name, code)])``.

    The second list says which files were skipped and why (an image code, ``no_label`` or
    ``too_large``); whether too few images remain is the caller's decision.
    """
    accepted: list[tuple[str, CheckedImage, str]] = []
    skipped: list[tuple[str, str]] = []
    for member in members:
        if member.problem is not None:
            skipped.append((member.name, member.problem))
            continue
        try:
            accepted.append((member.label, check_image(member.data, **image_kwargs), member.name))
        except ImageRejected as exc:
            skipped.append((member.name, exc.code))
    return accepted, skipped


def _read(
    archive: zipfile.ZipFile, max_files: int, max_total: int, max_member_bytes: int, max_ratio: int
) -> list[ZipMember]:
    if _is_workbook(archive):
        raise ZipRejected("excel_file")
    entries = _entries(archive, max_files)
    _check_duplicates(entries)
    _check_declared_total(entries, max_total, max_member_bytes, max_ratio)
    parts_list = _unwrap([parts for _, _, parts in entries])
    for (_, name, _), parts in zip(entries, parts_list, strict=True):
        if len(parts) > 2:
            raise ZipRejected("nested_folders_too_deep", {"name": name})
    members = _members(archive, entries, parts_list, max_total, max_member_bytes, max_ratio)
    if not any(member.problem not in ("no_label", "nested_zip") for member in members):
        nested = [m.name for m in members if m.problem == "nested_zip" or m.name.lower().endswith(".zip")]
        if nested:
            raise ZipRejected("nested_zip", {"name": nested[0]})
        raise ZipRejected("no_classes", {"loose_files": len(members)})
    return members


def _is_workbook(archive: zipfile.ZipFile) -> bool:
    """An Excel workbook (.xlsx, .xlsm): an Office Open XML package with a ``xl/`` part."""
    names = archive.namelist()
    return "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names)


def _check_duplicates(entries: list[_Entry]) -> None:
    """Two members with one path (zip allows it; folders do not): refuse rather than guess."""
    seen: set[str] = set()
    for _, name, _ in entries:
        if name in seen:
            raise ZipRejected("duplicate_names", {"name": name})
        seen.add(name)


_Entry = tuple[zipfile.ZipInfo, str, list[str]]


def _entries(archive: zipfile.ZipFile, max_files: int) -> list[_Entry]:
    """The archive's files (no folders, no junk) with their safe name and its parts."""
    entries: list[_Entry] = []
    for info in archive.infolist():
        name = _decoded_name(info)
        parts = _safe_parts(name)
        if info.is_dir() or not parts or _is_junk(parts):
            continue
        if info.flag_bits & (_FLAG_ENCRYPTED | _FLAG_STRONG_ENCRYPTION):
            raise ZipRejected("encrypted", {"name": name})
        entries.append((info, "/".join(parts), parts))
        if len(entries) > max_files:
            raise ZipRejected("too_many_files", {"count": len(entries), "max_files": max_files})
    return entries


def _check_declared_total(entries: list[_Entry], max_total: int, max_member_bytes: int, max_ratio: int) -> None:
    declared_total = 0
    for info, name, _ in entries:
        _check_ratio(name, info.file_size, info.compress_size, max_ratio)
        if info.file_size <= max_member_bytes:
            declared_total += info.file_size
    if declared_total > max_total:
        raise ZipRejected("too_large_uncompressed", {"max_bytes": max_total, "max_mb": mb(max_total)})


def _members(
    archive: zipfile.ZipFile,
    entries: list[_Entry],
    parts_list: list[list[str]],
    max_total: int,
    max_member_bytes: int,
    max_ratio: int,
) -> list[ZipMember]:
    members: list[ZipMember] = []
    total = 0
    for (info, name, _), parts in zip(entries, parts_list, strict=True):
        label = parts[0].strip() if len(parts) == 2 else ""
        if not label:
            members.append(ZipMember(label="", name=name, data=b"", problem="no_label"))
            continue
        if info.file_size > max_member_bytes:
            members.append(ZipMember(label=label, name=name, data=b"", problem="too_large"))
            continue
        data = _read_member(archive, info, name, max_member_bytes)
        if len(data) > max_member_bytes:  # the declared size lied
            members.append(ZipMember(label=label, name=name, data=b"", problem="too_large"))
            continue
        _check_ratio(name, len(data), info.compress_size, max_ratio)
        if data.startswith(ZIP_SIGNATURES):
            members.append(ZipMember(label=label, name=name, data=b"", problem="nested_zip"))
            continue
        total += len(data)
        if total > max_total:
            raise ZipRejected("too_large_uncompressed", {"max_bytes": max_total, "max_mb": mb(max_total)})
        members.append(ZipMember(label=label, name=name, data=data))
    return members


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, max_member_bytes: int) -> bytes:
    """At most ``max_member_bytes + 1`` bytes of one member (the CRC is checked when it fits)."""
    try:
        with archive.open(info) as handle:
            return handle.read(max_member_bytes + 1)
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError, zlib.error) as exc:
        raise ZipRejected("not_a_zip", {"name": name}) from exc
    except RuntimeError as exc:  # zipfile's "password required" (NotImplementedError is caught above)
        raise ZipRejected("encrypted", {"name": name}) from exc


def _check_ratio(name: str, uncompressed: int, compressed: int, max_ratio: int) -> None:
    if uncompressed <= RATIO_MIN_BYTES:
        return
    ratio = uncompressed / max(compressed, 1)
    if ratio > max_ratio:
        raise ZipRejected("compression_ratio", {"name": name, "ratio": round(ratio), "max_ratio": max_ratio})


def _check_directory_size(fp: BinaryIO, max_files: int) -> None:
    """Refuse absurd entry counts before ``zipfile`` builds an object per entry."""
    stats = _central_directory_stats(fp)
    if stats is None:
        return  # let zipfile decide whether this is a zip at all
    entries, cd_size = stats
    limit = 2 * max_files + 1000
    if entries > limit or cd_size > limit * CENTRAL_DIRECTORY_BYTES_PER_ENTRY:
        raise ZipRejected("too_many_files", {"count": entries, "max_files": max_files})


def _central_directory_stats(fp: BinaryIO) -> tuple[int, int] | None:
    """(declared entries, central directory bytes) from the end record, ZIP64 included."""
    try:
        fp.seek(0, io.SEEK_END)
        size = fp.tell()
        tail_len = min(size, 22 + 0xFFFF)
        fp.seek(size - tail_len)
        tail = fp.read(tail_len)
        pos = tail.rfind(b"PK\x05\x06")
        if pos < 0 or len(tail) - pos < 22:
            return None
        entries, cd_size = struct.unpack("<HL", tail[pos + 10 : pos + 16])
        if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
            locator_at = size - tail_len + pos - 20
            if locator_at >= 0:
                fp.seek(locator_at)
                locator = fp.read(20)
                if locator[:4] == b"PK\x06\x07":
                    (record_at,) = struct.unpack("<Q", locator[8:16])
                    fp.seek(record_at)
                    record = fp.read(56)
                    if record[:4] == b"PK\x06\x06" and len(record) == 56:
                        entries, cd_size = struct.unpack("<QQ", record[32:48])
        return entries, cd_size
    except (OSError, ValueError, struct.error):
        return None
    finally:
        with contextlib.suppress(OSError, ValueError):
            fp.seek(0)


def _decoded_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author saw it, NFC-normalised."""
    name = info.orig_filename
    if not info.flag_bits & _FLAG_UTF8:
        raw = name.encode("cp437")  # zipfile decoded it as CP437; undo that, then try what people use
        for encoding in ("utf-8", "cp949"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    return unicodedata.normalize("NFC", name)


def _safe_parts(name: str) -> list[str]:
    """Path components of ``name``, or :class:`ZipRejected` ``path_traversal`` if it escapes."""
    if "\x00" in name:
        raise ZipRejected("path_traversal", {"name": name.replace("\x00", "\\0")})
    unified = name.replace("\\", "/")
    if unified.startswith("/") or _DRIVE.match(unified):
        raise ZipRejected("path_traversal", {"name": name})
    parts = [part for part in unified.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ZipRejected("path_traversal", {"name": name})
    return parts


def _is_junk(parts: list[str]) -> bool:
    return any(part.startswith(".") or part.lower() in JUNK_NAMES for part in parts)


def _unwrap(parts_list: list[list[str]]) -> list[list[str]]:
    """Peel wrapping folders while every file shares the top folder and some file sits below a class."""
    while parts_list and len({parts[0] for parts in parts_list}) == 1 and any(len(p) >= 3 for p in parts_list):
        parts_list = [parts[1:] for parts in parts_list]
    return parts_list
