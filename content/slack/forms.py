"""The forms of the Slack settings page; what they accept is checked again by the services."""

from django import forms

from ..models import SlackEvent
from ..models.slack import channel_validator, member_id_validator


class SlackProfileForm(forms.Form):
    member_id = forms.CharField(
        label="Your Slack member id",
        max_length=20,
        required=False,
        help_text="In Slack: your profile → ⋮ → Copy member ID (it looks like U012AB3CD). Leave empty to unlink.",
    )
    events = forms.MultipleChoiceField(
        label="Send me a direct message when",
        choices=SlackEvent.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_member_id(self):
        member_id = self.cleaned_data["member_id"].strip().upper()
        if member_id:
            member_id_validator(member_id)
        return member_id


class SlackRouteForm(forms.Form):
    event = forms.ChoiceField(label="Event", choices=SlackEvent.choices)
    channel = forms.CharField(
        label="Channel",
        max_length=81,
        help_text="The channel's id (in Slack: the channel's name → About → Channel ID) or #name. Invite the app "
        "to the channel first (/invite @your-app).",
        validators=[channel_validator],
    )
