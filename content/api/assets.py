"""GET/POST /api/v1/assets/ and GET/PATCH/DELETE /api/v1/assets/{id}/: the library over the API,
searched and filtered by the same function and parameters as the library page."""

from functools import cached_property, partial

from django.http import Http404
from django.urls import reverse
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.relations import MANY_RELATION_KWARGS
from rest_framework.response import Response

from ..assets import asset_create, asset_delete, asset_update
from ..form_fields import row_id
from ..models import Asset, Competitor, FunnelStage, Persona
from ..permissions import Can, visible_assets
from ..search import record_search
from ..search.filters import AssetFilterSet
from ..search.paging import COUNT_CAP, CappedPaginator, RankedAssets
from ..uploads import validate_asset_file
from .answers import PassageMatchSerializer
from .pagination import StandardPagination
from .representations import STAMP_FIELDS, ranked_stamps, represent
from .serializers import ModelSerializer


class SearchPagination(StandardPagination):
    """A text search counts at most COUNT_CAP matches; `count_capped` says there are more."""

    def paginate_queryset(self, queryset, request, view=None):
        filterset = getattr(view, "filterset", None)
        result = getattr(filterset, "search_result", None)
        cap = COUNT_CAP if result is not None and filterset.params.q.strip() else None
        known = getattr(result, "match_count", None)
        self.corrected_query = getattr(result, "corrected_query", "")
        self.partial_match = getattr(result, "partial_match", False)
        self.django_paginator_class = partial(CappedPaginator, cap=cap, known_count=known)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.page.paginator.count_capped
        response.data["corrected_query"] = self.corrected_query
        response.data["partial_match"] = self.partial_match
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        description = f"More than {COUNT_CAP} matches: `count` stops there."
        schema["properties"]["count_capped"] = {"type": "boolean", "description": description}
        schema["properties"]["corrected_query"] = {
            "type": "string",
            "description": "Nothing matched `q` as typed: the query with its misspelt words corrected, which these "
            "results match (empty otherwise).",
        }
        schema["properties"]["partial_match"] = {
            "type": "boolean",
            "description": "No asset has every word of `q`: these are the closest matches, those with the most of "
            "its words first. False when the results match every word (or `q` is empty).",
        }
        return schema


class TagNameField(serializers.CharField):
    """A tag needs a letter or a digit: its slug (and so its URL) is made from them."""

    def to_internal_value(self, data):
        name = super().to_internal_value(data).strip()
        if not slugify(name):
            raise serializers.ValidationError("A tag needs at least one letter or digit.")
        return name


class TagNamesField(serializers.ListField):
    child = TagNameField(max_length=100)

    def get_attribute(self, instance):
        taxonomy = getattr(instance, "taxonomy", None)  # read for a whole page by attach_taxonomy
        return taxonomy["tags"] if taxonomy is not None else super().get_attribute(instance)

    def to_representation(self, value):
        return sorted(value) if isinstance(value, list) else sorted(tag.name for tag in value.all())


class TermSlugsField(serializers.ManyRelatedField):
    """Slugs of a stage, persona or competitor relation; from `asset.taxonomy` when a page of
    assets was read with attach_taxonomy, else from the relation."""

    def get_attribute(self, instance):
        taxonomy = getattr(instance, "taxonomy", None)
        return taxonomy[self.field_name] if taxonomy is not None else super().get_attribute(instance)

    def to_representation(self, iterable):
        return iterable if isinstance(iterable, list) else super().to_representation(iterable)


class TermSlugField(serializers.SlugRelatedField):
    @classmethod
    def many_init(cls, *args, **kwargs):
        shared = {key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS}
        return TermSlugsField(child_relation=cls(*args, **kwargs), **shared)


