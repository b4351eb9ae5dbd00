"""Data set services with good and bad uploads: each refusal has its clear message and stores nothing."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.utils import translation
from PIL import Image

from mlcore.errors import MESSAGES, MlError, message_for
from mlcore.models import Dataset, DatasetImage
from mlcore.selectors import dataset_preview, dataset_rows, dataset_training_data
from mlcore.services import datasets
from tests.mlcore.conftest import HOUSES_CSV, doodle_zip, make_zip, png, stored_files

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def refused(call, **kwargs) -> MlError:
    with pytest.raises(MlError) as info:
        call(**kwargs)
    return info.value


def nothing_stored(media) -> None:
    assert Dataset.objects.count() == 0
    assert DatasetImage.objects.count() == 0
    assert stored_files(media) == []


# --- CSV ------------------------------------------------------------------------------------


def test_csv_with_target_is_stored_with_types_and_rows(teacher, media):
    dataset = datasets.dataset_create_from_csv(owner=teacher, name="Houses", data=HOUSES_CSV.encode(), target="price")
    assert dataset.kind == "tabular"
    assert dataset.task == "regression"
    assert dataset.features == ["size", "rooms", "kind"]
    assert dataset.column_types == {"size": "numeric", "rooms": "numeric", "price": "numeric", "kind": "categorical"}
    assert dataset.row_count == 5
    assert stored_files(media) == [f"datasets/{dataset.id}/rows.json"]
    columns, rows = dataset_rows(dataset)
    assert columns == ["size", "rooms", "price", "kind"]
    assert rows[0] == ["523", "1", "115", "flat"]
    assert dataset_preview(dataset, 2)["total"] == 5


def test_cp949_csv_from_korean_excel_is_accepted(teacher, media):
    text = "면적,방,가격,지역\n523,1,115,서울\n645,1,150,부산\n708,2,210,서울\n1034,3,280,부산\n"
    dataset = datasets.dataset_create_from_csv(
        owner=teacher, name="집값", data=text.encode("cp949"), target="지역", task="classification"
    )
    assert dataset.class_counts == {"부산": 2, "서울": 2}
    A, B, _ = dataset_training_data(dataset)
    assert A[0] == {"면적": "523", "방": "1", "가격": "115"}
    assert B == ["서울", "부산", "서울", "부산"]


def test_csv_without_target_is_kept_and_configured_later(teacher, media):
    dataset = datasets.dataset_create_from_csv(owner=teacher, name="Houses", data=HOUSES_CSV.encode())
    assert not dataset.ready
    datasets.dataset_configure_table(dataset=dataset, target="kind", features=["size", "rooms"])
    dataset.refresh_from_db()
    assert dataset.task == "classification"
    assert dataset.class_counts == {"flat": 2, "house": 3}
    assert dataset.ready


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "csv_empty"),
        (b"\x00\x01\x02garbage\x00" * 20, "csv_binary"),
        (b"PK\x03\x04\x00\x00" + bytes(100), "csv_binary_excel"),
        (b"a,b\n1,2\n3,4,5\n", "csv_malformed"),
        (b"a,a\n1,2\n", "csv_duplicate_columns"),
        ("이름,값\n가,1\n".encode("utf-16-le"), "csv_binary"),
    ],
)
def test_broken_csvs_are_refused(teacher, media, data, code):
    err = refused(datasets.dataset_create_from_csv, owner=teacher, name="x", data=data)
    assert err.code == code
    nothing_stored(media)


def test_unknown_encoding_is_refused(teacher, media):
    data = bytes(range(0x80, 0x100)) * 4
    err = refused(datasets.dataset_create_from_csv, owner=teacher, name="x", data=b"a,b\n" + data + b",1\n")
    assert err.code == "csv_unknown_encoding"
    with translation.override("en"):
        assert "UTF-8" in err.message
    nothing_stored(media)


def test_too_few_rows_uses_the_learners_minimum(teacher, media):
    err = refused(
        datasets.dataset_create_from_csv, owner=teacher, name="x", data=b"size,price\n1,2\n3,4\n", target="price"
    )
    assert (err.code, err.params) == ("too_few_rows", {"rows": 2, "minimum": 3})
    with translation.override("en"):
        assert err.message.startswith("Only 2 examples have an answer; at least 3 are needed.")
    nothing_stored(media)


def test_non_numeric_target_for_regression_names_the_row(teacher, media):
    data = b"size,price\n1,100\n2,two hundred\n3,300\n4,400\n"
    err = refused(
        datasets.dataset_create_from_csv, owner=teacher, name="x", data=data, target="price", task="regression"
    )
    assert err.code == "non_numeric_target"
    assert err.params == {"row": 3, "value": "two hundred"}
    with translation.override("ko"):
        assert "3" in err.message
        assert "two hundred" in err.message
    nothing_stored(media)


def test_target_with_one_class_is_refused(teacher, media):
    data = b"size,kind\n1,cat\n2,cat\n3,cat\n4,cat\n"
    err = refused(datasets.dataset_create_from_csv, owner=teacher, name="x", data=data, target="kind")
    assert (err.code, err.params) == ("one_class", {"label": "cat"})
    nothing_stored(media)


def test_unknown_target_and_bad_feature_choices(teacher, media):
    data = HOUSES_CSV.encode()
    assert refused(datasets.dataset_create_from_csv, owner=teacher, name="x", data=data, target="nope").code == (
        "unknown_column"
    )
    err = refused(
        datasets.dataset_create_from_csv, owner=teacher, name="x", data=data, target="price", features=["price"]
    )
    assert err.code == "target_is_feature"
    assert refused(datasets.dataset_create_from_csv, owner=teacher, name=" ", data=data).code == "name_required"
    nothing_stored(media)


# --- images and zips ---------------------------------------------------------------------------


def test_zip_of_class_folders_lists_skipped_files(teacher, media):
    data = make_zip({"cat/1.png": png(0), "cat/2.png": png(50), "dog/1.png": png(200), "dog/readme.txt": b"hi"})
    result = datasets.dataset_create_from_zip(owner=teacher, name="Pets", data=data)
    assert result.dataset.class_counts == {"cat": 2, "dog": 1}
    assert [(s["name"], s["code"]) for s in result.skipped] == [("dog/readme.txt", "not_an_image")]
    assert len(stored_files(media)) == 3


def test_zip_slip_is_refused(teacher, media):
    err = refused(
        datasets.dataset_create_from_zip,
        owner=teacher,
        name="x",
        data=make_zip({"cat/1.png": png(), "../../evil.png": png()}),
    )
    assert (err.code, err.params) == ("zip_path_traversal", {"name": "../../evil.png"})
    nothing_stored(media)


def test_oversize_zip_is_refused(teacher, media, settings):
    settings.MLCORE_ZIP_MAX_BYTES = 2_000
    data = make_zip({f"cat/{i}.png": png(seed=i, size=32) for i in range(3)})
    err = refused(datasets.dataset_create_from_zip, owner=teacher, name="x", data=data)
    assert err.code == "zip_too_large_uncompressed"
    settings.MLCORE_ZIP_MAX_BYTES = 10_000_000
    settings.MLCORE_ZIP_MAX_FILES = 2
    assert refused(datasets.dataset_create_from_zip, owner=teacher, name="x", data=data).code == "zip_too_many_files"
    nothing_stored(media)


def test_zip_bomb_and_garbage_are_refused(teacher, media):
    bomb = make_zip({"cat/zeros.png": bytes(30_000_000), "dog/1.png": png()})
    assert refused(datasets.dataset_create_from_zip, owner=teacher, name="x", data=bomb).code == "zip_compression_ratio"
    assert refused(datasets.dataset_create_from_zip, owner=teacher, name="x", data=b"not a zip").code == "zip_not_a_zip"
    only_junk = make_zip({"cat/a.txt": b"hello"})
    assert refused(datasets.dataset_create_from_zip, owner=teacher, name="x", data=only_junk).code == "no_images"
    nothing_stored(media)


def _with_png_size(data: bytes, width: int, height: int) -> bytes:
    header = bytearray(data[16:29])
    struct.pack_into(">II", header, 0, width, height)
    return data[:16] + bytes(header) + struct.pack(">I", zlib.crc32(b"IHDR" + header)) + data[33:]


def _noisy_jpeg() -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(png(seed=3, size=64))).convert("RGB").save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"GIF89a but really a text file", "image_truncated"),
        (b"just some text renamed to .png", "image_not_an_image"),
        (_noisy_jpeg()[:400], "image_truncated"),
        (_with_png_size(png(), 6000, 6000), "image_too_many_pixels"),
        (b"BM" + bytes(100), "image_format_not_allowed"),
        (b"", "image_empty"),
    ],
    ids=["fake-gif", "fake-image", "truncated", "bomb", "bmp", "empty"],
)
def test_bad_images_are_refused_and_nothing_is_stored(teacher, media, data, code):
    dataset = datasets.dataset_create_images(owner=teacher, name="Drawings")
    err = refused(datasets.dataset_add_image, dataset=dataset, label="cat", data=data)
    if data.startswith(b"GIF"):  # a header with nothing behind it: Pillow may not even identify it
        assert err.code in {"image_truncated", "image_not_an_image"}
    else:
        assert err.code == code
    assert DatasetImage.objects.count() == 0
    assert stored_files(media) == []
    with translation.override("ko"):
        assert err.message
        assert err.message != err.code


def test_add_images_counts_classes(teacher, media):
    dataset = datasets.dataset_create_images(owner=teacher, name="Drawings")
    datasets.dataset_add_image(dataset=dataset, label=" 고양이 ", data=png(0))
    datasets.dataset_add_image(dataset=dataset, label="dog", data=png(255))
    dataset.refresh_from_db()
    assert dataset.class_counts == {"dog": 1, "고양이": 1}
    assert dataset.row_count == 2
    assert refused(datasets.dataset_add_image, dataset=dataset, label="", data=png()).code == "bad_label"
    assert refused(datasets.dataset_add_image, dataset=dataset, label="a/b", data=png()).code == "bad_label"


def test_builtin_data_sets(teacher, media):
    house = datasets.dataset_create_builtin(owner=teacher, which="house")
    assert (house.task, house.target, house.row_count) == ("regression", "price_k", 6)
    with translation.override("en"):
        assert "Six rows" in datasets.builtin_note(house)
    doodles = datasets.dataset_create_builtin(owner=teacher, which="doodles", per_class=2)
    assert sum(doodles.class_counts.values()) == 20
    assert len(doodles.class_counts) == 10
    digits = datasets.dataset_create_builtin(owner=teacher, which="digits", per_class=1)
    assert sorted(digits.class_counts) == [str(d) for d in range(10)]
    assert refused(datasets.dataset_create_builtin, owner=teacher, which="mnist").code == "bad_builtin"


def test_delete_removes_files(teacher, media, django_capture_on_commit_callbacks):
    result = datasets.dataset_create_from_zip(owner=teacher, name="Pets", data=doodle_zip(per_class=2))
    assert stored_files(media)
    with django_capture_on_commit_callbacks(execute=True):
        datasets.dataset_delete(dataset=result.dataset)
    assert stored_files(media) == []


def test_every_message_renders_in_both_languages():
    for code in MESSAGES:
        for language in ("ko", "en"):
            with translation.override(language):
                assert message_for(code, {}) != ""
