"""An idea's data sample (``services.idea_attach_data``, the API's ``ideas/<id>/data/``, the idea
page's form) and the data-backed feasibility it gives: attach a sample of an idea's A -> B data
(CSV or zip), a learning-curve job measures it, and the rubric's data criteria then come from the
measurement.

The job runs here through the same service the Celery task calls (``learning_curve_job_run``);
``test_a_real_worker_...`` below runs it on a real worker, and ``tests/mlcore`` checks the
prediction against training on that much data."""

from __future__ import annotations

import io
import time

import numpy as np
import pytest
from django.urls import reverse

from mlcore.learn import generate_call_centre
from mlcore.models import Dataset, LearningCurveJob
from mlcore.services.learning_curves import learning_curve_job_run
from projects import selectors, services
from projects.models import Idea
from tests.mlcore.workers import killable_worker
from tests.projects.factories import FULL_SCORES, IdeaFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True)]


def sample_csv(rows: int = 400, seed: int = 0, noise: float = 0.1) -> bytes:
    """Two numeric inputs and a yes/no answer that a straight line separates, with some label noise:
    a baseline learns it, and more data still helps a little."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, 2))
    y = (x[:, 0] + 0.5 * x[:, 1] > 0) ^ (rng.random(rows) < noise)
    out = io.StringIO()
    out.write("length,width,spam\n")
    for (a, b), label in zip(x, y, strict=True):
        out.write(f"{a:.4f},{b:.4f},{'yes' if label else 'no'}\n")
    return out.getvalue().encode()


def api_post_file(client, url, data: bytes, name: str, **fields):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(url, {"file": upload, **fields})


@pytest.fixture
def target_idea(idea) -> Idea:
    idea.performance_target = 0.85
    idea.examples_on_hand = 5000
    idea.save()
    return idea


def test_attach_a_csv_measure_it_and_the_rubric_uses_the_measurement(client, owner, target_idea):
    client.force_login(owner)
    url = reverse("api:projects_idea_data", kwargs={"idea_id": target_idea.id})
    response = api_post_file(client, url, sample_csv(), "sample.csv")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sample"]["rows"] == 400
    assert body["job"]["state"] == "queued"
    assert body["evidence"] is None  # nothing measured yet: the evaluators' judgement stands

    target_idea.refresh_from_db()
    assert target_idea.data_sample.target == "spam"  # the last column, as the form says
    assert learning_curve_job_run(job_id=target_idea.learning_curve_id) == "succeeded"

    body = client.get(url).json()
    assert body["job"]["state"] == "succeeded"
    evidence = body["evidence"]
    assert evidence["reachable"] is True
    assert evidence["target_metric"] == 0.85
    assert evidence["examples_on_hand"] == 5000  # what the canvas says exists, not the sample's size
    assert evidence["examples_needed"] >= 1
    assert evidence["needed_low"] <= evidence["examples_needed"]
    assert "0.85" in body["answer"] or "85" in body["answer"]

    # An evaluator guessed the data was scarce; the measurement (5,000 on hand, ~40 needed) overrides it.
    services.evaluation_upsert(idea=target_idea, user=owner, scores={**FULL_SCORES, "enough_data": 1})
    score = selectors.idea_score(target_idea)
    assert score.data_backed
    assert score.criteria["enough_data"].mean == 5
    detail = client.get(reverse("api:projects_idea_detail", kwargs={"idea_id": target_idea.id})).json()
    assert detail["score"]["data_backed"] is True

    page = client.get(reverse("projects:idea", kwargs={"idea_id": target_idea.id}), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert 'data-testid="curve-chart"' in html
    assert "<svg" in html
    assert 'data-testid="curve-answer"' in html


def test_an_unreachable_target_says_so_and_lowers_the_data_criterion(client, owner, target_idea):
    """Half the labels are noise: no amount of this data reaches 99 %."""
    target_idea.performance_target = 0.99
    target_idea.save()
    services.idea_attach_data(
        idea=target_idea, user=owner, filename="noisy.csv", data=sample_csv(noise=0.3), answer_column="spam"
    )
    target_idea.refresh_from_db()
    assert learning_curve_job_run(job_id=target_idea.learning_curve_id) == "succeeded"
    target_idea.refresh_from_db()
    evidence = selectors.idea_data_evidence(target_idea)
    assert evidence is not None
    assert evidence.reachable is False
    services.evaluation_upsert(idea=target_idea, user=owner, scores={**FULL_SCORES, "performance_reachable": 5})
    score = selectors.idea_score(target_idea)
    assert score.data_backed
    assert score.criteria["performance_reachable"].mean < 5  # the measurement says it is out of reach


def test_bad_samples_are_refused_with_a_translated_reason_and_nothing_is_kept(client, owner, target_idea):
    client.force_login(owner)
    url = reverse("api:projects_idea_data", kwargs={"idea_id": target_idea.id})
    before = Dataset.objects.count()
    broken_zip = api_post_file(client, url, b"PK\x03\x04 not really a zip", "cats.zip", HTTP_ACCEPT_LANGUAGE="en")
    assert broken_zip.status_code == 422
    assert broken_zip.json()["error"]["message"]
    wrong_column = api_post_file(client, url, sample_csv(), "s.csv", answer_column="nope", HTTP_ACCEPT_LANGUAGE="ko")
    assert wrong_column.status_code == 422
    assert "nope" in wrong_column.json()["error"]["message"]
    too_few = api_post_file(client, url, b"a,b\n1,x\n", "tiny.csv")
    assert too_few.status_code == 422
    assert Dataset.objects.count() == before
    target_idea.refresh_from_db()
    assert target_idea.data_sample is None


def test_only_writers_of_the_workspace_attach_and_nobody_outside_sees_it(client, owner, viewer, target_idea):
    services.idea_attach_data(idea=target_idea, user=owner, filename="s.csv", data=sample_csv())
    url = reverse("api:projects_idea_data", kwargs={"idea_id": target_idea.id})
    client.force_login(viewer)
    assert client.get(url).status_code == 200  # members read the measurement
    refused = api_post_file(client, url, sample_csv(), "s.csv")
    assert refused.status_code == 403
    assert client.post(reverse("api:projects_idea_measure", kwargs={"idea_id": target_idea.id})).status_code == 403
    assert client.delete(url).status_code == 403

    stranger = UserFactory.create(username="stranger")
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert api_post_file(client, url, sample_csv(), "s.csv").status_code == 404
    assert client.get(reverse("projects:idea_data_status", kwargs={"idea_id": target_idea.id})).status_code == 404
    # the mlcore objects stay the attaching owner's: a stranger cannot reach them there either
    job = LearningCurveJob.objects.get()
    assert client.get(f"/api/learning-curves/{job.id}/").status_code == 404


def test_an_evaluator_measures_again_and_removes_the_sample(client, owner, evaluator, target_idea):
    services.idea_attach_data(idea=target_idea, user=owner, filename="s.csv", data=sample_csv())
    target_idea.refresh_from_db()
    first = target_idea.learning_curve_id
    client.force_login(evaluator)
    response = client.post(reverse("api:projects_idea_measure", kwargs={"idea_id": target_idea.id}))
    assert response.status_code == 202
    target_idea.refresh_from_db()
    assert target_idea.learning_curve_id != first
    assert LearningCurveJob.objects.get(id=target_idea.learning_curve_id).owner == owner  # the sample's owner
    assert client.delete(reverse("api:projects_idea_data", kwargs={"idea_id": target_idea.id})).status_code == 204
    target_idea.refresh_from_db()
    assert target_idea.data_sample is None
    assert not Dataset.objects.exists()
    assert selectors.idea_data_evidence(target_idea) is None


def test_attach_through_the_page(client, owner, target_idea):
    client.force_login(owner)
    url = reverse("projects:idea_data_attach", kwargs={"idea_id": target_idea.id})
    upload = io.BytesIO(sample_csv())
    upload.name = "sample.csv"
    response = client.post(url, {"file": upload, "answer_column": "spam"})
    assert response.status_code == 302
    page = client.get(reverse("projects:idea", kwargs={"idea_id": target_idea.id}), HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-testid="curve-status"' in page.content.decode()
    status = client.get(reverse("projects:idea_data_status", kwargs={"idea_id": target_idea.id})).json()
    assert status["job"]["state"] == "queued"
    bad = io.BytesIO(b"only one column\n1\n")
    bad.name = "bad.csv"
    refused = client.post(url, {"file": bad}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert 'class="error"' in refused.content.decode() or 'role="alert"' in refused.content.decode()


@pytest.mark.worker
@pytest.mark.embedded
def test_a_real_worker_measures_the_sample_and_the_idea_becomes_data_backed(client, owner, target_idea):
    with killable_worker(name="projects-curve", DJANGO_SETTINGS_MODULE="tests.mlcore.worker_settings") as worker:
        services.idea_attach_data(idea=target_idea, user=owner, filename="s.csv", data=sample_csv())
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            target_idea.refresh_from_db()
            target_idea.learning_curve.refresh_from_db()
            if target_idea.learning_curve.finished:
                break
            time.sleep(0.2)
        assert target_idea.learning_curve.state == "succeeded", worker.log()
    services.evaluation_upsert(idea=target_idea, user=owner, scores=FULL_SCORES)
    client.force_login(owner)
    detail = client.get(reverse("api:projects_idea_detail", kwargs={"idea_id": target_idea.id})).json()
    assert detail["score"]["data_backed"] is True


def test_a_sample_goes_with_its_idea_or_workspace(owner, target_idea, workspace):
    services.idea_attach_data(idea=target_idea, user=owner, filename="s.csv", data=sample_csv())
    services.idea_attach_data(idea=target_idea, user=owner, filename="s.csv", data=sample_csv(seed=1))
    assert Dataset.objects.count() == 1  # the replaced sample is gone
    services.idea_delete(idea=target_idea, user=owner)
    assert not Dataset.objects.exists()
    other = IdeaFactory(workspace=workspace, user=owner, title="Spam filter")
    services.idea_attach_data(idea=other, user=owner, filename="s.csv", data=sample_csv())
    services.workspace_delete(workspace=workspace, user=owner)
    assert not Dataset.objects.exists()


@pytest.fixture
def media(settings, tmp_path):
    """A media folder of the test's own, so "nothing stored" can be checked on disk."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def stored_files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