class ProtectedFileField(serializers.FileField):
    """Uploads like a file field; reads as the permission-checked download link, never the storage URL."""

    def to_representation(self, value):
        if not value:
            return None
        path = reverse("asset-download", args=[value.instance.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ReviewSerializer(serializers.Serializer):
    """Whether a rep may still use the asset, and who last verified it, when."""

    state = serializers.ChoiceField(choices=["fresh", "review_due", "expired", "scheduled", "unpublished"])
    approved_for_use = serializers.BooleanField(help_text="False once expired, withdrawn or not yet released.")
    text = serializers.CharField(help_text='As the library shows it: "Verified 3 Mar 2026 by Dana Whitfield · …".')
    verified_at = serializers.DateTimeField(allow_null=True)
    verified_by = serializers.CharField(help_text="The verifier's name; empty when unknown.")


class AssetSerializer(ModelSerializer):
    stages = TermSlugField(many=True, slug_field="slug", queryset=FunnelStage.objects.all(), required=False)
    personas = TermSlugField(many=True, slug_field="slug", queryset=Persona.objects.all(), required=False)
    competitors = TermSlugField(many=True, slug_field="slug", queryset=Competitor.objects.all(), required=False)
    tags = TagNamesField(required=False)
    url = serializers.SerializerMethodField()
    file = ProtectedFileField(
        required=False,
        allow_null=True,
        help_text="PDF, PPTX, DOCX, PNG or JPEG, checked by content; its text becomes searchable.",
    )
    needs_review = serializers.SerializerMethodField()
    review = serializers.SerializerMethodField()
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    influenced_revenue = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        read_only=True,
        help_text="Won amounts the asset supported, in the reporting currency (REPORTING_CURRENCY) only.",
    )
    influenced_revenue_by_currency = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=2),
        read_only=True,
        help_text='Won amounts the asset supported per currency, e.g. {"EUR": "1200.00", "USD": "5000.00"}; '
        "never added across currencies.",
    )
    verified_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    passage = serializers.SerializerMethodField(
        help_text="In a search with semantic results: the asset's passage that best matches `q` (else null)."
    )

    class Meta:
        model = Asset
        fields = [
            "id",
            "kind",
            "title",
            "summary",
            "body",
            "status",
            "stages",
            "personas",
            "competitors",
            "tags",
            "url",
            "file",
            "external_url",
            "owner",
            "published_at",
            "expires_on",
            "review_by",
            "needs_review",
            "review",
            "verified_at",
            "verified_by",
            "verification_interval_days",
            "customer",
            "industry",
            "results",
            "strengths",
            "weaknesses",
            "landmines",
            "how_we_win",
            "objection",
            "response",
            "usage_count",
            "won_deal_count",
            "influenced_revenue",
            "influenced_revenue_by_currency",
            "created_at",
            "updated_at",
            "passage",
        ]
        read_only_fields = [
            "review_by",
            "verified_at",
            "usage_count",
            "won_deal_count",
            "influenced_revenue",
            "created_at",
            "updated_at",
        ]

    def get_url(self, asset) -> str:
        request = self.context.get("request")
        path = asset.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    def get_needs_review(self, asset) -> bool:
        return asset.is_stale()

    @extend_schema_field(ReviewSerializer)
    def get_review(self, asset) -> dict:
        review = asset.review_status()
        return {
            "state": review.state,
            "approved_for_use": review.approved,
            "text": review.text,
            "verified_at": review.verified_at,
            "verified_by": review.verified_by,
        }

    @extend_schema_field(PassageMatchSerializer(allow_null=True))
    def get_passage(self, asset):
        match = getattr(asset, "best_passage", None)
        if match is None:
            return None
        # one passage serializer for the whole page (building one per asset cost more than the page)
        passages = self._passages
        passages.context["asset"] = asset
        return passages.to_representation(match)

    @cached_property
    def _passages(self):
        return PassageMatchSerializer(context={**self.context})

    def validate_file(self, upload):
        if upload is None:
            return upload
        validate_asset_file(upload)  # DRF turns its ValidationError into this field's error
        return upload

    def _write(self, service, **arguments):
        """The asset services hold every rule; their refusals become a 400 naming the fields
        (content.api.errors)."""
        upload = arguments.pop("file", None)
        return service(actor=self.context["request"].user, upload=upload, **arguments)

    def create(self, validated_data):
        return self._write(asset_create, **validated_data)

    def update(self, instance, validated_data):
        return self._write(asset_update, asset=instance, **validated_data)


