"""Writes of data sets: from a CSV, a zip of class folders, single images, or built-in data.

Every upload goes through the one checked path in ``core`` (``csv_checks``, ``zip_checks``,
``image_checks``); a refusal raises :class:`mlcore.errors.MlError` with a translated message and
stores nothing (no row, no file).
"""

from __future__ import annotations

import io
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count
from django.utils.translation import get_language, gettext_lazy
from PIL import Image

from core.csv_checks import CsvRejected, infer_column_types, is_missing, parse_number, read_csv
from core.image_checks import CheckedImage, ImageRejected, check_image
from core.zip_checks import ZipRejected, check_zip_images, read_labelled_zip
from mlcore import errors
from mlcore.errors import MlError
from mlcore.learn import (
    HOUSE_TABLE,
    generate_call_centre,
    generate_doodles,
    generate_sentiment,
    generate_spam,
    load_digits,
)
from mlcore.learn.common import MIN_ROWS
from mlcore.models import Dataset, DatasetImage, Task
from mlcore.selectors import dataset_rows
from mlcore.services.files import StoredFiles, atomic_with_files, delete_folder_on_commit, delete_on_commit, write_json
from mlcore.services.limits import limit

MAX_LABEL_LENGTH = 100
MAX_NAME_LENGTH = 200
PREVIEW_ROWS = 20

BUILTINS = ("house", "digits", "doodles", "callcentre", "spam", "sentiment")
#: Built-in text sets: generated sentences (Korean and English) with a ``text`` and a ``label`` column.
TEXT_BUILTINS = {"callcentre": generate_call_centre, "spam": generate_spam, "sentiment": generate_sentiment}
DEFAULT_TEXTS_PER_CLASS = 100
BUILTIN_NAMES = {
    "house": gettext_lazy("House prices (the lecture's six houses)"),
    "digits": gettext_lazy("Handwritten digits"),
    "doodles": gettext_lazy("Doodles (10 shapes)"),
    "callcentre": gettext_lazy("Call centre: which desk? (Korean and English)"),
    "spam": gettext_lazy("Spam or not (text messages)"),
    "sentiment": gettext_lazy("Reviews: positive or negative"),
}
BUILTIN_NOTES = {
    "house": gettext_lazy(
        "Six rows are enough to draw a line, not to trust it. With so few examples there is nothing left to "
        "test on: every row is needed for training, so the score is measured on the same rows the model has "
        "already seen and looks better than it is. One unusual house moves the whole line, and the model has "
        "never seen a 5-bedroom house or one over 2,545 sq ft, so it can only guess there. Real price models "
        "use thousands of sales and many more columns (location, age, condition)."
    ),
    "digits": gettext_lazy("1,797 handwritten digits, 8 × 8 pixels, bundled with scikit-learn."),
    "doodles": gettext_lazy(
        "Shapes drawn by a program with a wobbly pen: circle, square, triangle, line, cross, star, house, sun, "
        "fish and face. Every image is different, like students' drawings."
    ),
    "callcentre": gettext_lazy(
        "What customers say to a call centre, in Korean and English, and the desk that should answer: refund, "
        "delivery, cancellation or complaint. Generated from sentence patterns with changing products, times "
        "and order numbers; some sentences mention another desk's words on purpose."
    ),
    "spam": gettext_lazy("Text messages in Korean and English, generated from patterns: spam or a normal message."),
    "sentiment": gettext_lazy(
        "Short restaurant and shopping reviews in Korean and English (“The food was good ★★★★★”), generated "
        "from patterns: positive or negative."
    ),
}
DEFAULT_DOODLES_PER_CLASS = 100
MAX_BUILTIN_PER_CLASS = 500


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class TableChoice:
    target: str
    features: list[str]
    task: str
    class_counts: dict[str, int]


def _clean_name(name: str) -> str:
    name = unicodedata.normalize("NFC", (name or "").strip())[:MAX_NAME_LENGTH]
    if not name:
        raise MlError("name_required")
    return name


