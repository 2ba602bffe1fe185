"""/api/v1/requests/: content requests with their SLA clock and business impact, the workflow
(status changes for marketing only), +1 and comments. The rules live in content.requesting."""

from django.contrib.auth import get_user_model
from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from ..models import (
    Asset,
    AssetKind,
    AssetStatus,
    Competitor,
    ContentRequest,
    Deal,
    FunnelStage,
    Persona,
    RequestComment,
    RequestPriority,
    RequestStatus,
)
from ..models.requests import DESCRIPTION_MAX_LENGTH
from ..money import reporting_currency
from ..permissions import Can, can, can_view_deal, visible_deals
from ..requesting import (
    RequestError,
    SlaState,
    for_lists,
    impact_by_currency,
    listed_requests,
    readable_requests,
    request_assign,
    request_comment,
    request_edit,
    request_set_priority,
    request_submit,
    request_support,
    request_transition,
    with_figures,
)
from ..requesting.filters import RequestFilterSet
from .serializers import ModelSerializer

TRIAGE_FIELDS = ("status", "assignee", "priority", "decline_reason", "duplicate_of", "delivered_asset")
ERRORS = {
    400: OpenApiResponse(description="Invalid input or a transition the workflow refuses; nothing changed."),
    403: OpenApiResponse(description="Not allowed for your role."),
    404: OpenApiResponse(description="No such request, or not one you may see."),
}


