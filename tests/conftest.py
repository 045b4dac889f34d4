import pytest
import time_machine

from tests.cast import FROZEN_NOW, build_cast, triage_set


@pytest.fixture(autouse=True)
def chinese_by_default():
    """Each test starts in zh-hans: an English request earlier in the run must not leak its language."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")


@pytest.fixture(autouse=True)
def no_login_lockout(settings):
    """Lockout (django-axes) needs the request on every authenticate(); the test client's login() gives none.
    The lockout tests switch it back on and sign in through the real login page."""
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def fresh_wordings():
    """The wordings and webhook caches outlive a test's rolled-back transaction: each test reads them afresh."""
    from huying.cases.duplicates import FAMILIES
    from huying.notify.templates import wordings_changed
    from huying.notify.webhooks import webhooks_changed
    from huying.triage.assess import CATEGORIES, REQUEST_TYPES
    from huying.triage.keywords import KEYWORDS
    from huying.triage.models import settings_changed
    from huying.triage.store import models_forget

    def forget() -> None:
        wordings_changed()
        webhooks_changed()
        for cache in (CATEGORIES, REQUEST_TYPES, KEYWORDS, FAMILIES):
            cache.forget()
        models_forget()
        settings_changed()

    forget()
    yield
    forget()


@pytest.fixture
def clock():
    """The frozen clock: tests move it explicitly with clock.move_to(...) or clock.shift(...)."""
    with time_machine.travel(FROZEN_NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cast(db, clock):
    from huying.triage.models import TriageSettings

    made = build_cast()
    # Tests of other behaviours take in the same request several times over; the duplicate filter would fold
    # them into one. Its own tests switch it on (the `duplicate_filter` fixture).
    TriageSettings.objects.update_or_create(pk=1, defaults={"duplicate_filter": False})
    return made


@pytest.fixture
def duplicate_filter(cast):
    from huying.triage.models import TriageSettings

    triage_set(duplicate_filter=True)
    return TriageSettings.current()


@pytest.fixture
def new_case(cast):
    """Create a case as the operator; defaults to a sanitation complaint at 幸福里小区3栋 (→ 幸福里社区)."""
    from huying.cases.services import case_create

    def make(**overrides):
        fields = {
            "by": cast.operator, "channel": "hotline", "request_type": cast.complaint,
            "category": cast.sanitation, "description": "幸福里3号楼门口垃圾两天没人清运", "address": "幸福里3号楼",
            "reporter_name": "张先生", "reporter_phone": "13800138000",
        }
        fields.update(overrides)
        return case_create(**fields)

    return make


@pytest.fixture
def heads(cast):
    """A head (负责人) for the community, the street office and the parks bureau, reachable by SMS and e-mail."""
    from huying.org.models import Role, User

    made = {}
    for name, unit, role, phone in (("xingfu_head", cast.xingfu, Role.COMMUNITY_STAFF, "13900000001"),
                                    ("east_head", cast.east, Role.STREET_DISPATCHER, "13900000002"),
                                    ("parks_head", cast.parks, Role.DEPARTMENT_HANDLER, "13900000003")):
        made[name] = User.objects.create(username=name, unit=unit, role=role, is_unit_head=True, phone=phone,
                                         email=f"{name}@gov.example")
    cast.community_staff.phone = "13900000009"
    cast.community_staff.save()
    return made


pytest_plugins = ["tests.browser", "tests.threads"]