def infer_task(values: list[str]) -> str:
    """Numbers with many different values (or all different) are predicted as numbers; the rest as categories."""
    present = [v for v in values if not is_missing(v)]
    numbers = [parse_number(v) for v in present]
    if not present or any(n is None for n in numbers):
        return Task.CLASSIFICATION
    distinct = set(numbers)
    whole = all(float(n).is_integer() for n in numbers if n is not None)
    if len(distinct) > 10 or not whole or len(distinct) == len(present):
        return Task.REGRESSION
    return Task.CLASSIFICATION


def check_table_choice(
    columns: list[str],
    rows: list[list[str]],
    column_types: dict[str, str],
    *,
    target: str,
    features: Iterable[str] | None = None,
    task: str | None = None,
) -> TableChoice:
    """Validate the answer column (B) and input columns (A) the way ``mlcore.learn`` will judge them."""
    if target not in columns:
        raise MlError("unknown_column", column=target)
    index = columns.index(target)
    values = [row[index] for row in rows]
    present = [(line, v) for line, v in enumerate(values, start=2) if not is_missing(v)]
    if len(present) < MIN_ROWS:
        raise MlError("too_few_rows", rows=len(present), minimum=MIN_ROWS)
    chosen = _chosen_features(columns, column_types, target, features)
    if not task:
        task = infer_task(values)
        if task == Task.CLASSIFICATION and looks_like_text(columns, rows, chosen):
            task = Task.TEXT_CLASSIFICATION
    if task not in (Task.REGRESSION, Task.CLASSIFICATION, Task.TEXT_CLASSIFICATION):
        raise MlError("bad_task")
    counts = _checked_answers(task, present)
    if task == Task.TEXT_CLASSIFICATION:
        chosen = [text_column_choice(columns, rows, chosen)]
    return TableChoice(target, chosen, task, counts)


TEXT_MIN_MEAN_LENGTH = 12
TEXT_MIN_DISTINCT = 0.8


def looks_like_text(columns: list[str], rows: list[list[str]], chosen: list[str]) -> bool:
    """Exactly one input column of sentences (long on average, nearly all different): a text task, not
    a table (``id, message, desk`` too: the text model reads the message)."""
    return len([name for name in chosen if _is_text_column(columns, rows, name)]) == 1


def _is_text_column(columns: list[str], rows: list[list[str]], name: str) -> bool:
    index = columns.index(name)
    values = [row[index] for row in rows if not is_missing(row[index])]
    if not values or any(parse_number(v) is not None for v in values[:50]):
        return False
    mean_length = sum(len(v) for v in values) / len(values)
    return mean_length >= TEXT_MIN_MEAN_LENGTH and len(set(values)) >= TEXT_MIN_DISTINCT * len(values)


def text_column_choice(columns: list[str], rows: list[list[str]], chosen: list[str]) -> str:
    """The one text column (A) of a text data set: the only one chosen, or among several the one
    with the longest texts (a CSV of ``id, text, label`` means the text)."""
    if len(chosen) == 1:
        index = columns.index(chosen[0])
        if not any(not is_missing(row[index]) for row in rows):
            raise MlError("text_column_empty", column=chosen[0])
        return chosen[0]

    texts = [name for name in chosen if _is_text_column(columns, rows, name)]
    if len(texts) == 1:
        return texts[0]

    def length(name: str) -> float:
        index = columns.index(name)
        return sum(len(row[index]) for row in rows) / max(1, len(rows))

    return max(chosen, key=length)


def _checked_answers(task: str, present: list[tuple[int, str]]) -> dict[str, int]:
    """Examples per class (empty for regression), once the answers suit the task."""
    if task == Task.REGRESSION:
        for line, value in present:
            if parse_number(value) is None:
                raise MlError("non_numeric_target", row=line, value=value[:40])
        return {}
    counts = dict(sorted(Counter(v for _, v in present).items()))
    if len(counts) < 2:
        raise MlError("one_class", label=present[0][1][:40])
    return counts


