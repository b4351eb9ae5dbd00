"""Text classification for Korean and English without a tokenizer: TF-IDF on character n-grams
(inside word boundaries, ``char_wb``) plus word n-grams, and a logistic regression.

Character n-grams need no dictionary: "환불해" and "환불은" share "환불", "refunded" and "refund"
share "refun". Word unigrams add whole words where a language puts spaces between them. Texts are
NFC-normalised first (macOS writes Korean decomposed) and lower-cased by the vectoriser.

Explanations (:func:`explain_batch`) are exact for this linear model: a text's score for a class is
the sum over its n-grams of (TF-IDF value x weight), so each n-gram's share of the score is known,
and a word's share is the sum over the n-grams inside it.
"""

from __future__ import annotations

import math
import re
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .common import (
    VALIDATION_FRACTION,
    ParamSpec,
    Target,
    check_params,
    float_range,
    heldout_split,
    int_range,
    one_of,
    split_info,
)
from .errors import BadInput
from .metrics import classification_metrics, majority_baseline
from .progress import Reporter

TASK = "text_classification"

#: Measured on the generated call centre (6 seeds x 240 examples, 48 held out each): char_wb 2-5 with
#: word unigrams, C=1, was best (0.983 mean, 0.958 worst) and among the fastest; char_wb 1-4 with or
#: without words 0.972-0.986, words alone 0.951-0.969. See docs/mlcore-learn.md ("Text").
PARAMS: dict[str, ParamSpec] = {
    "validation_fraction": VALIDATION_FRACTION,
    "char_ngrams": ParamSpec("2-5", one_of("1-3", "1-4", "2-4", "2-5", "none")),
    "word_ngrams": ParamSpec(1, int_range(0, 2)),
    "C": ParamSpec(1.0, float_range(0.001, 1000.0)),
    "max_features": ParamSpec(200_000, int_range(100, 1_000_000)),
}

WORD_PATTERN = r"(?u)\b\w+\b"
_WORD_RE = re.compile(WORD_PATTERN)


# --------------------------------------------------------------------------- reading A


def clean_text(value: Any, row: int | None = None) -> str:
    """One text: strings as they are (NFC), numbers as their digits, blanks as ""."""
    if value is None:
        return ""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            raise BadInput("A text is not UTF-8.", argument="A", row=row) from None
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadInput(f"A must hold texts; row {row} holds a {type(value).__name__}.", argument="A", row=row)
    return unicodedata.normalize("NFC", str(value))


def read_texts(A: Any) -> list[str]:
    """A single string, a list of strings, a 1-D array, or rows of one column (dicts or one-item lists)."""
    if isinstance(A, str | bytes):
        return [clean_text(A, 1)]
    if isinstance(A, np.ndarray):
        if A.ndim == 2 and A.shape[1] == 1:
            A = A[:, 0]
        if A.ndim != 1:
            raise BadInput("A must be a flat list of texts.", argument="A")
        A = A.tolist()
    if isinstance(A, Mapping):
        A = [A]
    if not isinstance(A, Sequence):
        try:
            A = list(A)
        except TypeError:
            raise BadInput("A must be a text or a list of texts.", argument="A") from None
    return [clean_text(_only_cell(value, i), i) for i, value in enumerate(A, start=1)]


def text_column(A: Any) -> str | None:
    """The column name when A is rows of one named column (``[{"text": ...}, ...]``), else None."""
    if isinstance(A, Sequence) and not isinstance(A, str | bytes) and A and isinstance(A[0], Mapping):
        keys = list(A[0])
        return str(keys[0]) if len(keys) == 1 else None
    return None


def _only_cell(value: Any, row: int) -> Any:
    """The text of a one-column row (``{"text": ...}`` or ``[...]``), or the value itself."""
    if isinstance(value, Mapping | list | tuple):
        if len(value) != 1:
            raise BadInput("A row of a text model must have exactly one column.", argument="A", row=row)
        return next(iter(value.values())) if isinstance(value, Mapping) else value[0]
    return value


# --------------------------------------------------------------------------- the estimator


def _range(spec: str) -> tuple[int, int]:
    lo, hi = spec.split("-")
    return int(lo), int(hi)


