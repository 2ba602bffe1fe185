"""GET /api/v1/calendar/?start=&end=: the calendar's events as JSON, with each asset's won-deal support;
the filters are the calendar page's (content.calendar.filters)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..calendar import EVENT_STATES, EVENT_TYPES, calendar_events
from ..calendar.filters import CalendarRangeFilterSet
from ..filtering import FilterError, error_sentence
from ..permissions import Can
from .filtering import filterset_parameters


class CalendarEventSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=EVENT_TYPES)
    date = serializers.DateField()
    title = serializers.CharField()
    asset_id = serializers.IntegerField(allow_null=True)
    request_id = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField(allow_blank=True)
    owner = serializers.CharField(allow_blank=True)
    won_deals = serializers.IntegerField(
        allow_null=True, help_text="Closed-won deals it was used in before they closed."
    )
    influenced_revenue = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        allow_null=True,
        help_text="Sum of those won deals' amounts in the reporting currency (REPORTING_CURRENCY).",
    )
    influenced_revenue_by_currency = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=2),
        help_text='Sum of those won deals\' amounts per currency, e.g. {"EUR": "1200.00", "USD": "5000.00"}; '
        "amounts are never added across currencies.",
    )
    state = serializers.ChoiceField(choices=EVENT_STATES)
    state_label = serializers.CharField()
    url = serializers.CharField(allow_blank=True)


CalendarResponse = inline_serializer(
    "CalendarResponse",
    {
        "start": serializers.DateField(),
        "end": serializers.DateField(),
        "events": CalendarEventSerializer(many=True),
    },
)
ErrorResponse = inline_serializer("CalendarError", {"detail": serializers.CharField()})


class CalendarEventsView(APIView):
    permission_classes = [IsAuthenticated, Can.to("view_calendar")]

    @extend_schema(
        summary="Calendar events in a date range",
        parameters=filterset_parameters(CalendarRangeFilterSet),
        responses={
            200: CalendarResponse,
            400: OpenApiResponse(
                ErrorResponse,
                description="Malformed, missing or inverted dates, a range over a year, or a bad filter: `detail` "
                "says it in one sentence, and each bad parameter is also a key with its messages.",
            ),
            401: OpenApiResponse(description="Not signed in."),
            403: OpenApiResponse(description="The user has no role that may see the calendar."),
        },
    )
    def get(self, request):
        filterset = CalendarRangeFilterSet(request.query_params, request=request)
        try:
            start, end = filterset.date_range()
            filters = filterset.calendar_filters()
        except FilterError as error:
            body = {"detail": error_sentence(error), **error.message_dict}
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        events = calendar_events(user=request.user, start=start, end=end, filters=filters)
        rows = [{**vars(event), "state_label": event.state_label} for event in events]
        return Response(
            {
                "start": start.isoformat(),
                "end": end.isoformat(),
                "events": CalendarEventSerializer(rows, many=True).data,
            }
        )
