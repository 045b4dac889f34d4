"""LongSelect renders what Django's Select renders, in one pass."""

from django import forms

from huying.lib.widgets import LongSelect

CHOICES = [("", "（未确定）"), ("1", "城乡建设 <市容>"), ("2", "噪声 & 扰民")]


def test_long_select_renders_the_same_options_selection_and_attributes_as_select():
    for value in ("2", "", None):
        expected = forms.Select(attrs={"accesskey": "c"}, choices=CHOICES).render("category", value,
                                                                                  attrs={"id": "id_category"})
        got = LongSelect(attrs={"accesskey": "c"}, choices=CHOICES).render("category", value,
                                                                           attrs={"id": "id_category"})
        assert _normalised(got) == _normalised(expected)
    assert '<option value="2" selected>噪声 &amp; 扰民</option>' in LongSelect(choices=CHOICES).render("c", "2")


def _normalised(html: str) -> str:
    return "".join(line.strip() for line in html.splitlines())
