"""The text classifier (文本分类): a request's words → its category (or its request type), top 3 with confidence.

Character 1–3-grams and jieba word 1–2-grams, TF-IDF weighted, feed a linear SVM whose scores are calibrated
into probabilities (so "confidence" means something a threshold can be set on). It trains in seconds on
thousands of messages, runs on one CPU core, and needs nothing from the network: jieba's dictionary ships
inside its package. Measured on real messages in docs/NOTES.md (issue 6).
"""

import datetime as dt
import logging
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jieba
import joblib
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.pipeline import Pipeline, make_union
from sklearn.svm import LinearSVC

jieba.setLogLevel(logging.WARNING)  # its "building prefix dict" chatter is not ours to print

FORMAT = "huying-triage-1"  # what a model file holds; a file of another format is refused, not guessed at
CALIBRATION_FOLDS = 3
SVM_C = 0.5


def words(text: str) -> list[str]:
    """jieba's segmentation without blanks (module-level, so a saved model can find it again)."""
    return [w for w in jieba.lcut(text) if w.strip()]


def pipeline() -> Pipeline:
    features = make_union(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2),
        TfidfVectorizer(tokenizer=words, token_pattern=None, lowercase=False, ngram_range=(1, 2),
                        sublinear_tf=True, min_df=2),
    )
    model = CalibratedClassifierCV(LinearSVC(C=SVM_C), cv=CALIBRATION_FOLDS, method="sigmoid")
    return Pipeline([("features", features), ("model", model)])


@dataclass
class Classifier:
    pipeline: Pipeline
    version: str
    trained_at: str
    n: int
    classes: list[str] = field(default_factory=list)

    def top(self, texts: list[str], k: int = 3) -> list[list[tuple[str, float]]]:
        """For each text, the `k` likeliest labels with their probability, likeliest first."""
        probabilities = self.pipeline.predict_proba(texts)
        labels = list(self.pipeline.classes_)
        ranked = []
        for row in probabilities:
            order = sorted(range(len(labels)), key=lambda i: -row[i])[:k]
            ranked.append([(labels[i], float(row[i])) for i in order])
        return ranked

    def predict(self, texts: list[str]) -> list[str]:
        return [str(label) for label in self.pipeline.predict(texts)]

    def save(self, path: Path) -> None:
        joblib.dump({"format": FORMAT, "pipeline": self.pipeline, "version": self.version,
                     "trained_at": self.trained_at, "n": self.n, "classes": self.classes}, path)


def classifier_train(texts: list[str], labels: list[str]) -> Classifier:
    if len(set(labels)) < 2:
        raise ValueError("at least two labels are needed to train")
    started = dt.datetime.now(dt.UTC)
    model = pipeline().fit(texts, labels)
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