_ERRORS = {
    400: OpenApiResponse(description="Invalid parameters or fields."),
    401: OpenApiResponse(description="Not signed in."),
    403: OpenApiResponse(description="The user's role may not do this."),
}


@extend_schema_view(
    list=extend_schema(
        summary="Search and filter the assets the user may see",
        parameters=[OpenApiParameter("page", OpenApiTypes.INT, description="Page number, from 1.")],
        responses={
            200: AssetSerializer(many=True),
            **_ERRORS,
            404: OpenApiResponse(description="No such page."),
        },
    ),
    retrieve=extend_schema(
        responses={
            200: AssetSerializer,
            **_ERRORS,
            404: OpenApiResponse(description="Not found or not visible."),
        }
    ),
    create=extend_schema(responses={201: AssetSerializer, **_ERRORS}),
    partial_update=extend_schema(
        responses={200: AssetSerializer, **_ERRORS, 404: OpenApiResponse(description="Not found.")}
    ),
    update=extend_schema(responses={200: AssetSerializer, **_ERRORS, 404: OpenApiResponse(description="Not found.")}),
    destroy=extend_schema(responses={204: None, **_ERRORS, 404: OpenApiResponse(description="Not found.")}),
)
class AssetViewSet(viewsets.ModelViewSet):
    serializer_class = AssetSerializer
    permission_classes = [Can.to(read="view_library", write="edit_assets")]
    pagination_class = SearchPagination
    filterset_class = AssetFilterSet
    filterset = None  # the FilterSet used, set by the filter backend (content.api.filtering)

    def get_queryset(self):
        assets = visible_assets(self.request.user).select_related("owner", "verified_by").order_by("-id")
        if self.action in ("list", "retrieve"):
            # their taxonomy: one query for the page (content/api/representations.py)
            return assets.without_file_text()
        return assets.prefetch_related("stages", "personas", "competitors", "tags")

    def retrieve(self, request, *args, **kwargs):
        # the asset's stamp by the statement a ranked page reads, the visibility rule applied to it
        # (`openable_assets`): no queryset is built; its row is read only when its representation
        # is not kept
        pk = row_id(self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        stamps = ranked_stamps(request.user, [pk]) if pk is not None else []
        if not stamps:
            raise Http404
        found = represent(self.get_serializer(), stamps, rows=RankedAssets(self.get_queryset, [pk]))
        if not found:  # gone between its two reads
            raise Http404
        return Response(found[0])

    def perform_destroy(self, instance):
        asset_delete(actor=self.request.user, asset=instance)

    def list(self, request, *args, **kwargs):
        # the search reads the assets the user may see itself (AssetFilterSet.filter_queryset), so
        # the list it replaces is not built: a FilterSet only asks it for its model
        rows = self.filter_queryset(Asset.objects.none())
        if isinstance(rows, RankedAssets):  # a text search: the page is a slice of its ranked ids
            stamps = ranked_stamps(request.user, self.paginate_queryset(rows.ids))
        else:
            stamps = self.paginate_queryset(rows.values(*STAMP_FIELDS))  # the page, narrow: what its keys need
        search = getattr(self.filterset, "search_result", None)
        response = self.get_paginated_response(represent(self.get_serializer(), stamps, rows=rows, search=search))
        params = getattr(self.filterset, "params", None)
        if params is not None and params.is_search() and response.status_code == 200:
            record_search(user=request.user, params=params, result_count=response.data["count"])
        return response

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset  # one asset by id: the search's filters are the list's
        return super().filter_queryset(queryset).select_related("owner", "verified_by")
