"""Data sets, training and classification jobs, and the registry of trained models.

Rows only hold what is queried or shown; a tabular data set's parsed cells live in a JSON file
under ``MEDIA_ROOT/datasets/<id>/rows.json`` and images are files referenced by
:class:`DatasetImage` rows. Every object has an owner and is only ever looked up through it
(``mlcore.selectors``).
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def _dataset_image_path(instance: "DatasetImage", filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower() or ".png"
    return f"datasets/{instance.dataset_id}/images/{uuid.uuid4().hex}{suffix}"


def _artefact_path(instance: "TrainedModel", filename: str) -> str:
    return f"models/{instance.owner_id}/{uuid.uuid4().hex}.zip"


def _classification_image_path(instance: "ClassificationImage", filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower() or ".png"
    return f"classifications/{instance.job_id}/{uuid.uuid4().hex}{suffix}"


class Task(models.TextChoices):
    """What a model learns; the values are ``mlcore.learn``'s task names."""

    REGRESSION = "regression", _("Predict a number (regression)")
    CLASSIFICATION = "classification", _("Predict a category (classification)")
    IMAGE_CLASSIFICATION = "image_classification", _("Recognise images (image classification)")
    TEXT_CLASSIFICATION = "text_classification", _("Sort texts into categories (text classification)")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED_STATES = (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


class DatasetKind(models.TextChoices):
    TABULAR = "tabular", _("Table")
    IMAGES = "images", _("Images")


class DatasetSource(models.TextChoices):
    """Where a data set's examples came from. At module level like ``DatasetKind``: nested in
    ``Dataset`` after the ``Kind`` alias, django-stubs' plugin failed to resolve its base class."""

    UPLOAD = "upload", _("Upload")
    BUILTIN = "builtin", _("Built-in")
    ZIP = "zip", _("Zip of class folders")
    DRAWINGS = "drawings", _("Drawings")
    TEXT_ROUND = "text_round", _("A room's text round")


class Dataset(models.Model):
    """A -> B examples: a table (rows and a target column) or labelled images."""

    Kind = DatasetKind
    Source = DatasetSource

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="datasets", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    #: ``house``, ``digits`` or ``doodles`` for built-in sets (the demo loader finds them by it).
    builtin_key = models.CharField(max_length=20, blank=True, default="")
    #: The default task when training on this data set.
    task = models.CharField(_("task"), max_length=24, choices=Task.choices)
    target = models.CharField(_("target column"), max_length=200, blank=True, default="")
    features = models.JSONField(_("feature columns"), default=list, blank=True)
    columns = models.JSONField(default=list, blank=True)
    column_types = models.JSONField(default=dict, blank=True)
    class_counts = models.JSONField(default=dict, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    rows_file = models.FileField(max_length=300, blank=True, default="")
    #: Why the data is as it is (the house table's "six rows are too few"), shown on its page.
    note = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("data set")
        verbose_name_plural = _("data sets")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_tabular(self) -> bool:
        return self.kind == self.Kind.TABULAR

    @property
    def ready(self) -> bool:
        """Whether it can be trained on now: a table needs a target, images need two classes."""
        if self.is_tabular:
            return bool(self.target and self.features)
        return sum(1 for n in self.class_counts.values() if n) >= 2


class DatasetImage(models.Model):
    """One labelled, checked and re-encoded image of an image data set."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="images")
    label = models.CharField(_("label"), max_length=100)
    image = models.ImageField(upload_to=_dataset_image_path, max_length=300)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    #: The name the file had in the zip or upload, for telling people which file.
    source_name = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["dataset", "label"])]

    def __str__(self) -> str:
        return f"{self.label}: {self.source_name or self.image.name}"


class JobFields(models.Model):
    """What training and classification jobs share: state, progress, claim and heartbeat."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("owner"))
    state = models.CharField(_("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.FloatField(_("progress"), default=0.0)
    eta_seconds = models.FloatField(null=True, blank=True)
    error_code = models.CharField(max_length=40, blank=True, default="")
    #: The numbers a translated message needs (``mlcore.errors.message_for``).
    error_params = models.JSONField(default=dict, blank=True)
    #: English detail for logs and the admin; people see the translated message.
    error_detail = models.TextField(blank=True, default="")
    cancel_requested = models.BooleanField(default=False)
    celery_task_id = models.CharField(max_length=64, blank=True, default="")
    #: Incremented by every claim; progress writes are fenced by it, so a stale run cannot write.
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    #: Bumped by every write that watchers should see (sockets send only newer revisions).
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES


class TrainingJob(JobFields):
    """``train(A, B)`` run by a Celery worker, with live progress."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="training_jobs")
    task = models.CharField(_("task"), max_length=24, choices=Task.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    seed = models.PositiveIntegerField(default=0)
    epoch = models.PositiveIntegerField(default=0)
    epochs = models.PositiveIntegerField(default=0)
    #: The latest progress event's losses and accuracies.
    metrics = models.JSONField(default=dict, blank=True)
    #: One dict per epoch: epoch, train_loss, train_accuracy, val_loss, val_accuracy, seconds.
    history = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("training job")
        verbose_name_plural = _("training jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "heartbeat_at"]), models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"training #{self.pk} ({self.state})"


class TrainedModel(models.Model):
    """The registry: every trained model with its version, data set, parameters and metrics."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trained_models", verbose_name=_("owner")
    )
    dataset = models.ForeignKey(Dataset, on_delete=models.SET_NULL, null=True, blank=True, related_name="models")
    #: Kept when the data set is deleted, so the registry still says what the model learnt from.
    dataset_name = models.CharField(max_length=200)
    job = models.OneToOneField(
        TrainingJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="trained_model"
    )
    version = models.PositiveIntegerField(_("version"))
    task = models.CharField(_("task"), max_length=24, choices=Task.choices)
    labels = models.JSONField(default=list, blank=True)
    params = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    history = models.JSONField(default=list, blank=True)
    input_shape = models.JSONField(default=list, blank=True)
    columns = models.JSONField(default=list, blank=True)
    #: Held-out images the model got wrong: ``[{image_id, label, predicted, confidence}]``.
    misclassified = models.JSONField(default=list, blank=True)
    artefact = models.FileField(upload_to=_artefact_path, max_length=300)
    size_bytes = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("trained model")
        verbose_name_plural = _("trained models")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "version"], condition=Q(dataset__isnull=False), name="mlcore_model_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dataset_name} v{self.version}"

    @property
    def is_classifier(self) -> bool:
        return self.task != Task.REGRESSION


class ClassificationJob(JobFields):
    """``predict(model, images)`` for many images, run by a worker."""

    model = models.ForeignKey(TrainedModel, on_delete=models.CASCADE, related_name="classification_jobs")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    #: In upload order: ``[{image_id, name, label, confidence, probabilities: {label: p}}]``.
    results = models.JSONField(default=list, blank=True)
    #: Files of the upload that were left out: ``[{name, code}]``.
    skipped = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("classification job")
        verbose_name_plural = _("classification jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"classification #{self.pk} ({self.state})"


class ClassificationImage(models.Model):
    """One checked image sent for classification."""

    job = models.ForeignKey(ClassificationJob, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=300)
    #: The folder the image came from in a zip, when there was one: the class it should get.
    expected = models.CharField(max_length=100, blank=True, default="")
    image = models.ImageField(upload_to=_classification_image_path, max_length=300)

    class Meta:
        ordering = ["job", "position"]
        constraints = [models.UniqueConstraint(fields=["job", "position"], name="mlcore_classification_image_unique")]

    def __str__(self) -> str:
        return self.name


#: Shares of a fold's training part on which the learning curve trains its baseline.
DEFAULT_FRACTIONS = (0.1, 0.2, 0.4, 0.8)
DEFAULT_FOLDS = 3


def default_fractions() -> list[float]:
    return list(DEFAULT_FRACTIONS)


class LearningCurveJob(JobFields):
    """``learning_curve(A, B)`` run by a worker: a fast baseline trained on growing slices of a data
    set, a power law fitted to its error, and from it the examples a target performance would take."""

    class Baseline(models.TextChoices):
        AUTO = "auto", _("Automatic (a small neural network for images, a linear model for tables)")
        LINEAR = "linear", _("Linear model (fast)")
        CNN = "cnn", _("Small neural network (images only)")

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="learning_curve_jobs")
    task = models.CharField(_("task"), max_length=24, choices=Task.choices)
    fractions = models.JSONField(_("fractions"), default=default_fractions)
    folds = models.PositiveSmallIntegerField(_("folds"), default=DEFAULT_FOLDS)
    baseline = models.CharField(_("baseline"), max_length=10, choices=Baseline.choices, default=Baseline.AUTO)
    #: The performance needed: accuracy (0..1) for classifiers, mean absolute error for regression.
    target = models.FloatField(_("target"), null=True, blank=True)
    seed = models.PositiveIntegerField(default=0)
    #: Slices trained so far (one per fold and fraction) and in all.
    step = models.PositiveIntegerField(default=0)
    steps = models.PositiveIntegerField(default=0)
    #: Examples with an answer in the data set (when the job was created; when it ran, once it has).
    examples_on_hand = models.PositiveIntegerField(default=0)
    #: ``mlcore.data_needed.curve_result``: measured points, the power-law fit, and ``needed``.
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("learning-curve job")
        verbose_name_plural = _("learning-curve jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "heartbeat_at"]), models.Index(fields=["dataset", "-created_at"])]

    def __str__(self) -> str:
        return f"learning curve #{self.pk} ({self.state})"
