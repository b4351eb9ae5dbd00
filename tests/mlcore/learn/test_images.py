import numpy as np
import pytest
import torch
from PIL import Image

from mlcore.learn import (
    EVENT_KEYS,
    LearnError,
    TrainingCancelled,
    evaluate,
    export,
    generate_doodles,
    load,
    load_digits,
    predict,
    predict_proba,
    prepare_input,
    save,
    train,
)


@pytest.fixture(scope="module")
def doodle_run(doodles_small):
    images, labels = doodles_small
    events = []
    model = train(images, labels, task="image_classification", params={"epochs": 4}, seed=0, progress=events.append)
    return model, events, images, labels


def test_doodles_well_above_chance(doodle_run):
    model, _, images, labels = doodle_run
    assert model.metrics["heldout"] is True
    assert model.metrics["n_validation"] == 200
    assert model.metrics["accuracy"] > 0.6
    assert model.input_shape == (28, 28, 1)
    assert len(model.history) == 4
    assert model.labels == sorted(set(labels))
    report = evaluate(model, images[:100], labels[:100])
    assert np.array(report["confusion_matrix"]).shape == (10, 10)
    assert sum(c["support"] for c in report["per_class"]) == 100


def test_progress_events(doodle_run):
    _, events, _, _ = doodle_run
    assert all(tuple(e) == EVENT_KEYS for e in events)
    epochs = [e for e in events if e["stage"] == "epoch"]
    assert [e["epoch"] for e in epochs] == [1, 2, 3, 4]
    assert events[0]["stage"] == "start"
    assert events[-1]["stage"] == "end"
    fractions = [e["fraction"] for e in epochs]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert epochs[-1]["eta_seconds"] == 0.0
    for e in epochs:
        assert e["epochs"] == 4
        assert 0 <= e["val_accuracy"] <= 1
        assert 0 <= e["train_accuracy"] <= 1
        assert e["train_loss"] > 0
        assert e["val_loss"] >= 0
        assert e["seconds"] > 0


def test_predict_forms_and_probabilities(doodle_run):
    model, _, images, _ = doodle_run
    batch = predict(model, images[:8])
    assert predict(model, images[0]) == batch[:1]
    assert predict(model, list(images[:8])) == batch
    assert predict(model, [Image.fromarray(a) for a in images[:8]]) == batch
    # a black-on-white canvas drawing is flipped to the white-on-black the model was trained on
    assert predict(model, 255 - images[:8]) == batch
    # a bigger RGBA canvas is shrunk, laid on white and flipped
    rgba = np.zeros((56, 56, 4), dtype=np.uint8)
    rgba[..., 3] = np.kron(images[0], np.ones((2, 2), dtype=np.uint8))
    assert predict(model, Image.fromarray(rgba, "RGBA")) == batch[:1]
    probs = predict_proba(model, images[:3])
    assert [max(p, key=p.get) for p in probs] == batch[:3]
    assert all(abs(sum(p.values()) - 1) < 1e-6 for p in probs)


def test_save_load_round_trip(doodle_run, tmp_path):
    model, _, images, _ = doodle_run
    again = load(save(model, tmp_path / "doodles.zip"))
    assert again.task == model.task
    assert again.labels == model.labels
    assert again.input_shape == model.input_shape
    assert again.history == model.history
    assert np.array_equal(again.impl.logits(images[:200]), model.impl.logits(images[:200]))
    assert predict(again, images[:200]) == predict(model, images[:200])


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_export_torchscript(doodle_run, tmp_path):
    model, _, images, _ = doodle_run
    path = export(model, tmp_path / "doodles.pt")
    extra = {"meta.json": ""}
    scripted = torch.jit.load(str(path), _extra_files=extra)
    assert b'"image_classification"' in extra["meta.json"]
    with torch.inference_mode():
        out = scripted(torch.from_numpy(prepare_input(model, images[:50]))).numpy()
    expected = np.array([[p[label] for label in model.labels] for p in predict_proba(model, images[:50])])
    assert np.allclose(out, expected, atol=1e-5)


def test_digits_cnn_beats_chance():
    images, labels = load_digits()
    model = train(images, labels, task="image_classification", params={"epochs": 2}, seed=0)
    assert model.input_shape == (8, 8, 1)
    assert model.metrics["accuracy"] > 0.8


