"""Dispatch rules (派单目录): a department matter is never pushed down to a community or grid (不得下沉)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from huying.catalog.models import DispatchRule


@pytest.fixture
def superuser_client(client, cast, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", password=None))
    return client


def rule_form(cast, **overrides) -> dict:
    fields = {"category": cast.noise.pk, "tier": cast.tier_c.pk, "department": cast.parks.pk, "priority": 0,
              "active": "on"}
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


def test_a_department_rule_on_a_community_tier_is_refused(cast):
    with pytest.raises(ValidationError) as refused:
        DispatchRule(category=cast.noise, tier=cast.tier_a2, department=cast.parks).full_clean()
    assert "tier" in refused.value.message_dict


def test_a_department_rule_on_a_grid_tier_is_refused(cast):
    with pytest.raises(ValidationError) as refused:
        DispatchRule(category=cast.noise, tier=cast.tier_a1, department=cast.water).full_clean()
    assert "tier" in refused.value.message_dict


def test_a_department_rule_on_a_district_tier_is_accepted(cast):
    DispatchRule(category=cast.noise, tier=cast.tier_c, department=cast.parks).full_clean()


def test_a_street_cannot_be_named_as_the_responsible_department(cast):
    with pytest.raises(ValidationError) as refused:
        DispatchRule(category=cast.noise, tier=cast.tier_c, department=cast.east).full_clean()
    assert "department" in refused.value.message_dict


def test_the_admin_shows_the_push_down_refusal_on_the_tier_field(superuser_client, cast):
    response = superuser_client.post(reverse("admin:catalog_dispatchrule_add"), rule_form(cast, tier=cast.tier_a2.pk))
    assert response.status_code == 200
    assert "职能部门事项不得下派至社区或网格" in str(response.context["adminform"].form.errors["tier"])
    assert not DispatchRule.objects.filter(category=cast.noise).exists()


def test_the_admin_asks_for_a_missing_tier_instead_of_failing(superuser_client, cast):
    response = superuser_client.post(reverse("admin:catalog_dispatchrule_add"), rule_form(cast, tier=None))
    assert response.status_code == 200
    assert "tier" in response.context["adminform"].form.errors


def test_the_admin_saves_a_department_rule_on_a_district_tier(superuser_client, cast):
    response = superuser_client.post(reverse("admin:catalog_dispatchrule_add"), rule_form(cast))
    assert response.status_code == 302
    assert DispatchRule.objects.get(category=cast.noise).department == cast.parks


def test_the_dispatch_catalogue_list_shows_the_rules_in_a_fixed_number_of_queries(
        superuser_client, cast, django_assert_max_num_queries):
    DispatchRule.objects.bulk_create(
        DispatchRule(category=cast.noise, tier=cast.tier_c, department=cast.water, area=area, priority=n)
        for n, area in enumerate([cast.east, cast.west] * 10))
    # The admin's sidebar asks once per one-row settings model (feedback policy, rate definitions, bulletin
    # schedule) whether its row exists; the list itself is a fixed few queries however many rows there are.
    with django_assert_max_num_queries(10):
        response = superuser_client.get(reverse("admin:catalog_dispatchrule_changelist"))
    assert response.status_code == 200 and "垃圾清运" in response.text and "西山街道" in response.text


def test_a_department_rule_without_a_tier_asks_for_the_tier(cast):
    with pytest.raises(ValidationError) as refused:
        DispatchRule(category=cast.trees, department=cast.parks).full_clean()
    assert "tier" in refused.value.message_dict


def test_moving_a_category_carries_its_subtree_levels(cast):
    middle = cast.sanitation.parent
    middle.parent = None
    middle.save()
    cast.sanitation.refresh_from_db()
    assert (middle.level, cast.sanitation.level) == (1, 2)
