"""Pages of data sets, training, results, the model registry and classification (login required).

Views parse a form, call one service and redirect (POST) or render what a selector returns (GET).
Live progress comes from the job sockets (static/js/mlcore_follow.js), with REST polling as fallback.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mlcore import selectors
from mlcore.charts import learning_curve_svg, prediction_line_svg
from mlcore.data_needed import answer_text, examples_needed_for
from mlcore.errors import NOT_FOUND, MlError
from mlcore.forms import (
    BuiltinForm,
    ClassifyForm,
    CsvUploadForm,
    ImageAddForm,
    ImageSetForm,
    LearningCurveForm,
    TableConfigureForm,
    TextClassifyForm,
    TrainForm,
    ZipUploadForm,
)
from mlcore.models import JobState, LearningCurveJob, Task
from mlcore.services import classification, datasets, learning_curves, registry, text_classification, training
from mlcore.services.limits import limit
from mlcore.uploads import IMAGE_MAX_BYTES, read_upload

T = TypeVar("T")

# --- look-ups ------------------------------------------------------------------------------------


def _found(obj: T | None, what: str) -> T:
    """The object a selector found through its owner, or a 404 page (``mlcore.errors.NOT_FOUND``)."""
    if obj is None:
        raise Http404(NOT_FOUND[what])
    return obj


def _refusal(request: HttpRequest, exc: MlError) -> None:
    messages.error(request, exc.message)


def _skipped_message(request: HttpRequest, skipped: list[dict[str, str]]) -> None:
    if not skipped:
        return
    shown = ", ".join(f"{item['name']} ({item['reason']})" for item in skipped[:10])
    more = len(skipped) - 10
    text = _("%(count)s files were left out: %(files)s") % {"count": len(skipped), "files": shown}
    if more > 0:
        text += " " + _("and %(more)s more.") % {"more": more}
    messages.warning(request, text)


# --- data sets -----------------------------------------------------------------------------------


@login_required
@require_GET
def dataset_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "mlcore/dataset_list.html",
        {
            "datasets": selectors.datasets_for_owner(request.user),
            "csv_form": CsvUploadForm(),
            "zip_form": ZipUploadForm(),
            "images_form": ImageSetForm(),
            "builtins": [(key, datasets.BUILTIN_NAMES[key]) for key in datasets.BUILTINS],
            "jobs": selectors.training_jobs_for_owner(request.user)[:10],
        },
    )


@login_required
@require_POST
def dataset_upload_csv(request: HttpRequest) -> HttpResponse:
    form = CsvUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a CSV file and give the data set a name."))
        return redirect("mlcore:dataset_list")
    try:
        raw = read_upload(form.cleaned_data["file"], max_bytes=limit("MLCORE_CSV_MAX_BYTES"), code="csv_too_large")
        dataset = datasets.dataset_create_from_csv(owner=request.user, name=form.cleaned_data["name"], data=raw)
    except MlError as exc:
        _refusal(request, exc)
        return redirect("mlcore:dataset_list")
    messages.success(request, _("Uploaded. Now choose the answer column (B) and the input columns (A)."))
    return redirect("mlcore:dataset", dataset_id=dataset.id)


@login_required
@require_POST
def dataset_upload_zip(request: HttpRequest) -> HttpResponse:
    form = ZipUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a zip file and give the data set a name."))
        return redirect("mlcore:dataset_list")
    try:
        result = datasets.dataset_create_from_zip(
            owner=request.user, name=form.cleaned_data["name"], data=form.cleaned_data["file"]
        )
    except MlError as exc:
        _refusal(request, exc)
        return redirect("mlcore:dataset_list")
    _skipped_message(request, result.skipped)
    return redirect("mlcore:dataset", dataset_id=result.dataset.id)


@login_required
@require_POST
def dataset_new_images(request: HttpRequest) -> HttpResponse:
    form = ImageSetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the data set a name."))
        return redirect("mlcore:dataset_list")
    dataset = datasets.dataset_create_images(owner=request.user, name=form.cleaned_data["name"])
    return redirect("mlcore:dataset", dataset_id=dataset.id)


@login_required
@require_POST
def dataset_builtin(request: HttpRequest) -> HttpResponse:
    form = BuiltinForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        dataset = datasets.dataset_create_builtin(owner=request.user, which=form.cleaned_data["which"])
    except MlError as exc:
        _refusal(request, exc)
        return redirect("mlcore:dataset_list")
    return redirect("mlcore:dataset", dataset_id=dataset.id)


@login_required
@require_GET
def dataset_builtin_own(request: HttpRequest, which: str) -> HttpResponse:
    """A stable link for lesson slides: the signed-in person's own copy of a built-in data set."""
    try:
        dataset = datasets.dataset_builtin_for_owner(owner=cast(User, request.user), which=which)
    except MlError as exc:
        raise Http404(exc.message) from None
    return redirect(reverse("mlcore:dataset", kwargs={"dataset_id": dataset.id}) + "#train")


