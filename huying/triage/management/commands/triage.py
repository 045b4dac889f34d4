"""`huying triage train|evaluate|replay`: train the text classifier from a labelled spreadsheet, measure a model,
or measure the duplicate filter (案件过滤器) by replaying past requests in time order.

    huying triage train --data PATH --text-col COL --label-col COL --out MODEL
    huying triage evaluate --model MODEL --data PATH --text-col COL --label-col COL [--json]
    huying triage train-from-cases [--target category|request_type] [--min-per-label N] [--json]
    huying triage install --model MODEL [--no-activate]
    huying triage replay --data PATH --time-col COL --text-col COL [--lat-col COL --lon-col COL]
        [--category-col COL] [--truth-col COL] [--closed-col COL] [--json] [--examples N] [policy options]
"""

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from huying.lib.errors import InvalidInput
from huying.triage.classifier import ModelFileError, classifier_evaluate, classifier_load, classifier_train
from huying.triage.duplicates import DuplicatePolicy
from huying.triage.labelled import labelled_read
from huying.triage.management.commands._from_cases import FROM_CASES_ACTIONS, from_cases_handle, parsers_add
from huying.triage.replay import NAIVE_POLICY, PLACEHOLDER_SHARE, TRUTH_PATTERN, ReplayColumns, replay_read, replay_run

PRESETS = {"default": DuplicatePolicy(), "naive": NAIVE_POLICY}
POLICY_OPTIONS = ("window_hours", "distance_m", "merge_score", "suggest_score")


def _data_options(parser) -> None:
    parser.add_argument("--data", type=Path, required=True, help="CSV, CSV.GZ or XLSX file with a header row")
    parser.add_argument("--text-col", required=True, help="the column holding the request's words")
    parser.add_argument("--label-col", required=True, help="the column holding the category (or request type)")


class Command(BaseCommand):
    help = "Train, evaluate and install the triage classifier; replay past requests through the duplicate filter."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="train a model from labelled texts")
        _data_options(train)
        train.add_argument("--out", type=Path, required=True, help="where to write the model file")
        evaluate = sub.add_parser("evaluate", help="measure a model on labelled texts")
        evaluate.add_argument("--model", type=Path, required=True, help="a model file written by `train`")
        _data_options(evaluate)
        evaluate.add_argument("--json", action="store_true", help="print one JSON object")
        _replay_options(sub.add_parser("replay", help="replay past requests through the duplicate filter"))
        parsers_add(sub)

    def handle(self, *args, action: str, **options) -> None:
        if action == "replay":
            self._replay(options)
            return
        if action in FROM_CASES_ACTIONS:
            from_cases_handle(action, options, self.stdout.write)
            return
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

    def _replay(self, options: dict[str, Any]) -> None:
        columns = ReplayColumns(
            time=options["time_col"], text=tuple(options["text_col"]), lat=options["lat_col"],
            lon=options["lon_col"], category=options["category_col"], truth=options["truth_col"],
            closed=options["closed_col"], key=options["key_col"], building=options["building_col"])
        try:
            policy = replace(PRESETS[options["preset"]],
                             **{name: options[name] for name in POLICY_OPTIONS if options[name] is not None})
        except ValueError as exc:
            raise CommandError(f"policy: {exc}") from exc
        try:
            data = replay_read(options["data"], columns=columns, truth_pattern=options["truth_pattern"],
                               placeholder_share=options["placeholder_share"])
        except InvalidInput as exc:
            field = "--data" if exc.field in (None, "path") else exc.field  # the file itself is at fault
            raise CommandError(f"{field}: {exc.message}") from exc
        result = replay_run(data, policy=policy, examples=options["examples"])
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(f"n {result['n']}  flagged {result['flagged']} (merged {result['merged']}, "
                          f"suggested {result['suggested']})  precision {result['precision']}  "
                          f"recall {result['recall']}  F1 {result['f1']}  {result['rows_per_second']} rows/s")
        for example in result["examples"]:
            self.stdout.write(f"  {example['action']} {example['score']}  {example['new']} ← {example['old']}  "
                              f"{example['evidence']}\n    {example['new_text']!r}\n    {example['old_text']!r}")


def _replay_options(parser) -> None:
    parser.add_argument("--data", type=Path, required=True, help="CSV, CSV.GZ or XLSX file with a header row")
    parser.add_argument("--time-col", required=True, help="when the request arrived")
    parser.add_argument("--text-col", required=True, action="append",
                        help="the request's words (repeat the option to join several columns, e.g. title and text)")
    parser.add_argument("--lat-col", help="latitude (with --lon-col); rows without one match by text only")
    parser.add_argument("--lon-col", help="longitude (with --lat-col)")
    parser.add_argument("--category-col", help="the category or request type")
    parser.add_argument("--building-col", help="a building or address id: the same value is the same place")
    parser.add_argument("--truth-col", help="true where the row duplicates an earlier one (see --truth-pattern)")
    parser.add_argument("--truth-pattern", default=TRUTH_PATTERN,
                        help="a case-insensitive regular expression for a true value of the truth column")
    parser.add_argument("--closed-col", help="when the request was closed (default: a column named closed_dt, "
                        "closed_at, 办结时间 …, when the file has one)")
    parser.add_argument("--key-col", help="the request's id (default: the row number)")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="default",
                        help="the policy to start from: the default, or naive (same category, open, 50 m, 3 days)")
    parser.add_argument("--window-hours", type=float, help="time window in hours")
    parser.add_argument("--distance-m", type=float, help="distance limit in metres")
    parser.add_argument("--merge-score", type=float, help="score at which a duplicate is merged automatically")
    parser.add_argument("--suggest-score", type=float, help="score at which a duplicate is suggested")
    parser.add_argument("--placeholder-share", type=float, default=PLACEHOLDER_SHARE,
                        help="a point shared by this share of the rows is a geocoder's fallback, not a place "
                        "(1 turns this off)")
    parser.add_argument("--examples", type=int, default=0, help="show this many flagged pairs, chosen at random")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
