"""Text classification in mlcore.learn: no database, no download, Korean and English."""

import unicodedata

import joblib
import numpy as np
import pytest

from mlcore.learn import (
    DESKS,
    EVENT_KEYS,
    BadInput,
    BadParam,
    BadTask,
    LengthMismatch,
    OneClass,
    TrainingCancelled,
    evaluate,
    examples_needed,
    explain,
    export,
    generate_call_centre,
    generate_sentiment,
    generate_spam,
    learning_curve,
    load,
    predict,
    predict_proba,
    prepare_input,
    save,
    train,
)
from mlcore.learn.text import class_keywords

TASK = "text_classification"


@pytest.fixture(scope="module")
def desks():
    texts, labels = generate_call_centre(per_desk=60, seed=0)
    return texts, labels, train(texts, labels, task=TASK, seed=0)


def test_generated_sets_are_seeded_bilingual_and_balanced():
    a, la = generate_call_centre(per_desk=20, seed=3)
    b, lb = generate_call_centre(per_desk=20, seed=3)
    c, _ = generate_call_centre(per_desk=20, seed=4)
    assert (a, la) == (b, lb)
    assert a != c
    assert sorted(set(la)) == sorted(DESKS)
    assert all(la.count(k) == 20 for k in DESKS)
    hangul = [t for t in a if any("\uac00" <= ch <= "\ud7a3" for ch in t)]
    assert 30 <= len(hangul) <= 50  # about half Korean
    assert len(set(a)) > 0.9 * len(a)  # varied sentences, not a handful repeated
    ko, lko = generate_call_centre(per_desk=5, seed=0, languages=("ko",), label_language="ko")
    assert set(lko) == {v["ko"] for v in DESKS.values()}
    assert all(any("\uac00" <= ch <= "\ud7a3" for ch in t) for t in ko)
    for gen in (generate_spam, generate_sentiment):
        texts, labels = gen(per_class=30, seed=1)
        assert len(texts) == 60
        assert len(set(labels)) == 2


@pytest.mark.parametrize("seed", [11, 12])
def test_call_centre_heldout_accuracy_meets_the_target_on_a_fresh_seed(seed):
    """The issue's target: held-out accuracy >= 0.9 on the generated call centre."""
    texts, labels = generate_call_centre(per_desk=100, seed=seed)
    model = train(texts, labels, task=TASK, seed=seed)
    assert model.metrics["heldout"] is True
    assert model.metrics["n_validation"] == 80
    assert model.metrics["accuracy"] >= 0.9
    assert model.metrics["accuracy"] > model.metrics["baseline_accuracy"] + 0.5
    # and on sentences of another seed, which it never saw
    new_texts, new_labels = generate_call_centre(per_desk=25, seed=seed + 1000)
    assert evaluate(model, new_texts, new_labels)["accuracy"] >= 0.9


def test_spam_and_sentiment_are_learnt():
    for gen in (generate_spam, generate_sentiment):
        texts, labels = gen(per_class=80, seed=2)
        assert train(texts, labels, task=TASK).metrics["accuracy"] >= 0.9
    texts, labels = generate_sentiment(per_class=80, seed=2)
    model = train(texts, labels, task=TASK)
    assert predict(model, ["The food was good ★★★★★", "음식이 정말 맛있었어요"]) == ["positive", "positive"]


def test_predict_shapes_and_probabilities(desks):
    _, _, model = desks
    assert model.task == TASK
    assert model.is_classifier
    assert model.labels == sorted(DESKS)
    one = predict(model, "바지를 샀는데 살이 쪄서 환불하고 싶어요")
    assert one == ["refund"]
    assert predict(model, [{"text": "Where is my parcel?"}, ["택배가 아직 안 왔어요"]]) == ["delivery", "delivery"]
    probs = predict_proba(model, np.array(["I want to cancel my subscription"], dtype=object))
    assert set(probs[0]) == set(DESKS)
    assert abs(sum(probs[0].values()) - 1) < 1e-9
    assert max(probs[0], key=probs[0].get) == "cancellation"
    assert predict(model, []) == []
    # decomposed Korean (macOS) reads the same as composed
    nfd = unicodedata.normalize("NFD", "환불해 주세요")
    assert predict_proba(model, nfd) == predict_proba(model, "환불해 주세요")


