"""A small convolutional network for image classification on a CPU.

Three conv blocks (conv 3x3 -> 2x2 max pool while the map is at least 6 pixels wide -> batch norm ->
ReLU), a 3x3 average pool and one linear layer: about 29k weights at the default width. Pooling before
the batch norm and ReLU, and the channels-last memory layout, each roughly halve the CPU time; the net
trains on 4,000 doodles in about a second per epoch with two threads and predicts thousands of images
per second.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import images as img
from .common import (
    VALIDATION_FRACTION,
    ParamSpec,
    Target,
    boolean,
    check_params,
    float_range,
    heldout_split,
    int_range,
    split_info,
)
from .errors import BadShape, TooFewRows
from .metrics import classification_metrics, majority_baseline
from .progress import Reporter

MAX_THREADS = 2
#: Fewer optimiser steps than this: a constant learning rate (one-cycle needs room for its phases).
MIN_SCHEDULED_STEPS = 8
"""Upper bound on torch threads while training or predicting; the workshop server shares its cores."""

PREDICT_BATCH = 1024

PARAMS: dict[str, ParamSpec] = {
    "validation_fraction": VALIDATION_FRACTION,
    "epochs": ParamSpec(8, int_range(1, 200)),
    "batch_size": ParamSpec(64, int_range(1, 1024)),
    "learning_rate": ParamSpec(0.005, float_range(1e-5, 1.0)),
    "weight_decay": ParamSpec(5e-4, float_range(0.0, 0.5)),
    "augment": ParamSpec(True, boolean),
    "image_size": ParamSpec(None, int_range(img.MIN_SIDE, img.MAX_SIDE, allow_none=True)),
    "width": ParamSpec(16, int_range(4, 64)),
    "auto_invert": ParamSpec(True, boolean),
}


class SmallCNN(nn.Module):
    """Takes float pixels in [0, 1], N x C x H x W, and returns class logits (normalisation is built in,
    so an exported TorchScript file needs no side information but the size)."""

    def __init__(
        self, in_channels: int, n_classes: int, width: int, height: int, image_width: int, dropout: float = 0.1
    ) -> None:
        super().__init__()
        self.register_buffer("mean", torch.zeros(1, in_channels, 1, 1))
        self.register_buffer("std", torch.ones(1, in_channels, 1, 1))
        layers: list[nn.Module] = []
        h, w, c = height, image_width, in_channels
        for out in (width, 2 * width, 4 * width):
            layers.append(nn.Conv2d(c, out, 3, padding=1, bias=False))
            if min(h, w) >= 6:
                layers.append(nn.MaxPool2d(2))
                h, w = h // 2, w // 2
            layers += [nn.BatchNorm2d(out), nn.ReLU(inplace=True)]
            c = out
        layers += [nn.AdaptiveAvgPool2d(3), nn.Flatten(), nn.Dropout(dropout), nn.Linear(c * 9, n_classes)]
        self.body = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = ((x - self.mean) / self.std).contiguous(memory_format=torch.channels_last)
        return self.body(x)


class Probabilities(nn.Module):
    """What :func:`export` writes: pixels in [0, 1] in, class probabilities out."""

    def __init__(self, net: SmallCNN) -> None:
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.net(x), dim=1)


@contextmanager
def limited_threads(limit: int | None = None) -> Iterator[None]:
    """Cap torch's threads for the duration, then put the caller's setting back."""
    limit = max(1, min(limit or MAX_THREADS, os.cpu_count() or 1))
    before = torch.get_num_threads()
    if before != limit:
        torch.set_num_threads(limit)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Same seed, same model: seed torch, use deterministic kernels, and leave global state as found."""
    det = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    with torch.random.fork_rng(devices=[]), limited_threads():
        torch.manual_seed(seed)
        torch.use_deterministic_algorithms(True)
        try:
            yield
        finally:
            torch.use_deterministic_algorithms(det, warn_only=warn_only)


@dataclass
class CnnImpl:
    net: SmallCNN
    arch: dict[str, Any]
    auto_invert: bool

    @property
    def geometry(self) -> tuple[int, int, int]:
        return self.arch["height"], self.arch["image_width"], self.arch["in_channels"]

    def prepare(self, A: Any) -> np.ndarray:
        """uint8 N x C x H x W exactly as the network sees it (before dividing by 255)."""
        if img.is_single_image(A):
            A = [A]
        images = img.read_images(A)
        h, w, c = self.geometry
        return img.prepare(images, h, w, c, auto_invert=self.auto_invert)

    def logits(self, A: Any) -> np.ndarray:
        batch = self.prepare(A)
        return self.logits_prepared(batch)

    def logits_prepared(self, batch: np.ndarray) -> np.ndarray:
        out = np.empty((len(batch), self.arch["n_classes"]), dtype=np.float32)
        self.net.eval()
        with limited_threads(), torch.inference_mode():
            for start in range(0, len(batch), PREDICT_BATCH):
                # astype copies, so read-only inputs (np.asarray of a PIL image) are fine
                chunk = torch.from_numpy(batch[start : start + PREDICT_BATCH].astype(np.float32)).div_(255.0)
                out[start : start + len(chunk)] = self.net(chunk).numpy()
        return out

    def predict_raw(self, A: Any) -> np.ndarray:
        return self.logits(A).argmax(axis=1).astype(np.int64)

    def proba(self, A: Any) -> np.ndarray:
        logits = self.logits(A).astype(np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)


def build_net(arch: Mapping[str, Any]) -> SmallCNN:
    net = SmallCNN(
        arch["in_channels"], arch["n_classes"], arch["width"], arch["height"], arch["image_width"], arch["dropout"]
    )
    return net.to(memory_format=torch.channels_last)