#: A valid table (two classes, enough rows for a data set) too small for a learning curve.
TOO_FEW_FOR_CURVE = {"rows": 30, "seed": 3, "noise": 0.0}


def test_a_sample_too_small_for_a_curve_is_refused_and_nothing_is_stored(client, owner, target_idea, media):
    client.force_login(owner)
    url = reverse("api:projects_idea_data", kwargs={"idea_id": target_idea.id})
    refused = api_post_file(client, url, sample_csv(**TOO_FEW_FOR_CURVE), "small.csv", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "too_few_for_curve"
    assert not Dataset.objects.exists()
    assert not LearningCurveJob.objects.exists()
    assert stored_files(media) == []
    target_idea.refresh_from_db()
    assert target_idea.data_sample is None
    assert client.get(url).status_code == 404  # the idea shows no sample


def test_a_refused_sample_leaves_the_attached_one_alone(client, owner, target_idea, media):
    services.idea_attach_data(idea=target_idea, user=owner, filename="s.csv", data=sample_csv())
    kept = set(stored_files(media))
    target_idea.refresh_from_db()
    sample, job = target_idea.data_sample, target_idea.learning_curve
    client.force_login(owner)
    url = reverse("api:projects_idea_data", kwargs={"idea_id": target_idea.id})
    refused = api_post_file(client, url, sample_csv(**TOO_FEW_FOR_CURVE), "small.csv")
    assert refused.status_code == 422
    assert list(Dataset.objects.all()) == [sample]
    assert set(stored_files(media)) == kept
    target_idea.refresh_from_db()
    assert (target_idea.data_sample, target_idea.learning_curve) == (sample, job)


def test_the_page_form_refuses_a_sample_too_small_for_a_curve_and_stores_nothing(client, owner, target_idea, media):
    client.force_login(owner)
    url = reverse("projects:idea_data_attach", kwargs={"idea_id": target_idea.id})
    upload = io.BytesIO(sample_csv(**TOO_FEW_FOR_CURVE))
    upload.name = "small.csv"
    refused = client.post(url, {"file": upload, "answer_column": "spam"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert not Dataset.objects.exists()
    assert stored_files(media) == []
    target_idea.refresh_from_db()
    assert target_idea.data_sample is None


def text_sample_csv(per_desk: int = 50) -> bytes:
    """What customers say and the desk that should answer (the generated call centre, Korean and English)."""
    texts, desks = generate_call_centre(per_desk=per_desk, seed=7)
    out = io.StringIO()
    out.write("id,message,desk\n")
    for i, (text, desk) in enumerate(zip(texts, desks, strict=True)):
        quoted = '"' + text.replace('"', '""') + '"'
        out.write(f"{i},{quoted},{desk}\n")
    return out.getvalue().encode("utf-8")


def test_a_text_sample_is_measured_with_the_text_model(client, owner, target_idea):
    """A CSV of sentences and their class: the sample is a text data set and the curve uses n-grams."""
    client.force_login(owner)
    url = reverse("api:projects_idea_data", kwargs={"idea_id": target_idea.id})
    response = api_post_file(client, url, text_sample_csv(), "desks.csv")
    assert response.status_code == 201, response.content
    target_idea.refresh_from_db()
    sample = target_idea.data_sample
    assert (sample.task, sample.target, sample.features) == ("text_classification", "desk", ["message"])
    assert target_idea.learning_curve.task == "text_classification"
    assert learning_curve_job_run(job_id=target_idea.learning_curve_id) == "succeeded"
    target_idea.refresh_from_db()
    assert target_idea.learning_curve.result["baseline"].startswith("TF-IDF")
    evidence = selectors.idea_data_evidence(target_idea)
    assert evidence is not None
    assert evidence.target_metric == 0.85
    assert evidence.reachable is True
    body = client.get(url).json()
    assert body["sample"]["task"] == "text_classification"
    assert body["evidence"]["reachable"] is True
