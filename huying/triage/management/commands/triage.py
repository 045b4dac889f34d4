"""`huying triage train|evaluate`: train the text classifier from a labelled spreadsheet, or measure a model.

    huying triage train --data PATH --text-col COL --label-col COL --out MODEL
    huying triage evaluate --model MODEL --data PATH --text-col COL --label-col COL [--json]
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from huying.lib.errors import InvalidInput
from huying.triage.classifier import ModelFileError, classifier_evaluate, classifier_load, classifier_train
from huying.triage.labelled import labelled_read


def _data_options(parser) -> None:
    parser.add_argument("--data", type=Path, required=True, help="CSV, CSV.GZ or XLSX file with a header row")
    parser.add_argument("--text-col", required=True, help="the column holding the request's words")
    parser.add_argument("--label-col", required=True, help="the column holding the category (or request type)")


class Command(BaseCommand):
    help = "Train the triage text classifier, or evaluate a trained model on labelled data."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="train a model from labelled texts")
        _data_options(train)
        train.add_argument("--out", type=Path, required=True, help="where to write the model file")
        evaluate = sub.add_parser("evaluate", help="measure a model on labelled texts")
        evaluate.add_argument("--model", type=Path, required=True, help="a model file written by `train`")
        _data_options(evaluate)
        evaluate.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, action: str, **options) -> None:
        try:
            data = labelled_read(options["data"], text_col=options["text_col"], label_col=options["label_col"])
        except InvalidInput as exc:
            raise CommandError(f"{exc.field}: {exc.message}") from exc
        if action == "train":
            self._train(data.texts, data.labels, options["out"])
        else:
            self._evaluate(data.texts, data.labels, options["model"], as_json=options["json"])

    def _train(self, texts: list[str], labels: list[str], out: Path) -> None:
        try:
            classifier = classifier_train(texts, labels)
        except ValueError as exc:
            raise CommandError(f"--label-col: {exc}") from exc
        out.parent.mkdir(parents=True, exist_ok=True)
        classifier.save(out)
        self.stdout.write(f"trained model {classifier.version} on {classifier.n} texts, "
                          f"{len(classifier.classes)} labels → {out}")

    def _evaluate(self, texts: list[str], labels: list[str], model: Path, *, as_json: bool) -> None:
        try:
            classifier = classifier_load(model)
        except ModelFileError as exc:
            raise CommandError(f"--model: {exc}") from exc
        result = classifier_evaluate(classifier, texts, labels)
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(f"n {result['n']}  accuracy {result['accuracy']}  macro-F1 {result['macro_f1']}  "
                          f"{result['texts_per_second']} texts/s")
        for label, scores in result["per_class"].items():
            self.stdout.write(f"  {label}: P {scores['precision']} R {scores['recall']} F1 {scores['f1']} "
                              f"({scores['support']})")