def train_cnn(
    A: Any, target_of: Any, *, params: Mapping[str, Any] | None, seed: int, reporter_of: Any
) -> tuple[CnnImpl, dict[str, Any], dict[str, Any], list[dict[str, Any]], Target]:
    clean = check_params(params, PARAMS)
    if img.is_single_image(A):
        raise BadShape("A must be a list of images, not a single image.")
    images = img.read_images(A)
    target: Target = target_of(len(images))
    if len(target.keep) < len(images):
        images = images[target.keep] if isinstance(images, np.ndarray) else [images[i] for i in target.keep]
    if len(images) == 0:
        raise TooFewRows("No images.", rows=0, minimum=1)
    height, width, channels = img.choose_geometry(images, clean["image_size"])
    X = img.prepare(images, height, width, channels, auto_invert=clean["auto_invert"])
    y = target.y
    labels = target.labels
    split = heldout_split(len(y), y, clean["validation_fraction"], seed)
    arch = {
        "in_channels": channels,
        "n_classes": len(labels),
        "width": clean["width"],
        "height": height,
        "image_width": width,
        "dropout": 0.1,
    }
    epochs = clean["epochs"]
    reporter: Reporter = reporter_of(epochs)
    reporter.emit("start", 0)
    history: list[dict[str, Any]] = []
    with seeded(seed):
        net = build_net(arch)
        x_train = torch.from_numpy(X[split.train])
        y_train = torch.from_numpy(y[split.train])
        x_val = torch.from_numpy(X[split.val])
        y_val = torch.from_numpy(y[split.val])
        pixels = x_train.float().div_(255.0)
        net.mean.copy_(pixels.mean(dim=(0, 2, 3)).view(1, -1, 1, 1))
        net.std.copy_(pixels.std(dim=(0, 2, 3)).clamp_min(1e-3).view(1, -1, 1, 1))
        del pixels
        generator = torch.Generator().manual_seed(seed)
        batch_size = min(clean["batch_size"], len(x_train))
        steps = math.ceil(len(x_train) / batch_size)
        optimiser = torch.optim.AdamW(net.parameters(), lr=clean["learning_rate"], weight_decay=clean["weight_decay"])
        # One-cycle needs a few steps in each phase; a tiny run (a handful of images) keeps a
        # constant rate instead of dividing by a zero-length phase.
        schedule = (
            torch.optim.lr_scheduler.OneCycleLR(
                optimiser, max_lr=clean["learning_rate"], total_steps=epochs * steps, pct_start=0.25
            )
            if epochs * steps >= MIN_SCHEDULED_STEPS
            else None
        )
        padding = "zeros" if channels == 1 else "border"
        for epoch in range(1, epochs + 1):
            net.train()
            order = torch.randperm(len(x_train), generator=generator)
            loss_sum, correct = 0.0, 0
            for start in range(0, len(order), batch_size):
                reporter.check()
                idx = order[start : start + batch_size]
                xb = x_train[idx].float().div_(255.0)
                yb = y_train[idx]
                if clean["augment"]:
                    xb = img.augment(xb, generator, padding=padding)
                logits = net(xb)
                loss = F.cross_entropy(logits, yb)
                optimiser.zero_grad(set_to_none=True)
                loss.backward()
                optimiser.step()
                if schedule is not None:
                    schedule.step()
                loss_sum += float(loss.detach()) * len(idx)
                correct += int((logits.argmax(1) == yb).sum())
            reporter.check()
            # Without a held-out part there is nothing honest to report per epoch (and scoring the
            # training rows again would cost a third of the training time).
            val_loss, val_acc = _score(net, x_val, y_val) if split.heldout else (None, None)
            entry = {
                "epoch": epoch,
                "train_loss": loss_sum / len(x_train),
                "train_accuracy": correct / len(x_train),
                "val_loss": val_loss,
                "val_accuracy": val_acc,
                "seconds": round(reporter.elapsed(), 4),
            }
            history.append(entry)
            reporter.emit(
                "epoch",
                epoch,
                train_loss=entry["train_loss"],
                train_accuracy=entry["train_accuracy"],
                val_loss=val_loss,
                val_accuracy=val_acc,
            )
        net.eval()
    impl = CnnImpl(net, arch, clean["auto_invert"])
    started = time.perf_counter()
    val_pred = impl.logits_prepared(X[split.val]).argmax(axis=1)
    metrics = classification_metrics(y[split.val], val_pred, labels)
    metrics["baseline_accuracy"] = majority_baseline(y[split.train], y[split.val])
    metrics["predict_seconds_per_image"] = (time.perf_counter() - started) / max(1, len(split.val))
    metrics.update(split_info(split, target))
    last = history[-1]
    reporter.emit(
        "end",
        epochs,
        train_loss=last["train_loss"],
        train_accuracy=last["train_accuracy"],
        val_loss=last["val_loss"],
        val_accuracy=last["val_accuracy"],
    )
    return impl, clean, metrics, history, target


def _score(net: SmallCNN, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    net.eval()
    loss_sum, correct = 0.0, 0
    with torch.inference_mode():
        for start in range(0, len(x), PREDICT_BATCH):
            xb = x[start : start + PREDICT_BATCH].float().div_(255.0)
            yb = y[start : start + PREDICT_BATCH]
            logits = net(xb)
            loss_sum += float(F.cross_entropy(logits, yb, reduction="sum"))
            correct += int((logits.argmax(1) == yb).sum())
    n = max(1, len(x))
    return loss_sum / n, correct / n
