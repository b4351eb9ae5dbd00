"""The house table, A -> B: the stable slide link to each person's own house data set, the
prediction-line chart (pure, no database), and the house model trained for real with its line on
the model page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from mlcore.charts import prediction_line_svg
from mlcore.learn.builtin import HOUSE_TABLE
from mlcore.models import Dataset, TrainedModel, TrainingJob
from mlcore.services import datasets
from mlcore.services.registry import LINE_STEPS, model_prediction_line
from mlcore.services.training import training_job_run
from quizapp.demo_lesson import lesson_en, lesson_ko
from quizapp.rules.slide_markdown import render
from tests.mlcore.factories import CsvDatasetFactory, TrainedModelFactory

SVG = "{http://www.w3.org/2000/svg}"
HANGUL = re.compile("[\uac00-\ud7a3]")
URL = "/ml/datasets/builtin/house/"
POINTS = [(float(row["size_sqft"]), float(row["price_k"])) for row in HOUSE_TABLE]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def points_of(root: ET.Element) -> list[ET.Element]:
    return [c for c in root.iter(f"{SVG}circle") if c.get("class") == "ml-point"]


def line_of(root: ET.Element) -> list[tuple[float, float]]:
    (path,) = [p for p in root.iter(f"{SVG}path") if p.get("class") == "ml-line"]
    return [tuple(map(float, pair.split())) for pair in path.get("d", "")[1:].split("L")]  # type: ignore[misc]


# --- the chart, without a database ---------------------------------------------------------------


@pytest.mark.embedded
def test_the_prediction_line_is_an_accessible_svg():
    line = [(523.0, 140.0), (2545.0, 430.0)]
    with translation.override("en"):
        svg = prediction_line_svg(POINTS, line, x_label="size_sqft", y_label="price_k", per_row=False, chart_id="l1")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "l1-title l1-desc"
    assert root.find(f"{SVG}title").text == "The model's prediction line: price_k by size_sqft"
    description = root.find(f"{SVG}desc").text or ""
    assert "6 rows of the data set as points: price_k against size_sqft." in description
    assert "from 140 at size_sqft 523 to 430 at size_sqft 2,545" in description
    assert "<script" not in svg
    assert "var(--" not in svg
    circles = points_of(root)
    assert len(circles) == 6
    # the points are placed by value: the cheapest house lowest (largest y), the largest house rightmost
    cx = [float(c.get("cx", 0)) for c in circles]
    cy = [float(c.get("cy", 0)) for c in circles]
    assert cx == sorted(cx)
    assert cy == sorted(cy, reverse=True)
    drawn = line_of(root)
    assert len(drawn) == 2
    assert drawn[0][0] == pytest.approx(cx[0], abs=0.1)  # the line starts at the smallest house
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "size_sqft" in texts
    assert "price_k" in texts
    assert "rows of the data set" in texts
    assert "the model's prediction" in texts


@pytest.mark.embedded
def test_several_inputs_say_that_the_line_joins_row_predictions_and_korean():
    line = sorted((x, y + 5) for x, y in POINTS)
    with translation.override("en"):
        root = parse(prediction_line_svg(POINTS, line, x_label="size", y_label="price", per_row=True))
    assert "joins its prediction for each row in order of size" in (root.find(f"{SVG}desc").text or "")
    assert len(line_of(root)) == 6
    with translation.override("ko"):
        korean = parse(prediction_line_svg(POINTS, line, x_label="size", y_label="price", per_row=True))
    assert HANGUL.search(korean.find(f"{SVG}title").text or "")
    assert HANGUL.search(korean.find(f"{SVG}desc").text or "")


@pytest.mark.embedded
def test_one_point_and_hostile_labels_still_draw():
    svg = prediction_line_svg([(1.0, 1.0)], [(1.0, 1.0)], x_label="<b>x</b>", y_label='"y"', per_row=False)
    root = parse(svg)
    assert len(points_of(root)) == 1
    assert "<b>" not in svg


# --- the slide link ------------------------------------------------------------------------------


@pytest.fixture
def page(client, teacher, media):
    client.force_login(teacher)
    return client


@pytest.mark.django_db
@pytest.mark.embedded
def test_the_slide_link_makes_then_reuses_the_users_own_house_data_set(page, teacher, stranger):
    theirs = datasets.dataset_create_builtin(owner=stranger, which="house")
    response = page.get(URL)
    mine = Dataset.objects.get(owner=teacher, builtin_key="house")
    assert mine.id != theirs.id
    assert response.status_code == 302
    assert response["Location"] == f"/ml/datasets/{mine.id}/#train"
    assert page.get(URL)["Location"] == f"/ml/datasets/{mine.id}/#train"  # no second copy
    assert Dataset.objects.filter(owner=teacher).count() == 1
    body = page.get(f"/ml/datasets/{mine.id}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert 'data-testid="train"' in body  # one press trains it: the defaults suit the house table
    assert page.get(f"/ml/datasets/{theirs.id}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.embedded
def test_the_slide_link_needs_a_login_and_a_known_built_in(client, teacher, media):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]
    assert not Dataset.objects.exists()
    client.force_login(teacher)
    assert client.get("/ml/datasets/builtin/mansions/").status_code == 404
    assert not Dataset.objects.exists()


@pytest.mark.embedded
def test_the_demo_slides_link_to_it():
    for lesson in (lesson_ko(), lesson_en()):
        bodies = [item["body"] for item in lesson if URL in item.get("body", "")]
        assert len(bodies) == 1
        assert f'href="{URL}"' in render(bodies[0])  # the slide renderer keeps the relative link


# --- trained for real ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.embedded
def test_one_press_trains_the_house_model_and_its_page_draws_the_line(page, teacher, stranger):
    dataset_url = page.get(URL)["Location"].split("#")[0]
    dataset = Dataset.objects.get(owner=teacher, builtin_key="house")
    # what the data set page's form sends when the Train button is pressed without changing anything
    response = page.post(
        f"/ml/datasets/{dataset.id}/train", {"model": "linear", "epochs": "", "batch_size": "", "learning_rate": ""}
    )
    job = TrainingJob.objects.get(dataset=dataset)
    assert response["Location"] == f"/ml/jobs/{job.id}/"
    assert dataset_url == f"/ml/datasets/{dataset.id}/"
    assert training_job_run(job_id=job.id, task_id="t-1", worker="test@host") == "succeeded"  # the task's own code
    model = TrainedModel.objects.get(job=job)
    body = page.get(f"/ml/models/{model.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    svg = re.search(r'<figure class="ml-curve-figure" data-testid="prediction-line">\s*(<svg.*?</svg>)', body, re.S)
    assert svg, body
    root = parse(svg.group(1))
    assert root.get("role") == "img"
    assert len(points_of(root)) == 6
    drawn = line_of(root)
    assert len(drawn) == 6  # two inputs (size, bedrooms): each row predicted, joined in order of size
    assert "joins its prediction for each row in order of size_sqft" in body
    assert "Mean absolute error" in body  # the numbers that were there already
    table = body.split('data-testid="prediction-line-values"')[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + 6
    assert ">2,545<" in table
    assert ">440<" in table
    # the linear model's line rises with size: the biggest house is predicted dearer than the smallest
    ys = [y for _x, y in drawn]
    assert ys[-1] < ys[0]  # SVG y grows downwards
    assert page.get(f"/ml/models/{model.id}/", HTTP_ACCEPT_LANGUAGE="ko").status_code == 200
    page.force_login(stranger)
    assert page.get(f"/ml/models/{model.id}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.embedded
def test_one_input_is_predicted_along_x_and_other_models_draw_nothing(teacher, media):
    table = CsvDatasetFactory(
        owner=teacher,
        data=(
            "size,price,kind,note\n"
            + "\n".join(
                f"{size},{price},{kind},x"
                for size, price, kind in (
                    (523, 115, "flat"),
                    (645, 150, "flat"),
                    (708, 210, "house"),
                    (1034, 280, "house"),
                    (2290, 355, "house"),
                )
            )
        ).encode(),
    )
    datasets.dataset_configure_table(dataset=table, target="price", features=["size"], task="regression")
    model = TrainedModelFactory(dataset=table, params={"model": "linear"})
    line = model_prediction_line(model)
    assert line is not None
    assert line["per_row"] is False
    assert [x for x, _y in line["points"]] == [523, 645, 708, 1034, 2290]
    assert len(line["line"]) == LINE_STEPS + 1
    assert line["line"][0][0] == 523
    assert line["line"][-1][0] == 2290
    assert line["line"][0][1] < line["line"][-1][1]  # a straight line that rises with size
    predicted = {row["x"]: row["predicted"] for row in line["rows"]}
    assert predicted[523] == pytest.approx(line["line"][0][1])  # the table and the line agree
    # answering a category, or once the data set's answer column changed, there is no such line
    datasets.dataset_configure_table(dataset=table, target="kind", features=["size"], task="classification")
    model = TrainedModel.objects.get(id=model.id)
    assert model_prediction_line(model) is None
    classifier = TrainedModelFactory(dataset=table, params={"model": "linear"})
    assert model_prediction_line(classifier) is None
    datasets.dataset_configure_table(dataset=table, target="price", features=["size"], task="regression")
    model = TrainedModel.objects.get(id=model.id)
    assert model_prediction_line(model) is not None
    table.delete()
    model.refresh_from_db()
    assert model_prediction_line(model) is None
