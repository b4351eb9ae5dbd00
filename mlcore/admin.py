from django.contrib import admin

from mlcore.models import ClassificationJob, Dataset, DatasetImage, LearningCurveJob, TrainedModel, TrainingJob


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "kind", "source", "task", "row_count", "created_at")
    list_filter = ("kind", "source", "task")
    search_fields = ("name", "owner__username")
    readonly_fields = ("columns", "column_types", "class_counts", "row_count", "rows_file", "created_at")


@admin.register(DatasetImage)
class DatasetImageAdmin(admin.ModelAdmin):
    list_display = ("id", "dataset", "label", "width", "height", "created_at")
    search_fields = ("label", "dataset__name")
    raw_id_fields = ("dataset",)


@admin.register(TrainingJob)
class TrainingJobAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "dataset", "task", "state", "progress", "attempts", "worker", "created_at")
    list_filter = ("state", "task")
    search_fields = ("owner__username", "dataset__name", "celery_task_id")
    raw_id_fields = ("dataset",)
    readonly_fields = ("heartbeat_at", "started_at", "finished_at", "revision", "error_detail")


@admin.register(TrainedModel)
class TrainedModelAdmin(admin.ModelAdmin):
    list_display = ("dataset_name", "version", "owner", "task", "size_bytes", "created_at")
    list_filter = ("task",)
    search_fields = ("dataset_name", "owner__username")
    raw_id_fields = ("dataset", "job")


@admin.register(ClassificationJob)
class ClassificationJobAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "model", "state", "total", "done", "attempts", "created_at")
    list_filter = ("state",)
    raw_id_fields = ("model",)
    readonly_fields = ("heartbeat_at", "started_at", "finished_at", "revision", "error_detail")


@admin.register(LearningCurveJob)
class LearningCurveJobAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "dataset", "task", "target", "state", "progress", "attempts", "created_at")
    list_filter = ("state", "task")
    search_fields = ("owner__username", "dataset__name", "celery_task_id")
    raw_id_fields = ("dataset",)
    readonly_fields = ("heartbeat_at", "started_at", "finished_at", "revision", "error_detail", "result")