def test_same_seed_same_model():
    images, labels = generate_doodles(per_class=20, seed=3)
    params = {"epochs": 2, "batch_size": 32}
    det_before, threads_before = torch.are_deterministic_algorithms_enabled(), torch.get_num_threads()
    a = train(images, labels, task="image_classification", params=params, seed=7)
    b = train(images, labels, task="image_classification", params=params, seed=7)
    c = train(images, labels, task="image_classification", params=params, seed=8)
    assert np.array_equal(a.impl.logits(images), b.impl.logits(images))
    assert a.history == [{**h, "seconds": a.history[i]["seconds"]} for i, h in enumerate(b.history)]
    assert predict(a, images) == predict(b, images)
    assert not np.array_equal(a.impl.logits(images), c.impl.logits(images))
    # global torch state is left as it was
    assert torch.are_deterministic_algorithms_enabled() == det_before
    assert torch.get_num_threads() == threads_before


def test_should_stop_cancels_between_batches():
    images, labels = generate_doodles(per_class=10, seed=0)
    calls = []

    def stop():
        calls.append(1)
        return len(calls) > 3

    events = []
    with pytest.raises(TrainingCancelled) as info:
        train(
            images,
            labels,
            task="image_classification",
            params={"batch_size": 8},
            should_stop=stop,
            progress=events.append,
        )
    assert info.value.code == "cancelled"
    assert len(calls) == 4
    assert [e["stage"] for e in events] == ["start"]


def test_colour_photos_of_any_size():
    rng = np.random.default_rng(0)
    photos, labels = [], []
    for i in range(40):
        red = i % 2 == 0
        h, w = (90, 120) if i % 3 else (70, 70)
        img = rng.integers(0, 60, (h, w, 3), dtype=np.uint8)
        img[20:50, 20:50, 0 if red else 2] = 230
        photos.append(img if i % 4 else Image.fromarray(img))
        labels.append("red" if red else "blue")
    model = train(photos, labels, task="image_classification", params={"epochs": 3, "batch_size": 16})
    assert model.input_shape == (64, 64, 3)
    assert model.metrics["heldout"] is True
    assert model.metrics["n_validation"] == 8
    assert predict(model, photos[0])[0] in ("red", "blue")
    assert set(predict(model, photos)) <= {"red", "blue"}


def test_tiny_image_set_falls_back_with_warning():
    images, labels = generate_doodles(per_class=2, seed=0, classes=("circle", "line"))
    model = train(images, labels, task="image_classification", params={"epochs": 1})
    assert model.metrics["heldout"] is False
    assert "optimistic" in model.metrics["warning"]


@pytest.mark.parametrize(
    ("A", "params", "code"),
    [
        ([np.zeros(10)] * 6, None, "bad_shape"),
        ([np.zeros((8, 8, 5))] * 6, None, "bad_shape"),
        (np.zeros((6, 8, 8, 2)), None, "bad_shape"),
        ([{"pixels": 1}] * 6, None, "bad_shape"),
        (["not an image"] * 6, None, "bad_shape"),
        (np.zeros((28, 28)), None, "bad_shape"),
        ([np.full((8, 8), np.nan)] * 6, None, "bad_input"),
        ([np.zeros((8, 8))] * 6, {"epochs": 0}, "bad_param"),
        ([np.zeros((8, 8))] * 6, {"epochs": 2.5}, "bad_param"),
        ([np.zeros((8, 8))] * 6, {"batch_size": "64"}, "bad_param"),
        ([np.zeros((8, 8))] * 6, {"learning_rate": -0.1}, "bad_param"),
        ([np.zeros((8, 8))] * 6, {"augment": "yes"}, "bad_param"),
        ([np.zeros((8, 8))] * 6, {"image_size": 512}, "bad_param"),
        ([np.zeros((8, 8))] * 6, {"model": "forest"}, "bad_param"),
    ],
)
def test_bad_images_and_params(A, params, code):
    labels = ["a", "b"] * 3 if not (isinstance(A, np.ndarray) and A.ndim == 2) else ["a", "b"] * 14
    with pytest.raises(LearnError) as info:
        train(A, labels, task="image_classification", params=params)
    assert info.value.code == code


def test_one_class_and_too_few_images():
    with pytest.raises(LearnError) as info:
        train([np.zeros((8, 8))] * 6, ["a"] * 6, task="image_classification")
    assert info.value.code == "one_class"
    with pytest.raises(LearnError) as info:
        train([np.zeros((8, 8))] * 2, ["a", "b"], task="image_classification")
    assert info.value.code == "too_few_rows"


def test_a_tiny_run_trains_with_a_constant_rate():
    """Ten images, batch 8, two epochs: four optimiser steps, too few for a one-cycle schedule."""
    images, labels = generate_doodles(per_class=5, seed=0)
    model = train(images[:10], list(labels[:10]), task="image_classification", params={"epochs": 2, "batch_size": 8})
    assert len(model.history) == 2