def _chosen_features(
    columns: list[str], column_types: dict[str, str], target: str, features: Iterable[str] | None
) -> list[str]:
    """The input columns (A): the ones asked for, or every non-empty column but the answer."""
    if features is None:
        chosen = [c for c in columns if c != target and column_types.get(c) != "empty"]
    else:
        chosen = []
        for name in features:
            if name not in columns:
                raise MlError("unknown_column", column=str(name)[:100])
            if name == target:
                raise MlError("target_is_feature")
            if name not in chosen:
                chosen.append(name)
    if not chosen:
        raise MlError("no_features")
    return chosen


def dataset_create_from_csv(
    *,
    owner: User,
    name: str,
    data: bytes,
    target: str | None = None,
    features: list[str] | None = None,
    task: str | None = None,
) -> Dataset:
    """A table from an uploaded CSV (UTF-8, UTF-16 or CP949). Without ``target`` the data set is
    stored and the answer column is chosen afterwards (:func:`dataset_configure_table`)."""
    name = _clean_name(name)
    try:
        parsed = read_csv(data, max_bytes=limit("MLCORE_CSV_MAX_BYTES"))
    except CsvRejected as exc:
        raise errors.from_csv_rejection(exc) from None
    if len(parsed.rows) < MIN_ROWS:  # refused now, not at the first training
        raise MlError("too_few_rows", rows=len(parsed.rows), minimum=MIN_ROWS)
    types = infer_column_types(parsed)
    choice = None
    if target:
        choice = check_table_choice(parsed.columns, parsed.rows, types, target=target, features=features, task=task)
    with atomic_with_files() as files:
        dataset = Dataset.objects.create(
            owner=owner,
            name=name,
            kind=Dataset.Kind.TABULAR,
            source=Dataset.Source.UPLOAD,
            task=choice.task if choice else Task.CLASSIFICATION,
            target=choice.target if choice else "",
            features=choice.features if choice else [],
            columns=parsed.columns,
            column_types=types,
            class_counts=choice.class_counts if choice else {},
            row_count=len(parsed.rows),
        )
        _store_rows(dataset, parsed.columns, parsed.rows, files, encoding=parsed.encoding)
    return dataset


def _store_rows(dataset: Dataset, columns: list[str], rows: list[list[str]], files: StoredFiles, **extra: Any) -> None:
    payload = {"columns": columns, "rows": rows, **extra}
    dataset.rows_file.name = write_json(f"datasets/{dataset.id}/rows.json", payload, files)
    dataset.save(update_fields=["rows_file"])


@transaction.atomic
def dataset_configure_table(
    *, dataset: Dataset, target: str, features: list[str] | None = None, task: str | None = None
) -> Dataset:
    """Choose (or change) a table's answer column B, its input columns A and the task."""
    if not dataset.is_tabular:
        raise MlError("dataset_not_ready")
    columns, rows = dataset_rows(dataset)
    choice = check_table_choice(columns, rows, dataset.column_types, target=target, features=features, task=task)
    dataset.target, dataset.features, dataset.task = choice.target, choice.features, choice.task
    dataset.class_counts = choice.class_counts
    dataset.save(update_fields=["target", "features", "task", "class_counts"])
    return dataset


# --------------------------------------------------------------------------- images


def _clean_label(label: Any) -> str:
    text = unicodedata.normalize("NFC", str(label or "").strip())
    if not text or len(text) > MAX_LABEL_LENGTH or "/" in text or "\\" in text:
        raise MlError("bad_label")
    return text


def check_uploaded_image(data: bytes) -> CheckedImage:
    """An uploaded image, checked and re-encoded the way data set images are stored."""
    try:
        return check_image(data, max_side=limit("MLCORE_IMAGE_MAX_SIDE"))
    except ImageRejected as exc:
        raise errors.from_image_rejection(exc) from None


