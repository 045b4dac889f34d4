"""`huying demo_info`: where the demo runs and who can log in, in Chinese and English."""

import unicodedata

from django.core.management.base import BaseCommand

from huying.demo.load import demo_district
from huying.demo.people import DEMO_PASSWORD, LOGINS
from huying.org.models import Role, User

ROLE_NAMES = {
    Role.OPERATOR: ("话务员", "hotline operator"),
    Role.GRID_WORKER: ("网格员", "grid worker"),
    Role.COMMUNITY_STAFF: ("社区工作人员", "community staff"),
    Role.STREET_DISPATCHER: ("街道派单员", "street dispatcher"),
    Role.DEPARTMENT_HANDLER: ("部门承办人", "department handler"),
    Role.COMMAND_CENTRE: ("指挥中心", "command centre"),
    Role.LEADER: ("领导", "leader"),
    Role.ADMIN: ("系统管理员", "administrator"),
}


def width(text: str) -> int:
    """Columns the text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(columns - width(text), 0)


class Command(BaseCommand):
    help = "显示演示环境的网址和账号 / Show the demo's addresses and logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host: str, port: str, **options) -> None:
        base = f"http://{host}:{port}"
        self.stdout.write("呼应 Huying — 演示环境 / demo")
        for label, path in (("网站 Site", "/"), ("工作台 Staff console", "/work/"),
                            ("指挥大屏 Wall screen", "/work/screen/"), ("管理后台 Admin", "/admin/"),
                            ("接口文档 API docs", "/api/docs")):
            self.stdout.write(f"  {pad(label, 26)}{base}{path}")
        if demo_district() is None:
            self.stdout.write("演示数据尚未加载 / demo data not loaded: run `huying demo_load`")
            return
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）/ demo logins (password: {DEMO_PASSWORD})")
        for username, role, unit in self._rows():
            self.stdout.write(f"  {pad(username, 14)}{pad(role, 34)}{unit}")

    def _rows(self) -> list[tuple[str, str, str]]:
        users = {u.username: u for u in User.objects.filter(username__in=LOGINS).select_related("unit")}
        rows = [("用户名 user", "角色 role", "单位 unit")]
        for username, role in LOGINS.items():
            user = users.get(username)
            if user is None:
                continue
            zh, en = ROLE_NAMES[role]
            unit = f"{user.unit.name} {user.unit.name_en}".strip() if user.unit else "-"
            rows.append((username, f"{zh} {en}", unit))
        return rows
