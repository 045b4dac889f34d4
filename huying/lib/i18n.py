"""Names in the reader's language: Chinese first, English where the data has it."""

from django.utils.translation import get_language


class LocalNamed:
    """For models with `name` and `name_en`: `local_name` is the English name when the page is in English and
    the row has one, else the Chinese name."""

    name: str
    name_en: str

    @property
    def local_name(self) -> str:
        return self.name_en if self.name_en and get_language() == "en" else self.name
