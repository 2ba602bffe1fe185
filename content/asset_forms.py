"""The marketer's asset forms: the common fields plus only the chosen kind's structured fields."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from .assets import asset_rule_errors, kind_fields
from .form_fields import IdsChoiceField, row_id
from .models import Asset, AssetKind, Competitor, FunnelStage, Persona
from .names import person_name
from .permissions import MARKETING
from .uploads import ALLOWED_LABEL, validate_asset_file

COMMON_FIELDS = [
    "title",
    "summary",
    "body",
    "external_url",
    "stages",
    "personas",
    "competitors",
    "tags",
    "owner",
    "planned_publish_date",
    "published_at",
    "expires_on",
    "verification_interval_days",
]


class AssetForm(forms.ModelForm):
    external_url = forms.URLField(
        label="External link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="A page to open instead of (or as well as) a file.",
    )
    upload = forms.FileField(
        label="File",
        required=False,
        help_text=f"{ALLOWED_LABEL}. Its text becomes searchable.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.pptx,.docx,.png,.jpg,.jpeg"}),
    )

    class Meta:
        model = Asset
        fields = COMMON_FIELDS  # narrowed per kind by asset_form_class
        field_classes = dict.fromkeys(("stages", "personas", "competitors", "proof_points"), IdsChoiceField)
        widgets = {
            "stages": forms.CheckboxSelectMultiple,
            "personas": forms.CheckboxSelectMultiple,
            "competitors": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 2}),
            "planned_publish_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "published_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }
        labels = {
            "published_at": "Release date",
            "external_url": "External link",
            "verification_interval_days": "Verify every (days)",
            "how_we_win": "How we win",
            "objection": "The objection, in the buyer's words",
        }

    kind: str = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kind = self.instance.kind or self.kind
        self.fields["stages"].queryset = FunnelStage.objects.order_by("order")
        self.fields["personas"].queryset = Persona.objects.order_by("name")
        self.fields["competitors"].queryset = Competitor.objects.order_by("name")
        self.fields["owner"].queryset = (
            get_user_model().objects.filter(groups__name=MARKETING, is_active=True).order_by("username")
        )
        self.fields["owner"].label_from_instance = person_name
        if "proof_points" in self.fields:
            self.fields["proof_points"].queryset = Asset.objects.exclude(kind=AssetKind.OBJECTION)
            self.fields["proof_points"].help_text = "Case studies and one-pagers that back the response."
        for name, rows in (
            ("objection", 3),
            ("response", 6),
            ("how_we_win", 4),
            ("strengths", 4),
            ("weaknesses", 4),
            ("landmines", 4),
            ("results", 4),
        ):
            if name in self.fields:
                self.fields[name].widget.attrs["rows"] = rows
        if self.kind == AssetKind.BATTLE_CARD:
            self.fields["competitors"].help_text = "The competitor this card is about."

    def clean_upload(self):
        uploaded = self.cleaned_data.get("upload")
        if uploaded:
            validate_asset_file(uploaded)
        return uploaded

    def clean(self):
        """The asset rules (content.assets) on what was typed, each message beside its field."""
        cleaned = super().clean()

        def value(field):
            if field in self.fields:
                return cleaned.get(field)
            return getattr(self.instance, field) if field not in ("competitors", "proof_points") else []

        rules = asset_rule_errors(kind=self.kind, status=self.instance.status, value=value, pk=self.instance.pk)
        for field, message in rules.items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return cleaned

    def selected_proof_points(self):
        """The proof points to show as ticked boxes: the submitted ones, or the saved ones."""
        if "proof_points" not in self.fields:
            return []
        if self.is_bound:
            ids = [pk for pk in map(row_id, self.data.getlist("proof_points")) if pk]
        elif self.instance.pk:
            return list(self.instance.proof_points.only("id", "title", "kind"))
        else:
            ids = []
        return list(Asset.objects.filter(pk__in=ids).only("id", "title", "kind"))


def asset_form_class(kind: str):
    """A form for one kind: the common fields and that kind's own."""
    if kind not in AssetKind.values:
        raise ValidationError(f"Unknown kind {kind!r}.")
    meta = type("Meta", (AssetForm.Meta,), {"fields": COMMON_FIELDS + list(kind_fields(kind))})
    return type(f"{kind.title().replace('_', '')}Form", (AssetForm,), {"Meta": meta, "kind": kind})


class MarkdownPreviewForm(forms.Form):
    body = forms.CharField(required=False, max_length=200_000)
