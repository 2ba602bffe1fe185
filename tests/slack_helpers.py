"""A fake Slack Web API on 127.0.0.1 for the Slack tests (no call leaves the machine), and Slack's
request signing, done as Slack does it, for the slash command."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest
from slack_sdk.signature import SignatureVerifier

SIGNING_SECRET = "test-signing-secret-8f2c"
BOT_TOKEN = "xoxb-test-token"
COMMAND_URL = "/integrations/slack/commands/"


class FakeSlack:
    """Records every Web API call and answers like chat.postMessage; `failure` makes it answer an
    HTTP error status, or `{"ok": false, "error": ...}` when a string."""

    def __init__(self):
        self.calls: list[dict] = []
        self.failure: int | str | None = None
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the name http.server calls
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                body = json.loads(raw) if "json" in (self.headers.get("Content-Type") or "") else raw
                with fake.lock:
                    fake.calls.append(
                        {"method": self.path.rsplit("/", 1)[-1], "auth": self.headers.get("Authorization"), **body}
                    )
                if isinstance(fake.failure, int):
                    self._answer(fake.failure, {"ok": False, "error": "internal_error"})
                elif fake.failure:
                    self._answer(200, {"ok": False, "error": fake.failure})
                else:
                    channel = body.get("channel", "")
                    self._answer(200, {"ok": True, "channel": channel, "ts": f"{time.time():.6f}", "message": body})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def messages(self) -> list[dict]:
        return [call for call in self.calls if call["method"] == "chat.postMessage"]

    def to(self, channel: str) -> list[str]:
        return [call["text"] for call in self.messages() if call["channel"] == channel]

    def channels(self) -> list[str]:
        return sorted(call["channel"] for call in self.messages())


@pytest.fixture
def fake_slack(settings):
    """Slack on, pointed at the fake server."""
    with FakeSlack() as fake:
        settings.SLACK_BOT_TOKEN = BOT_TOKEN
        settings.SLACK_SIGNING_SECRET = SIGNING_SECRET
        settings.SLACK_API_URL = fake.url
        settings.SLACK_TIMEOUT_SECONDS = 5
        yield fake


def signed_command(client, form: dict, *, secret=SIGNING_SECRET, timestamp=None, signature=None, body=None):
    """POST the slash command as Slack does: a form body signed with `secret` at `timestamp`."""
    body = urlencode(form) if body is None else body
    timestamp = str(int(time.time())) if timestamp is None else str(timestamp)
    if signature is None:
        signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    return client.post(
        COMMAND_URL,
        data=body,
        content_type="application/x-www-form-urlencoded",
        HTTP_X_SLACK_REQUEST_TIMESTAMP=timestamp,
        HTTP_X_SLACK_SIGNATURE=signature,
    )


def command_form(user_id: str, text: str) -> dict:
    return {
        "token": "deprecated-verification-token",
        "team_id": "T0001",
        "team_domain": "example",
        "channel_id": "C0CALLS",
        "channel_name": "sales-calls",
        "user_id": user_id,
        "user_name": "someone",
        "command": "/library",
        "text": text,
        "api_app_id": "A0APP",
        "response_url": "https://hooks.slack.invalid/commands/1/2/3",
        "trigger_id": "1.2.3",
    }
