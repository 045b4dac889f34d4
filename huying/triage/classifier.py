"""The text classifier (文本分类): a request's words → its category (or its request type), top 3 with confidence.

Character 1–3-grams of a text's first MAX_CHARS characters and jieba word 1–2-grams of its first WORD_CHARS, TF-IDF
weighted, feed a linear SVM per label on features scaled by that label's log-count ratio (NB-SVM), whose scores are
calibrated into probabilities (so "confidence" means something a threshold can be set on). It trains in seconds on
thousands of messages, runs on one CPU core, and needs nothing from the network: jieba's dictionary ships inside
its package. Measured on real messages by bench/eval_triage.py; the figures are in docs/NOTES.md (issue 6).
"""

import datetime as dt
import logging
import pickle
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jieba
import joblib
import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

jieba.setLogLevel(logging.WARNING)  # its "building prefix dict" chatter is not ours to print

# What a model file holds; a file of another format is refused, not guessed at. Bump it whenever the stored
# structure or the meaning of a constant below changes (a saved pipeline calls these functions by name).
FORMAT = "huying-triage-2"
CALIBRATION_FOLDS = 3
SVM_C = 0.5
# Only the head of a message is read: the gist comes first, and on 5-fold cross-validation of real messages
# reading more changed nothing while the longest 5% of texts (1,300+ characters) cost several ms each.
MAX_CHARS = 1000
WORD_CHARS = 500  # jieba is the slow part (~4 µs a character), so words come from a shorter head
NB_SMOOTHING = 1.0  # add-one counts in the log-count ratio
CHAR_BITS = 21  # every Unicode code point (+1) fits in 21 bits, so three fit in one 64-bit number


def head(text: str) -> str:
    """The part of a text the character features read, lower-cased (module-level so a saved model finds it)."""
    return text[:MAX_CHARS].lower()


def words(text: str) -> list[str]:
    """jieba's dictionary segmentation of the head, without blanks. HMM=False: new-word guessing is slower and
    measured no better here."""
    return [w for w in jieba.lcut(text[:WORD_CHARS], HMM=False) if w.strip()]


