"""The category tree as CSV: export, import, the console commands and the admin's upload and download."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from huying.catalog.csvio import categories_export, categories_import, csv_text
from huying.catalog.models import Category
from huying.lib.errors import InvalidInput

HEADER = "code,parent_code,name,name_en,keywords,active\n"
GOOD = HEADER + "X0101,X01,测试子类,Test child,测试,1\nX01,,测试大类,Test class,,1\n"
BAD = HEADER + "X01,,测试大类,Test class,,1\nX0101,NOPE,测试子类,Test child,,1\n"


def tree() -> list[tuple]:
    fields = ("code", "parent__code", "name", "name_en", "keywords", "active", "level")
    return list(Category.objects.order_by("code").values_list(*fields))


def exported() -> str:
    buffer = io.StringIO()
    categories_export(buffer)
    return buffer.getvalue()


def import_rows(rows: str):
    return categories_import(io.StringIO(HEADER + rows))


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", password=None))
    return client


def test_export_starts_with_a_bom_and_lists_categories_by_code(db):
    text = exported()
    assert text.startswith("\ufeff" + HEADER.strip())
    codes = [line.split(",")[0] for line in text.splitlines()[1:]]
    assert codes == sorted(codes) and len(codes) == Category.objects.count()


def test_export_then_import_leaves_the_tree_unchanged(db):
    before = tree()
    report = categories_import(csv_text(exported().encode("utf-8")))
    assert (report.created, report.updated, report.unchanged) == (0, 0, len(before))
    assert tree() == before


def test_import_accepts_children_before_their_parents(db):
    report = import_rows("X010101,X0101,孙类,Grandchild,,1\nX0101,X01,子类,Child,,1\nX01,,大类,Class,,0\n")
    assert report.created == 3
    levels = dict(Category.objects.filter(code__startswith="X").values_list("code", "level"))
    assert levels == {"X01": 1, "X0101": 2, "X010101": 3}
    assert not Category.objects.get(code="X01").active


def test_import_updates_a_category_found_by_its_code(db):
    report = import_rows("010101,0101,垃圾清运,Refuse collection,垃圾 清运,1\n")
    assert (report.created, report.updated) == (0, 1)
    assert Category.objects.get(code="010101").name_en == "Refuse collection"


def test_import_reads_a_gbk_file_as_excel_saves_it_on_chinese_windows(db):
    categories_import(csv_text((HEADER + "X01,,测试大类,Test class,,1\n").encode("gb18030")))
    assert Category.objects.get(code="X01").name == "测试大类"


def test_moving_a_category_up_brings_its_children_up_a_level(db):
    import_rows("0101,,市容环卫,City appearance and sanitation,市容,1\n")
    assert Category.objects.get(code="0101").level == 1
    assert Category.objects.get(code="010101").level == 2


def test_a_move_that_would_push_children_below_level_three_is_refused(db):
    before = tree()
    with pytest.raises(InvalidInput) as refused:
        import_rows("0101,0201,市容环卫,City appearance and sanitation,,1\n")
    assert "第 2 行“parent_code”列" in str(refused.value.message) and "010101" in str(refused.value.message)
    assert tree() == before


@pytest.mark.parametrize(("rows", "row", "column"), [
    ("X01,,好,Good,,1\nX0101,NOPE,坏,Bad,,1\n", 3, "parent_code"),
    ("X01,,一,One,,1\nX0101,X01,二,Two,,1\nX010101,X0101,三,Three,,1\nX01010101,X010101,四,Four,,1\n", 5,
     "parent_code"),
    ("X01,,一,One,,1\nX02,,,No name,,1\n", 3, "name"),
    ("X01,,一,One,,1\n,,无编码,No code,,1\n", 3, "code"),
    ("X01,,一,One,,1\nX01,,又一,Again,,1\n", 3, "code"),
    ("X01,,一,One,,maybe\n", 2, "active"),
    ("X01,X02,一,One,,1\nX02,X01,二,Two,,1\n", 2, "parent_code"),
], ids=["unknown parent", "four levels", "missing name", "missing code", "duplicate code", "bad active", "loop"])
def test_a_bad_file_is_refused_naming_the_row_and_column_and_nothing_is_written(db, rows, row, column):
    before = tree()
    with pytest.raises(InvalidInput) as refused:
        import_rows(rows)
    assert f"第 {row} 行“{column}”列" in str(refused.value.message)
    assert tree() == before


def test_a_file_without_a_code_column_is_refused(db):
    with pytest.raises(InvalidInput, match="code"):
        categories_import(io.StringIO("编码,name\nX01,测试\n"))


def test_console_export_and_import_round_trip_through_a_file(db, tmp_path):
    path = tmp_path / "categories.csv"
    call_command("catalog_export", str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("catalog_import", str(path), stdout=out)
    assert f"{Category.objects.count()} 个未变" in out.getvalue()


def test_console_export_writes_to_standard_output_by_default(db):
    out = io.StringIO()
    call_command("catalog_export", stdout=out)
    assert out.getvalue().startswith("\ufeff" + HEADER.strip())


def test_console_import_reports_a_bad_file_as_a_command_error(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(CommandError, match="第 3 行"):
        call_command("catalog_import", str(path))


def test_admin_export_downloads_the_tree_as_csv(superuser_client):
    response = superuser_client.get(reverse("admin:catalog_category_export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert text.startswith(HEADER.strip()) and "垃圾清运" in text


def test_admin_category_list_shows_a_page_of_the_tree_in_a_fixed_number_of_queries(
        superuser_client, django_assert_max_num_queries):
    # The admin's sidebar asks once per one-row settings model (feedback policy, rate definitions, bulletin
    # schedule) whether its row exists; the list itself is a fixed few queries however many rows there are.
    with django_assert_max_num_queries(10):
        response = superuser_client.get(reverse("admin:catalog_category_changelist"))
    assert response.status_code == 200 and "垃圾清运" in response.text


def test_admin_import_page_shows_an_upload_form_with_a_csrf_token(superuser_client):
    response = superuser_client.get(reverse("admin:catalog_category_import"))
    assert response.status_code == 200
    assert 'type="file"' in response.text and "csrfmiddlewaretoken" in response.text


def test_admin_import_creates_categories_and_says_how_many(superuser_client):
    upload = SimpleUploadedFile("c.csv", GOOD.encode("utf-8-sig"), content_type="text/csv")
    response = superuser_client.post(reverse("admin:catalog_category_import"), {"file": upload}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:catalog_category_changelist")
    assert "新建 2 个分类" in response.text
    assert Category.objects.get(code="X0101").parent.code == "X01"


def test_admin_import_shows_the_faulty_row_and_writes_nothing(superuser_client):
    upload = SimpleUploadedFile("c.csv", BAD.encode("utf-8"), content_type="text/csv")
    response = superuser_client.post(reverse("admin:catalog_category_import"), {"file": upload})
    assert response.status_code == 200 and "第 3 行" in response.text
    assert not Category.objects.filter(code="X01").exists()


def test_admin_import_refuses_a_post_without_the_csrf_token(db, django_user_model):
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", password=None))
    upload = SimpleUploadedFile("c.csv", GOOD.encode("utf-8"), content_type="text/csv")
    assert client.post(reverse("admin:catalog_category_import"), {"file": upload}).status_code == 403
    assert not Category.objects.filter(code="X01").exists()


def test_admin_import_is_closed_to_staff_without_catalogue_rights(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("clerk", password=None, is_staff=True))
    assert client.get(reverse("admin:catalog_category_import")).status_code == 403


def test_admin_action_exports_only_the_selected_categories(superuser_client):
    chosen = Category.objects.filter(code__in=["01", "0101"])
    response = superuser_client.post(reverse("admin:catalog_category_changelist"), {
        "action": "export_selected", "_selected_action": [c.pk for c in chosen]})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["01", "0101"]


def test_a_file_the_csv_reader_cannot_read_is_refused(db):
    with pytest.raises(InvalidInput, match="CSV"):
        categories_import(io.StringIO(HEADER + "X01,," + "长" * 200_000 + ",,,1\n"))
