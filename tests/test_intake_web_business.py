"""/r/business/: the business channel (企业诉求) names the company and checks its credit code."""

import pytest

from huying.cases.models import Case
from tests.test_intake_web_helpers import fresh_cache, media, resident_post  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("fresh_cache", "media")
URL = "/r/business/"
CREDIT_CODE = "91350100M000100Y43"


def business_post(clock, cast, **overrides) -> dict:
    fields = {"company_name": "示范市幸福里餐饮有限公司", "credit_code": CREDIT_CODE,
              "description": "店门口的道路施工围挡三个月未拆，影响经营"}
    return resident_post(clock, cast, **{**fields, **overrides})


def test_a_business_request_is_a_business_case_with_the_company(cast, client, clock):
    response = client.post(URL, business_post(clock, cast, credit_code=CREDIT_CODE.lower()))
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.channel, case.business, case.company_name, case.credit_code) == (
        "business", True, "示范市幸福里餐饮有限公司", CREDIT_CODE)
    assert case.consent_at is not None


def test_the_credit_code_may_be_left_out(cast, client, clock):
    client.post(URL, business_post(clock, cast, credit_code=""))
    assert Case.objects.get().credit_code == ""


def test_a_credit_code_with_a_wrong_check_digit_is_named(cast, client, clock):
    response = client.post(URL, business_post(clock, cast, credit_code="91350100M000100Y44"))
    page = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert "统一社会信用代码" in page and "校验位不正确" in page
    assert "示范市幸福里餐饮有限公司" in page


def test_the_company_name_is_required(cast, client, clock):
    page = client.post(URL, business_post(clock, cast, company_name="")).content.decode()
    assert "企业名称" in page.split("error-summary")[1] and not Case.objects.exists()


def test_a_business_does_not_report_anonymously(cast, client, clock):
    page = client.post(URL, business_post(clock, cast, anonymous="on", reporter_phone="")).content.decode()
    assert 'name="anonymous"' not in page
    assert "请填写联系电话" in page and not Case.objects.exists()
