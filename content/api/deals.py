"""Deals API: upsert by CRM id, list and read; and the signed CRM webhook for stage changes."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..deal_filters import DealFilterSet
from ..deals import CRM_ID_REGEX, apply_crm_event, signature_is_valid, upsert_deal
from ..limits import InputRejected, load_json
from ..models import Deal, DealStatus
from ..permissions import Can, visible_deals
from .serializers import ModelSerializer


class DealSerializer(ModelSerializer):
    funnel_stage = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Deal
        fields = [
            "crm_id",
            "name",
            "account",
            "amount",
            "currency",
            "stage",
            "funnel_stage",
            "status",
            "close_date",
            "owner",
            "owner_name",
            "product_line",
            "industry",
            "source",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class DealWriteSerializer(serializers.Serializer):
    """The fields a CRM may send; those left out keep their value. `status` follows `stage` unless given."""

    name = serializers.CharField(max_length=255, required=False)
    account = serializers.CharField(max_length=255, required=False, allow_blank=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", required=False)
    stage = serializers.CharField(max_length=100, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=DealStatus.choices, required=False)
    close_date = serializers.DateField(required=False, allow_null=True)
    owner = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.all(), required=False, allow_null=True
    )
    owner_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    product_line = serializers.CharField(max_length=100, required=False, allow_blank=True)
    industry = serializers.CharField(max_length=100, required=False, allow_blank=True)

    def validate_currency(self, value):
        return value.upper()


class DealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reps see their own deals; marketers and managers all. Managers (and the CRM integration user,
    in group Managers) create and update deals by CRM id."""

    serializer_class = DealSerializer
    filterset_class = DealFilterSet
    permission_classes = [IsAuthenticated, Can.to(read="view_deals", write="edit_deals")]
    lookup_field = "crm_id"
    lookup_value_regex = CRM_ID_REGEX

    def get_queryset(self):
        queryset = Deal.objects.select_related("owner", "funnel_stage").order_by("-updated_at", "-id")
        return visible_deals(self.request.user, queryset)

    @extend_schema(
        request=DealWriteSerializer,
        responses={
            200: DealSerializer,
            201: DealSerializer,
            400: OpenApiResponse(description="Invalid fields, e.g. a won deal without a close date."),
            403: OpenApiResponse(description="Only managers and the integration user may write deals."),
        },
    )
    def update(self, request, crm_id=None):
        """Create or update the deal with this CRM id (idempotent): 201 when created, 200 when updated."""
        serializer = DealWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deal, created = upsert_deal(crm_id=crm_id, source="api", **serializer.validated_data)
        deal = Deal.objects.select_related("owner", "funnel_stage").get(pk=deal.pk)
        return Response(DealSerializer(deal).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class CrmWebhook(APIView):
    """POST a CRM stage change, signed: `X-Signature: sha256=<hex HMAC-SHA256 of the raw body>` with
    the shared secret CRM_WEBHOOK_SECRET. A replayed event id is acknowledged and ignored."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=inline_serializer(
            "CrmEvent",
            {
                "event_id": serializers.CharField(),
                "crm_id": serializers.CharField(),
                "stage": serializers.CharField(required=False),
                "status": serializers.ChoiceField(choices=DealStatus.choices, required=False),
                "amount": serializers.CharField(required=False),
                "close_date": serializers.DateField(required=False),
                "name": serializers.CharField(required=False),
                "account": serializers.CharField(required=False),
                "product_line": serializers.CharField(required=False),
                "industry": serializers.CharField(required=False),
            },
        ),
        responses={
            200: inline_serializer(
                "CrmEventResult",
                {"status": serializers.CharField(), "crm_id": serializers.CharField(required=False)},
            ),
            400: OpenApiResponse(description="Malformed event, or an unknown deal without a name."),
            401: OpenApiResponse(description="Missing or wrong signature (or no secret configured)."),
        },
        auth=[],
    )
    def post(self, request):
        body = request._request.body  # the raw bytes the signature covers
        if not signature_is_valid(body, request.headers.get("X-Signature")):
            return Response({"detail": "Invalid or missing signature."}, status=status.HTTP_401_UNAUTHORIZED)
        try:
            payload = load_json(body)
        except InputRejected as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        outcome, deal = apply_crm_event(payload=payload)
        result = {"status": outcome}
        if deal is not None:
            result["crm_id"] = deal.crm_id
        return Response(result)
