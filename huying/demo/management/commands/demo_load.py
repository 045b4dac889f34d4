"""`huying demo_load`: the demo district (示范区) and six months of generated history, loaded once."""

import time
from collections import Counter

from django.core.management.base import BaseCommand
from django.utils import timezone

from huying.demo.load import demo_district, demo_has_history, district_phase, district_reuse, history_phase


class Command(BaseCommand):
    help = "加载演示区县及其历史工单（已加载则跳过） / Load the demo district and its history (once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cases", type=int, default=21000, help="历史工单数 / history cases")
        parser.add_argument("--months", type=int, default=6, help="历史跨度（月） / months of history")
        parser.add_argument("--seed", type=int, default=12345, help="随机种子 / random seed (reproducible)")

    def handle(self, *args, cases: int, months: int, seed: int, **options) -> None:
        started = time.monotonic()
        district = demo_district()
        if district is not None and demo_has_history(district):
            self.stdout.write(f"演示数据已存在，直接复用 / demo district {district.name} already loaded: reusing it")
            return
        if district is None:
            parts = district_phase(seed, timezone.now())
            self.stdout.write(f"已创建演示区县 / created the demo district: {self._tree(parts)}")
        else:
            parts = district_reuse(district)
            self.stdout.write("演示区县已存在但无历史工单，补充生成 / district found without history: generating it")
        chronicle = history_phase(parts, cases=cases, months=months, seed=seed, now=timezone.now())
        self._report(chronicle, time.monotonic() - started)

    def _tree(self, parts) -> str:
        demo = parts.demo
        return (f"{len(demo.streets)} 街道 streets, {len(demo.communities)} 社区 communities, "
                f"{len(demo.grids)} 网格 grids, {len(parts.buildings)} 楼栋 buildings, "
                f"{len(parts.catalogue.rules)} 派单规则 dispatch rules")

    def _report(self, chronicle, seconds: float) -> None:
        statuses = Counter(s.case.status for s in chronicle.stories)
        events = sum(len(s.events) for s in chronicle.stories)
        mix = ", ".join(f"{status} {n}" for status, n in statuses.most_common())
        self.stdout.write(f"已生成历史工单 / history: {len(chronicle.stories)} cases, {events} events ({mix})")
        self.stdout.write(self.style.SUCCESS(f"完成 / done in {seconds:.1f} s"))