@login_required
@require_GET
def dataset_detail(request: HttpRequest, dataset_id: int) -> HttpResponse:
    dataset = _found(selectors.dataset_get_for_owner(request.user, dataset_id), "dataset")
    context: dict[str, Any] = {
        "dataset": dataset,
        "note": datasets.builtin_note(dataset),
        "train_form": TrainForm(),
        "is_images": not dataset.is_tabular,
        "is_text": dataset.task == Task.TEXT_CLASSIFICATION,
        "models": selectors.models_for_owner(request.user).filter(dataset=dataset)[:20],
        "jobs": selectors.training_jobs_for_owner(request.user).filter(dataset=dataset)[:10],
        "curve_form": LearningCurveForm(),
        "curve": _curve(selectors.learning_curve_latest(request.user, dataset), request.GET.get("target")),
        "curve_regression": dataset.task == Task.REGRESSION,
    }
    if dataset.is_tabular:
        context["preview"] = selectors.dataset_preview(dataset)
        context["configure_form"] = TableConfigureForm(dataset=dataset)
    else:
        context["samples"] = selectors.dataset_samples(dataset)
        context["image_form"] = ImageAddForm()
    return render(request, "mlcore/dataset_detail.html", context)


@login_required
@require_POST
def dataset_configure(request: HttpRequest, dataset_id: int) -> HttpResponse:
    dataset = _found(selectors.dataset_get_for_owner(request.user, dataset_id), "dataset")
    form = TableConfigureForm(request.POST, dataset=dataset)
    if form.is_valid():
        try:
            datasets.dataset_configure_table(
                dataset=dataset,
                target=form.cleaned_data["target"],
                features=form.cleaned_data["features"] or None,
                task=form.cleaned_data["task"] or None,
            )
        except MlError as exc:
            _refusal(request, exc)
        else:
            messages.success(request, _("Saved. The data set is ready to train."))
    return redirect("mlcore:dataset", dataset_id=dataset.id)


@login_required
@require_POST
def dataset_add_images(request: HttpRequest, dataset_id: int) -> HttpResponse:
    dataset = _found(selectors.dataset_get_for_owner(request.user, dataset_id), "dataset")
    form = ImageAddForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Give a class name and choose at least one image."))
        return redirect("mlcore:dataset", dataset_id=dataset.id)
    added, skipped = 0, []
    for upload in form.cleaned_data["files"]:
        try:
            raw = read_upload(upload, max_bytes=IMAGE_MAX_BYTES, code="image_too_large")
            datasets.dataset_add_image(
                dataset=dataset, label=form.cleaned_data["label"], data=raw, source_name=upload.name or ""
            )
            added += 1
        except MlError as exc:
            if exc.code in ("bad_label", "dataset_full", "not_images"):
                _refusal(request, exc)
                break
            skipped.append({"name": upload.name or "", "reason": exc.message})
    if added:
        messages.success(request, _("%(count)s images added.") % {"count": added})
    _skipped_message(request, skipped)
    return redirect("mlcore:dataset", dataset_id=dataset.id)


@login_required
@require_POST
def dataset_delete(request: HttpRequest, dataset_id: int) -> HttpResponse:
    dataset = _found(selectors.dataset_get_for_owner(request.user, dataset_id), "dataset")
    datasets.dataset_delete(dataset=dataset)
    messages.success(request, _("The data set was deleted; its trained models stay in the registry."))
    return redirect("mlcore:dataset_list")


@login_required
@require_GET
def dataset_image(request: HttpRequest, image_id: int) -> FileResponse:
    image = _found(selectors.dataset_image_get_for_owner(request.user, image_id), "image")
    return _image_response(image.image)


def _image_response(field) -> FileResponse:
    response = FileResponse(field.open("rb"), content_type=_content_type(field.name))
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _content_type(name: str) -> str:
    return "image/jpeg" if name.lower().endswith((".jpg", ".jpeg")) else "image/png"


