"""Content requests: sales asks, marketing triages under an SLA, everyone concerned is told.

The public surface: services that change requests, selectors that read them, and the SLA clock.
"""

from .selectors import (
    by_urgency,
    for_lists,
    impact_by_currency,
    listed_requests,
    matching_open_requests,
    readable_requests,
    requests_of,
    suggestions_for,
    with_figures,
)
from .services import (
    DuplicateRequest,
    RequestError,
    request_assign,
    request_comment,
    request_create_asset,
    request_edit,
    request_hand_over,
    request_link_asset,
    request_set_priority,
    request_submit,
    request_support,
    request_transition,
)
from .sla import Sla, SlaState, add_business_days, needed_by_passed, sla_annotations, sla_state, triage_due_for

__all__ = [
    "DuplicateRequest",
    "RequestError",
    "Sla",
    "SlaState",
    "add_business_days",
    "by_urgency",
    "for_lists",
    "listed_requests",
    "matching_open_requests",
    "readable_requests",
    "request_assign",
    "request_comment",
    "request_create_asset",
    "request_edit",
    "request_hand_over",
    "request_link_asset",
    "request_set_priority",
    "request_submit",
    "request_support",
    "request_transition",
    "requests_of",
    "sla_annotations",
    "needed_by_passed",
    "sla_state",
    "suggestions_for",
    "triage_due_for",
    "impact_by_currency",
    "with_figures",
]
