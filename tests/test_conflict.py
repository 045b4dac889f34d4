"""Optimistic locking: a write based on a stale read is refused with a clear conflict."""

import pytest

from huying.cases import services as svc
from huying.cases.models import Case
from huying.lib.errors import VersionConflict


def test_second_writer_with_a_stale_copy_gets_a_conflict(cast, new_case):
    case = new_case()
    mine, theirs = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    svc.case_accept(case=theirs, by=cast.community_staff)
    with pytest.raises(VersionConflict) as refused:
        svc.case_add_note(case=mine, by=cast.community_staff, note="我这边的记录")
    assert refused.value.code == "version_conflict" and refused.value.status == 409
    assert Case.objects.get(pk=case.pk).events.filter(action="add_note").count() == 0


def test_an_explicit_old_version_is_refused(cast, new_case):
    case = new_case()
    old = case.version
    svc.case_accept(case=case, by=cast.community_staff)
    with pytest.raises(VersionConflict):
        svc.case_start(case=case, by=cast.community_staff, version=old)
    svc.case_start(case=case, by=cast.community_staff, version=case.version)
    assert case.status == "in_progress"


def test_events_cannot_be_changed_or_deleted(cast, new_case):
    event = new_case().events.first()
    event.note = "篡改"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
