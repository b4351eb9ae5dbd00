"""Forms of the mlcore pages. They only parse what a browser posts; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mlcore.models import Dataset, LearningCurveJob, Task
from mlcore.services.datasets import BUILTINS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (``<input type=file multiple>``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class CsvUploadForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("From Excel or Google Sheets; UTF-8 or Korean Excel (CP949). One row per example."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )


class ZipUploadForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    file = forms.FileField(
        label=_("Zip of class folders"),
        help_text=_("One folder per class, named after the class: cat/1.jpg, dog/2.png …"),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )


class ImageSetForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)


class BuiltinForm(forms.Form):
    which = forms.ChoiceField(choices=[(key, key) for key in BUILTINS])


class TableConfigureForm(forms.Form):
    """B (the answer column), A (the input columns) and what to predict."""

    target = forms.ChoiceField(label=_("Answer column (B)"))
    features = forms.MultipleChoiceField(
        label=_("Input columns (A)"), widget=forms.CheckboxSelectMultiple, required=False
    )
    task = forms.ChoiceField(
        label=_("What to predict"),
        choices=[
            ("", _("Decide from the column")),
            *[(t.value, t.label) for t in (Task.REGRESSION, Task.CLASSIFICATION, Task.TEXT_CLASSIFICATION)],
        ],
        required=False,
    )

    def __init__(self, *args: Any, dataset: Dataset, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(c, c) for c in dataset.columns]
        self.fields["target"].choices = choices
        self.fields["features"].choices = choices
        if not self.is_bound:
            self.initial.update(
                target=dataset.target or (dataset.columns[-1] if dataset.columns else ""),
                features=dataset.features,
                task=dataset.task if dataset.target else "",
            )


class ImageAddForm(forms.Form):
    label = forms.CharField(label=_("Class"), max_length=100)
    files = MultipleFileField(
        label=_("Images"),
        help_text=_("PNG, JPEG, WebP or GIF, several at once."),
    )


class TrainForm(forms.Form):
    """Sensible defaults up front; the rest under "Advanced"."""

    epochs = forms.IntegerField(label=_("Epochs"), min_value=1, max_value=200, required=False, initial=8)
    batch_size = forms.IntegerField(label=_("Batch size"), min_value=1, max_value=1024, required=False, initial=64)
    learning_rate = forms.FloatField(
        label=_("Learning rate"), min_value=0.00001, max_value=1.0, required=False, initial=0.005
    )
    model = forms.ChoiceField(
        label=_("Model"),
        choices=[("linear", _("Straight line / logistic (simple)")), ("forest", _("Random forest (flexible)"))],
        required=False,
        initial="linear",
    )

    def params(self, task: str) -> dict[str, Any]:
        data = self.cleaned_data
        if task == Task.TEXT_CLASSIFICATION:
            return {}  # the text model's defaults were measured (docs/mlcore-learn.md); the API can change them
        names = ("epochs", "batch_size", "learning_rate") if task == Task.IMAGE_CLASSIFICATION else ("model",)
        return {name: data[name] for name in names if data.get(name) not in (None, "")}


class ClassifyForm(forms.Form):
    files = MultipleFileField(
        label=_("Images or a zip"),
        help_text=_("Single images, or a zip of a folder of images (folders named after classes are compared)."),
    )


class TextClassifyForm(forms.Form):
    file = forms.FileField(
        label=_("CSV of texts"),
        help_text=_("One text per row, with a header row; UTF-8 or Korean Excel (CP949)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )
    column = forms.CharField(
        label=_("Text column"),
        required=False,
        max_length=200,
        help_text=_("Leave empty to use the column the model learnt from, or “text”."),
    )


class LearningCurveForm(forms.Form):
    """How much data is enough? The target in the units people use (a percentage for accuracy); the
    slices and folds under "Advanced". Only parsing: ``learning_curve_job_create`` judges the values."""

    accuracy = forms.FloatField(
        label=_("Accuracy needed (%)"),
        min_value=0.1,
        max_value=99.9,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.1", "placeholder": "90"}),
    )
    mae = forms.FloatField(
        label=_("Mean absolute error needed"),
        required=False,
        help_text=_("In the units of the answer column (B)."),
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    fractions = forms.CharField(
        label=_("Slices (shares of the training data)"),
        required=False,
        initial="0.1, 0.2, 0.4, 0.8",
        max_length=200,
    )
    folds = forms.IntegerField(label=_("Folds (cross-validation)"), required=False, initial=3)
    baseline = forms.ChoiceField(
        label=_("Baseline"), choices=LearningCurveJob.Baseline.choices, required=False, initial="auto"
    )

    def job_kwargs(self, task: str) -> dict[str, Any]:
        """Keyword arguments of ``learning_curve_job_create`` (a percentage becomes a share)."""
        data = self.cleaned_data
        if task == Task.REGRESSION:
            target = data.get("mae")
        else:
            target = None if data.get("accuracy") is None else data["accuracy"] / 100
        kwargs: dict[str, Any] = {"target": target, "baseline": data.get("baseline") or "auto"}
        text = (data.get("fractions") or "").strip()
        if text:
            kwargs["fractions"] = [_number_or_text(part) for part in text.replace(";", ",").split(",") if part.strip()]
        if data.get("folds") is not None:
            kwargs["folds"] = data["folds"]
        return kwargs


def _number_or_text(text: str) -> float | str:
    """A typed share; a typo stays text so the service refuses it with its own clear message."""
    try:
        return float(text.strip())
    except ValueError:
        return text.strip()