def dataset_create_images(*, owner: User, name: str, source: str = Dataset.Source.UPLOAD) -> Dataset:
    """An empty image data set that images are added to one by one (upload, webcam, drawings)."""
    return Dataset.objects.create(
        owner=owner,
        name=_clean_name(name),
        kind=Dataset.Kind.IMAGES,
        source=source,
        task=Task.IMAGE_CLASSIFICATION,
    )


def _refresh_counts(dataset: Dataset) -> None:
    counts = dict(
        DatasetImage.objects.filter(dataset=dataset)
        .values_list("label")
        .annotate(n=Count("id"))
        .order_by("label")
        .values_list("label", "n")
    )
    dataset.class_counts = counts
    dataset.row_count = sum(counts.values())
    dataset.save(update_fields=["class_counts", "row_count"])


def _lock(dataset: Dataset) -> Dataset:
    return Dataset.objects.select_for_update().get(id=dataset.id)


def dataset_add_image(*, dataset: Dataset, label: str, data: bytes, source_name: str = "") -> DatasetImage:
    """One checked, re-encoded image with its class name."""
    if dataset.kind != Dataset.Kind.IMAGES:
        raise MlError("not_images")
    label = _clean_label(label)
    checked = check_uploaded_image(data)
    with atomic_with_files() as files:
        locked = _lock(dataset)
        maximum = limit("MLCORE_MAX_IMAGES_PER_DATASET")
        if DatasetImage.objects.filter(dataset=locked).count() >= maximum:
            raise MlError("dataset_full", maximum=maximum)
        image = _image_row(locked, label, checked, source_name[:300], files)
        image.save()
        _refresh_counts(locked)
    dataset.class_counts, dataset.row_count = locked.class_counts, locked.row_count
    return image


def _image_row(dataset: Dataset, label: str, checked: CheckedImage, name: str, files: StoredFiles) -> DatasetImage:
    image = DatasetImage(
        dataset=dataset, label=label, width=checked.width, height=checked.height, source_name=name or ""
    )
    files.save_field(image.image, f"image{checked.extension}", checked.data)
    return image


def _bulk_images(dataset: Dataset, items: Iterable[tuple[str, CheckedImage, str]], files: StoredFiles) -> None:
    batch = [_image_row(dataset, label, checked, name, files) for label, checked, name in items]
    DatasetImage.objects.bulk_create(batch, batch_size=500)
    _refresh_counts(dataset)


def dataset_add_arrays(*, dataset: Dataset, items: list[tuple[str, Any, str]]) -> list[DatasetImage]:
    """Images the platform made itself (rendered drawings, generated doodles): ``(label, uint8
    array, source name)`` each, written in one transaction. Not uploads, so no decoding checks;
    the data set's size limit still holds."""
    if dataset.kind != Dataset.Kind.IMAGES:
        raise MlError("not_images")
    if not items:
        return []
    with atomic_with_files() as files:
        locked = _lock(dataset)
        maximum = limit("MLCORE_MAX_IMAGES_PER_DATASET")
        if DatasetImage.objects.filter(dataset=locked).count() + len(items) > maximum:
            raise MlError("dataset_full", maximum=maximum)
        rows = [_image_row(locked, _clean_label(label), _png(array), name[:300], files) for label, array, name in items]
        DatasetImage.objects.bulk_create(rows, batch_size=500)
        _refresh_counts(locked)
    dataset.class_counts, dataset.row_count = locked.class_counts, locked.row_count
    return rows


@dataclass(frozen=True)
class ZipImport:
    dataset: Dataset
    skipped: list[dict[str, str]]
    """``[{"name": path in the zip, "code": why, "reason": translated}]``."""


