"""Hostile input: Markdown that tries to run script, upload names that try to escape the media
folder, executables renamed .pdf, oversized files, and huge query strings."""

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from content.models import Asset, SearchLog
from content.uploads import MAX_FILE_NAME_LENGTH

from .assets_helpers import ELF_HEAD, MZ_HEAD, pdf_bytes, stored_files
from .factories import AssetFactory
from .security_helpers import client_for

pytestmark = pytest.mark.django_db

HOSTILE_MARKDOWN = "\n\n".join(
    [
        "# Pricing",
        "<script>alert('md-script')</script>",
        "<img src=x onerror=\"alert('md-onerror')\">",
        "[click me](javascript:alert('md-link'))",
        '<a href="JaVaScRiPt:alert(1)">mixed case</a>',
        '<a href="&#106;avascript:alert(1)">entity</a>',
        "![pic](javascript:alert('md-img'))",
        '<svg onload="alert(1)"><circle/></svg>',
        '<iframe src="https://evil.example"></iframe>',
        '<div style="background:url(javascript:alert(1))" onclick="alert(1)">styled</div>',
        '<form action="https://evil.example"><input name=x></form>',
        "[ok](https://example.com)",
    ]
)


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []  # (tag, attrs dict)
        self.script_text = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)


def assert_no_executable_markup(html: str):
    parser = _TagCollector()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert not [a for a in attrs if a.lower().startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction", "xlink:href"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:text/html", "vbscript:")), (tag, attrs)
        if tag == "script":
            assert attrs.get("src"), "an inline <script> element"
        assert tag not in ("iframe", "object", "embed", "form") or "evil.example" not in str(attrs)
    assert parser.script_text == []
    assert "md-script" not in html and "md-onerror" not in html


# Markdown ----------------------------------------------------------------------------------------


def test_hostile_markdown_in_an_asset_body_renders_without_script_handlers_or_javascript_urls(security_world):
    asset = AssetFactory(body=HOSTILE_MARKDOWN, title="Hostile body")
    response = client_for("rep", security_world).get(f"/assets/{asset.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pricing" in html and 'href="https://example.com"' in html  # the harmless parts survive
    assert_no_executable_markup(html)


def test_hostile_markdown_in_the_preview_is_sanitised_too(security_world):
    response = client_for("marketer", security_world).post("/assets/preview/", {"body": HOSTILE_MARKDOWN})
    assert response.status_code == 200
    assert_no_executable_markup(response.content.decode())


def test_a_hostile_asset_title_is_escaped_on_the_library_and_asset_pages(security_world):
    asset = AssetFactory(title="<script>alert('title')</script>")
    for url in (f"/assets/{asset.pk}/", "/"):
        html = client_for("rep", security_world).get(url).content.decode()
        assert "<script>alert('title')" not in html
        assert "&lt;script&gt;" in html


# Upload names ------------------------------------------------------------------------------------


def _edit_data(security_world, upload):
    return {
        "title": "Published deck",
        "summary": "s",
        "body": "b",
        "owner": security_world.marketer.pk,
        "verification_interval_days": 90,
        "published_at": "2024-01-02T09:00",
        "upload": upload,
    }


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "..\\..\\windows\\win.ini.pdf",
        "/etc/passwd.pdf",
        "a\x00b.pdf",
        "bell\x07esc\x1b\x7f.pdf",
        "tab\there.pdf",
        "x" * 1000 + ".pdf",
        "\u202egnp.pdf",
    ],
    ids=["dot-dot", "backslashes", "absolute", "nul", "control", "tab", "very-long", "rtl-override"],
)
def test_a_hostile_upload_name_is_stored_under_media_root_with_a_safe_name(security_world, tmp_path, name):
    response = client_for("marketer", security_world).post(
        f"/assets/{security_world.published.pk}/edit/",
        _edit_data(security_world, SimpleUploadedFile(name, pdf_bytes("x"))),
    )
    assert response.status_code == 302
    security_world.published.refresh_from_db()
    stored = security_world.published.file.name
    base = stored.rsplit("/", 1)[-1]
    assert stored.startswith("assets/")
    assert ".." not in stored.split("/") and "\\" not in stored
    assert all(ch.isalnum() or ch in "._-" for ch in base), base
    assert len(base) <= MAX_FILE_NAME_LENGTH and base.endswith(".pdf")
    resolved = (tmp_path / stored).resolve()
    assert resolved.is_file() and tmp_path.resolve() in resolved.parents
    assert not (tmp_path.parent / "etc").exists()
    download = client_for("rep", security_world).get(f"/assets/{security_world.published.pk}/file/")
    assert download.status_code == 200
    disposition = download["Content-Disposition"]
    assert "\x00" not in disposition and "/" not in disposition.split("filename", 1)[1]