def build_pipeline(params: Mapping[str, Any], seed: int) -> Any:
    """TF-IDF features (character n-grams and/or word n-grams) -> logistic regression.

    Only scikit-learn classes, so the exported joblib runs without this package."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415  defers sklearn
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415  defers sklearn
    from sklearn.pipeline import FeatureUnion, Pipeline  # noqa: PLC0415  defers sklearn

    parts = []
    if params["char_ngrams"] != "none":
        parts.append(
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=_range(params["char_ngrams"]),
                    sublinear_tf=True,
                    max_features=params["max_features"],
                ),
            )
        )
    if params["word_ngrams"] > 0:
        parts.append(
            (
                "word",
                TfidfVectorizer(
                    analyzer="word",
                    token_pattern=WORD_PATTERN,
                    ngram_range=(1, params["word_ngrams"]),
                    sublinear_tf=True,
                    max_features=params["max_features"],
                ),
            )
        )
    if not parts:
        raise ValueError("char_ngrams 'none' needs word_ngrams of 1 or 2")
    model = LogisticRegression(C=params["C"], max_iter=2000, random_state=seed)
    return Pipeline([("features", FeatureUnion(parts)), ("model", model)])


@dataclass
class TextImpl:
    pipeline: Any
    n_labels: int
    names: Any = field(default=None, repr=False)
    #: Explanations: each word's n-gram columns and counts (:func:`_word_columns`), computed once
    #: per word and model (a class's sentences share most of their words).
    word_columns: dict[str, list[tuple[int, int]]] = field(default_factory=dict, repr=False)
    #: Explanations: each feature kind's analyser and its columns (:func:`_analysers`).
    analysers: Any = field(default=None, repr=False)
    #: Live features: how each feature kind is extracted (:func:`_fast_parts`), and each whitespace
    #: token's character n-gram columns (:func:`_token_columns`).
    fast_parts: Any = field(default=None, repr=False)
    token_columns: dict[str, list[tuple[int, int]]] = field(default_factory=dict, repr=False)
    #: Explanations: the centred class weights (:func:`_class_weights`), once per loaded model (a
    #: seventh of a live route's time when computed per batch).
    class_weights: Any = field(default=None, repr=False)

    def texts(self, A: Any) -> list[str]:
        return read_texts(A)

    def predict_raw(self, A: Any) -> np.ndarray:
        texts = read_texts(A)
        if not texts:
            return np.zeros(0, dtype=np.int64)
        return self.pipeline.predict(texts).astype(np.int64)

    def proba(self, A: Any) -> np.ndarray:
        return proba_of(self, read_texts(A))


def proba_of(impl: TextImpl, texts: list[str]) -> np.ndarray:
    full = np.zeros((len(texts), impl.n_labels), dtype=np.float64)
    if texts:
        full[:, impl.pipeline.classes_.astype(np.int64)] = impl.pipeline.predict_proba(texts)
    return full


def linear_probabilities(model: Any, X: Any) -> np.ndarray:
    """``model.predict_proba(X)`` for a fitted logistic regression, without scikit-learn's checks of
    ``X`` (a tenth of a live route's time; ``X`` comes from this module's own features): expit for
    two classes, softmax for more, as scikit-learn computes them."""
    from scipy.special import expit  # noqa: PLC0415  scipy comes with scikit-learn, deferred as it is

    scores = np.asarray(X @ model.coef_.T) + model.intercept_
    if model.classes_.size <= 2:
        positive = expit(scores[:, 0])
        return np.column_stack([1.0 - positive, positive])
    scores -= scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    return scores


def _check_blank(texts: list[str]) -> None:
    if not any(t.strip() for t in texts):
        raise BadInput("A has no text: every example is blank.", argument="A")


def train_text(
    A: Any, target_of: Any, *, params: Mapping[str, Any] | None, seed: int, reporter_of: Any
) -> tuple[TextImpl, dict[str, Any], dict[str, Any], list[dict[str, Any]], Target]:
    """Returns (impl, clean params, metrics, history, target), like ``train_tabular``."""
    from sklearn.metrics import log_loss  # noqa: PLC0415  defers sklearn

    clean = check_params(params, PARAMS)
    if clean["char_ngrams"] == "none" and clean["word_ngrams"] == 0:
        from .errors import BadParam  # noqa: PLC0415  keeps the import list short for the common path

        raise BadParam(
            "Bad value for 'char_ngrams': 'none' needs word_ngrams of 1 or 2.",
            param="char_ngrams",
            reason="none needs word_ngrams of 1 or 2",
        )
    texts = read_texts(A)
    target: Target = target_of(len(texts))
    texts = [texts[i] for i in target.keep]
    _check_blank(texts)
    y = target.y
    reporter: Reporter = reporter_of(1)
    reporter.emit("start", 0)
    reporter.check()
    split = heldout_split(len(y), y, clean["validation_fraction"], seed)
    pipeline = build_pipeline(clean, seed)
    train_texts = [texts[i] for i in split.train]
    val_texts = [texts[i] for i in split.val]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on tiny data
        pipeline.fit(train_texts, y[split.train])
    reporter.check()
    impl = TextImpl(pipeline, len(target.labels))
    train_proba = proba_of(impl, train_texts)
    val_proba = proba_of(impl, val_texts)
    metrics = classification_metrics(y[split.val], val_proba.argmax(axis=1), target.labels)
    metrics["baseline_accuracy"] = majority_baseline(y[split.train], y[split.val])
    labels_idx = list(range(len(target.labels)))
    entry: dict[str, Any] = {
        "epoch": 1,
        "train_loss": float(log_loss(y[split.train], train_proba, labels=labels_idx)),
        "train_accuracy": float((train_proba.argmax(axis=1) == y[split.train]).mean()),
        "val_loss": float(log_loss(y[split.val], val_proba, labels=labels_idx)),
        "val_accuracy": metrics["accuracy"],
    }
    if not split.heldout:
        entry["val_loss"] = entry["val_accuracy"] = None
    entry["seconds"] = round(reporter.elapsed(), 4)
    reporter.emit(
        "end",
        1,
        train_loss=entry["train_loss"],
        train_accuracy=entry["train_accuracy"],
        val_loss=entry["val_loss"],
        val_accuracy=entry["val_accuracy"],
    )
    metrics.update(split_info(split, target))
    metrics["vocabulary"] = len(feature_names(impl))
    return impl, clean, metrics, [entry], target


# --------------------------------------------------------------------------- explanations


def feature_names(impl: TextImpl) -> np.ndarray:
    """The n-grams, as ``char__<gram>`` / ``word__<gram>``; computed once per loaded model."""
    if impl.names is None:
        impl.names = impl.pipeline.named_steps["features"].get_feature_names_out()
    return impl.names


def _class_weights(pipeline: Any, n_labels: int) -> np.ndarray:
    """labels x features: how much each feature raises a class's score above the average class's.

    Softmax probabilities only depend on score differences, so weights centred over the classes
    explain the same predictions; a binary model's single row becomes (-w/2, +w/2)."""
    lr = pipeline.named_steps["model"]
    coef = np.asarray(lr.coef_, dtype=np.float64)
    coef = np.vstack([-coef[0] / 2, coef[0] / 2]) if coef.shape[0] == 1 else coef - coef.mean(axis=0, keepdims=True)
    full = np.zeros((n_labels, coef.shape[1]))
    full[lr.classes_.astype(np.int64)] = coef
    return full