# --- how much data is enough? ---------------------------------------------------------------------


def _curve(job: LearningCurveJob | None, asked: str | None) -> dict[str, Any] | None:
    """The data set page's learning curve: the job, and once measured the answer and the chart for
    its target, or for the target asked in ``?target=`` (a percentage for accuracy; no new training)."""
    if job is None:
        return None
    view: dict[str, Any] = {"job": job, "snapshot": selectors.learning_curve_job_snapshot(job)}
    if job.state != JobState.SUCCEEDED or not job.result:
        return view
    target: Any = job.target
    if asked:
        target = asked
        if job.task != Task.REGRESSION:
            try:
                target = float(asked.replace(",", "").rstrip("% ")) / 100
            except ValueError:
                target = asked  # refused below with the usual message
    if target is not None:
        try:
            needed = examples_needed_for(job.result, target)
        except MlError as exc:
            view["refusal"] = exc.message
            target = job.target
            needed = examples_needed_for(job.result, target) if target is not None else None
        if needed is not None:
            view["needed"] = needed
            view["answer"] = answer_text(needed)
    view["svg"] = learning_curve_svg(job.result, target=target, chart_id=f"curve-{job.id}")
    return view


@login_required
@require_POST
def learning_curve_start(request: HttpRequest, dataset_id: int) -> HttpResponse:
    dataset = _found(selectors.dataset_get_for_owner(request.user, dataset_id), "dataset")
    form = LearningCurveForm(request.POST)
    back = reverse("mlcore:dataset", kwargs={"dataset_id": dataset.id}) + "#data-needed"
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(back)
    try:
        learning_curves.learning_curve_job_create(owner=request.user, dataset=dataset, **form.job_kwargs(dataset.task))
    except MlError as exc:
        _refusal(request, exc)
    return redirect(back)


@login_required
@require_POST
def learning_curve_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _found(selectors.learning_curve_job_get_for_owner(request.user, job_id), "learning_curve_job")
    try:
        learning_curves.learning_curve_job_cancel(owner=request.user, job=job)
    except MlError as exc:
        _refusal(request, exc)
    return redirect(reverse("mlcore:dataset", kwargs={"dataset_id": job.dataset_id}) + "#data-needed")


# --- training ------------------------------------------------------------------------------------


@login_required
@require_POST
def train(request: HttpRequest, dataset_id: int) -> HttpResponse:
    dataset = _found(selectors.dataset_get_for_owner(request.user, dataset_id), "dataset")
    form = TrainForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the training settings."))
        return redirect("mlcore:dataset", dataset_id=dataset.id)
    try:
        job = training.training_job_create(owner=request.user, dataset=dataset, params=form.params(dataset.task))
    except MlError as exc:
        _refusal(request, exc)
        return redirect("mlcore:dataset", dataset_id=dataset.id)
    return redirect("mlcore:job", job_id=job.id)


@login_required
@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _found(selectors.training_job_get_for_owner(request.user, job_id), "training_job")
    snapshot = selectors.training_job_snapshot(job)
    return render(request, "mlcore/job_detail.html", {"job": job, "snapshot": snapshot})


@login_required
@require_POST
def job_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _found(selectors.training_job_get_for_owner(request.user, job_id), "training_job")
    try:
        training.training_job_cancel(owner=request.user, job=job)
    except MlError as exc:
        _refusal(request, exc)
    return redirect("mlcore:job", job_id=job.id)


# --- registry and results ------------------------------------------------------------------------


@login_required
@require_GET
def model_list(request: HttpRequest) -> HttpResponse:
    return render(request, "mlcore/model_list.html", {"models": selectors.models_for_owner(request.user)})


@login_required
@require_GET
def model_detail(request: HttpRequest, model_id: int) -> HttpResponse:
    model = _found(selectors.model_get_for_owner(request.user, model_id), "model")
    return render(
        request,
        "mlcore/model_detail.html",
        {
            "model": model,
            "result": selectors.model_result(model),
            "classify_form": ClassifyForm(),
            "text_classify_form": TextClassifyForm(),
            "is_images": model.task == Task.IMAGE_CLASSIFICATION,
            "is_text": model.task == Task.TEXT_CLASSIFICATION,
            "text_max_chars": limit("MLCORE_TEXT_MAX_CHARS"),
            "keywords": _keywords(model),
            "line": _prediction_line(model),
            "classifications": selectors.classification_jobs_for_owner(request.user).filter(model=model)[:10],
        },
    )