def test_an_upload_named_only_dots_and_an_extension_is_refused(security_world, tmp_path):
    before = stored_files(tmp_path)
    response = client_for("marketer", security_world).post(
        f"/assets/{security_world.published.pk}/edit/",
        _edit_data(security_world, SimpleUploadedFile("..pdf", pdf_bytes("x"))),
    )
    assert response.status_code in (200, 400)
    assert "files are not accepted" in response.content.decode()
    assert stored_files(tmp_path) == before


# Executables and oversize files ------------------------------------------------------------------


def _row(asset):
    asset.refresh_from_db()
    return (asset.file.name, asset.file_text, asset.title, asset.updated_at)


@pytest.mark.parametrize("content", [MZ_HEAD, ELF_HEAD], ids=["windows-exe", "elf"])
def test_an_executable_renamed_pdf_is_refused_by_the_asset_form_and_nothing_is_stored(
    security_world, tmp_path, content
):
    before_files, before_row = stored_files(tmp_path), _row(security_world.published)
    response = client_for("marketer", security_world).post(
        f"/assets/{security_world.published.pk}/edit/",
        _edit_data(security_world, SimpleUploadedFile("quarterly-report.pdf", content)) | {"title": "Changed"},
    )
    assert response.status_code in (200, 400)  # the form comes back with the error
    assert "its content is not a PDF" in response.content.decode()
    assert stored_files(tmp_path) == before_files
    assert _row(security_world.published) == before_row


def test_an_executable_renamed_pdf_is_refused_by_the_asset_create_form(security_world, tmp_path):
    before_files, before_count = stored_files(tmp_path), Asset.objects.count()
    data = _edit_data(security_world, SimpleUploadedFile("setup.pdf", MZ_HEAD))
    data.pop("published_at")
    response = client_for("marketer", security_world).post("/assets/new/?kind=one_pager", data)
    assert response.status_code in (200, 400)
    assert "its content is not a PDF" in response.content.decode()
    assert stored_files(tmp_path) == before_files and Asset.objects.count() == before_count


@pytest.mark.parametrize("content", [MZ_HEAD, ELF_HEAD], ids=["windows-exe", "elf"])
def test_an_executable_sent_to_the_asset_api_is_refused_with_a_4xx_and_nothing_is_stored(
    security_world, tmp_path, content
):
    """The API's `file` is read-only: a client that sends one must be told so, not get a 2xx while the
    file is silently dropped (and, on POST, a new file-less asset created)."""
    client = APIClient()
    client.force_authenticate(security_world.marketer)
    before_files, before_row, before_count = (
        stored_files(tmp_path),
        _row(security_world.published),
        Asset.objects.count(),
    )
    patched = client.patch(
        f"/api/v1/assets/{security_world.published.pk}/",
        {"file": SimpleUploadedFile("tool.pdf", content)},
        format="multipart",
    )
    created = client.post(
        "/api/v1/assets/",
        {"kind": "one_pager", "title": "Via API", "file": SimpleUploadedFile("tool.pdf", content)},
        format="multipart",
    )
    assert stored_files(tmp_path) == before_files
    assert _row(security_world.published)[:3] == before_row[:3]
    assert 400 <= patched.status_code < 500, patched.status_code
    assert 400 <= created.status_code < 500, created.status_code
    assert Asset.objects.count() == before_count


def test_an_oversized_upload_is_refused_and_nothing_is_stored(security_world, tmp_path, settings):
    settings.ASSET_MAX_UPLOAD_MB = 1
    big = pdf_bytes("x") + b"%" + b"0" * (1536 * 1024)
    before_files, before_row = stored_files(tmp_path), _row(security_world.published)
    response = client_for("marketer", security_world).post(
        f"/assets/{security_world.published.pk}/edit/", _edit_data(security_world, SimpleUploadedFile("big.pdf", big))
    )
    assert response.status_code in (200, 400)
    assert "the limit is 1 MB" in response.content.decode()
    assert stored_files(tmp_path) == before_files
    assert _row(security_world.published) == before_row