def _word_spans(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _WORD_RE.finditer(text)]


def _split_name(name: str) -> tuple[str, str]:
    kind, _, gram = name.partition("__")
    return kind, gram


#: Words whose n-gram columns a loaded model remembers for explanations (then it starts afresh).
WORD_CACHE_SIZE = 50_000


def _analysers(impl: TextImpl) -> list[tuple[Any, dict[str, int], int]]:
    """Per feature kind: its analyser, its vocabulary and the column its features start at."""
    if impl.analysers is None:
        parts, offset = [], 0
        for _name, vectoriser in impl.pipeline.named_steps["features"].transformer_list:
            parts.append((vectoriser.build_analyzer(), vectoriser.vocabulary_, offset))
            offset += len(vectoriser.vocabulary_)
        impl.analysers = parts
    return impl.analysers


def _word_columns(impl: TextImpl, word: str) -> list[tuple[int, int]]:
    """The model's feature columns inside ``word`` (lower-cased), each with how often it occurs."""
    cached = impl.word_columns.get(word)
    if cached is None:
        counts: dict[int, int] = {}
        for analyse, vocabulary, offset in _analysers(impl):
            for gram in analyse(word):
                j = vocabulary.get(gram)
                if j is not None:
                    counts[offset + j] = counts.get(offset + j, 0) + 1
        cached = list(counts.items())
        if len(impl.word_columns) >= WORD_CACHE_SIZE:
            impl.word_columns.clear()
        impl.word_columns[word] = cached
    return cached