def skipped_list(skipped: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": name, "code": code, "reason": errors.skipped_reason(code)} for name, code in skipped]


def _check_zip_classes(good: list[tuple[str, CheckedImage, str]], skipped: list[tuple[str, str]]) -> None:
    """A zip is a data set to train on: at least two classes of usable images, or nothing is stored."""
    labels = Counter(label for label, _, _ in good)
    if len(labels) >= 2:
        return
    nested = [name for name, code in skipped if code == "nested_zip"]
    if nested:
        raise MlError("zip_nested_zip", name=nested[0][:200])
    if not labels:
        raise MlError("no_images")
    raise MlError("zip_one_class", label=next(iter(labels))[:MAX_LABEL_LENGTH])


def dataset_create_from_zip(*, owner: User, name: str, data: bytes | Any) -> ZipImport:
    """An image data set from a zip of class folders (``cat/1.png``); unusable files are listed, not fatal."""
    name = _clean_name(name)
    maximum = min(limit("MLCORE_ZIP_MAX_FILES"), limit("MLCORE_MAX_IMAGES_PER_DATASET"))
    try:
        members = read_labelled_zip(data, max_files=maximum, max_total_uncompressed=limit("MLCORE_ZIP_MAX_BYTES"))
    except ZipRejected as exc:
        raise errors.from_zip_rejection(exc) from None
    accepted, skipped = check_zip_images(members, max_side=limit("MLCORE_IMAGE_MAX_SIDE"))
    good = []
    for label, checked, member_name in accepted:
        if not label or len(label) > MAX_LABEL_LENGTH:
            skipped.append((member_name, "no_label"))
            continue
        good.append((label, checked, member_name))
    _check_zip_classes(good, skipped)
    with atomic_with_files() as files:
        dataset = Dataset.objects.create(
            owner=owner, name=name, kind=Dataset.Kind.IMAGES, source=Dataset.Source.ZIP, task=Task.IMAGE_CLASSIFICATION
        )
        _bulk_images(dataset, good, files)
    return ZipImport(dataset, skipped_list(skipped))


# --------------------------------------------------------------------------- built-in data


def _png(array: Any) -> CheckedImage:
    """A trusted, generated array as PNG (built-in data is not an upload: no checks needed)."""
    img = Image.fromarray(array)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=False)
    return CheckedImage(
        data=out.getvalue(),
        format="PNG",
        width=img.width,
        height=img.height,
        content_type="image/png",
        extension=".png",
        source_format="PNG",
    )


def dataset_create_builtin(*, owner: User, which: str, per_class: int | None = None, name: str = "") -> Dataset:
    """The lecture's house table, scikit-learn's digits, or generated doodles (no downloads)."""
    if which not in BUILTINS:
        raise MlError("bad_builtin")
    name = name.strip() or str(BUILTIN_NAMES[which])
    common = {"owner": owner, "name": name[:MAX_NAME_LENGTH], "source": Dataset.Source.BUILTIN, "builtin_key": which}
    if which == "house":
        columns = list(HOUSE_TABLE[0])
        rows = [[str(row[c]) for c in columns] for row in HOUSE_TABLE]
        with atomic_with_files() as files:
            dataset = Dataset.objects.create(
                **common,
                kind=Dataset.Kind.TABULAR,
                task=Task.REGRESSION,
                target="price_k",
                features=["size_sqft", "bedrooms"],
                columns=columns,
                column_types=dict.fromkeys(columns, "numeric"),
                row_count=len(rows),
            )
            _store_rows(dataset, columns, rows, files, encoding="utf-8")
        return dataset

    if per_class is not None and not 1 <= int(per_class) <= MAX_BUILTIN_PER_CLASS:
        raise MlError("bad_param", param="per_class", reason=f"1..{MAX_BUILTIN_PER_CLASS}")
    if which in TEXT_BUILTINS:
        return _builtin_texts(common, which, per_class or DEFAULT_TEXTS_PER_CLASS)
    if which == "digits":
        images, labels = load_digits()
        taken: Counter[int] = Counter()
        items = []
        for array, label in zip(images, labels, strict=True):
            if per_class is not None and taken[label] >= per_class:
                continue
            taken[label] += 1
            items.append((str(label), _png(array), ""))
    else:
        images, labels = generate_doodles(per_class=per_class or DEFAULT_DOODLES_PER_CLASS, seed=0)
        items = [(str(label), _png(array), "") for array, label in zip(images, labels, strict=True)]
    with atomic_with_files() as files:
        dataset = Dataset.objects.create(**common, kind=Dataset.Kind.IMAGES, task=Task.IMAGE_CLASSIFICATION)
        _bulk_images(dataset, items, files)
    return dataset


