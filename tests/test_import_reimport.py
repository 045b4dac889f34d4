"""Importing a file again: upstream ids make every source row one case, whatever the number of runs."""

from huying.cases.models import Case, CaseEvent
from tests.test_import_helpers import GOOD_ROWS, MAPPING, csv_file, mapping_file, report_lines, row, run_import


def test_importing_the_same_file_twice_creates_nothing_new(cast, tmp_path):
    path, mapping = csv_file(tmp_path, GOOD_ROWS), mapping_file(tmp_path)
    run_import(path, mapping)
    numbers, events = set(Case.objects.values_list("number", flat=True)), CaseEvent.objects.count()
    out, _err = run_import(path, mapping)
    assert set(Case.objects.values_list("number", flat=True)) == numbers and len(numbers) == 3
    assert CaseEvent.objects.count() == events
    assert "新建工单 0 件，此前已导入 3 件" in out


def test_a_longer_export_adds_only_its_new_rows(cast, tmp_path):
    mapping = mapping_file(tmp_path)
    run_import(csv_file(tmp_path, GOOD_ROWS[:2]), mapping)
    out, _err = run_import(csv_file(tmp_path, GOOD_ROWS), mapping)
    assert "新建工单 1 件，此前已导入 2 件" in out and Case.objects.count() == 3


def test_the_dry_run_counts_the_rows_imported_before(cast, tmp_path):
    path, mapping = csv_file(tmp_path, GOOD_ROWS), mapping_file(tmp_path)
    run_import(csv_file(tmp_path, GOOD_ROWS[:1], name="first.csv"), mapping, "--source", "cases")
    out, _err = run_import(path, mapping, "--dry-run")
    assert "3 行可导入（其中 1 行此前已导入）" in out and Case.objects.count() == 1


def test_an_id_repeated_within_the_file_is_refused_on_its_second_row(cast, tmp_path):
    run_import(csv_file(tmp_path, [GOOD_ROWS[0], GOOD_ROWS[1], row("GD-001", 诉求内容="另一件事")]),
               mapping_file(tmp_path))
    assert report_lines(tmp_path / "cases.csv.refused.csv") == [["4", "工单编号", "编号与第 2 行重复"]]
    assert Case.objects.get(upstream_id="GD-001").description == "幸福里3号楼门口垃圾两天没人清运"


def test_the_same_ids_from_another_source_are_other_cases(cast, tmp_path):
    path, mapping = csv_file(tmp_path, GOOD_ROWS), mapping_file(tmp_path)
    run_import(path, mapping, "--source", "hotline-2025")
    run_import(path, mapping, "--source", "wechat-2025")
    assert Case.objects.count() == 6
    assert set(Case.objects.values_list("upstream_source", flat=True)) == {"import:hotline-2025",
                                                                           "import:wechat-2025"}


def test_without_upstream_ids_a_second_import_makes_the_cases_again(cast, tmp_path):
    mapping = mapping_file(tmp_path, {k: v for k, v in MAPPING.items() if k != "upstream_id"})
    path = csv_file(tmp_path, GOOD_ROWS)
    run_import(path, mapping)
    run_import(path, mapping)
    assert Case.objects.count() == 6  # why the mapping should give upstream_id whenever the source has one
