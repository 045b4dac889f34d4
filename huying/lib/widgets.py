"""Form widgets Huying needs beyond Django's own."""

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

SELECTED = mark_safe(" selected")


class LongSelect(forms.Select):
    """A <select> rendered in one pass, for long lists (the ~200 categories of the catalogue).

    Django renders each option through its own template, which costs tens of milliseconds for a few hundred
    options; a desk page with six such selects went over its time budget. Same markup, no option groups.
    """

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        final_attrs = {"name": name, **self.build_attrs(self.attrs, attrs)}
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (str(option), SELECTED if str(option) in chosen else "", label) for option, label in self.choices
        ))
        return format_html("<select{}>{}</select>", _attributes(final_attrs), options)


def _attributes(attrs: dict) -> SafeString:
    """As Django's attrs.html writes them: in order, True as a bare name, False left out."""
    return format_html_join("", "{}", (
        (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
        for name, value in attrs.items() if value is not False and value is not None
    ))
