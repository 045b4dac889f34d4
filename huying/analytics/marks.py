"""Every case event marks the case's measure for recomputation, in the event's own transaction.

The mark is a row (the measure's `refresh_at`), not a message: whatever was acknowledged is counted once the
worker passes, even if a process dies in between. Events written by `bulk_create` (the demo's history)
send no signal; whoever writes them calls `measures_mark_all` afterwards. A unit moved in the organisation tree
marks the measures of every case it (or a unit below it) is accountable for: they count for other units now.
"""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from huying.analytics.models import CaseMeasure
from huying.cases.models import CaseEvent
from huying.org.models import Unit


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


@receiver(post_save, sender=Unit, dispatch_uid="analytics_unit_moved")
def _unit_saved(sender, instance: Unit, created: bool, raw: bool = False, **kwargs) -> None:
    # Unit.save() writes the new path of the unit and its subtree *after* this signal: `instance.path` is still
    # the old one here, and the measures counted under it are exactly those whose kept path starts with it.
    if created or raw or not instance.path:
        return
    new_path = f"{instance.parent.path if instance.parent else '/'}{instance.pk}/"
    if new_path != instance.path:
        moved = Q(handler_path__startswith=instance.path) | Q(response_path__startswith=instance.path)
        CaseMeasure.objects.filter(moved).update(refresh_at=timezone.now())
