import math

import joblib
import numpy as np
import pytest

from mlcore.learn import (
    EVENT_KEYS,
    HOUSE_TABLE_NOTE,
    LearnError,
    TrainingCancelled,
    evaluate,
    export,
    load,
    load_digits,
    load_house_table,
    predict,
    predict_proba,
    prepare_input,
    save,
    train,
)


def _people(n=240, seed=0):
    """Buys or not, from age (numeric, some blanks), city (categorical, some blanks) and income strings."""
    rng = np.random.default_rng(seed)
    rows, labels = [], []
    for _ in range(n):
        age = int(rng.integers(18, 70))
        city = str(rng.choice(["Seoul", "Busan", "Daegu"]))
        income = float(rng.normal(50, 15))
        score = (age - 40) / 10 + (1.5 if city == "Seoul" else -0.5) + (income - 50) / 15
        labels.append("buy" if score + rng.normal(0, 0.4) > 0 else "skip")
        rows.append(
            {
                "age": None if rng.random() < 0.05 else age,
                "city": "" if rng.random() < 0.05 else city,
                "income": f"{income:.1f}",
            }
        )
    return rows, labels


def test_house_table_trains_on_everything_and_says_so():
    A, B = load_house_table()
    model = train(A, B, task="regression")
    assert model.metrics["heldout"] is False
    assert model.metrics["evaluated_on"] == "training"
    assert "warning" in model.metrics
    assert "too little data" in model.metrics["warning"].lower()
    assert model.metrics["n_train"] == 6
    assert model.metrics["mae"] < model.metrics["baseline_mae"]
    price = predict(model, [{"size_sqft": 1000, "bedrooms": 2}])
    assert len(price) == 1
    assert isinstance(price[0], float)
    assert 150 < price[0] < 350
    # A single dict row and positional rows give the same answer.
    assert predict(model, {"size_sqft": 1000, "bedrooms": 2}) == price
    assert predict(model, [[1000, 2]]) == price
    assert "six rows" in HOUSE_TABLE_NOTE.lower()


def test_one_column_flat_list_is_the_lecture_line():
    sizes = [523, 645, 708, 1034, 2290, 2545]
    prices = [115, 150, 210, 280, 355, 440]
    model = train(sizes, prices, task="regression")
    small, big = predict(model, [600, 2400])
    assert small < big
    assert model.input_shape == (1,)


def test_classification_with_categories_blanks_and_numeric_strings():
    rows, labels = _people()
    model = train(rows, labels, task="classification", seed=1)
    assert model.metrics["heldout"] is True
    assert model.metrics["n_validation"] == 48
    assert model.metrics["accuracy"] > 0.8
    assert model.column_kinds == ["numeric", "categorical", "numeric"]
    assert model.labels == ["buy", "skip"]
    # stratified: both classes in the held-out part
    assert all(c["support"] > 0 for c in model.metrics["per_class"])
    probs = predict_proba(model, rows[:5])
    assert all(set(p) == {"buy", "skip"} and math.isclose(sum(p.values()), 1.0) for p in probs)
    # an unseen category and a missing key are handled (ignored / imputed), not an error
    assert predict(model, [{"age": 30, "city": "Jeju"}])[0] in ("buy", "skip")
    report = evaluate(model, rows, labels)
    assert set(report) >= {"accuracy", "per_class", "confusion_matrix", "labels"}
    assert report["labels"] == ["buy", "skip"]
    assert np.array(report["confusion_matrix"]).sum() == len(rows)


def test_input_forms_agree():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 3
    as_array = train(X, y, task="regression")
    as_lists = train(X.tolist(), y.tolist(), task="regression")
    as_columns = train({"x0": X[:, 0], "x1": X[:, 1].tolist(), "x2": list(X[:, 2])}, list(y), task="regression")
    expected = predict(as_array, X[:4])
    assert np.allclose(predict(as_lists, X[:4].tolist()), expected)
    assert np.allclose(predict(as_columns, X[:4]), expected)
    assert as_array.metrics["r2"] > 0.99


def test_numeric_strings_are_a_numeric_target():
    model = train([[1], [2], [3], [4], [5]], ["10", "20", "30", "40", "1,000"], task="regression")
    assert model.task == "regression"


def test_blank_targets_are_dropped_and_counted():
    model = train([[1], [2], [3], [4], [5]], [1.0, None, 3.0, "", 5.0], task="regression")
    assert model.metrics["dropped_rows"] == 2


