"""Form fields that refuse what the database cannot compare: Django's multiple-choice field sends
every submitted id to the database, and an id past 64 bits raises instead of failing validation."""

from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**63 - 1


def row_id(value) -> int | None:
    """A row's id as a page, a link or a script sends it: plain digits 0-9 within 64 bits, else None.
    (str.isdigit() also takes "²" and "٣", which int() refuses or reads; an id is neither.)"""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id; a value that is no id is a validation error, not a 500."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                number = -1
            if not 0 < number <= MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)
