"""Shared fixtures: the four personas of the permission matrix, and clients signed in as them."""

import pytest
from django.core.cache import cache

from .factories import UserFactory
from .semantic_helpers import counting_encoder, real_encoder, semantic  # noqa: F401 - fixtures
from .slack_helpers import fake_slack  # noqa: F401 - fixtures
from .sso_helpers import oidc_provider, sso  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def _immediate_background_jobs(settings):
    # Jobs run inline in tests; the database queue and its worker are exercised by the scale proof.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JOB_RETRY_BACKOFF_SECONDS = 0


@pytest.fixture(autouse=True)
def _keyword_search_only(settings):
    # Semantic search is switched on where a test asks for it (tests/semantic_helpers.py): elsewhere
    # the model would reorder results that tests pin by hand, and cost seconds per worker to load.
    settings.SEMANTIC_SEARCH = False


@pytest.fixture(autouse=True)
def _no_activity_writes(settings):
    # Last activity is one UPDATE per user and interval (content.people.note_activity): off here so
    # that query-count tests count a page's own queries; tests/test_people.py switches it on.
    settings.LAST_SEEN_INTERVAL_SECONDS = 0


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    # Throttling and cached reports live in the cache; every test starts from a clean one.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rep(db):
    return UserFactory(username="rep", first_name="Riley", last_name="Rep", groups=["Sales"])


@pytest.fixture
def other_rep(db):
    return UserFactory(username="rep2", first_name="Sam", last_name="Seller", groups=["Sales"])


@pytest.fixture
def marketer(db):
    return UserFactory(username="marketer", first_name="Morgan", last_name="Marketer", groups=["Marketing"])


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", first_name="Mina", last_name="Manager", groups=["Managers"])


@pytest.fixture
def outsider(db):
    """Signed in, but in no role group: sees nothing."""
    return UserFactory(username="outsider", groups=[])


def _client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def rep_client(client, rep):
    return _client_for(client, rep)


@pytest.fixture
def marketer_client(client, marketer):
    return _client_for(client, marketer)


@pytest.fixture
def manager_client(client, manager):
    return _client_for(client, manager)


@pytest.fixture
def security_world(settings, tmp_path, rep, other_rep, marketer, manager, outsider):
    """Something of every kind for every persona, owned so that each permission rule has a case
    (tests/security_helpers.py, build_world); files go to a temporary media root."""
    from .security_helpers import build_world

    settings.MEDIA_ROOT = tmp_path
    return build_world(rep=rep, other_rep=other_rep, marketer=marketer, manager=manager, outsider=outsider)


@pytest.fixture
def persona_users(rep, marketer, manager, outsider):
    return {"rep": rep, "marketer": marketer, "manager": manager, "outsider": outsider}


def _api_for(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def rep_api(rep):
    return _api_for(rep)


@pytest.fixture
def marketer_api(marketer):
    return _api_for(marketer)
