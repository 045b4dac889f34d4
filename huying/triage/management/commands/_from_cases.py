"""`huying triage train-from-cases` and `huying triage install`: the model the product uses, from the cases whose
category a person settled (工作人员确认), or from a model file trained on a spreadsheet.

A part of the cases (one in five, stratified) is held out to measure the new model before it is kept, so the
figures stored with the version are on cases it never saw.
"""

import json
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from sklearn.model_selection import train_test_split

from huying.cases.models import Case, CategorySource
from huying.triage.assess import classify_text
from huying.triage.classifier import ModelFileError, classifier_evaluate, classifier_load, classifier_train
from huying.triage.models import Target, TriageModel
from huying.triage.store import model_store

HOLD_OUT = 0.2
SEED = 0
MIN_PER_LABEL = 5  # fewer examples than this teach a label nothing reliable (and cannot be split for measuring)


def confirmed_examples(*, target: str, min_per_label: int, include_upstream: bool) -> tuple[list[str], list[str]]:
    """(texts, labels) of the cases a person classified: staff-chosen or corrected categories, by code."""
    if target == Target.CATEGORY:
        sources = [CategorySource.STAFF, *([CategorySource.UPSTREAM] if include_upstream else [])]
        rows = Case.objects.filter(category_source__in=sources, category__isnull=False) \
            .values_list("title", "description", "category__code")
    else:  # the request type is always chosen by whoever took the case in; staff intake is the trusted part
        rows = Case.objects.filter(created_by__isnull=False).values_list("title", "description", "request_type__code")
    examples = [(classify_text(title, description), label) for title, description, label in rows.iterator()]
    counts = Counter(label for _text, label in examples)
    kept = [(text, label) for text, label in examples if counts[label] >= min_per_label]
    return [text for text, _label in kept], [label for _text, label in kept]


def train_from_cases(*, target: str, min_per_label: int, include_upstream: bool, activate: bool,
                     out: Path | None) -> dict[str, Any]:
    texts, labels = confirmed_examples(target=target, min_per_label=min_per_label, include_upstream=include_upstream)
    if len(set(labels)) < 2:
        raise CommandError(f"too few confirmed cases: {len(texts)} cases in {len(set(labels))} labels with at least "
                           f"{min_per_label} each (need two labels)")
    train_texts, test_texts, train_labels, test_labels = train_test_split(
        texts, labels, test_size=HOLD_OUT, random_state=SEED, stratify=labels)
    measured = classifier_evaluate(classifier_train(train_texts, train_labels), test_texts, test_labels)
    classifier = classifier_train(texts, labels)  # the kept model learns from every confirmed case
    if out is not None:
        classifier.save(out)
    row = model_store(classifier=classifier, target=target, source="cases", activate=activate,
                      metrics={"held_out": measured})
    return {"version": row.version, "n": len(texts), "labels": len(set(labels)), "active": row.active,
            "held_out": measured}


def model_install(*, path: Path, target: str, activate: bool) -> TriageModel:
    try:
        classifier = classifier_load(path)
    except ModelFileError as exc:
        raise CommandError(f"--model: {exc}") from exc
    if TriageModel.objects.filter(version=classifier.version).exists():
        raise CommandError(f"--model: version {classifier.version} is installed already")
    return model_store(classifier=classifier, target=target, source=path.name, activate=activate)


FROM_CASES_ACTIONS = ("train-from-cases", "install")


def parsers_add(sub: Any) -> None:
    """The `train-from-cases` and `install` subcommands."""
    cases = sub.add_parser("train-from-cases", help="retrain from the categories staff settled, and put it in use")
    cases.add_argument("--target", choices=list(Target.values), default=Target.CATEGORY)
    cases.add_argument("--min-per-label", type=int, default=MIN_PER_LABEL,
                       help="labels with fewer confirmed cases are left out (default %(default)s)")
    cases.add_argument("--include-upstream", action="store_true",
                       help="also learn from categories the upper platform set")
    cases.add_argument("--no-activate", dest="activate", action="store_false",
                       help="keep the new version without putting it in use")
    cases.add_argument("--out", type=Path, help="also write the model file here")
    cases.add_argument("--json", action="store_true", help="print one JSON object")
    install = sub.add_parser("install", help="put a model file written by `train` in use")
    install.add_argument("--model", type=Path, required=True)
    install.add_argument("--target", choices=list(Target.values), default=Target.CATEGORY)
    install.add_argument("--no-activate", dest="activate", action="store_false")


def from_cases_handle(action: str, options: dict[str, Any], write: Any) -> None:
    if action == "install":
        row = model_install(path=options["model"], target=options["target"], activate=options["activate"])
        write(f"installed model {row.version} ({row.n} texts, {len(row.classes)} labels)"
              + (", now in use" if row.active else ""))
        return
    result = train_from_cases(target=options["target"], min_per_label=options["min_per_label"],
                              include_upstream=options["include_upstream"], activate=options["activate"],
                              out=options["out"])
    if options["json"]:
        write(json.dumps(result, ensure_ascii=False))
        return
    held = result["held_out"]
    write(f"trained model {result['version']} on {result['n']} confirmed cases, {result['labels']} labels"
          + (", now in use" if result["active"] else "")
          + f"; held-out {held['n']}: accuracy {held['accuracy']}, macro-F1 {held['macro_f1']}")
