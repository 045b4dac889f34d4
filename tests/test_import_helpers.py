"""What the import tests share (no tests here): a hotline export as the tests write it, its mapping, and a runner.

The rows are the cast's district: 幸福里3号楼 (→ 幸福里社区 by the building registry), a point in 桃园网格1 with a
tree matter (→ 园林局), and a noise matter without a place (→ the command centre).
"""

import csv
import io
import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.utils import translation

HEADER = ["工单编号", "标题", "诉求内容", "分类编码", "类型", "地址", "纬度", "经度", "诉求人", "电话", "来电时间"]
GOOD_ROWS = [
    ["GD-001", "垃圾未清运", "幸福里3号楼门口垃圾两天没人清运", "T010101", "投诉", "幸福里3号楼", "", "", "张先生",
     "13800138000", "2026/03/01 09:30"],
    ["GD-002", "树枝遮挡", "桃园小区门口树枝挡住路灯", "T010201", "投诉", "", "30.705", "114.405", "李女士",
     "13900139000", "2026/03/02 14:05"],
    ["GD-003", "", "楼下商铺夜里音响很吵", "T0201", "咨询", "", "", "", "", "", "2026/03/03 22:40"],
]
MAPPING = {
    "upstream_id": "工单编号", "title": "标题", "description": "诉求内容", "category": "分类编码",
    "request_type": {"column": "类型", "values": {"投诉": "complaint", "咨询": "consult"}},
    "address": "地址", "lat": "纬度", "lon": "经度", "reporter_name": "诉求人", "reporter_phone": "电话",
    "created_at": {"column": "来电时间", "format": "%Y/%m/%d %H:%M"},
}


def row(upstream_id: str, **changes: str) -> list[str]:
    """The first good row under another id, with cells changed by column name."""
    cells = dict(zip(HEADER, GOOD_ROWS[0], strict=True)) | {"工单编号": upstream_id} | changes
    return [cells[column] for column in HEADER]


def csv_bytes(rows: list[list[str]], *, header: list[str] = HEADER, encoding: str = "utf-8") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def csv_file(folder: Path, rows: list[list[str]], *, name: str = "cases.csv", encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(csv_bytes(rows, encoding=encoding))
    return path


def mapping_file(folder: Path, mapping: dict | None = None, **changes) -> Path:
    path = folder / "mapping.json"
    path.write_text(json.dumps({**(MAPPING if mapping is None else mapping), **changes}, ensure_ascii=False),
                    encoding="utf-8")
    return path


def run_import(path: Path, mapping: Path, *args: str, **options) -> tuple[str, str]:
    """The console command as a clerk runs it; returns what it printed (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    # In Chinese, as on a server: a command speaks whatever language the thread has, and an earlier test's
    # English request may have left English active.
    with translation.override(settings.LANGUAGE_CODE):
        call_command("cases_import", str(path), "--mapping", str(mapping), "--no-progress", *args, stdout=out,
                     stderr=err, **options)
    return out.getvalue(), err.getvalue()


def report_lines(path: Path) -> list[list[str]]:
    """The refusal report's lines after its header."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))[1:]