# Huge query strings ------------------------------------------------------------------------------


def test_a_100k_character_search_on_the_library_page_is_bounded(security_world):
    response = client_for("rep", security_world).get("/", {"q": "a" * 100_000})
    assert response.status_code == 200
    assert b"a" * 1000 not in response.content
    assert all(len(log.query) <= 500 for log in SearchLog.objects.all())


def test_a_100k_character_search_on_the_api_is_a_400_naming_the_field(security_world):
    response = client_for("rep", security_world).get("/api/v1/assets/", {"q": "a" * 100_000})
    assert response.status_code == 400
    assert "q" in response.json()


@pytest.mark.parametrize("url", ["/", "/api/v1/assets/"])
def test_two_thousand_repeated_parameters_are_a_400_not_a_500(security_world, url):
    query = "&".join(f"tag=t{i}" for i in range(2000))
    response = client_for("rep", security_world).get(f"{url}?{query}")
    assert response.status_code == 400  # DATA_UPLOAD_MAX_NUMBER_FIELDS applies to the query string


def test_a_too_many_fields_error_on_the_api_is_answered_in_json(security_world):
    """content/views/errors.py promises JSON errors under /api/; a 400 raised by Django itself
    (TooManyFieldsSent) must follow it too."""
    query = "&".join(f"tag=t{i}" for i in range(2000))
    response = client_for("rep", security_world).get(f"/api/v1/assets/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


def test_many_parameters_below_the_limit_still_work(security_world):
    query = "&".join(f"stage=s{i}" for i in range(900))
    assert client_for("rep", security_world).get(f"/?{query}").status_code == 200
    assert client_for("rep", security_world).get(f"/api/v1/assets/?{query}").status_code == 200


# Hostile request bodies and query strings: a clear 400, never a 500 ----------------------------


@pytest.fixture
def signed_webhook(settings):
    from .deals_helpers import SECRET

    settings.CRM_WEBHOOK_SECRET = SECRET
    return SECRET


def _post_signed_raw(client, body: bytes, secret: str):
    from content.deals import signature_for

    return client.post(
        "/api/v1/webhooks/crm/",
        data=body,
        content_type="application/json",
        HTTP_X_SIGNATURE=signature_for(body, secret),
    )


def test_a_non_ascii_webhook_signature_is_refused_not_a_server_error(client, signed_webhook):
    response = client.post(
        "/api/v1/webhooks/crm/", data=b"{}", content_type="application/json", HTTP_X_SIGNATURE="sha256=\u00e9\u00e9"
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        b'{"event_id": "e1", "crm_id": "D-1", "amount": NaN}',
        b'{"event_id": "e1", "crm_id": "D-1", "amount": Infinity}',
        b'{"event_id": "e1", "crm_id": "D-1", "name": "Acme\\u0000"}',
        b"[" * 100_000,
        b'{"a":' * 50 + b"1" + b"}" * 50,
    ],
    ids=["NaN", "Infinity", "NUL", "100k nested brackets", "50 nested objects"],
)
def test_a_signed_hostile_webhook_body_is_a_400_and_writes_nothing(client, signed_webhook, body):
    from content.models import Deal, WebhookEvent

    response = _post_signed_raw(client, body, signed_webhook)
    assert response.status_code == 400
    assert "detail" in response.json()
    assert not WebhookEvent.objects.exists() and not Deal.objects.exists()


def test_a_webhook_crm_id_that_no_url_can_address_is_refused(client, signed_webhook):
    from content.models import Deal

    body = b'{"event_id": "e2", "crm_id": "a/b c<script>", "name": "Acme"}'
    response = _post_signed_raw(client, body, signed_webhook)
    assert response.status_code == 400
    assert "crm_id" in response.json()
    assert not Deal.objects.exists()