class CharGrams(TransformerMixin, BaseEstimator):
    """Character 1–3-grams of a text's head, any run of blanks one space, TF-IDF weighted (sublinear tf, smoothed
    idf, rows of unit length).

    What scikit-learn's TfidfVectorizer(analyzer="char") computes, but each n-gram is a 64-bit number (21 bits a
    character) looked up with numpy instead of a Python loop over strings: a 1,000-character text takes well under
    a millisecond instead of ~3 ms, which the single-case budget (5 ms at p95) needs. Fitting is 5x faster too."""

    def __init__(self, max_n: int = 3, min_df: int = 2) -> None:
        self.max_n = max_n
        self.min_df = min_df

    def _grams(self, text: str) -> np.ndarray:
        chars = np.frombuffer(" ".join(head(text).split()).encode("utf-32-le"), dtype=np.uint32)
        codes = chars.astype(np.uint64) + 1  # never 0, so an n-gram's number never equals a shorter one's
        grams, shifted = [codes], codes
        for n in range(2, min(self.max_n, len(codes)) + 1):
            shifted = (shifted[:-1] << np.uint64(CHAR_BITS)) | codes[n - 1:]
            grams.append(shifted)
        return np.concatenate(grams)

    def fit(self, texts: list[str], y: Any = None) -> "CharGrams":
        seen = np.concatenate([np.unique(self._grams(text)) for text in texts])
        grams, document_frequency = np.unique(seen, return_counts=True)
        kept = document_frequency >= self.min_df
        self.vocabulary_ = grams[kept]
        self.idf_ = np.log((1 + len(texts)) / (1 + document_frequency[kept])) + 1
        return self

    def weighted(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's row: the columns of its known n-grams and their TF-IDF weights, of unit length."""
        grams, counts = np.unique(self._grams(text), return_counts=True)
        where = np.minimum(np.searchsorted(self.vocabulary_, grams), max(len(self.vocabulary_) - 1, 0))
        known = self.vocabulary_[where] == grams if len(self.vocabulary_) else np.zeros(len(grams), dtype=bool)
        return _unit_weights(where[known], counts[known], self.idf_)

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        return _rows_matrix([self.weighted(text) for text in texts], len(self.idf_))


class WordGrams(TransformerMixin, BaseEstimator):
    """jieba word 1–2-grams of a text's head (a bigram is its two words joined by a space), TF-IDF weighted as
    CharGrams: what TfidfVectorizer(tokenizer=words, ngram_range=(1, 2)) computes, without its per-call checks
    and matrix round trips, which cost about a millisecond a text, more than the counting itself."""

    def __init__(self, max_n: int = 2, min_df: int = 2) -> None:
        self.max_n = max_n
        self.min_df = min_df

    def _grams(self, text: str) -> list[str]:
        tokens = words(text)
        grams = list(tokens)
        for n in range(2, self.max_n + 1):
            grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
        return grams

    def fit(self, texts: list[str], y: Any = None) -> "WordGrams":
        document_frequency: Counter[str] = Counter()
        for text in texts:
            document_frequency.update(set(self._grams(text)))
        kept = sorted(gram for gram, count in document_frequency.items() if count >= self.min_df)
        self.vocabulary_ = {gram: column for column, gram in enumerate(kept)}
        frequencies = np.array([document_frequency[gram] for gram in kept], dtype=np.float64)
        self.idf_ = np.log((1 + len(texts)) / (1 + frequencies)) + 1
        return self

    def weighted(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's row: the columns of its known grams and their TF-IDF weights, of unit length."""
        found = [(self.vocabulary_[gram], count) for gram, count in Counter(self._grams(text)).items()
                 if gram in self.vocabulary_]
        return _unit_weights(np.array([column for column, _count in found], dtype=np.int64),
                             np.array([count for _column, count in found], dtype=np.float64), self.idf_)

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        return _rows_matrix([self.weighted(text) for text in texts], len(self.idf_))


class TextFeatures(TransformerMixin, BaseEstimator):
    """The character block then the word block, side by side, each of unit length. What FeatureUnion would
    give, built row by row: FeatureUnion and sparse.hstack add about a millisecond to every single-text call."""

    def fit(self, texts: list[str], y: Any = None) -> "TextFeatures":
        self.chars_ = CharGrams(max_n=3, min_df=2).fit(texts)
        self.words_ = WordGrams(max_n=2, min_df=2).fit(texts)
        return self

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        offset = len(self.chars_.idf_)
        rows = []
        for text in texts:
            (char_columns, char_weights), (word_columns, word_weights) = (self.chars_.weighted(text),
                                                                          self.words_.weighted(text))
            rows.append((np.concatenate([char_columns, word_columns + offset]),
                         np.concatenate([char_weights, word_weights])))
        return _rows_matrix(rows, offset + len(self.words_.idf_))


def _unit_weights(columns: np.ndarray, counts: np.ndarray, idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sublinear term frequency (1 + log count) × idf, scaled to unit length (left as is when empty)."""
    weights = (1 + np.log(counts)) * idf[columns]
    norm = np.sqrt(weights @ weights)
    return columns, (weights / norm if norm > 0 else weights)


def _rows_matrix(rows: list[tuple[np.ndarray, np.ndarray]], width: int) -> sparse.csr_matrix:
    row_starts = np.cumsum([0] + [len(columns) for columns, _weights in rows])
    columns = np.concatenate([columns for columns, _weights in rows]) if rows else np.empty(0, dtype=np.int64)
    weights = np.concatenate([weights for _columns, weights in rows]) if rows else np.empty(0)
    return sparse.csr_matrix((weights, columns, row_starts), shape=(len(rows), width))


class LogCountRatioSVM(ClassifierMixin, BaseEstimator):
    """NB-SVM (朴素贝叶斯加权的线性支持向量机): one linear SVM per label, each on the features multiplied by
    log(share of that label's texts containing the feature / share of the other texts containing it), with
    Platt's sigmoid per label fitted on out-of-fold scores and the label probabilities normalised to sum to one.

    After fitting, the ratio is folded into the weights, so a text costs one sparse × dense product and a few
    exponentials (scikit-learn's CalibratedClassifierCV computes the same curves but spends ~1 ms a call checking
    its inputs)."""

    def __init__(self, C: float = SVM_C, smoothing: float = NB_SMOOTHING,
                 calibration_folds: int = CALIBRATION_FOLDS) -> None:
        self.C = C
        self.smoothing = smoothing
        self.calibration_folds = calibration_folds

    def fit(self, X: Any, y: Any) -> "LogCountRatioSVM":
        X = sparse.csr_matrix(X, dtype=np.float64)
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        out_of_fold = np.empty((X.shape[0], len(self.classes_)))
        folds = StratifiedKFold(self.calibration_folds, shuffle=True, random_state=0)
        for inner_train, inner_test in folds.split(X, y):
            weights, intercept = self._linear(X[inner_train], y[inner_train])
            out_of_fold[inner_test] = self._scores(X[inner_test], weights, intercept)
        self.sigmoids_ = np.array([_platt(out_of_fold[:, k], y == label) for k, label in enumerate(self.classes_)])
        # the kept SVM learns from every text; the folds above only fitted the score → probability curves
        self.weights_, self.intercept_ = self._linear(X, y)
        return self

    def _linear(self, X: sparse.csr_matrix, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Weights (features × labels, so one text's few features pick a few rows) and intercepts."""
        ratios = self._log_count_ratios(X, y)
        weights = np.empty((X.shape[1], len(self.classes_)), dtype=np.float32)
        intercept = np.empty(len(self.classes_))
        for k, (label, ratio) in enumerate(zip(self.classes_, ratios, strict=True)):
            svm = LinearSVC(C=self.C).fit(X.multiply(ratio).tocsr(), y == label)
            weights[:, k] = svm.coef_[0] * ratio
            intercept[k] = svm.intercept_[0]
        return weights, intercept

    def _log_count_ratios(self, X: sparse.csr_matrix, y: np.ndarray) -> np.ndarray:
        present = (X > 0).astype(np.float64)
        membership = sparse.csr_matrix((y[:, None] == self.classes_[None, :]).astype(np.float64))
        inside = np.asarray((membership.T @ present).todense()) + self.smoothing  # labels × features
        outside = np.asarray(present.sum(axis=0)).ravel() + 2 * self.smoothing - inside
        return np.log(inside / inside.sum(axis=1, keepdims=True)) - np.log(outside / outside.sum(axis=1,
                                                                                                keepdims=True))

    @staticmethod
    def _scores(X: Any, weights: np.ndarray, intercept: np.ndarray) -> np.ndarray:
        # float32 on both sides: a float64 text row would make scipy copy all the weights up to float64 first
        return np.asarray(sparse.csr_matrix(X, dtype=np.float32) @ weights, dtype=np.float64) + intercept

    def decision_function(self, X: Any) -> np.ndarray:
        return self._scores(X, self.weights_, self.intercept_)

    def predict_proba(self, X: Any) -> np.ndarray:
        slope, offset = self.sigmoids_[:, 0], self.sigmoids_[:, 1]
        per_label = expit(self.decision_function(X) * slope + offset)
        return per_label / per_label.sum(axis=1, keepdims=True)

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def _platt(scores: np.ndarray, positive: np.ndarray) -> tuple[float, float]:
    """Platt's sigmoid: P(label | score) = expit(slope · score + offset), fitted to his smoothed targets
    ((N₊+1)/(N₊+2) and 1/(N₋+2) instead of 1 and 0, so a score seen only on one side is not made certain)."""
    n_positive = int(positive.sum())
    n_negative = len(positive) - n_positive
    target = np.where(positive, (n_positive + 1) / (n_positive + 2), 1 / (n_negative + 2))
    # a soft target t is the same as the text counted twice: once as positive with weight t, once as negative
    features = np.concatenate([scores, scores])[:, None]
    labels = np.concatenate([np.ones(len(scores)), np.zeros(len(scores))])
    curve = LogisticRegression(C=np.inf).fit(features, labels, sample_weight=np.concatenate([target, 1 - target]))
    return float(curve.coef_[0, 0]), float(curve.intercept_[0])


def pipeline(calibration_folds: int = CALIBRATION_FOLDS) -> Pipeline:
    model = LogCountRatioSVM(calibration_folds=calibration_folds)
    return Pipeline([("features", TextFeatures()), ("model", model)])


@dataclass
class Classifier:
    pipeline: Pipeline
    version: str
    trained_at: str
    n: int
    classes: list[str] = field(default_factory=list)

    def top(self, texts: list[str], k: int = 3) -> list[list[tuple[str, float]]]:
        """For each text, the `k` likeliest labels with their probability, likeliest first."""
        probabilities = self._probabilities(texts)
        labels = list(self.pipeline.classes_)
        ranked = []
        for row in probabilities:
            order = sorted(range(len(labels)), key=lambda i: -row[i])[:k]
            ranked.append([(str(labels[i]), float(row[i])) for i in order])
        return ranked

    def predict(self, texts: list[str]) -> list[str]:
        """The likeliest label of each text (the same as top(texts, k=1), without the probabilities)."""
        labels = self.pipeline.classes_
        return [str(labels[i]) for i in self._probabilities(texts).argmax(axis=1)]

    def _probabilities(self, texts: list[str]) -> np.ndarray:
        """The pipeline's predict_proba, its two steps called directly (Pipeline's own call adds ~0.1 ms)."""
        features, model = self.pipeline.named_steps["features"], self.pipeline.named_steps["model"]
        return model.predict_proba(features.transform(texts))

    def save(self, path: Path) -> None:
        joblib.dump({"format": FORMAT, "pipeline": self.pipeline, "version": self.version,
                     "trained_at": self.trained_at, "n": self.n, "classes": self.classes}, path)


def classifier_train(texts: list[str], labels: list[str]) -> Classifier:
    """Needs two labels or more, each on two texts or more (the probability curves are fitted out of fold)."""
    counts = Counter(labels)
    if len(counts) < 2:
        raise ValueError("at least two labels are needed to train")
    rarest, fewest = min(counts.items(), key=lambda item: item[1])
    if fewest < 2:
        raise ValueError(f"label {rarest!r} has only one text; every label needs at least two")
    started = dt.datetime.now(dt.UTC)
    model = pipeline(calibration_folds=min(CALIBRATION_FOLDS, fewest)).fit(texts, labels)
    return Classifier(pipeline=model, version=started.strftime("%Y%m%d%H%M%S"), trained_at=started.isoformat(),
                      n=len(texts), classes=[str(c) for c in model.classes_])


class ModelFileError(Exception):
    """The file is not a Huying triage model (or not one this version reads)."""


def classifier_load(path: Path) -> Classifier:
    """A model this installation trained. Model files are pickles: never load one from an unknown source."""
    try:
        stored: Any = joblib.load(path)
    except (OSError, EOFError, ValueError, pickle.UnpicklingError, ModuleNotFoundError, AttributeError, KeyError,
            IndexError, TypeError) as exc:  # whatever a file that is not a model makes the unpickler say
        raise ModelFileError(f"{type(exc).__name__}: {exc}") from exc
    if not isinstance(stored, dict) or stored.get("format") != FORMAT:
        raise ModelFileError(f"not a {FORMAT} file")
    return Classifier(pipeline=stored["pipeline"], version=stored["version"], trained_at=stored["trained_at"],
                      n=stored["n"], classes=stored["classes"])


def classifier_evaluate(classifier: Classifier, texts: list[str], labels: list[str]) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class precision/recall/F1/support and throughput (texts per second, one process)."""
    started = time.perf_counter()
    predicted = classifier.predict(texts)
    seconds = time.perf_counter() - started
    classes = sorted(set(labels) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(labels, predicted, labels=classes,
                                                                     zero_division=0)
    return {
        "n": len(texts),
        "accuracy": round(float(accuracy_score(labels, predicted)), 4),
        "macro_f1": round(float(f1_score(labels, predicted, average="macro", labels=classes, zero_division=0)), 4),
        "per_class": {c: {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4),
                          "support": int(s)} for c, p, r, f, s in zip(classes, precision, recall, f1, support,
                                                                     strict=True)},
        "texts_per_second": round(len(texts) / seconds, 1) if seconds > 0 else None,
        "model_version": classifier.version,
    }