def test_explanations_name_the_words_that_decided(desks):
    _, _, model = desks
    [result] = explain(model, "바지 샀는데 배송되는 동안 살이 쪄서 환불하고 싶어요")
    assert result["label"] == "refund"
    assert next(t["label"] for t in result["top"]) == "refund"
    assert len(result["top"]) == 3
    words = [w["word"] for w in result["words"]]
    assert "환불하고" in words[:2]
    assert all(w["weight"] > 0 for w in result["words"])
    # spans cover every word, in order, with offsets into the text
    text = "바지 샀는데 배송되는 동안 살이 쪄서 환불하고 싶어요"
    assert [s["word"] for s in result["spans"]] == text.split()
    assert all(text[s["start"] : s["end"]] == s["word"] for s in result["spans"])
    [mixed] = explain(model, "택배가 아직 안 왔어요 환불해 주세요")
    weights = {s["word"]: s["weight"] for s in mixed["spans"]}
    assert (weights["택배가"] < 0) == (mixed["label"] == "refund")  # a delivery word pulls the other way
    assert result["ngrams"]
    assert all(g["kind"] in ("char", "word") for g in result["ngrams"])
    [en] = explain(model, "WORST service EVER, I want to talk to a MANAGER")
    assert en["label"] == "complaint"
    assert {"WORST", "MANAGER"} & {w["word"] for w in en["words"][:3]}  # as written, though the model lower-cases
    keywords = class_keywords(model.impl, model.labels)
    assert any("환불" in k["ngram"] for k in keywords["refund"])


def test_binary_explanations_point_both_ways():
    texts, labels = generate_spam(per_class=60, seed=0)
    model = train(texts, labels, task=TASK)
    spam, ham = explain(model, ["Congratulations you won a FREE prize, click the link", "What time is dinner?"])
    assert spam["label"] == "spam"
    assert ham["label"] == "ham"
    assert spam["words"]
    assert ham["words"]


def test_progress_events_and_cancel():
    texts, labels = generate_call_centre(per_desk=15, seed=0)
    events = []
    train(texts, labels, task=TASK, progress=events.append)
    assert [e["stage"] for e in events] == ["start", "end"]
    assert all(set(e) == set(EVENT_KEYS) for e in events)
    assert events[-1]["val_accuracy"] is not None
    with pytest.raises(TrainingCancelled):
        train(texts, labels, task=TASK, should_stop=lambda: True)


def test_bad_input_is_refused_with_stable_codes():
    texts, labels = generate_call_centre(per_desk=5, seed=0)
    with pytest.raises(LengthMismatch):
        train(texts, labels[:-1], task=TASK)
    with pytest.raises(OneClass):
        train(texts, ["refund"] * len(texts), task=TASK)
    with pytest.raises(BadInput):
        train(["", " ", "  "] * 4, ["a", "b", "c"] * 4, task=TASK)
    with pytest.raises(BadInput):
        train([object()] * 6, ["a", "b"] * 3, task=TASK)
    with pytest.raises(BadParam):
        train(texts, labels, task=TASK, params={"char_ngrams": "3-9"})
    with pytest.raises(BadParam):
        train(texts, labels, task=TASK, params={"char_ngrams": "none", "word_ngrams": 0})
    with pytest.raises(BadParam):
        train(texts, labels, task=TASK, params={"epochs": 3})
    # blank answers are dropped, numbers read as their digits
    model = train([*texts, "no answer"], [*labels, ""], task=TASK)
    assert model.metrics["dropped_rows"] == 1
    assert predict(model, [123])
    assert predict(model, [None])
    tabular = train([1, 2, 3, 4], [2, 4, 6, 8], task="regression")
    with pytest.raises(BadTask):
        explain(tabular, "x")


def test_tiny_data_trains_on_everything_and_says_so():
    model = train(["refund please", "where is it", "refund now", "parcel late"], ["r", "d", "r", "d"], task=TASK)
    assert model.metrics["heldout"] is False
    assert "warning" in model.metrics


def test_save_load_export_roundtrip(tmp_path, desks):
    texts, _labels, model = desks
    path = save(model, tmp_path / "text.zip")
    again = load(path)
    assert again.task == TASK
    assert again.labels == model.labels
    assert predict_proba(again, texts[:5]) == predict_proba(model, texts[:5])
    assert explain(again, "환불")[0]["words"] == explain(model, "환불")[0]["words"]
    out = export(model, tmp_path / "text.joblib")
    bundle = joblib.load(out)
    assert bundle["task"] == TASK
    assert bundle["labels"] == model.labels
    # the exported pipeline runs with scikit-learn alone on prepare_input's strings
    raw = bundle["pipeline"].predict(list(prepare_input(model, texts[:10])))
    assert [bundle["labels"][i] for i in raw] == predict(model, texts[:10])