def _prediction_line(model: Any) -> dict[str, Any] | None:
    """A regression model's rows and prediction line: the numbers and their chart."""
    line = registry.model_prediction_line(model)
    if line is None:
        return None
    line["svg"] = prediction_line_svg(
        line["points"],
        line["line"],
        x_label=line["x_label"],
        y_label=line["y_label"],
        per_row=line["per_row"],
        chart_id=f"line-{model.id}",
    )
    return line


def _keywords(model: Any) -> list[dict[str, Any]]:
    if model.task != Task.TEXT_CLASSIFICATION:
        return []
    try:
        return registry.model_keywords(model)
    except MlError:
        return []


@login_required
@require_GET
def model_download(request: HttpRequest, model_id: int) -> FileResponse:
    model = _found(selectors.model_get_for_owner(request.user, model_id), "model")
    return FileResponse(model.artefact.open("rb"), as_attachment=True, filename=registry.model_download_name(model))


@login_required
@require_GET
def model_export(request: HttpRequest, model_id: int) -> HttpResponse:
    model = _found(selectors.model_get_for_owner(request.user, model_id), "model")
    try:
        data, name, content_type = registry.model_export(model=model)
    except MlError as exc:
        _refusal(request, exc)
        return redirect("mlcore:model", model_id=model.id)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def model_delete(request: HttpRequest, model_id: int) -> HttpResponse:
    registry.model_delete(model=_found(selectors.model_get_for_owner(request.user, model_id), "model"))
    messages.success(request, _("The model was deleted."))
    return redirect("mlcore:model_list")


# --- classification ------------------------------------------------------------------------------


@login_required
@require_POST
def classify(request: HttpRequest, model_id: int) -> HttpResponse:
    model = _found(selectors.model_get_for_owner(request.user, model_id), "model")
    if model.task == Task.TEXT_CLASSIFICATION:
        return _classify_texts(request, model)
    form = ClassifyForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose at least one image or a zip."))
        return redirect("mlcore:model", model_id=model.id)
    try:
        uploads = []
        for upload in form.cleaned_data["files"]:
            is_zip = (upload.name or "").lower().endswith(".zip")
            maximum = limit("MLCORE_ZIP_MAX_BYTES") if is_zip else IMAGE_MAX_BYTES
            uploads.append((upload.name or "", read_upload(upload, max_bytes=maximum, code="image_too_large")))
        job = classification.classification_job_create(owner=request.user, model=model, uploads=uploads)
    except MlError as exc:
        _refusal(request, exc)
        return redirect("mlcore:model", model_id=model.id)
    _skipped_message(request, job.skipped)
    return redirect("mlcore:classification", job_id=job.id)


def _classify_texts(request: HttpRequest, model: Any) -> HttpResponse:
    form = TextClassifyForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a CSV file of texts."))
        return redirect("mlcore:model", model_id=model.id)
    try:
        raw = read_upload(form.cleaned_data["file"], max_bytes=limit("MLCORE_CSV_MAX_BYTES"), code="csv_too_large")
        job = text_classification.classification_job_create_texts(
            owner=cast(User, request.user), model=model, data=raw, column=form.cleaned_data["column"] or None
        )
    except MlError as exc:
        _refusal(request, exc)
        return redirect("mlcore:model", model_id=model.id)
    _skipped_message(request, job.skipped)
    return redirect("mlcore:classification", job_id=job.id)


@login_required
@require_GET
def classification_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _found(selectors.classification_job_get_for_owner(request.user, job_id), "classification_job")
    snapshot = selectors.classification_job_snapshot(job)
    labels = [str(label) for label in job.model.labels]
    rows = [
        {**row, "ranked": sorted(row["probabilities"].items(), key=lambda item: -item[1])[:3]}
        for row in snapshot["results"]
    ]
    context = {"job": job, "rows": rows, "labels": labels, "is_text": job.model.task == Task.TEXT_CLASSIFICATION}
    return render(request, "mlcore/classification_detail.html", context)


@login_required
@require_GET
def classification_csv_download(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _found(selectors.classification_job_get_for_owner(request.user, job_id), "classification_job")
    response = HttpResponse(selectors.classification_csv(job), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="classification-{job.id}.csv"'
    return response


@login_required
@require_GET
def classification_image(request: HttpRequest, image_id: int) -> FileResponse:
    image = _found(selectors.classification_image_get_for_owner(request.user, image_id), "image")
    return _image_response(image.image)