def _word_weights(impl: TextImpl, text: str, share: dict[int, float]) -> list[dict[str, Any]]:
    """Each word's share of the class score: the n-grams inside it, a shared n-gram split by count.

    ``text`` is lower-cased; ``share`` maps a feature column to its share of the score."""
    spans = _word_spans(text)
    per_word = [_word_columns(impl, word) for _, _, word in spans]
    totals: dict[int, int] = {}
    for counts in per_word:
        for j, n in counts:
            totals[j] = totals.get(j, 0) + n
    out = []
    for (start, end, word), counts in zip(spans, per_word, strict=True):
        weight = sum(share.get(j, 0.0) * n / totals[j] for j, n in counts)
        out.append({"word": word, "start": start, "end": end, "weight": round(float(weight), 6)})
    return out


def _fast_parts(impl: TextImpl) -> list[tuple[str, Any, int, Any]] | None:
    """Per feature kind how :func:`_features` extracts it (``"char_wb"``: per whitespace token, cached;
    ``"words"``: the token pattern's words; ``"any"``: the vectoriser's own analyser), its vectoriser
    its first column and the function that splits a text (or token) for it; ``None`` where a
    vectoriser is one this shortcut does not reproduce."""
    if impl.fast_parts is None:
        parts: list[tuple[str, Any, int, Any]] = []
        offset = 0
        for _name, vec in impl.pipeline.named_steps["features"].transformer_list:
            plain = (
                type(vec).__name__ == "TfidfVectorizer"
                and vec.input == "content"
                and vec.preprocessor is None
                and vec.strip_accents is None
                and not vec.binary
                and vec.use_idf
                and vec.norm == "l2"
                and vec.dtype is np.float64
            )
            if not plain:
                impl.fast_parts = []
                return None
            one_words = vec.tokenizer is None and vec.stop_words is None and vec.ngram_range == (1, 1)
            if vec.analyzer == "char_wb":
                way, split = "char_wb", vec.build_analyzer()
            elif vec.analyzer == "word" and one_words:
                way, split = "words", vec.build_tokenizer()
            else:
                way, split = "any", vec.build_analyzer()
            parts.append((way, vec, offset, split))
            offset += len(vec.vocabulary_)
        impl.fast_parts = parts
    return impl.fast_parts or None


def _token_columns(impl: TextImpl, vec: Any, analyse: Any, token: str) -> list[tuple[int, int]]:
    """A whitespace token's character n-gram columns (in its vectoriser) and counts, once per model."""
    cache = impl.token_columns
    cached = cache.get(token)
    if cached is None:
        counts: dict[int, int] = {}
        vocabulary = vec.vocabulary_
        for gram in analyse(token):
            j = vocabulary.get(gram)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        cached = list(counts.items())
        if len(cache) >= WORD_CACHE_SIZE:
            cache.clear()
        cache[token] = cached
    return cached


def _features(impl: TextImpl, texts: list[str]) -> Any:
    """The TF-IDF features of ``texts``, as the pipeline's feature union computes them, but with each
    whitespace token's character n-grams looked up once per model: a phone routing what is being
    typed sends mostly the same words again. Falls back to the union's own ``transform`` where a
    vectoriser is configured otherwise."""
    import scipy.sparse as sp  # noqa: PLC0415  - with scikit-learn, deferred

    parts = _fast_parts(impl)
    if parts is None:
        return impl.pipeline.named_steps["features"].transform(texts).tocsr()
    rows, cols, counts, blocks = [], [], [], []
    block = 0
    for i, text in enumerate(texts):
        lowered = text.lower()
        for way, vec, offset, split in parts:
            found: dict[int, int] = {}
            doc = lowered if vec.lowercase else text
            if way == "char_wb":  # the analyser lower-cases and pads each whitespace token by itself
                for token in doc.split():
                    for j, n in _token_columns(impl, vec, split, token):
                        found[j] = found.get(j, 0) + n
            else:
                grams = split(doc) if way == "words" else split(text)
                vocabulary = vec.vocabulary_
                for gram in grams:
                    j = vocabulary.get(gram)
                    if j is not None:
                        found[j] = found.get(j, 0) + 1
            for j in sorted(found):
                rows.append(i)
                cols.append(offset + j)
                counts.append(found[j])
                blocks.append(block)
            block += 1
    n_columns = parts[-1][2] + len(parts[-1][1].vocabulary_)
    data = np.asarray(counts, dtype=np.float64)
    columns = np.asarray(cols, dtype=np.int64)
    idf = np.concatenate([part[1].idf_ for part in parts])
    sublinear = np.array([part[1].sublinear_tf for part in parts] * len(texts), dtype=bool)
    block_of = np.asarray(blocks, dtype=np.int64)
    if data.size:
        data = np.where(sublinear[block_of], np.log(data) + 1.0, data) * idf[columns]
        norms = np.sqrt(np.bincount(block_of, weights=data * data, minlength=block))
        data = data / np.where(norms[block_of] > 0, norms[block_of], 1.0)
    X = sp.csr_matrix((data, (np.asarray(rows, dtype=np.int64), columns)), shape=(len(texts), n_columns))
    X.sort_indices()
    return X


