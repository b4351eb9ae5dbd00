"""Live text explanations in a child process (mlcore.services.text_serving): the same answers as in
the web process, the model loaded once in the child, and a fallback in-process where the child
cannot be used."""

from __future__ import annotations

import pytest
from django.utils import translation

from mlcore.services import registry
from mlcore.services.text_serving import TextExplainer
from tests.mlcore.factories import BuiltinDatasetFactory, TrainedModelFactory

pytestmark = [pytest.mark.django_db]

SENTENCES = ["환불해 주세요 돈 돌려받고 싶어요", "The parcel never arrived", "해지하고 싶어요"]


@pytest.fixture
def text_model(teacher, media):
    with translation.override("en"):
        dataset = BuiltinDatasetFactory(owner=teacher, which="callcentre", per_class=40)
    return TrainedModelFactory(dataset=dataset, params={})


def test_the_child_explains_as_the_web_process_would(text_model, settings):
    settings.MLCORE_TEXT_CHILD_PROCESS = True
    explainer = TextExplainer()
    try:
        explainer.warm(text_model)
        assert explainer._pool is not None, "the child was started"
        there = explainer.explain(model=text_model, texts=SENTENCES, top=3, words=5)
        here = registry.explain_texts(model=text_model, texts=SENTENCES, top=3, words=5)
        assert there == here
        assert [r["label"] for r in there] == ["refund", "delivery", "cancellation"]
    finally:
        explainer.close()


def test_without_the_child_it_explains_in_process(text_model, settings):
    settings.MLCORE_TEXT_CHILD_PROCESS = False
    explainer = TextExplainer()
    assert explainer.explain(model=text_model, texts=SENTENCES[:1], top=3, words=5)[0]["label"] == "refund"
    assert explainer._pool is None


def test_a_child_that_cannot_read_the_model_falls_back(text_model, monkeypatch, settings):
    """A model file the child cannot open: the batch is explained in-process, correctly."""
    settings.MLCORE_TEXT_CHILD_PROCESS = True
    explainer = TextExplainer()
    monkeypatch.setattr("mlcore.services.text_serving._local_file", lambda model: "/no/such/model.zip")
    try:
        assert explainer.explain(model=text_model, texts=SENTENCES[:1], top=3, words=5)[0]["label"] == "refund"
    finally:
        explainer.close()