@pytest.mark.parametrize(
    "body",
    [b"[" * 100_000, b'{"title": "x", "description": NaN}', b'{"title": "x\\u0000y"}', b'{"title": ' + b'"' * 3],
    ids=["100k nested brackets", "NaN", "NUL", "broken JSON"],
)
def test_a_hostile_json_body_to_the_api_is_a_400(security_world, body):
    from content.models import ContentRequest

    api = APIClient()
    api.force_authenticate(security_world.rep)
    response = api.post("/api/v1/requests/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()
    assert not ContentRequest.objects.filter(requester=security_world.rep, title__startswith="x").exists()


def test_a_json_body_over_the_size_limit_is_a_400(security_world):
    from content.limits import MAX_JSON_BYTES

    api = APIClient()
    api.force_authenticate(security_world.rep)
    body = b'{"title": "' + b"a" * MAX_JSON_BYTES + b'"}'
    response = api.post("/api/v1/requests/", data=body, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/?q=%00",
        "/?stage=%00",
        "/deals/?q=a%00b",
        "/reports/usage/?owner=%00",
        "/api/v1/assets/?q=%00",
        "/api/v1/assets/?stage=%00",
        "/api/v1/reports/usage/?owner=%00",
        "/api/v1/deals/?status=%00",
    ],
)
def test_a_nul_character_in_a_query_parameter_is_a_400(security_world, path):
    response = client_for("manager", security_world).get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize("value", ["9" * 33, "-1", "x", "1.5"])
def test_an_asset_form_with_an_id_no_database_can_hold_is_a_400(security_world, value):
    response = client_for("marketer", security_world).post(
        "/assets/new/?kind=battle_card", {"title": "Overflow", "stages": value, "competitors": value}
    )
    assert response.status_code == 400
    assert not Asset.objects.filter(title="Overflow").exists()


@pytest.mark.parametrize("target", ["ë", "-1", "request-triage", "//evil.example/x", "/requests/\x00"])
def test_a_triage_action_with_a_return_address_that_is_no_path_goes_back_to_the_request(security_world, target):
    request = security_world.rep_request
    response = client_for("marketer", security_world).post(
        f"/requests/{request.pk}/triage/priority/", {"priority": "2", "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{request.pk}/"


def test_an_over_long_request_description_is_refused_by_the_api_and_the_page(security_world):
    from content.models import ContentRequest

    huge = "x" * 20_000  # under the body limits, over the description's
    api = APIClient()
    api.force_authenticate(security_world.rep)
    response = api.post("/api/v1/requests/", {"title": "Huge", "description": huge}, format="json")
    assert response.status_code == 400
    assert "description" in response.json()
    page = client_for("rep", security_world).post("/requests/new/", {"title": "Huge", "description": huge})
    assert page.status_code in (200, 400) and "at most 10000 characters" in page.content.decode()
    assert not ContentRequest.objects.filter(title="Huge").exists()


def test_the_request_service_refuses_an_over_long_description_whoever_calls_it(security_world):
    from content.models.requests import DESCRIPTION_MAX_LENGTH
    from content.requesting import RequestError, request_submit

    with pytest.raises(RequestError):
        request_submit(requester=security_world.rep, title="Long", description="x" * (DESCRIPTION_MAX_LENGTH + 1))


@pytest.mark.parametrize(
    "params", [{"end": "0001-02-17"}, {"start": "0001-01-01", "end": "0001-01-02"}, {"end": "9999-12-31"}]
)
def test_a_report_period_at_the_ends_of_the_calendar_is_a_400(security_world, params):
    response = client_for("manager", security_world).get("/api/v1/reports/usage/", params)
    assert response.status_code == 400
    assert "between 1900-01-01" in str(response.json())


# Digits str.isdigit() takes and int() refuses ("²") or reads ("٣"), and an id past 64 bits.
NOT_IDS = ["²", "٣", "9" * 40, "-1", " 7"]


@pytest.mark.parametrize("value", NOT_IDS)
def test_an_id_that_is_no_plain_number_is_ignored_or_refused_never_a_server_error(
    value, rep_client, marketer_client, rep
):
    from content.form_fields import row_id

    from .factories import DealFactory

    assert row_id(value) is None
    assert row_id("12") == 12
    deal = DealFactory(owner=rep)
    asset = AssetFactory()
    assert rep_client.get("/", {"q": "pricing", "log": value}).status_code == 200
    assert marketer_client.get("/assets/new/", {"request": value}).status_code == 200
    assert marketer_client.get("/requests/lookup/", {"q": "pr", "exclude": value}).status_code == 200
    shared = rep_client.post("/share-links/new/", {"assets": [asset.pk], "deal_id": value})
    assert shared.status_code == 302  # back to the library with the picker's message; no link made
    assert not deal.share_links.exists()
    logged = rep_client.get(f"/deals/{deal.crm_id}/", {"asset_q": "x", "assets": value})
    assert logged.status_code == 200
