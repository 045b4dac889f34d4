"""Every case event marks the case's measure for recomputation, in the event's own transaction.

The mark is a row (the measure's `refresh_at`), not a message: whatever was acknowledged is counted once the
worker passes, even if a process dies in between. Events written by `bulk_create` (the demo's history)
send no signal; whoever writes them calls `measures_mark_all` afterwards.
"""

from django.db import IntegrityError, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from huying.analytics.models import CaseMeasure
from huying.cases.models import CaseEvent


def measure_mark(case_id: int) -> None:
    """Ask the worker to recompute this case's measure (and its units' rollups) on its next pass."""
    now = timezone.now()
    if CaseMeasure.objects.filter(pk=case_id).update(refresh_at=now):
        return
    try:
        with transaction.atomic():  # savepoint: another writer may have created the row meanwhile
            CaseMeasure.objects.create(case_id=case_id, refresh_at=now)
    except IntegrityError:
        CaseMeasure.objects.filter(pk=case_id).update(refresh_at=now)


def measures_mark_all() -> int:
    """Mark every case, e.g. after a bulk load or a change of the score bands; returns how many."""
    from huying.cases.models import Case

    now = timezone.now()
    missing = Case.objects.filter(measure__isnull=True).order_by("pk").values_list("pk", flat=True)
    batch: list[CaseMeasure] = []
    for pk in missing.iterator(chunk_size=5000):
        batch.append(CaseMeasure(case_id=pk, refresh_at=now))
        if len(batch) >= 5000:
            CaseMeasure.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    CaseMeasure.objects.bulk_create(batch, ignore_conflicts=True)
    return CaseMeasure.objects.update(refresh_at=now)


@receiver(post_save, sender=CaseEvent, dispatch_uid="analytics_measure_mark")
def _case_event_saved(sender, instance: CaseEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        measure_mark(instance.case_id)