def explain_batch(
    impl: TextImpl, labels: Sequence[Any], texts: Sequence[str], *, top: int = 3, words: int = 5, ngrams: bool = True
) -> list[dict[str, Any]]:
    """For each text: the ``top`` labels with probabilities, and what decided the first one.

    ``words``: the words that pushed the text toward the predicted label, strongest first
    (``{word, start, end, weight}``; ``start``/``end`` index the NFC text, for highlighting);
    ``spans``: every word in text order with its weight (negative pulls away); ``ngrams``: the
    strongest single n-grams (``{ngram, kind: "char"|"word", weight}``; left empty with
    ``ngrams=False``: a live route shows the words only). Weights are shares of the
    class score (log-odds units), so they add up across words.

    One vectorised pass extracts the features and probabilities of the whole batch (far cheaper per
    text than one at a time); each text's words then look up their n-grams once per model.
    """
    cleaned = [clean_text(t) for t in texts]
    if not cleaned:
        return []
    pipeline = impl.pipeline
    X = _features(impl, cleaned)
    # the model's probabilities from the same features (proba_of would extract them a second time)
    probabilities = np.zeros((len(cleaned), impl.n_labels), dtype=np.float64)
    model = pipeline.named_steps["model"]
    probabilities[:, model.classes_.astype(np.int64)] = linear_probabilities(model, X)
    if impl.class_weights is None:
        impl.class_weights = _class_weights(pipeline, impl.n_labels)
    W = impl.class_weights
    names = feature_names(impl)
    results = []
    for i, text in enumerate(cleaned):
        order = np.argsort(-probabilities[i], kind="stable")
        best = int(order[0])
        columns = X.indices[X.indptr[i] : X.indptr[i + 1]]
        shares = X.data[X.indptr[i] : X.indptr[i + 1]] * W[best, columns]
        spans = _word_weights(impl, text.lower(), dict(zip(columns.tolist(), shares.tolist(), strict=True)))
        for span in spans:  # report the words as written, not lower-cased
            span["word"] = text[span["start"] : span["end"]]
        pushing = sorted((s for s in spans if s["weight"] > 0), key=lambda s: -s["weight"])[:words]
        strongest: list[dict[str, Any]] = []
        for k in np.argsort(-shares, kind="stable")[:words] if ngrams else ():
            weight = float(shares[k])
            if weight <= 0:
                break
            kind, gram = _split_name(str(names[columns[k]]))
            strongest.append({"ngram": gram.strip(), "kind": kind, "weight": round(weight, 6)})
        results.append(
            {
                "label": labels[best],
                "probability": float(probabilities[i, best]),
                "top": [{"label": labels[int(j)], "probability": float(probabilities[i, j])} for j in order[:top]],
                "words": pushing,
                "spans": spans,
                "ngrams": strongest,
            }
        )
    return results


def class_keywords(impl: TextImpl, labels: Sequence[Any], *, per_class: int = 8) -> dict[Any, list[dict[str, Any]]]:
    """The n-grams with the largest weight toward each class: what the model learnt a desk sounds like."""
    W = _class_weights(impl.pipeline, impl.n_labels)
    names = feature_names(impl)
    out: dict[Any, list[dict[str, Any]]] = {}
    for k, label in enumerate(labels):
        picked: list[dict[str, Any]] = []
        seen: set[str] = set()
        for j in np.argsort(-W[k], kind="stable"):
            if W[k, j] <= 0 or len(picked) >= per_class:
                break
            kind, gram = _split_name(str(names[j]))
            gram = gram.strip()
            if len(gram) < 2 or gram in seen:
                continue
            seen.add(gram)
            picked.append({"ngram": gram, "kind": kind, "weight": round(float(W[k, j]), 6)})
        out[label] = picked
    return out
