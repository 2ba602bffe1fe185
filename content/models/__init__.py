"""The domain: taxonomy, assets, deals and usage, content requests, activity."""

from .activity import CalendarFeed, SearchLog
from .assets import (
    STATUS_TRANSITIONS,
    Asset,
    AssetKind,
    AssetSearchRow,
    AssetStatus,
    AssetText,
    default_verification_days,
)
from .audit import AuditEvent
from .deals import (
    BUYER_VIEW,
    MANUAL_USAGE_ACTIONS,
    Deal,
    DealStatus,
    Usage,
    UsageAction,
    UsageDay,
    UsageDeal,
    UsageRepDay,
    WebhookEvent,
    supports_deal,
)
from .jobs import FINISHED_JOB_STATUSES, BackgroundJob, JobStatus
from .people import Person, SignedInSession
from .requests import (
    OPEN_REQUEST_STATUSES,
    REQUEST_TRANSITIONS,
    ContentRequest,
    Notification,
    RequestComment,
    RequestEvent,
    RequestPriority,
    RequestStatus,
    RequestSupport,
)
from .semantic import AssetEmbedding, Passage
from .sharing import ShareLink, ShareLinkAsset, ShareView
from .slack import SlackEvent, SlackProfile, SlackRoute
from .taxonomy import Competitor, FunnelStage, Persona, TeamChoices

__all__ = [
    "BUYER_VIEW",
    "MANUAL_USAGE_ACTIONS",
    "ShareLink",
    "ShareLinkAsset",
    "ShareView",
    "supports_deal",
    "OPEN_REQUEST_STATUSES",
    "REQUEST_TRANSITIONS",
    "STATUS_TRANSITIONS",
    "Asset",
    "BackgroundJob",
    "AssetEmbedding",
    "AssetKind",
    "AssetSearchRow",
    "AssetStatus",
    "AssetText",
    "AuditEvent",
    "CalendarFeed",
    "Competitor",
    "ContentRequest",
    "Deal",
    "DealStatus",
    "FINISHED_JOB_STATUSES",
    "FunnelStage",
    "JobStatus",
    "Notification",
    "Passage",
    "Persona",
    "Person",
    "SignedInSession",
    "RequestComment",
    "RequestEvent",
    "RequestPriority",
    "RequestStatus",
    "RequestSupport",
    "SearchLog",
    "SlackEvent",
    "SlackProfile",
    "SlackRoute",
    "TeamChoices",
    "Usage",
    "UsageAction",
    "UsageDay",
    "UsageDeal",
    "UsageRepDay",
    "WebhookEvent",
    "default_verification_days",
]
