"""The mlcore API; included under ``/api/`` (namespace ``api``)."""

from django.urls import path

from mlcore.apis import classification, datasets, learning_curves, models, training

urlpatterns = [
    path("datasets/", datasets.DatasetListApi.as_view(), name="ml_dataset_list"),
    path("datasets/csv/", datasets.DatasetCsvCreateApi.as_view(), name="ml_dataset_csv"),
    path("datasets/zip/", datasets.DatasetZipCreateApi.as_view(), name="ml_dataset_zip"),
    path("datasets/builtin/", datasets.DatasetBuiltinCreateApi.as_view(), name="ml_dataset_builtin"),
    path("datasets/images/", datasets.DatasetImagesCreateApi.as_view(), name="ml_dataset_images"),
    path("datasets/<int:dataset_id>/", datasets.DatasetDetailApi.as_view(), name="ml_dataset_detail"),
    path("datasets/<int:dataset_id>/images/", datasets.DatasetImageAddApi.as_view(), name="ml_dataset_image_add"),
    path("dataset-images/<int:image_id>/", datasets.DatasetImageDetailApi.as_view(), name="ml_dataset_image_detail"),
    path(
        "datasets/<int:dataset_id>/learning-curves/",
        learning_curves.LearningCurveListApi.as_view(),
        name="ml_dataset_learning_curves",
    ),
    path(
        "learning-curves/<int:job_id>/",
        learning_curves.LearningCurveDetailApi.as_view(),
        name="ml_learning_curve_detail",
    ),
    path(
        "learning-curves/<int:job_id>/cancel/",
        learning_curves.LearningCurveCancelApi.as_view(),
        name="ml_learning_curve_cancel",
    ),
    path(
        "learning-curves/<int:job_id>/needed/",
        learning_curves.LearningCurveNeededApi.as_view(),
        name="ml_learning_curve_needed",
    ),
    path(
        "learning-curves/<int:job_id>/chart.svg",
        learning_curves.LearningCurveChartApi.as_view(),
        name="ml_learning_curve_chart",
    ),
    path("training-jobs/", training.TrainingJobListApi.as_view(), name="ml_training_job_list"),
    path("training-jobs/<int:job_id>/", training.TrainingJobDetailApi.as_view(), name="ml_training_job_detail"),
    path("training-jobs/<int:job_id>/cancel/", training.TrainingJobCancelApi.as_view(), name="ml_training_job_cancel"),
    path("models/", models.ModelListApi.as_view(), name="ml_model_list"),
    path("models/<int:model_id>/", models.ModelDetailApi.as_view(), name="ml_model_detail"),
    path("models/<int:model_id>/download/", models.ModelDownloadApi.as_view(), name="ml_model_download"),
    path("models/<int:model_id>/export/", models.ModelExportApi.as_view(), name="ml_model_export"),
    path("models/<int:model_id>/predict/", models.ModelPredictApi.as_view(), name="ml_model_predict"),
    path("classification-jobs/", classification.ClassificationJobListApi.as_view(), name="ml_classification_job_list"),
    path(
        "classification-jobs/<int:job_id>/",
        classification.ClassificationJobDetailApi.as_view(),
        name="ml_classification_job_detail",
    ),
    path(
        "classification-jobs/<int:job_id>/cancel/",
        classification.ClassificationJobCancelApi.as_view(),
        name="ml_classification_job_cancel",
    ),
    path(
        "classification-jobs/<int:job_id>/results.csv",
        classification.ClassificationResultsCsvApi.as_view(),
        name="ml_classification_job_csv",
    ),
]
