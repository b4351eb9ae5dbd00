"""core.zip_checks: every zip is built in memory here, hostile ones by patching header bytes."""

from __future__ import annotations

import io
import struct
import unicodedata
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from core.zip_checks import (
    MEMBER_PROBLEM_CODES,
    ZIP_REJECTION_CODES,
    ZipMember,
    ZipRejected,
    check_zip_images,
    read_labelled_zip,
)

LOCAL, CENTRAL = b"PK\x03\x04", b"PK\x01\x02"
CAT_NFC = "고양이"
CAT_NFD = unicodedata.normalize("NFD", CAT_NFC)


def png(colour=(255, 0, 0), size=(12, 12)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


PNG = png()


def make_zip(entries, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """``entries``: ``{name: bytes}`` or ``[(name, bytes)]``; a name ending in ``/`` is a folder."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries.items() if isinstance(entries, dict) else entries:
            archive.writestr(name, data)
    return out.getvalue()


def patch_name(data: bytes, placeholder: str, raw: bytes) -> bytes:
    """Swap a same-length ASCII placeholder for raw name bytes, as a tool with no UTF-8 flag writes them."""
    assert len(placeholder.encode()) == len(raw)
    assert data.count(placeholder.encode()) == 2  # local header and central directory
    return data.replace(placeholder.encode(), raw)


def set_flags(data: bytes, bits: int) -> bytes:
    """OR ``bits`` into the general-purpose flags of every local and central header."""
    out = bytearray(data)
    for signature, offset in ((LOCAL, 6), (CENTRAL, 8)):
        start = 0
        while (at := out.find(signature, start)) >= 0:
            (flags,) = struct.unpack_from("<H", out, at + offset)
            struct.pack_into("<H", out, at + offset, flags | bits)
            start = at + 4
    return bytes(out)


def set_method(data: bytes, method: int) -> bytes:
    out = bytearray(data)
    for signature, offset in ((LOCAL, 8), (CENTRAL, 10)):
        at = out.find(signature)
        struct.pack_into("<H", out, at + offset, method)
    return bytes(out)


def rejected(data, **kwargs) -> ZipRejected:
    with pytest.raises(ZipRejected) as info:
        read_labelled_zip(data, **kwargs)
    assert info.value.code in ZIP_REJECTION_CODES
    return info.value


def labels(members: list[ZipMember]) -> list[tuple[str, str]]:
    return [(m.label, m.name) for m in members if m.problem is None]


# --- layouts people make ----------------------------------------------------------------------------


def test_class_folders():
    members = read_labelled_zip(make_zip({"cat/": b"", "cat/1.png": PNG, "dog/x.jpg": b"jpeg?", "dog/": b""}))
    assert labels(members) == [("cat", "cat/1.png"), ("dog", "dog/x.jpg")]
    assert members[0].data == PNG


def test_one_wrapping_folder_is_peeled_and_loose_files_reported():
    members = read_labelled_zip(
        make_zip({"mydata/cat/1.png": PNG, "mydata/dog/2.png": PNG, "mydata/readme.txt": b"hi"})
    )
    assert labels(members) == [("cat", "mydata/cat/1.png"), ("dog", "mydata/dog/2.png")]
    assert [(m.label, m.name, m.problem, m.data) for m in members if m.problem] == [
        ("", "mydata/readme.txt", "no_label", b"")
    ]


def test_macos_and_windows_junk_is_ignored():
    members = read_labelled_zip(
        make_zip(
            {
                "mydata/cat/1.png": PNG,
                "mydata/.DS_Store": b"junk",
                "mydata/cat/.DS_Store": b"junk",
                "__MACOSX/mydata/cat/._1.png": b"resource fork",
                "__MACOSX/": b"",
                "mydata/dog/2.png": PNG,
                "mydata/dog/Thumbs.db": b"junk",
                "mydata/dog/desktop.ini": b"junk",
                "mydata/dog/.hidden.png": PNG,
                "mydata/.git/config": b"junk",
            }
        )
    )
    assert [(m.label, m.name, m.problem) for m in members] == [
        ("cat", "mydata/cat/1.png", None),
        ("dog", "mydata/dog/2.png", None),
    ]


def test_korean_nfd_folder_names_from_macos_become_nfc():
    members = read_labelled_zip(make_zip({f"{CAT_NFD}/1.png": PNG, "개/2.png": PNG}))
    assert members[0].label == CAT_NFC
    assert members[0].name == f"{CAT_NFC}/1.png"
    assert unicodedata.is_normalized("NFC", members[0].label)


def test_utf8_names_without_the_utf8_flag():
    """macOS Archive Utility writes UTF-8 (NFD) bytes without setting the flag."""
    raw = f"{CAT_NFD}/1.png".encode()
    placeholder = "A" * (len(raw) - len("/1.png")) + "/1.png"
    data = patch_name(make_zip({placeholder: PNG, "dog/2.png": PNG}), placeholder, raw)
    assert zipfile.ZipFile(io.BytesIO(data)).infolist()[0].flag_bits & 0x800 == 0
    assert labels(read_labelled_zip(data))[0] == (CAT_NFC, f"{CAT_NFC}/1.png")


def test_cp949_names_from_korean_windows():
    raw = f"{CAT_NFC}/1.png".encode("cp949")
    placeholder = "A" * (len(raw) - len("/1.png")) + "/1.png"
    data = patch_name(make_zip({placeholder: PNG, "dog/2.png": PNG}), placeholder, raw)
    assert labels(read_labelled_zip(data))[0] == (CAT_NFC, f"{CAT_NFC}/1.png")


def test_backslash_separators_from_windows_tools():
    members = read_labelled_zip(make_zip({"cat\\1.png": PNG, "dog\\2.png": PNG}))
    assert labels(members) == [("cat", "cat/1.png"), ("dog", "dog/2.png")]


def test_accepts_a_binary_file(tmp_path):
    path = tmp_path / "data.zip"
    path.write_bytes(make_zip({"cat/1.png": PNG, "dog/2.png": PNG}))
    with path.open("rb") as handle:
        assert len(read_labelled_zip(handle)) == 2
    assert len(read_labelled_zip(io.BytesIO(path.read_bytes()))) == 2
    assert len(read_labelled_zip(bytearray(path.read_bytes()))) == 2


def test_stored_members_work():
    assert len(read_labelled_zip(make_zip({"cat/1.png": PNG}, zipfile.ZIP_STORED))) == 1


# --- refusals -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"this is not a zip",
        PNG,
        make_zip({"cat/1.png": PNG})[:-10],  # end record cut off
    ],
)
def test_not_a_zip(data):
    assert rejected(data).code == "not_a_zip"


def test_corrupt_member_data():
    data = bytearray(make_zip({"cat/1.png": b"\x01\x02" * 5000, "dog/2.png": PNG}))
    data[60:90] = b"\xff" * 30  # inside cat/1.png's compressed stream
    err = rejected(bytes(data))
    assert err.code == "not_a_zip"
    assert err.params == {"name": "cat/1.png"}


def test_unsupported_compression_method():
    data = set_method(make_zip({"cat/1.png": PNG}), 9)  # Deflate64, which zipfile cannot read
    assert rejected(data).code == "not_a_zip"


@pytest.mark.parametrize(
    "name",
    [
        "../evil.png",
        "cat/../../evil.png",
        "/etc/evil.png",
        "C:/Windows/evil.png",
        "C:evil.png",
        "..\\evil.png",
        "cat\\..\\..\\evil.png",
        "\\\\server\\share\\evil.png",
    ],
)
def test_path_traversal(name):
    entries = [("cat/1.png", PNG), (name, PNG)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for entry_name, data in entries:
            archive.writestr(zipfile.ZipInfo(entry_name), data)  # ZipInfo keeps the name as given
    err = rejected(out.getvalue())
    assert err.code == "path_traversal"
    assert err.params == {"name": name}


def test_nul_in_a_name_is_refused():
    data = patch_name(make_zip({"cat/a_x.png.txt": PNG}), "cat/a_x.png.txt", b"cat/a\x00x.png.txt")
    assert rejected(data).code == "path_traversal"


def test_zip_bomb_is_refused_from_declared_sizes():
    data = make_zip({"cat/zeros.png": bytes(50_000_000), "dog/1.png": PNG})
    assert len(data) < 100_000
    err = rejected(data)
    assert err.code == "compression_ratio"
    assert err.params["name"] == "cat/zeros.png"
    assert err.params["ratio"] > 100
    assert err.params["max_ratio"] == 100


def test_lying_declared_size_is_caught_by_the_crc():
    """The header claims 1,000 bytes for 3 MB of zeros: zipfile stops at 1,000 and the CRC fails."""
    data = bytearray(make_zip({"cat/a.png": bytes(3_000_000)}))
    struct.pack_into("<L", data, data.find(LOCAL) + 22, 1000)
    struct.pack_into("<L", data, data.find(CENTRAL) + 24, 1000)
    assert rejected(bytes(data)).code == "not_a_zip"


def test_small_compressible_files_are_not_bombs():
    members = read_labelled_zip(make_zip({"cat/blank.png": bytes(500_000), "dog/1.png": PNG}))
    assert len(members) == 2


def test_too_many_files():
    err = rejected(make_zip({f"cat/{i}.png": b"x" for i in range(11)}), max_files=10)
    assert err.code == "too_many_files"
    assert err.params == {"count": 11, "max_files": 10}


def test_junk_does_not_count_towards_max_files():
    entries = {f"cat/{i}.png": b"x" for i in range(10)} | {f"__MACOSX/cat/._{i}.png": b"x" for i in range(10)}
    assert len(read_labelled_zip(make_zip(entries), max_files=10)) == 10


def test_absurd_entry_count_is_refused_before_parsing():
    data = make_zip([(f"{i}", b"") for i in range(1003)], zipfile.ZIP_STORED)
    err = rejected(data, max_files=1)
    assert err.code == "too_many_files"
    assert err.params == {"count": 1003, "max_files": 1}


def test_too_large_uncompressed_declared():
    err = rejected(make_zip({"cat/1.png": b"a" * 1000, "dog/2.png": b"b" * 1000}), max_total_uncompressed=1500)
    assert err.code == "too_large_uncompressed"
    assert err.params == {"max_bytes": 1500, "max_mb": 0}


def test_oversized_member_is_skipped_unread():
    members = read_labelled_zip(make_zip({"cat/big.png": b"a" * 2000, "dog/1.png": PNG}), max_member_bytes=1000)
    assert [(m.name, m.problem, m.data) for m in members] == [
        ("cat/big.png", "too_large", b""),
        ("dog/1.png", None, PNG),
    ]


def test_encrypted_member():
    data = set_flags(make_zip({"cat/1.png": b"secret", "dog/2.png": b"secret"}, zipfile.ZIP_STORED), 0x1)
    assert zipfile.ZipFile(io.BytesIO(data)).infolist()[0].flag_bits & 0x1
    err = rejected(data)
    assert err.code == "encrypted"
    assert err.params == {"name": "cat/1.png"}


@pytest.mark.parametrize(
    "entries",
    [
        {"1.png": PNG, "2.png": PNG},
        {"__MACOSX/._1.png": b"x", ".DS_Store": b"x"},
        {"cat/": b"", "dog/": b""},
        {},
    ],
)
def test_no_classes(entries):
    err = rejected(make_zip(entries))
    assert err.code == "no_classes"
    assert set(err.params) == {"loose_files"}


def test_nested_folders_too_deep():
    err = rejected(make_zip({"cat/2023/1.png": PNG, "dog/1.png": PNG}))
    assert err.code == "nested_folders_too_deep"
    assert err.params == {"name": "cat/2023/1.png"}


def test_rejection_codes_are_closed():
    with pytest.raises(ValueError, match="unknown"):
        ZipRejected("nope")
    assert ZipRejected.CODES == ZIP_REJECTION_CODES


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=6),
    cut=st.integers(0, 60),
)
def test_mangled_zips_are_read_or_refused_never_crash(edits, cut):
    data = bytearray(make_zip({"cat/1.png": PNG, "dog/2.png": png((0, 0, 255)), "mydata/x.txt": b"hello"}))
    for position, value in edits:
        data[position % len(data)] = value
    try:
        members, code = read_labelled_zip(bytes(data[: len(data) - cut]), max_member_bytes=10_000), None
    except ZipRejected as exc:
        members, code = None, exc.code
    if members is None:
        assert code in ZIP_REJECTION_CODES
    else:
        assert all(m.problem in MEMBER_PROBLEM_CODES or m.problem is None for m in members)
        assert all(len(m.data) <= 10_000 for m in members)


# --- image checking of members ----------------------------------------------------------------------


def test_check_zip_images_reports_skipped_files():
    data = make_zip(
        {
            "mydata/cat/1.png": PNG,
            "mydata/cat/notes.png": b"just text with a png name",
            "mydata/dog/2.png": png((0, 0, 255), (2000, 1000)),
            "mydata/dog/big.png": b"x" * 30_000,
            "mydata/loose.png": PNG,
        }
    )
    members = read_labelled_zip(data, max_member_bytes=25_000)
    accepted, skipped = check_zip_images(members, max_side=100)
    assert [(label, name) for label, _, name in accepted] == [("cat", "mydata/cat/1.png"), ("dog", "mydata/dog/2.png")]
    assert (accepted[1][1].width, accepted[1][1].height) == (100, 50)
    assert skipped == [
        ("mydata/cat/notes.png", "not_an_image"),
        ("mydata/dog/big.png", "too_large"),
        ("mydata/loose.png", "no_label"),
    ]