class VisibleDealField(serializers.SlugRelatedField):
    """A deal by CRM id, among those the caller may open (content.permissions.visible_deals); one
    the caller may not open reads as null and is refused as unknown when sent."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "crm_id")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Deal.objects.all())
        super().__init__(**kwargs)

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def get_queryset(self):
        return visible_deals(self._user(), super().get_queryset())

    def get_attribute(self, instance):
        deal = super().get_attribute(instance)
        return deal if deal is not None and can_view_deal(self._user(), deal) else None


class ContentRequestSerializer(ModelSerializer):
    kind = serializers.ChoiceField(choices=AssetKind.choices, allow_blank=True, read_only=True)
    stage = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    persona = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    competitor = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    deal = VisibleDealField(read_only=True, allow_null=True)
    requester = serializers.SlugRelatedField(slug_field="username", read_only=True)
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    supporters_count = serializers.IntegerField(read_only=True)
    business_impact = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        read_only=True,
        help_text="The open deals it would help that you may open, in business_impact_currency only.",
    )
    business_impact_currency = serializers.SerializerMethodField()
    business_impact_by_currency = serializers.SerializerMethodField(
        help_text="Every currency of the open deals it would help that you may open, e.g. "
        '{"EUR": "7000.00", "USD": "1000.00"}: on GET /api/v1/requests/{id}/ only, null in lists.'
    )
    is_overdue = serializers.BooleanField(read_only=True, help_text="Still new and past its triage due date.")
    sla_state = serializers.ChoiceField(
        choices=SlaState.choices,
        read_only=True,
        help_text="The triage SLA: on_track, due_soon or overdue while new; met or missed once triaged.",
    )
    sla_label = serializers.SerializerMethodField(help_text="sla_state in words, as the pages show it.")
    url = serializers.SerializerMethodField()

    class Meta:
        model = ContentRequest
        fields = [
            "id", "title", "description", "kind", "stage", "persona", "competitor", "deal", "needed_by",
            "status", "priority", "requester", "assignee", "supporters_count", "business_impact",
            "business_impact_currency", "business_impact_by_currency",
            "triage_due", "is_overdue", "sla_state", "sla_label", "decline_reason", "duplicate_of", "delivered_asset",
            "created_at", "updated_at", "url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_sla_label(self, obj) -> str:
        return SlaState(obj.sla_state).label

    def get_business_impact_currency(self, obj) -> str:
        return reporting_currency()

    def get_business_impact_by_currency(self, obj) -> dict[str, str] | None:
        return getattr(obj, "impact_by_currency", None)

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class ContentRequestCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH)
    kind = serializers.ChoiceField(choices=AssetKind.choices, required=False, allow_blank=True, default="")
    stage = serializers.SlugRelatedField(slug_field="slug", queryset=FunnelStage.objects.all(), required=False)
    persona = serializers.SlugRelatedField(slug_field="slug", queryset=Persona.objects.all(), required=False)
    competitor = serializers.SlugRelatedField(slug_field="slug", queryset=Competitor.objects.all(), required=False)
    deal = VisibleDealField(required=False)
    needed_by = serializers.DateField(required=False, allow_null=True)
    check_duplicate = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true refuses the request with a 409 naming the first when you filed one of the same title "
        "that is still open, within REQUEST_DUPLICATE_WINDOW_HOURS (the request form always checks; API clients "
        "ask for it, so that integrations written before the check keep their behaviour).",
    )


class DuplicateRequestSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.ChoiceField(choices=["duplicate_request"])
    existing_id = serializers.IntegerField(help_text="The request already filed.")
    existing_url = serializers.URLField()


class ContentRequestUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, max_length=DESCRIPTION_MAX_LENGTH)
    status = serializers.ChoiceField(choices=RequestStatus.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    decline_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    duplicate_of = serializers.PrimaryKeyRelatedField(queryset=ContentRequest.objects.all(), required=False)
    delivered_asset = serializers.PrimaryKeyRelatedField(
        queryset=Asset.objects.filter(status=AssetStatus.PUBLISHED), required=False
    )
    assignee = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.all(), required=False, allow_null=True
    )
    priority = serializers.ChoiceField(choices=RequestPriority.choices, required=False)


class SupportSerializer(serializers.Serializer):
    deal = VisibleDealField(required=False, allow_null=True)


class SupportResultSerializer(serializers.Serializer):
    request = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    user = serializers.CharField()
    deal = serializers.CharField(allow_null=True)
    created = serializers.BooleanField()


class CommentSerializer(ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = RequestComment
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


@extend_schema_view(
    list=extend_schema(
        summary="Requests you may see, with SLA clock and business impact",
        responses={200: ContentRequestSerializer(many=True), 400: ERRORS[400], 403: ERRORS[403]},
    ),
    retrieve=extend_schema(responses={200: ContentRequestSerializer, 403: ERRORS[403], 404: ERRORS[404]}),
)
class ContentRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Reps list their own and supported requests and may open any open one; marketing sees all."""

    permission_classes = [Can.to("submit_request")]
    serializer_class = ContentRequestSerializer
    filterset_class = RequestFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        scope = listed_requests(user) if self.action == "list" else readable_requests(user)
        return for_lists(with_figures(scope, viewer=user)).order_by("-created_at", "-id")

    def _read(self, pk):
        found = self.get_queryset().get(pk=pk)
        found.impact_by_currency = impact_by_currency(found, self.request.user)
        return found

    def get_object(self):
        found = super().get_object()
        if self.action == "retrieve":
            found.impact_by_currency = impact_by_currency(found, self.request.user)
        return found

    @extend_schema(
        request=ContentRequestCreateSerializer,
        responses={
            201: ContentRequestSerializer,
            400: ERRORS[400],
            403: ERRORS[403],
            409: OpenApiResponse(
                DuplicateRequestSerializer,
                description="With check_duplicate=true: you filed a request of the same title that is still open, "
                "within REQUEST_DUPLICATE_WINDOW_HOURS; nothing was written.",
            ),
        },
    )
    def create(self, request, *args, **kwargs):
        incoming = ContentRequestCreateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        fields = dict(incoming.validated_data)
        check = fields.pop("check_duplicate")
        created = request_submit(requester=request.user, confirm_duplicate=not check, **fields)
        body = ContentRequestSerializer(self._read(created.pk), context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ContentRequestUpdateSerializer,
        responses={200: ContentRequestSerializer, **ERRORS},
        description="Reps may reword their own request while it is new; status, assignee, priority, "
        "decline_reason, duplicate_of and delivered_asset are for marketing (403 otherwise). A "
        "transition the workflow refuses is a 400 and changes nothing.",
    )
    def partial_update(self, request, *args, **kwargs):
        target = self.get_object()
        incoming = ContentRequestUpdateSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        if any(field in data for field in TRIAGE_FIELDS) and not can(request.user, "triage_requests"):
            raise PermissionDenied("Only marketing triages content requests.")
        with transaction.atomic():
            self._apply(target, request.user, data)
        return Response(ContentRequestSerializer(self._read(target.pk), context={"request": request}).data)

    @staticmethod
    def _apply(target, user, data):
        if "title" in data or "description" in data:
            request_edit(request=target, actor=user, title=data.get("title"), description=data.get("description"))
        if "assignee" in data:
            request_assign(request=target, actor=user, assignee=data["assignee"])
        if "priority" in data:
            request_set_priority(request=target, actor=user, priority=data["priority"])
        if "status" in data:
            request_transition(
                request=target,
                actor=user,
                to_status=data["status"],
                note=data.get("note", ""),
                decline_reason=data.get("decline_reason", ""),
                duplicate_of=data.get("duplicate_of"),
                delivered_asset=data.get("delivered_asset"),
            )
        elif any(field in data for field in ("decline_reason", "duplicate_of", "delivered_asset")):
            raise RequestError("decline_reason, duplicate_of and delivered_asset go with a status change.")

    @extend_schema(
        request=SupportSerializer,
        responses={201: SupportResultSerializer, 200: SupportResultSerializer, **ERRORS},
        summary="+1 a request (idempotent: 201 the first time, 200 after)",
    )
    @action(detail=True, methods=["post"], permission_classes=[Can.to("support_request")])
    def support(self, request, pk=None):
        target = self.get_object()
        incoming = SupportSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        support, created = request_support(request=target, user=request.user, deal=incoming.validated_data.get("deal"))
        body = {
            "request": target.pk,
            "user": request.user.username,
            "deal": support.deal.crm_id if support.deal_id else None,
            "created": created,
        }
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        methods=["GET"],
        responses={200: CommentSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]},
        filters=False,
    )
    @extend_schema(methods=["POST"], request=CommentSerializer, responses={201: CommentSerializer, **ERRORS})
    @action(
        detail=True,
        methods=["get", "post"],
        permission_classes=[Can.to(read="submit_request", write="comment_request")],
        filterset_class=None,
        pagination_class=None,
    )
    def comments(self, request, pk=None):
        target = self.get_object()
        if request.method == "POST":
            incoming = CommentSerializer(data=request.data)
            incoming.is_valid(raise_exception=True)
            comment = request_comment(request=target, author=request.user, body=incoming.validated_data["body"])
            return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        comments = RequestComment.objects.filter(request=target).select_related("author").order_by("created_at", "id")
        return Response(CommentSerializer(comments, many=True).data)
