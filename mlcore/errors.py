"""Every refusal and failure of data sets and jobs, as a stable code and a message a person can act on.

One dictionary maps each code to its (lazily) translated message: the codes of ``mlcore.learn``
(``too_few_rows``, ``one_class``...), of the upload checks in ``core`` (image, zip and CSV codes,
which overlap: ``empty`` and ``too_large`` read alike for all three, so files pick their own
prefix below) and of this app (``worker_lost``, ``time_limit``...). Messages are rendered when
read, so a job that failed in a worker is explained in the language of whoever looks at it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.errors import AppError

MESSAGES: dict[str, Any] = {
    # --- mlcore.learn ---------------------------------------------------------------------
    "learn_error": _("Training could not run with this data."),
    "bad_task": _("Unknown task. Choose regression, classification, image classification or text classification."),
    "bad_param": _("The setting %(param)s is not valid: %(reason)s. Change it under “Advanced” and try again."),
    "bad_input": _("Some of the data cannot be used (%(where)s). Check the file and upload it again."),
    "length_mismatch": _("There are %(rows)s examples but %(targets)s answers; they must match one to one."),
    "too_few_rows": _(
        "Only %(rows)s examples have an answer; at least %(minimum)s are needed. Add more examples and try again."
    ),
    "one_class": _(
        "Every example has the same answer (%(label)s). A classifier needs at least two different answers: "
        "add examples of another class."
    ),
    "non_numeric_target": _(
        "To predict a number, the answer column must hold numbers, but row %(row)s holds “%(value)s”. "
        "Choose “Predict a category” instead, or fix that row."
    ),
    "bad_shape": _("The examples do not all have the same shape. Check the file and upload it again."),
    "not_classifier": _("This model predicts numbers, so it has no class probabilities."),
    "bad_model_file": _("The saved model file cannot be read. Train the model again."),
    "cancelled": _("The job was cancelled."),
    "drawing_malformed": _("The drawing could not be read. Draw it again."),
    "drawing_too_big": _(
        "The drawing is too detailed: at most %(max_strokes)s strokes and %(max_points)s points. "
        "Undo a few strokes or start again."
    ),
    "drawing_empty": _("Draw something first: the drawing is empty or too small."),
    # --- this app ---------------------------------------------------------------------------
    "worker_lost": _(
        "The worker stopped during training (it was restarted or ran out of memory) and the job was "
        "tried %(attempts)s times. Try again with fewer examples or epochs."
    ),
    "time_limit": _("The job took longer than the limit of %(seconds)s seconds. Try fewer epochs or fewer examples."),
    "internal_error": _(
        "Something went wrong on the server during the job. Try again; if it keeps failing, tell the administrator."
    ),
    "dataset_not_ready": _("Choose the answer column (B) and at least one input column (A) first."),
    "dataset_needs_classes": _("Add images of at least two classes, with at least two images each, before training."),
    "dataset_empty": _("The data set has no examples yet."),
    "dataset_too_large": _("The data set is too large to train here: at most %(maximum)s examples."),
    "dataset_full": _("A data set holds at most %(maximum)s images."),
    "unknown_column": _("There is no column named “%(column)s”."),
    "no_features": _("Choose at least one input column (A) other than the answer column (B)."),
    "target_is_feature": _("The answer column (B) cannot also be an input column (A)."),
    "bad_builtin": _("Unknown built-in data set. Choose house, digits, doodles, callcentre, spam or sentiment."),
    "bad_label": _("Give the image a class name of at most 100 characters."),
    "not_images": _("Images can only be added to an image data set."),
    "job_finished": _("The job has already finished."),
    "wrong_kind": _("This model does not classify images."),
    "no_images": _("No usable image was uploaded."),
    "too_many_images": _("Send at most %(maximum)s images at once."),
    "name_required": _("Give the data set a name."),
    # --- learning curves ----------------------------------------------------------------------
    "bad_fractions": _(
        "The slices must be at least three different shares of the data between 0 and 1, such as "
        "0.1, 0.2, 0.4, 0.8 (at most %(maximum)s)."
    ),
    "fractions_too_close": _(
        "With %(rows)s examples these slices are too close together: they give fewer than three different "
        "sizes. Spread them out (for example 0.1, 0.2, 0.4, 0.8) or add examples."
    ),
    "bad_folds": _("The number of folds must be a whole number from %(minimum)s to %(maximum)s."),
    "curve_not_ready": _("The learning curve is not measured yet: wait until the job has succeeded."),
    "bad_baseline": _("A small neural network can only be the baseline for images. Choose automatic or linear."),
    "bad_target_accuracy": _("Give the accuracy needed as a share between 0 and 1, for example 0.9 for 90%%."),
    "bad_target_mae": _("Give the mean absolute error needed as a number above 0, in the units of the answer (B)."),
    "too_few_for_curve": _(
        "A learning curve with %(folds)s folds and a smallest slice of %(fraction)s needs at least %(minimum)s "
        "examples; this data set has %(rows)s. Add examples, use fewer folds or a larger smallest slice."
    ),
    "class_too_small_for_folds": _(
        "The class “%(label)s” has only %(count)s examples; with %(folds)s folds every class needs at least "
        "%(folds)s. Add examples of it or use fewer folds."
    ),
    # --- core.image_checks (single images) ---------------------------------------------------
    "image_empty": _("The image file is empty."),
    "image_too_large": _("The image is too large: at most %(max_mb)s MB."),
    "image_not_an_image": _("This file is not an image (PNG, JPEG, WebP or GIF)."),
    "image_format_not_allowed": _("%(format)s images are not accepted; use %(allowed)s."),
    "image_too_many_pixels": _("The image has too many pixels: at most %(max_megapixels)s megapixels."),
    "image_truncated": _("The image file is damaged or incomplete."),
    "image_metadata_bomb": _(
        "The image hides a text or colour-profile block that unpacks to more than %(max_mb)s MB, the way files "
        "made to crash servers do. Open the picture and save or export it again (a screenshot works too)."
    ),
    # --- core.zip_checks -----------------------------------------------------------------------
    "zip_not_a_zip": _(
        "This is not a zip file, or it is damaged. Make it again with your computer's built-in “Compress”."
    ),
    "zip_path_traversal": _(
        "A file in the zip has an unsafe path (%(name)s). Make the zip again from a normal folder."
    ),
    "zip_too_many_files": _("The zip holds too many files: at most %(max_files)s images."),
    "zip_too_large_uncompressed": _("The images in the zip add up to more than %(max_mb)s MB: use fewer or smaller."),
    "zip_compression_ratio": _(
        "A file in the zip (%(name)s) expands suspiciously, like a zip bomb. Make the zip again from the real images."
    ),
    "zip_no_classes": _(
        "No image is inside a class folder. Put the images in one folder per class (cat/1.png, dog/2.jpg) "
        "and zip those folders."
    ),
    "zip_encrypted": _("The zip has a password: make it again without one."),
    "zip_nested_folders_too_deep": _(
        "Folders inside class folders are not allowed (%(name)s): put each class's images directly into its folder."
    ),
    "zip_duplicate_names": _(
        "The zip holds two files with the same name (%(name)s), so it is not clear which one is meant. "
        "Make the zip again from a normal folder."
    ),
    "zip_excel_file": _(
        "This is an Excel file, not a zip of images or a CSV: save it as CSV (in Excel “Save As” > "
        "“CSV UTF-8 (comma delimited)”) and upload that."
    ),
    "zip_nested_zip": _(
        "The zip holds another zip (%(name)s) instead of images. Unzip that one first, then zip the class "
        "folders themselves (cat/1.png, dog/2.jpg)."
    ),
    "zip_one_class": _(
        "All the usable images are in one class folder (%(label)s). A classifier needs at least two classes: "
        "add a folder of images of another class and zip again."
    ),
    # --- core.csv_checks -----------------------------------------------------------------------
    "csv_empty": _("The file has no data. Check that the right file was chosen and that it was saved."),
    "csv_too_large": _("The CSV is too large: at most %(max_mb)s MB."),
    "csv_binary": _("This is not a text CSV file. Save it as “CSV UTF-8 (comma delimited)” and upload that."),
    "csv_binary_excel": _(
        "This is an Excel workbook, not a CSV. In Excel use “Save As” > “CSV UTF-8 (comma delimited)”."
    ),
    "csv_unknown_encoding": _(
        "The file's text encoding is not UTF-8 or Korean (CP949/EUC-KR). Save it again as “CSV UTF-8”."
    ),
    "csv_malformed": _(
        "Line %(line)s does not fit the header (often a comma inside a value without quotes). Fix that line, "
        "or save the file again from a spreadsheet program."
    ),
    "csv_no_header": _("The first row must hold the column names."),
    "csv_duplicate_columns": _("Two columns have the same name “%(column)s”: rename one."),
    "csv_too_many_rows": _("The CSV has too many rows: at most %(max_rows)s."),
    "csv_too_many_columns": _("The CSV has too many columns: at most %(max_columns)s."),
    # --- texts ---------------------------------------------------------------------------------
    "text_column_empty": _("The text column “%(column)s” is empty: choose the column that holds the texts."),
    "text_needs_one_column": _(
        "A text model learns from one text column: choose exactly one input column (A) that holds the texts."
    ),
    "text_required": _("Type a text first."),
    "text_too_long": _("The text is too long: at most %(maximum)s characters."),
    "not_text": _("This model does not classify texts."),
    "no_texts": _("The CSV has no text to classify in the column “%(column)s”."),
    "too_many_texts": _("Send at most %(maximum)s texts at once."),
    "csv_field_too_large": _(
        'A cell on line %(line)s is longer than %(max_kb)s KB. Cells hold short values: often a quote (") '
        "is opened and never closed, so the rest of the file becomes one cell. Fix that line, or save the file "
        "again from a spreadsheet program."
    ),
}

#: Which codes of mlcore.learn are a person's to fix (bad data or settings) rather than a bug here.
LEARN_CODES = frozenset(
    {
        "learn_error",
        "bad_task",
        "bad_param",
        "bad_input",
        "length_mismatch",
        "too_few_rows",
        "one_class",
        "non_numeric_target",
        "bad_shape",
        "not_classifier",
        "bad_model_file",
        "cancelled",
        "drawing_malformed",
        "drawing_too_big",
        "drawing_empty",
    }
)


class _SafeParams(dict):
    """Interpolation that never fails: a missing number reads as "?" instead of raising."""

    def __missing__(self, key: str) -> str:
        return "?"


def message_for(code: str, params: dict[str, Any] | None = None) -> str:
    """The message for ``code`` in the active language, with ``params`` filled in."""
    template = str(MESSAGES.get(code, MESSAGES["internal_error"]))
    values = _SafeParams({k: ("?" if v is None else v) for k, v in (params or {}).items()})
    if code == "bad_input" and "where" not in values:
        where = values.get("column") or values.get("argument") or values.get("row")
        values["where"] = where if where not in (None, "?") else "?"
    try:
        return template % values
    except (TypeError, ValueError):
        return template


#: HTTP status of the codes that are not a plain 422 (a rule's refusal of a well-formed request).
STATUS: dict[str, int] = {"job_finished": 409, "dataset_full": 409, "curve_not_ready": 409}


#: What a 404 says, per kind of object looked up through its owner (the API and the pages).
NOT_FOUND: dict[str, Any] = {
    "dataset": _("You have no data set with that id."),
    "image": _("You have no image with that id."),
    "training_job": _("You have no training job with that id."),
    "model": _("You have no model with that id."),
    "classification_job": _("You have no classification job with that id."),
    "learning_curve_job": _("You have no learning-curve job with that id."),
}


class MlError(AppError):
    """A refused request or a failed job: ``code`` is stable, ``message`` translated when read."""

    def __init__(self, code: str, **params: Any) -> None:
        if code not in MESSAGES:
            raise ValueError(f"unknown mlcore error code {code!r}")
        self.code = code
        self.status = STATUS.get(code, 422)
        super().__init__(**params)

    @property
    def message(self) -> str:
        return message_for(self.code, self.params)


def from_image_rejection(exc: Any) -> MlError:
    return MlError(f"image_{exc.code}", **exc.params)


def from_zip_rejection(exc: Any) -> MlError:
    return MlError(f"zip_{exc.code}", **exc.params)


def from_csv_rejection(exc: Any) -> MlError:
    if exc.code == "binary" and exc.params.get("hint") == "excel":
        return MlError("csv_binary_excel")
    return MlError(f"csv_{exc.code}", **exc.params)


def from_learn_error(exc: Any) -> MlError:
    code = exc.code if exc.code in MESSAGES else "learn_error"
    params = {k: v for k, v in exc.details.items() if isinstance(v, str | int | float | bool) or v is None}
    return MlError(code, **params)


#: Short reasons for the list of files a zip or a batch upload left out.
SKIPPED_REASONS: dict[str, Any] = {
    "no_label": _("not inside a class folder"),
    "too_large": _("file too large"),
    "empty": _("empty file"),
    "not_an_image": _("not an image"),
    "format_not_allowed": _("format not accepted"),
    "too_many_pixels": _("too many pixels"),
    "truncated": _("damaged or incomplete"),
    "blank_text": _("no text"),
    "text_too_long": _("text too long"),
    "metadata_bomb": _("hidden data too large (made to crash servers)"),
    "nested_zip": _("a zip inside the zip: unzip it first"),
}


def skipped_reason(code: str) -> str:
    """Why one file of a zip or a batch was left out (image codes, ``no_label``, ``too_large``)."""
    return str(SKIPPED_REASONS.get(code, SKIPPED_REASONS["not_an_image"]))
