"""The mlcore API; included under ``/api/`` (namespace ``api``)."""

from django.urls import path

from mlcore import apis

urlpatterns = [
    path("datasets/", apis.DatasetListApi.as_view(), name="ml_dataset_list"),
    path("datasets/csv/", apis.DatasetCsvCreateApi.as_view(), name="ml_dataset_csv"),
    path("datasets/zip/", apis.DatasetZipCreateApi.as_view(), name="ml_dataset_zip"),
    path("datasets/builtin/", apis.DatasetBuiltinCreateApi.as_view(), name="ml_dataset_builtin"),
    path("datasets/images/", apis.DatasetImagesCreateApi.as_view(), name="ml_dataset_images"),
    path("datasets/<int:dataset_id>/", apis.DatasetDetailApi.as_view(), name="ml_dataset_detail"),
    path("datasets/<int:dataset_id>/images/", apis.DatasetImageAddApi.as_view(), name="ml_dataset_image_add"),
    path("dataset-images/<int:image_id>/", apis.DatasetImageDetailApi.as_view(), name="ml_dataset_image_detail"),
    path(
        "datasets/<int:dataset_id>/learning-curves/",
        apis.LearningCurveListApi.as_view(),
        name="ml_dataset_learning_curves",
    ),
    path("learning-curves/<int:job_id>/", apis.LearningCurveDetailApi.as_view(), name="ml_learning_curve_detail"),
    path(
        "learning-curves/<int:job_id>/cancel/", apis.LearningCurveCancelApi.as_view(), name="ml_learning_curve_cancel"
    ),
    path(
        "learning-curves/<int:job_id>/needed/", apis.LearningCurveNeededApi.as_view(), name="ml_learning_curve_needed"
    ),
    path(
        "learning-curves/<int:job_id>/chart.svg", apis.LearningCurveChartApi.as_view(), name="ml_learning_curve_chart"
    ),
    path("training-jobs/", apis.TrainingJobListApi.as_view(), name="ml_training_job_list"),
    path("training-jobs/<int:job_id>/", apis.TrainingJobDetailApi.as_view(), name="ml_training_job_detail"),
    path("training-jobs/<int:job_id>/cancel/", apis.TrainingJobCancelApi.as_view(), name="ml_training_job_cancel"),
    path("models/", apis.ModelListApi.as_view(), name="ml_model_list"),
    path("models/<int:model_id>/", apis.ModelDetailApi.as_view(), name="ml_model_detail"),
    path("models/<int:model_id>/download/", apis.ModelDownloadApi.as_view(), name="ml_model_download"),
    path("models/<int:model_id>/export/", apis.ModelExportApi.as_view(), name="ml_model_export"),
    path("models/<int:model_id>/predict/", apis.ModelPredictApi.as_view(), name="ml_model_predict"),
    path("classification-jobs/", apis.ClassificationJobListApi.as_view(), name="ml_classification_job_list"),
    path(
        "classification-jobs/<int:job_id>/",
        apis.ClassificationJobDetailApi.as_view(),
        name="ml_classification_job_detail",
    ),
    path(
        "classification-jobs/<int:job_id>/cancel/",
        apis.ClassificationJobCancelApi.as_view(),
        name="ml_classification_job_cancel",
    ),
    path(
        "classification-jobs/<int:job_id>/results.csv",
        apis.ClassificationResultsCsvApi.as_view(),
        name="ml_classification_job_csv",
    ),
]
