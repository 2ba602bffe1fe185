"""Fuzz what the OpenAPI schema does not cover: the pages' form posts (as each role, with a valid
session and CSRF token) and the signed CRM webhook (bodies that carry a valid signature, so the
parser and the domain see them). Hostile text (NUL, control characters, huge strings, odd Unicode,
SQL- and HTML-looking values) and malformed JSON must be answered below 500.

Used by bench/fuzz_api.py against its throwaway server; not run on its own.
"""

import json
import re
import urllib.parse

from _server import CookieClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HOSTILE_TEXT = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "x" * 20_000,
            "-1",
            "9" * 40,
            "2026-02-30",
            "NaN",
            "🙂" * 50,
            "\u202e\u0000\ufeff",
            "",
        ]
    ),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | HOSTILE_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(HOSTILE_TEXT, children, max_size=4),
    max_leaves=12,
)
WEBHOOK_FIELDS = ("event_id", "crm_id", "stage", "status", "amount", "close_date", "name", "account")


class Session(CookieClient):
    """A signed-in browser: cookies, the CSRF token, form posts."""

    def __init__(self, port: int):
        super().__init__(port, host_header=f"127.0.0.1:{port}")

    def call(self, method, path, body=None, headers=None):
        status, _, text = super().call(method, path, body=body, headers=headers)
        return status, text

    def csrf(self, path="/login/") -> str:
        _, page = self.call("GET", path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        return found.group(1) if found else self.cookies.get("csrftoken", "")

    def post_form(self, path, fields: dict, referer_path="/"):
        token = self.cookies.get("csrftoken") or self.csrf()
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": token,
            "Referer": f"http://127.0.0.1:{self.port}{referer_path}",
        }
        return self.call("POST", path, body=body, headers=headers)


def sign_in(port: int, username: str, password: str) -> Session:
    session = Session(port)
    token = session.csrf("/login/")
    status, _ = session.post_form("/login/", {"username": username, "password": password, "csrfmiddlewaretoken": token})
    if status != 302:
        raise RuntimeError(f"{username} could not sign in ({status})")
    return session


FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', re.I)
NOT_FUZZED = ("/logout/",)  # signing out would end the fuzzing session


def forms_on(session: Session, page: str) -> list[tuple[str, list[str]]]:
    """The POST forms a page shows: (where it posts, the names of its fields), as a browser sees them."""
    _, html = session.call("GET", page)
    found = []
    for attributes, inner in FORM.findall(html):
        if 'method="post"' not in attributes.lower():
            continue
        action = re.search(r'action="([^"]*)"', attributes)
        target = (action.group(1) if action and action.group(1) else page).replace("&amp;", "&")
        if target.startswith(NOT_FUZZED):
            continue
        names = sorted({name for name in FIELD.findall(inner) if name != "csrfmiddlewaretoken"})
        found.append((target, names or ["note"]))
    return found


def _post_hostile_values(session, role, target, page, names, max_examples, errors):
    """A property: posting any hostile values to this form gets an answer below 500."""

    @settings(
        max_examples=max_examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(values=st.fixed_dictionaries(dict.fromkeys(names, HOSTILE_TEXT)))
    def post(values):
        status, _ = session.post_form(target, values, referer_path=page)
        if status >= 500:
            errors.append(f"{role} POST {target} {values!r:.200} -> {status}")

    return post


def fuzz_forms(session: Session, role: str, pages: list[str], max_examples: int) -> tuple[int, list[str]]:
    """Post hostile values to every POST form of `pages` as `role`: (forms fuzzed, server errors)."""
    errors: list[str] = []
    fuzzed = set()
    for page in pages:
        for target, names in forms_on(session, page):
            shape = (re.sub(r"/\d+/", "/N/", target), tuple(names))  # one card's forms stand for every card's
            if shape in fuzzed:
                continue
            fuzzed.add(shape)

            _post_hostile_values(session, role, target, page, names, max_examples, errors)()
            print(f"{role}: POST {target} fuzzed ({len(names)} fields, from {page})", flush=True)
    return len(fuzzed), errors


def fuzz_webhook(port: int, secret: str, max_examples: int) -> list[str]:
    """Signed webhook bodies: JSON objects with hostile field values, other JSON, and broken JSON."""
    import hashlib
    import hmac

    errors: list[str] = []
    session = Session(port)

    def send(body: bytes):
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json", "X-Signature": signature}
        status, _ = session.call("POST", "/api/v1/webhooks/crm/", body=body, headers=headers)
        if status >= 500:
            errors.append(f"webhook {body[:200]!r} -> {status}")

    payloads = st.one_of(
        st.fixed_dictionaries({}, optional=dict.fromkeys(WEBHOOK_FIELDS, JSON_VALUES)),
        JSON_VALUES,
    )

    @settings(max_examples=max_examples * 4, derandomize=True, deadline=None, database=None)
    @given(payload=payloads)
    def signed_json(payload):
        send(json.dumps(payload).encode())

    @settings(max_examples=max_examples, derandomize=True, deadline=None, database=None)
    @given(raw=st.binary(max_size=200) | st.sampled_from([b"[" * 100_000, b'{"a": NaN}', b'{"x": "\\u0000"}']))
    def signed_bytes(raw):
        send(raw)

    signed_json()
    signed_bytes()
    print("webhook fuzzed with signed bodies", flush=True)
    return errors
