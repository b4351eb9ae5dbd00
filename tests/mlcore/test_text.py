"""Text in mlcore with the database: text data sets (CSV with a text and a label column, the built-in
call centre, spam and sentiment sets), training, the registry's synchronous predict with the words that
decided it (service, API, page), batch classification of a CSV of texts, export, learning curves.

Jobs run here in-process through the services the Celery tasks call; ``tests/mlcore/tasks/test_text_jobs.py``
runs them on a real worker."""

from __future__ import annotations

import io

import joblib
import pytest
from django.utils import translation

from mlcore.errors import MlError
from mlcore.learn import generate_call_centre
from mlcore.models import ClassificationJob, Dataset, TrainedModel
from mlcore.services import datasets, registry
from mlcore.services.classification import classification_job_run
from mlcore.services.learning_curves import learning_curve_job_create, learning_curve_job_run
from mlcore.services.text_classification import classification_job_create_texts
from mlcore.services.training import training_job_create, training_job_run
from tests.mlcore.apis.conftest import error, upload
from tests.mlcore.conftest import stored_files
from tests.mlcore.factories import BuiltinDatasetFactory, TrainedModelFactory

pytestmark = [pytest.mark.django_db]

TEXT = "text_classification"


def texts_csv(per_desk: int = 30, seed: int = 0, encoding: str = "utf-8", extra: bool = False) -> bytes:
    texts, labels = generate_call_centre(per_desk=per_desk, seed=seed)
    out = io.StringIO()
    out.write("id,message,desk\n" if extra else "message,desk\n")
    for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
        quoted = '"' + text.replace('"', '""') + '"'
        out.write(f"{i},{quoted},{label}\n" if extra else f"{quoted},{label}\n")
    return out.getvalue().encode(encoding)


@pytest.fixture
def api(client, teacher):
    client.force_login(teacher)
    return client


@pytest.fixture
def trained(teacher, media):
    """A tiny doodle model (an image model, for the refusals)."""
    return TrainedModelFactory(dataset__owner=teacher)


@pytest.fixture
def callcentre(teacher, media):
    with translation.override("en"):  # English desk names (the labels follow the language)
        return BuiltinDatasetFactory(owner=teacher, which="callcentre", per_class=40)


@pytest.fixture
def text_model(callcentre):
    return TrainedModelFactory(dataset=callcentre, params={})


def test_builtin_text_sets_are_tables_of_text_and_label(teacher, media, settings):
    for which in ("callcentre", "spam", "sentiment"):
        dataset = datasets.dataset_create_builtin(owner=teacher, which=which, per_class=20)
        assert dataset.kind == Dataset.Kind.TABULAR
        assert dataset.task == TEXT
        assert (dataset.target, dataset.features) == ("label", ["text"])
        assert dataset.ready
        assert sum(dataset.class_counts.values()) == dataset.row_count
    with translation.override("en"):
        english = datasets.dataset_create_builtin(owner=teacher, which="callcentre")
    assert set(english.class_counts) == {
        "cancellation",
        "complaint",
        "delivery",
        "refund",
    }


def test_builtin_labels_follow_the_language(teacher, media):
    with translation.override("ko"):
        dataset = datasets.dataset_create_builtin(owner=teacher, which="callcentre", per_class=5)
    assert set(dataset.class_counts) == {"환불", "배송", "해지", "불만"}
    assert dataset.row_count == 20


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949"])
def test_a_csv_of_texts_becomes_a_text_data_set(teacher, media, encoding):
    dataset = datasets.dataset_create_from_csv(owner=teacher, name="Desks", data=texts_csv(encoding=encoding))
    datasets.dataset_configure_table(dataset=dataset, target="desk")
    assert dataset.task == TEXT  # one input column of sentences: a text task
    assert dataset.features == ["message"]
    # several input columns: the text task takes the one of sentences, asked for or inferred
    for task in (TEXT, None):
        wide = datasets.dataset_create_from_csv(
            owner=teacher, name="Wide", data=texts_csv(extra=True), target="desk", task=task
        )
        assert (wide.task, wide.features) == (TEXT, ["message"])
    # asked for categories explicitly, it stays a table
    table = datasets.dataset_create_from_csv(
        owner=teacher, name="Table", data=texts_csv(), target="desk", task="classification"
    )
    assert table.task == "classification"


