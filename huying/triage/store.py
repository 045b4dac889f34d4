"""Trained models kept as rows (TriageModel): save one, make it the active one, and read the active one fast.

Each process keeps the active models in memory and asks the database at most every few seconds which
versions are active, so a new model reaches every web and worker process within `CHECK_SECONDS` without a
restart, and a case never waits for a model file to be read twice.
"""

import hashlib
import logging
import tempfile
import threading
from pathlib import Path

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from huying.lib.fresh import Fresh
from huying.org.models import User
from huying.triage.classifier import Classifier, ModelFileError, classifier_load
from huying.triage.models import Target, TriageModel

CHECK_SECONDS = 10
_loaded: dict[str, Classifier | None] = {}  # version → classifier (None: unreadable), for the active versions
log = logging.getLogger(__name__)
_loading = threading.Lock()


def model_store(*, classifier: Classifier, target: str = Target.CATEGORY, source: str, activate: bool = True,
                metrics: dict | None = None, by: User | None = None) -> TriageModel:
    """Keep a trained classifier as a row; with `activate` it replaces the active model of its target."""
    blob = _dump(classifier)
    digest = hashlib.sha256(blob).hexdigest()
    with transaction.atomic():
        if activate:
            TriageModel.objects.filter(target=target, active=True).update(active=False)
        version = classifier.version  # its training time; two trainings in one second differ by their content
        if TriageModel.objects.filter(version=version).exists():
            version = f"{version}-{digest[:8]}"
        row = TriageModel.objects.create(
            target=target, version=version, blob=blob, sha256=digest,
            source=source[:200], n=classifier.n, classes=classifier.classes, metrics=metrics or {},
            active=activate, trained_at=timezone.now(), created_by=by)
    return row


def model_activate(*, row: TriageModel) -> None:
    with transaction.atomic():
        TriageModel.objects.filter(target=row.target, active=True).exclude(pk=row.pk).update(active=False)
        TriageModel.objects.filter(pk=row.pk).update(active=True)
    ACTIVE.forget()  # update() sends no signal


def _dump(classifier: Classifier) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.joblib"
        classifier.save(path)
        return path.read_bytes()


def _active_versions() -> dict[str, str]:
    return dict(TriageModel.objects.filter(active=True).values_list("target", "version"))


ACTIVE: Fresh[dict[str, str]] = Fresh(_active_versions, ttl=CHECK_SECONDS)


def model_active(target: str = Target.CATEGORY) -> Classifier | None:
    """The active classifier for `target`, or None when none was trained yet (cold start)."""
    version = ACTIVE.get().get(target)
    if version is None:
        return None
    if version in _loaded:
        return _loaded[version]
    blob = TriageModel.objects.filter(version=version).values_list("blob", flat=True).first()
    if blob is None:
        return None
    classifier = _readable(bytes(blob), version)
    with _loading:  # the worker's threads and a threaded server share this cache
        for stale in set(_loaded) - set(ACTIVE.get().values()):
            _loaded.pop(stale, None)
        _loaded[version] = classifier
    return classifier


def _readable(blob: bytes, version: str) -> Classifier | None:
    """The stored model, or None (keyword rules take over) when this release cannot read it: an older format
    must be retrained (`huying triage train-from-cases`), never guessed at — and intake must not stop meanwhile."""
    try:
        classifier = _load_bytes(blob)
    except ModelFileError as exc:
        log.error("triage model %s cannot be read (%s): using the catalogue keywords until it is retrained",
                  version, exc)
        return None
    classifier.version = version  # the row's name for it is what cases record
    return classifier


def _load_bytes(blob: bytes) -> Classifier:
    with tempfile.NamedTemporaryFile(suffix=".joblib") as handle:
        handle.write(blob)
        handle.flush()
        return classifier_load(Path(handle.name))


def models_forget() -> None:
    ACTIVE.forget()
    _loaded.clear()


@receiver([post_save, post_delete], sender=TriageModel, dispatch_uid="triage.models_changed")
def _models_changed(**_kwargs: object) -> None:
    ACTIVE.forget()
