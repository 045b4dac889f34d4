"""Phone numbers and unified social credit codes (GB 32100-2015) as residents and businesses type them."""

import pytest
from django.core.exceptions import ValidationError

from huying.intake.web.validators import (
    credit_code_check_digit,
    credit_code_validate,
    phone_normalise,
    phone_validate,
)


@pytest.mark.parametrize("typed, stored", [
    ("13800138000", "13800138000"),
    ("138 0013 8000", "13800138000"),
    ("+86 138-0013-8000", "13800138000"),
    ("027-85551234", "02785551234"),
    ("02785551234", "02785551234"),
    ("（010）62345678", "01062345678"),
    ("010-62345678-123", "01062345678-123"),
    ("85551234", "85551234"),
    ("０２７－８５５５１２３４", "02785551234"),
])
def test_mobile_and_landline_numbers_are_accepted_in_one_spelling(typed, stored):
    assert phone_validate(typed) == stored
    assert phone_normalise(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "12800138000", "1380013800", "138001380001", "abc", "110"])
def test_anything_else_is_refused(typed):
    with pytest.raises(ValidationError):
        phone_validate(typed)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L", "91440300708461136T"])
def test_real_credit_codes_have_the_right_check_digit(code):
    assert credit_code_check_digit(code[:17]) == code[17]
    assert credit_code_validate(code.lower()) == code


def test_a_credit_code_with_a_wrong_check_digit_is_refused():
    with pytest.raises(ValidationError) as refused:
        credit_code_validate("91350100M000100Y44")
    assert refused.value.code == "credit_code_check"


@pytest.mark.parametrize("code", [
    "91350100M000100Y4",  # 17 characters
    "91350100M000100I43",  # I is not in the alphabet
    "0135010OM000100Y43",  # no registering authority 0
    "9135AB00M000100Y43",  # the division code is digits
])
def test_a_credit_code_of_the_wrong_shape_is_refused(code):
    with pytest.raises(ValidationError) as refused:
        credit_code_validate(code)
    assert refused.value.code == "credit_code_shape"
