#!/usr/bin/env python
"""Evaluation: the triage classifier on real citizen messages, stratified 5-fold cross-validation.

    .venv/bin/python bench/eval_triage.py [--data ../shared/data/teddycup/classify_dev.csv] [--folds 5]

Each fold trains the product's own pipeline (huying.triage.classifier) on four fifths and predicts the
fifth; reported: accuracy and macro-F1 over all out-of-fold predictions, per class, training seconds per
fold, and prediction throughput on one core. Skips with a message where the data folder is absent (the data
is never copied into the repository).
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "teddycup" / "classify_dev.csv"


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
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the issue asks
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from sklearn.model_selection import StratifiedKFold

    from huying.triage.classifier import classifier_evaluate, classifier_train
    from huying.triage.labelled import labelled_read

    data = labelled_read(args.data, text_col=args.text_col, label_col=args.label_col)
    texts, labels = data.texts, data.labels
    predicted: list[str] = [""] * len(texts)
    train_seconds, rates = [], []
    folds = StratifiedKFold(args.folds, shuffle=True, random_state=0)
    for number, (train, test) in enumerate(folds.split(texts, labels), start=1):
        started = time.perf_counter()
        model = classifier_train([texts[i] for i in train], [labels[i] for i in train])
        train_seconds.append(time.perf_counter() - started)
        result = classifier_evaluate(model, [texts[i] for i in test], [labels[i] for i in test])
        rates.append(result["texts_per_second"])
        for i, label in zip(test, model.predict([texts[i] for i in test]), strict=True):
            predicted[i] = label
        print(f"fold {number}: accuracy {result['accuracy']}, macro-F1 {result['macro_f1']}, "
              f"train {train_seconds[-1]:.1f} s, {result['texts_per_second']} texts/s", flush=True)
    from sklearn.metrics import accuracy_score, classification_report, f1_score

    summary = {
        "data": args.data.name, "n": len(texts), "folds": args.folds,
        "accuracy": round(float(accuracy_score(labels, predicted)), 4),
        "macro_f1": round(float(f1_score(labels, predicted, average="macro")), 4),
        "train_seconds_median": round(statistics.median(train_seconds), 1),
        "texts_per_second_median": round(statistics.median(rates), 1),
        "cpus": os.cpu_count(),
    }
    print(classification_report(labels, predicted, digits=4))
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
