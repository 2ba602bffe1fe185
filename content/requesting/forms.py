"""The forms of the request pages: submit a request, comment, +1, and the board's triage actions."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from ..deal_picker import named_deal
from ..models import (
    AssetKind,
    Competitor,
    FunnelStage,
    Persona,
    RequestPriority,
)
from ..models.requests import DESCRIPTION_MAX_LENGTH
from ..permissions import MARKETING, visible_deals
from .picker import MAX_TYPED, picked_asset, picked_original


class _DealPickerForm:
    """The deal field of the request forms, optional: the deal picker of the usage forms, whose
    `deal` is the label the rep typed or picked and `deal_id` the hidden id its script sets. Any
    deal the user may open is accepted (content.deal_picker.named_deal); cleaned, `deal` is a Deal
    or None, and the picker's errors are on `deal`."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        deal_id = cleaned.pop("deal_id", "")
        if "deal" not in cleaned:  # refused by the field itself (a NUL character)
            return cleaned
        label, cleaned["deal"] = cleaned["deal"], None
        if label:
            try:
                cleaned["deal"] = named_deal(
                    user=self.user, label=label, deal_id=deal_id, allowed=visible_deals(self.user)
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class RequestSubmitForm(_DealPickerForm, forms.Form):
    title = forms.CharField(max_length=200, help_text="What is needed, in a line.")
    description = forms.CharField(
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Why it is needed: the situation, the buyer, what is missing.",
    )
    kind = forms.ChoiceField(choices=[("", "Any kind")] + list(AssetKind.choices), required=False)
    stage = forms.ModelChoiceField(FunnelStage.objects.all(), required=False, to_field_name="slug", empty_label="Any")
    persona = forms.ModelChoiceField(Persona.objects.all(), required=False, to_field_name="slug", empty_label="Any")
    competitor = forms.ModelChoiceField(
        Competitor.objects.all(), required=False, to_field_name="slug", empty_label="None"
    )
    deal = forms.CharField(
        required=False,
        label="Deal",
        help_text="Optional: one of your open deals it would help, by its name or account; its amount counts.",
    )
    deal_id = forms.CharField(required=False, widget=forms.HiddenInput)
    needed_by = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional: when you need it for the deal. Marketing's SLA is to triage the request, "
        "not to deliver by this date.",
    )
    confirm_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_needed_by(self):
        value = self.cleaned_data.get("needed_by")
        if value and value < timezone.localdate():
            raise forms.ValidationError("The needed-by date is in the past.")
        return value


class CommentForm(forms.Form):
    body = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class SupportForm(_DealPickerForm, forms.Form):
    deal = forms.CharField(required=False, label="Your deal (optional)")
    deal_id = forms.CharField(required=False, widget=forms.HiddenInput)


def marketers():
    return get_user_model().objects.filter(groups__name=MARKETING, is_active=True).order_by("username")


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=None, required=False, empty_label="Unassigned")

    def __init__(self, *args, assignees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = marketers() if assignees is None else assignees


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(choices=RequestPriority.choices, coerce=int)


class TransitionForm(forms.Form):
    """A status change from a page: the original of a duplicate and the delivered asset are each
    one field, "#12 Title" as the pickers offer them, a bare number, or a whole title."""

    note = forms.CharField(required=False, max_length=2000)
    decline_reason = forms.CharField(required=False, max_length=2000)
    duplicate_of = forms.CharField(required=False, max_length=MAX_TYPED)
    delivered_asset = forms.CharField(required=False, max_length=MAX_TYPED)

    def __init__(self, *args, request_pk=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_pk = request_pk

    def clean_duplicate_of(self):
        text = self.cleaned_data.get("duplicate_of", "").strip()
        return picked_original(text, exclude=self.request_pk) if text else None

    def clean_delivered_asset(self):
        text = self.cleaned_data.get("delivered_asset", "").strip()
        return picked_asset(text) if text else None