def test_learning_curve_for_text():
    texts, labels = generate_call_centre(per_desk=40, seed=5)
    curve = learning_curve(texts, labels, task=TASK, fractions=(0.1, 0.2, 0.4, 0.8), folds=3, seed=0)
    assert curve["metric"] == "error_rate"
    assert curve["baseline"].startswith("TF-IDF")
    assert curve["mean_error"][0] > curve["mean_error"][-1]
    assert curve["fit"] is not None
    estimate, low, high = examples_needed(curve["fit"], 0.5, measured_max=max(curve["sizes"]))
    assert low <= estimate <= high


ODD_TEXTS = [
    "",
    "   ",
    "!!!",
    "Refund REFUND refund\t환불\n환불해   주세요",
    "x" * 200,
    "İstanbul ΣΊΣΥΦΟΣ straße",
    "a\u3000b\u00a0c",
    "主 주문 注文 123 4.5",
]


@pytest.mark.parametrize("params", [{}, {"word_ngrams": 2}, {"char_ngrams": "none"}, {"word_ngrams": 0}])
def test_live_features_are_the_pipelines_own(params):
    """Live routing extracts features with each token's n-grams looked up once per model
    (mlcore.learn.text._features): the same matrix as the pipeline's transform, cold and warm."""
    from mlcore.learn.text import _features

    texts, labels = generate_call_centre(per_desk=30, seed=1)
    model = train(texts, labels, task=TASK, seed=0, params=params)
    fresh, _ = generate_call_centre(per_desk=10, seed=9)
    batch = fresh + [t[:k] for t in fresh[:5] for k in range(1, len(t), 3)] + ODD_TEXTS
    expected = model.impl.pipeline.named_steps["features"].transform(batch).tocsr()
    expected.sort_indices()
    for _ in range(2):  # cold, then from the per-token memory
        got = _features(model.impl, batch)
        assert got.shape == expected.shape
        assert np.array_equal(got.indptr, expected.indptr)
        assert np.array_equal(got.indices, expected.indices)
        np.testing.assert_allclose(got.data, expected.data, rtol=1e-12)
    assert bool(model.impl.token_columns) == (params.get("char_ngrams") != "none")  # words alone: no n-grams


def test_explanations_do_not_depend_on_what_was_explained_before(desks):
    """The per-word and per-token memories change no explanation: explained again after many other
    sentences, or by a freshly loaded model, a sentence is explained exactly the same."""
    texts, _labels, model = desks
    sentence = "택배가 아직 안 왔어요 환불해 주세요"
    first = explain(model, sentence)
    explain(model, texts[:50] + ODD_TEXTS)
    assert explain(model, sentence) == first
    assert explain(model, [sentence] * 3) == first * 3


@pytest.mark.parametrize("generate", [generate_call_centre, generate_spam], ids=["five desks", "two classes"])
def test_live_probabilities_are_scikit_learns(generate):
    """Live routing computes a logistic regression's probabilities itself (no input checks): the
    same numbers as ``predict_proba``, softmax for several classes and expit for two."""
    from mlcore.learn.text import _features, linear_probabilities

    texts, labels = generate(per_class=30, seed=2) if generate is generate_spam else generate(per_desk=30, seed=2)
    model = train(texts, labels, task=TASK, seed=0)
    fresh = [*texts[:40], "", "x", "환불", "FREE money!!!"]
    X = _features(model.impl, fresh)
    lr = model.impl.pipeline.named_steps["model"]
    np.testing.assert_allclose(linear_probabilities(lr, X), lr.predict_proba(X), rtol=1e-12, atol=1e-15)


def test_a_live_route_can_leave_the_ngrams_out(desks):
    """The phone shows the desks and the deciding words only: the n-grams are not looked up."""
    _, _, model = desks
    text = "바지를 샀는데 살이 쪄서 환불하고 싶어요"
    full, lean = explain(model, text)[0], explain(model, text, ngrams=False)[0]
    assert full["ngrams"]
    assert lean["ngrams"] == []
    assert {k: v for k, v in lean.items() if k != "ngrams"} == {k: v for k, v in full.items() if k != "ngrams"}
