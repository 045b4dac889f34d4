"""`huying triage train-from-cases` learns from the categories people settled; `huying triage install` puts a
model trained on a spreadsheet into use. Every model is a version; the active one suggests for new cases."""

import json

import pytest
from django.core.management import CommandError, call_command

from huying.cases.models import Case, CategorySource
from huying.cases.services import case_create, case_reclassify
from huying.triage.classifier import classifier_train
from huying.triage.models import TriageModel
from tests.test_triage_intake import TRAINING


@pytest.fixture
def confirmed(cast, new_case):
    """Cases taken in by the operator with the category they chose: 8 per category."""
    by_code = {c.code: c for c in (cast.sanitation, cast.trees, cast.noise)}
    return [new_case(description=text, category=by_code[code]) for code, texts in TRAINING.items() for text in texts]


def _run(*args: str) -> dict:
    from io import StringIO

    out = StringIO()
    call_command("triage", *args, stdout=out)
    return json.loads(out.getvalue())


def test_a_model_is_trained_from_staff_confirmed_cases_and_put_in_use(cast, confirmed):
    result = _run("train-from-cases", "--min-per-label", "5", "--json")
    assert result["n"] == 24 and result["labels"] == 3 and result["active"] is True
    assert 0 <= result["held_out"]["macro_f1"] <= 1 and result["held_out"]["n"] == 5  # a fifth, stratified
    row = TriageModel.objects.get(active=True)
    assert row.version == result["version"] and row.source == "cases"
    assert sorted(row.classes) == ["T010101", "T010201", "T0201"]
    case = case_create(by=None, channel="web", request_type=cast.complaint, description="楼上装修电钻声太吵",
                       address="幸福里3号楼", anonymous=True)
    assert case.triage.model_version == row.version and case.triage.categories[0]["code"] == "T0201"


def test_categories_not_settled_by_a_person_do_not_train(cast, confirmed):
    for text in ["小区门口垃圾没人清运"] * 6:  # the residents' own choice, never confirmed
        case_create(by=None, channel="web", request_type=cast.complaint, description=text, category=cast.noise,
                    anonymous=True)
    result = _run("train-from-cases", "--json")
    assert result["n"] == 24
    reporter = Case.objects.filter(category=cast.noise, category_source=CategorySource.REPORTER).first()
    case_reclassify(case=reporter, category=cast.sanitation, by=cast.operator)  # now a person settled it
    assert _run("train-from-cases", "--json")["n"] == 25


def test_too_few_confirmed_cases_is_a_clear_error(cast, new_case):
    new_case()
    with pytest.raises(CommandError, match="too few confirmed cases"):
        call_command("triage", "train-from-cases")
    assert not TriageModel.objects.exists()


def test_a_model_file_is_installed_and_activated(cast, tmp_path):
    texts = [t for texts in TRAINING.values() for t in texts]
    labels = [label for label, texts in TRAINING.items() for _t in texts]
    path = tmp_path / "model.joblib"
    classifier_train(texts, labels).save(path)
    call_command("triage", "install", "--model", str(path))
    row = TriageModel.objects.get(active=True)
    assert row.source == "model.joblib" and row.n == 24
    with pytest.raises(CommandError, match="installed already"):
        call_command("triage", "install", "--model", str(path))
    (tmp_path / "junk.joblib").write_bytes(b"not a model")
    with pytest.raises(CommandError, match="--model"):
        call_command("triage", "install", "--model", str(tmp_path / "junk.joblib"))