def dataset_builtin_for_owner(*, owner: User, which: str) -> Dataset:
    """The owner's own copy of a built-in data set (their newest), made from the built-in on first
    use: a stable link on a lesson slide (``/ml/datasets/builtin/house/``) opens each person's own
    table, never another person's."""
    if which not in BUILTINS:
        raise MlError("bad_builtin")
    existing = Dataset.objects.filter(owner=owner, builtin_key=which).order_by("-created_at", "-id").first()
    return existing or dataset_create_builtin(owner=owner, which=which)


def _builtin_texts(common: dict[str, Any], which: str, per_class: int) -> Dataset:
    """A generated text set as a two-column table (``text``, ``label``), labels in the reader's language."""
    label_language = "ko" if (get_language() or "").startswith("ko") else "en"
    texts, labels = TEXT_BUILTINS[which](per_class, seed=0, label_language=label_language)
    return _text_table(common, texts, labels)


def dataset_create_texts(*, owner: User, name: str, texts: list[str], labels: list[str], source: str) -> Dataset:
    """Sentences and their labels as a text-classification table (``text``, ``label``): a room's
    text round, ready to train on."""
    if len(texts) != len(labels):
        raise ValueError("one label per text")
    return _text_table({"owner": owner, "name": _clean_name(name), "source": source}, texts, labels)


def _text_table(common: dict[str, Any], texts: list[str], labels: list[str]) -> Dataset:
    columns = ["text", "label"]
    rows = [[text, label] for text, label in zip(texts, labels, strict=True)]
    with atomic_with_files() as files:
        dataset = Dataset.objects.create(
            **common,
            kind=Dataset.Kind.TABULAR,
            task=Task.TEXT_CLASSIFICATION,
            target="label",
            features=["text"],
            columns=columns,
            column_types=dict.fromkeys(columns, "categorical"),
            class_counts=dict(sorted(Counter(labels).items())),
            row_count=len(rows),
        )
        _store_rows(dataset, columns, rows, files, encoding="utf-8")
    return dataset


def builtin_note(dataset: Dataset) -> str:
    """Why a built-in data set is as it is, in the reader's language."""
    note = BUILTIN_NOTES.get(dataset.builtin_key)
    return str(note) if note else dataset.note


# --------------------------------------------------------------------------- rename / delete


@transaction.atomic
def dataset_rename(*, dataset: Dataset, name: str) -> Dataset:
    dataset.name = _clean_name(name)
    dataset.save(update_fields=["name"])
    return dataset


@transaction.atomic
def dataset_delete(*, dataset: Dataset) -> None:
    """The data set, its images and rows file; its trained models stay in the registry."""
    delete_on_commit(dataset.rows_file.name)
    delete_on_commit(*DatasetImage.objects.filter(dataset=dataset).values_list("image", flat=True))
    delete_folder_on_commit(f"datasets/{dataset.id}")
    dataset.delete()


@transaction.atomic
def dataset_image_delete(*, image: DatasetImage) -> None:
    dataset = _lock(image.dataset)
    delete_on_commit(image.image.name)
    image.delete()
    _refresh_counts(dataset)


__all__ = [
    "BUILTINS",
    "BUILTIN_NAMES",
    "TEXT_BUILTINS",
    "ZipImport",
    "builtin_note",
    "check_table_choice",
    "check_uploaded_image",
    "dataset_add_arrays",
    "dataset_add_image",
    "dataset_configure_table",
    "dataset_create_builtin",
    "dataset_create_from_csv",
    "dataset_create_from_zip",
    "dataset_create_images",
    "dataset_delete",
    "dataset_image_delete",
    "dataset_rename",
    "infer_task",
    "looks_like_text",
    "skipped_list",
    "text_column_choice",
]
