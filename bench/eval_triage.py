#!/usr/bin/env python
"""Evaluation: the triage classifier on real citizen messages, stratified 5-fold cross-validation.

    .venv/bin/python bench/eval_triage.py [--data ../shared/data/teddycup/classify_dev.csv] [--folds 5]

Each fold trains the product's own pipeline (huying.triage.classifier) on four fifths and predicts the
fifth. Reported: accuracy and macro-F1 per fold and their mean (and over all out-of-fold predictions), per-class
F1, training seconds per fold, single-text latency (one text per call, as a case is triaged) p50/p95, batch
throughput, the model file's size, and how far the confidence can be trusted: for thresholds 0.5/0.6/0.8 the
share of texts whose top-1 probability reaches it and the accuracy within that share. Skips with a message where
the data folder is absent (the data is never copied into the repository).
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "teddycup" / "classify_dev.csv"
THRESHOLDS = (0.5, 0.6, 0.8)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def single_text_latencies_ms(model, texts: list[str]) -> list[float]:
    """One text per call, the way a case is triaged (the first call warms jieba up and is not counted)."""
    model.top(texts[:1])
    latencies = []
    for text in texts:
        started = time.perf_counter()
        model.top([text])
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def confidence_table(confidences: list[float], correct: list[bool]) -> dict[str, dict[str, float]]:
    table = {}
    for threshold in THRESHOLDS:
        kept = [ok for conf, ok in zip(confidences, correct, strict=True) if conf >= threshold]
        table[f">={threshold}"] = {"share": round(len(kept) / len(correct), 4),
                                   "accuracy": round(sum(kept) / len(kept), 4) if kept else None}
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--text-col", default="text")
    parser.add_argument("--label-col", default="label")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    if not args.data.is_file():
        print(f"skipped: {args.data} is not here (the shared data folder is absent)")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huying.settings")
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")  # one core, as the product runs
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from sklearn.metrics import accuracy_score, classification_report, f1_score
    from sklearn.model_selection import StratifiedKFold

    from huying.triage.classifier import FORMAT, classifier_evaluate, classifier_train
    from huying.triage.labelled import labelled_read

    data = labelled_read(args.data, text_col=args.text_col, label_col=args.label_col)
    texts, labels = data.texts, data.labels
    predicted: list[str] = [""] * len(texts)
    confidence: list[float] = [0.0] * len(texts)
    train_seconds, rates, latencies, fold_scores = [], [], [], []
    folds = StratifiedKFold(args.folds, shuffle=True, random_state=0)
    for number, (train, test) in enumerate(folds.split(texts, labels), start=1):
        started = time.perf_counter()
        model = classifier_train([texts[i] for i in train], [labels[i] for i in train])
        train_seconds.append(time.perf_counter() - started)
        test_texts = [texts[i] for i in test]
        result = classifier_evaluate(model, test_texts, [labels[i] for i in test])
        rates.append(result["texts_per_second"])
        for i, ranked in zip(test, model.top(test_texts, k=1), strict=True):
            predicted[i], confidence[i] = ranked[0]
        latencies.extend(single_text_latencies_ms(model, test_texts))
        fold_scores.append((result["accuracy"], result["macro_f1"]))
        print(f"fold {number}: accuracy {result['accuracy']}, macro-F1 {result['macro_f1']}, "
              f"train {train_seconds[-1]:.1f} s, {result['texts_per_second']} texts/s", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.joblib"
        model.save(path)
        model_megabytes = path.stat().st_size / 1e6
    print(classification_report(labels, predicted, digits=4))
    summary = {
        "data": args.data.name, "n": len(texts), "folds": args.folds, "model_format": FORMAT,
        "accuracy_mean": round(statistics.mean(a for a, _f in fold_scores), 4),
        "macro_f1_mean": round(statistics.mean(f for _a, f in fold_scores), 4),
        "accuracy_per_fold": [a for a, _f in fold_scores], "macro_f1_per_fold": [f for _a, f in fold_scores],
        "accuracy_pooled": round(float(accuracy_score(labels, predicted)), 4),
        "macro_f1_pooled": round(float(f1_score(labels, predicted, average="macro")), 4),
        "f1_per_class": dict(zip(sorted(set(labels)), (round(float(f), 4) for f in f1_score(
            labels, predicted, average=None, labels=sorted(set(labels)))), strict=True)),
        "train_seconds_per_fold": [round(s, 1) for s in train_seconds],
        "single_text_ms_p50": round(percentile(latencies, 0.50), 2),
        "single_text_ms_p95": round(percentile(latencies, 0.95), 2),
        "single_text_ms_max": round(max(latencies), 2),
        "texts_per_second_batch_median": round(statistics.median(rates), 1),
        "texts_per_second_single": round(1000 * len(latencies) / sum(latencies), 1),
        "confidence": confidence_table(confidence, [p == t for p, t in zip(predicted, labels, strict=True)]),
        "model_file_mb": round(model_megabytes, 1),
        "cpus": os.cpu_count(),
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
