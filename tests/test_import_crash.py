"""A failure while writing: nothing of the run stays, or, with --batch, only the batches committed before it."""

import pytest
from django.core.management import CommandError

from huying.cases.models import Case, CaseEvent, CaseNumberCounter
from huying.cases.services import intake
from tests.test_import_helpers import GOOD_ROWS, csv_file, mapping_file, row, run_import

ROWS = [row(f"R-{n}", 诉求内容=f"幸福里3号楼门口垃圾没人清运（第{n}次）") for n in range(1, 7)]


@pytest.fixture
def crash_on(monkeypatch):
    """Make case creation fail, as a full disk or a lost connection would, on the rows saying `text`."""

    def arm(text: str) -> None:
        real = intake.case_create

        def failing(**fields):
            if text in fields["description"]:
                raise RuntimeError("disk full")
            return real(**fields)

        monkeypatch.setattr(intake, "case_create", failing)

    return arm


def test_a_crash_mid_run_leaves_no_case_from_that_run(cast, tmp_path, crash_on):
    crash_on("第4次")
    with pytest.raises(CommandError, match="第 5 行写入时出错（disk full），本次导入未写入任何工单"):
        run_import(csv_file(tmp_path, ROWS), mapping_file(tmp_path))
    assert not Case.objects.exists() and not CaseEvent.objects.exists()
    assert not CaseNumberCounter.objects.filter(last__gt=0).exists()  # the numbers taken were given back


def test_a_crash_leaves_the_cases_of_earlier_runs_alone(cast, tmp_path, crash_on):
    mapping = mapping_file(tmp_path)
    run_import(csv_file(tmp_path, GOOD_ROWS, name="before.csv"), mapping)
    crash_on("第2次")
    with pytest.raises(CommandError):
        run_import(csv_file(tmp_path, ROWS), mapping)
    assert set(Case.objects.values_list("upstream_id", flat=True)) == {"GD-001", "GD-002", "GD-003"}


def test_with_batches_a_crash_keeps_the_committed_batches_and_a_rerun_completes(cast, tmp_path, monkeypatch,
                                                                                 crash_on):
    path, mapping = csv_file(tmp_path, ROWS), mapping_file(tmp_path)
    crash_on("第6次")
    with pytest.raises(CommandError, match="第 7 行写入时出错.*此前已提交的 4 件保留"):
        run_import(path, mapping, "--batch", "2")
    # R-1..R-4 were two committed batches; R-6 failed and took R-5, made in the same batch, down with it.
    assert sorted(Case.objects.values_list("upstream_id", flat=True)) == ["R-1", "R-2", "R-3", "R-4"]
    monkeypatch.undo()
    out, _err = run_import(path, mapping, "--batch", "2")
    assert "新建工单 2 件，此前已导入 4 件" in out and Case.objects.count() == 6


def test_a_row_the_service_refuses_is_reported_and_the_others_are_written(cast, tmp_path, monkeypatch):
    from huying.lib.errors import InvalidInput

    real = intake.case_create

    def choosy(**fields):
        if "第3次" in fields["description"]:
            raise InvalidInput("地址不在本区", field="address")
        return real(**fields)

    monkeypatch.setattr(intake, "case_create", choosy)
    out, err = run_import(csv_file(tmp_path, ROWS), mapping_file(tmp_path))
    assert Case.objects.count() == 5 and not Case.objects.filter(upstream_id="R-3").exists()
    assert "第 4 行“地址”：地址不在本区" in err and "1 行被拒" in out
