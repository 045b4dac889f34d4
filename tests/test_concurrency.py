"""Concurrent writers on a real database: numbers stay unique, nothing is lost, one accept wins."""


import pytest

from huying.cases import services as svc
from huying.cases.models import Case
from huying.lib.errors import VersionConflict
from tests.threads import run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_intake_gives_every_case_its_own_number(live_cast):
    def create_five(i: int) -> list[str]:
        return [svc.case_create(by=live_cast.operator, channel="hotline", request_type=live_cast.complaint,
                                category=live_cast.sanitation, description=f"并发测试{i}-{n}",
                                address="幸福里3号楼").number for n in range(5)]

    results = run_in_threads(create_five, 4)
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = [n for batch in results for n in batch]
    assert len(set(numbers)) == 20 == Case.objects.count()
    assert sorted(numbers)[-1].endswith("000020")


def test_two_people_accepting_the_same_case_one_wins(live_cast):
    number = svc.case_create(by=live_cast.operator, channel="hotline", request_type=live_cast.complaint,
                             category=live_cast.sanitation, description="同时签收", address="幸福里3号楼").number
    stale = [Case.objects.get(number=number), Case.objects.get(number=number)]

    def accept(i: int):
        return svc.case_accept(case=stale[i], by=live_cast.community_staff).status

    results = run_in_threads(accept, 2)
    refused = [r for r in results if isinstance(r, Exception)]
    assert [r for r in results if r not in refused] == ["accepted"]
    assert len(refused) == 1 and isinstance(refused[0], VersionConflict), results
    assert Case.objects.get(number=number).events.filter(action="accept").count() == 1
