"""Planning on the calendar: who may own a planned asset. Planning and rescheduling themselves are
asset services (`content.assets.asset_plan`, `asset_reschedule`)."""

from django.contrib.auth import get_user_model


def planning_owners():
    """Who may own a planned asset: active marketers."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name="Marketing")
        .order_by("first_name", "last_name", "username")
        .distinct()
    )