def test_refusals_are_translated_and_store_nothing(api, teacher, media):
    response = api.post(
        "/api/datasets/csv/",
        {"name": "x", "file": upload("x.csv", b"message,desk\n,refund\n,delivery\n,refund\n"), "target": "desk"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    dataset = datasets.dataset_create_from_csv(owner=teacher, name="Desks", data=texts_csv())
    datasets.dataset_configure_table(dataset=dataset, target="desk", task="classification")
    with pytest.raises(MlError) as refused:
        datasets.dataset_configure_table(dataset=dataset, target="desk", features=["message"], task="nonsense")
    assert refused.value.code == "bad_task"
    before = stored_files(media)
    response = api.post("/api/datasets/csv/", {"name": "x", "file": upload("x.csv", b"\x00\x01PK")})
    assert response.status_code == 422
    assert stored_files(media) == before


def test_train_register_and_predict_a_text(text_model):
    model = text_model
    assert model.task == TEXT
    assert model.columns == ["text"]
    assert model.metrics["heldout"] is True
    assert model.metrics["accuracy"] >= 0.9
    result = registry.predict_text(model=model, text="바지를 샀는데 살이 쪄서 환불하고 싶어요")
    assert result["label"] == "refund"
    assert next(t["label"] for t in result["top"]) == "refund"
    assert len(result["top"]) == 3
    assert "환불하고" in [w["word"] for w in result["words"]]
    assert result["milliseconds"] >= 0
    # a row of the one text column reads the same
    assert registry.predict_row(model=model, row={"text": "택배가 안 와요"})["label"] == "delivery"
    keywords = registry.model_keywords(model)
    assert [k["label"] for k in keywords] == model.labels


def test_predict_refusals(text_model):
    for text, code in (("", "text_required"), ("   ", "text_required"), ("x" * 2001, "text_too_long")):
        with pytest.raises(MlError) as refused:
            registry.predict_text(model=text_model, text=text)
        assert refused.value.code == code


def test_predict_over_the_api_with_the_words(api, text_model, trained):
    url = f"/api/models/{text_model.id}/predict/"
    response = api.post(url, {"text": "I want to cancel my subscription"}, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["label"] == "cancellation"
    assert body["words"]
    assert {"word", "start", "end", "weight"} <= set(body["words"][0])
    response = api.post(url, {"text": ""}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert error(response)["code"] == "text_required"
    assert "Type a text" in error(response)["message"]
    # an image model refuses a text; a stranger's model is not found
    response = api.post(f"/api/models/{trained.id}/predict/", {"text": "hi"}, content_type="application/json")
    assert response.status_code == 422


def test_export_is_joblib_that_scikit_learn_runs(api, text_model):
    response = api.get(f"/api/models/{text_model.id}/export/")
    assert response.status_code == 200
    bundle = joblib.load(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    assert bundle["task"] == TEXT
    raw = bundle["pipeline"].predict(["환불해 주세요", "Where is my parcel?"])
    assert [bundle["labels"][i] for i in raw] == ["refund", "delivery"]


def test_classify_a_csv_of_texts(api, teacher, text_model):
    data = "text,label\n환불해 주세요,refund\n,refund\nWhere is my parcel?,delivery\n너무 불친절해요,complaint\n"
    job = classification_job_create_texts(owner=teacher, model=text_model, data=data.encode("cp949"))
    assert job.total == 3
    assert [item["name"] for item in job.skipped] == ["row 3"]
    assert classification_job_run(job_id=job.id) == "succeeded"
    job.refresh_from_db()
    assert [row["label"] for row in job.results] == ["refund", "delivery", "complaint"]
    assert [row["expected"] for row in job.results] == ["refund", "delivery", "complaint"]
    assert all(row["words"] for row in job.results)
    assert abs(sum(job.results[0]["probabilities"].values()) - 1) < 1e-4
    snapshot = api.get(f"/api/classification-jobs/{job.id}/").json()
    assert snapshot["results"][0]["text"] == "환불해 주세요"
    csv_text = api.get(f"/api/classification-jobs/{job.id}/results.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("text,expected,predicted,confidence")
    assert "환불해 주세요" in csv_text
    page = api.get(f"/ml/classifications/{job.id}/").content.decode()
    assert "환불해 주세요" in page


def test_classify_texts_over_the_api_and_refusals(api, text_model, media):
    response = api.post(
        "/api/classification-jobs/",
        {"model": text_model.id, "file": [upload("t.csv", "문장\n배송 언제 와요\n".encode())]},
    )
    assert response.status_code == 201, response.content
    assert response.json()["total"] == 1
    before = ClassificationJob.objects.count()
    for data, code in (
        (b"text\n\n", "no_texts"),
        (b"text\n-\nNA\n", "no_texts"),
        (b"a,b\n1,2\n", None),
    ):
        response = api.post(
            "/api/classification-jobs/",
            {"model": text_model.id, "file": [upload("t.csv", data)], "column": "missing" if code is None else ""},
        )
        assert response.status_code == 422
        assert error(response)["code"] == (code or "unknown_column")
    assert ClassificationJob.objects.count() == before


def test_the_pages_train_and_try_a_text_model(api, teacher, callcentre):
    page = api.get(f"/ml/datasets/{callcentre.id}/").content.decode()
    assert 'data-testid="text-train-hint"' in page
    response = api.post(f"/ml/datasets/{callcentre.id}/train")
    assert response.status_code == 302
    job = callcentre.training_jobs.get()
    assert job.task == TEXT
    assert training_job_run(job_id=job.id) == "succeeded"
    model = TrainedModel.objects.get(job=job)
    page = api.get(f"/ml/models/{model.id}/").content.decode()
    assert 'data-kind="text"' in page
    assert 'data-testid="try-text"' in page
    assert 'data-testid="keywords"' in page
    response = api.post(f"/ml/models/{model.id}/classify", {"file": upload("t.csv", b"text\nrefund please\n")})
    assert response.status_code == 302
    assert "/ml/classifications/" in response["Location"]


def test_training_refuses_two_text_columns_and_bad_params(teacher, media):
    dataset = datasets.dataset_create_from_csv(
        owner=teacher,
        name="Wide",
        data=texts_csv(extra=True),
        target="desk",
        features=["id", "message"],
        task="classification",
    )
    with pytest.raises(MlError) as refused:
        training_job_create(owner=teacher, dataset=dataset, task=TEXT)
    assert refused.value.code == "text_needs_one_column"
    text = datasets.dataset_create_from_csv(owner=teacher, name="T", data=texts_csv(), target="desk")
    with pytest.raises(MlError) as refused:
        training_job_create(owner=teacher, dataset=text, params={"char_ngrams": "9-9"})
    assert refused.value.code == "bad_param"
    with pytest.raises(MlError) as refused:
        training_job_create(owner=teacher, dataset=text, params={"epochs": 3})
    assert refused.value.code == "bad_param"


def test_learning_curve_of_a_text_data_set(teacher, callcentre):
    job = learning_curve_job_create(owner=teacher, dataset=callcentre, target=0.95)
    assert job.task == TEXT
    assert learning_curve_job_run(job_id=job.id) == "succeeded"
    job.refresh_from_db()
    assert job.result["metric"] == "error_rate"
    assert job.result["fit"] is not None