def test_digits_as_a_table_beat_chance():
    images, labels = load_digits()
    model = train(images.reshape(len(images), -1), labels, task="classification", seed=0)
    assert model.metrics["heldout"] is True
    assert model.metrics["accuracy"] > 0.8
    assert model.metrics["accuracy"] > model.metrics["baseline_accuracy"] + 0.5


def test_forest_option():
    rows, labels = _people(120)
    model = train(rows, labels, task="classification", params={"model": "forest", "n_estimators": 20})
    assert model.params["model"] == "forest"
    assert model.metrics["accuracy"] > 0.6


def test_save_load_and_export_round_trip(tmp_path):
    rows, labels = _people(120)
    model = train(rows, labels, task="classification")
    path = save(model, tmp_path / "people.zip")
    again = load(path)
    assert predict(again, rows) == predict(model, rows)
    assert predict_proba(again, rows[:3]) == predict_proba(model, rows[:3])
    assert again.metrics == model.metrics
    assert again.columns == model.columns

    exported = joblib.load(export(model, tmp_path / "people.joblib"))
    indices = exported["pipeline"].predict(prepare_input(model, rows))
    assert [exported["labels"][i] for i in indices] == predict(model, rows)

    A, B = load_house_table()
    house = train(A, B, task="regression")
    assert predict(load(save(house, tmp_path / "house.zip")), A) == predict(house, A)


def test_progress_and_cancel():
    events = []
    A, B = load_house_table()
    train(A, B, task="regression", progress=events.append)
    assert [e["stage"] for e in events] == ["start", "end"]
    assert all(tuple(e) == EVENT_KEYS for e in events)
    assert events[-1]["fraction"] == 1.0
    with pytest.raises(TrainingCancelled) as info:
        train(A, B, task="regression", should_stop=lambda: True)
    assert info.value.code == "cancelled"


@pytest.mark.parametrize(
    ("A", "B", "kwargs", "code"),
    [
        ([[1], [2], [3], [4]], ["a", "a", "a", "a"], {"task": "classification"}, "one_class"),
        ([[1], [2]], [1, 2], {"task": "regression"}, "too_few_rows"),
        ([], [], {"task": "regression"}, "too_few_rows"),
        ([[1], [2], [3], [4]], [1, "x", 3, 4], {"task": "regression"}, "non_numeric_target"),
        ([[1], [2], [3], [4]], [1, 2, 3], {"task": "regression"}, "length_mismatch"),
        ([[1, 2], [2], [3, 3], [4, 4]], [1, 2, 3, 4], {"task": "regression"}, "bad_shape"),
        (np.zeros((4, 2, 2)), [1, 2, 3, 4], {"task": "regression"}, "bad_shape"),
        ([[1], [2], [3]], [1, 2, 3], {"task": "clustering"}, "bad_task"),
        ([[1], [2], [3]], [1, 2, 3], {"task": "regression", "params": {"modle": "linear"}}, "bad_param"),
        ([[1], [2], [3]], [1, 2, 3], {"task": "regression", "params": {"model": "svm"}}, "bad_param"),
        ([[1], [2], [3]], [1, 2, 3], {"task": "regression", "params": {"validation_fraction": 0.9}}, "bad_param"),
        ([[1], [2], [3]], [1, 2, 3], {"task": "regression", "seed": -1}, "bad_param"),
        ([[None], [None], [None]], [1, 2, 3], {"task": "regression"}, "bad_input"),
    ],
)
def test_bad_input_codes(A, B, kwargs, code):
    with pytest.raises(LearnError) as info:
        train(A, B, **kwargs)
    assert info.value.code == code
    assert info.value.message
    assert info.value.as_dict()["code"] == code


def test_prediction_errors(tmp_path):
    model = train([1, 2, 3, 4], [1, 2, 3, 4], task="regression")
    with pytest.raises(LearnError) as info:
        predict_proba(model, [1])
    assert info.value.code == "not_classifier"
    with pytest.raises(LearnError) as info:
        predict(model, ["abc"])
    assert info.value.code == "bad_input"
    house = train(*load_house_table(), task="regression")
    for wrong in ([[1000]], {"rooms": [1], "area": [2]}):
        with pytest.raises(LearnError) as info:
            predict(house, wrong)
        assert info.value.code == "bad_shape"
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(LearnError) as info:
        load(tmp_path / "junk.zip")
    assert info.value.code == "bad_model_file"
