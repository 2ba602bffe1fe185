"""Fuzz the REST API from its OpenAPI schema, once per role, against a throwaway database; then
every POST form of each role's pages and the signed CRM webhook (bench/fuzz_pages.py).

Checks: no 5xx response, and every API response matches the schema (status code and body).
Usage: python bench/fuzz_api.py [--max-examples N]
"""

import argparse
import json
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from _server import ROOT, app_env, free_port, manage, start_gunicorn, tokens_for
from fuzz_pages import fuzz_forms, fuzz_webhook, sign_in
from load import query

PASSWORD = "fuzz-pass-2026"
# The pages whose POST forms each role can reach ({asset}, {draft}, {deal}, {request} are filled in).
PAGES = {
    "rep": ["/", "/assets/{asset}/", "/deals/{deal}/", "/prep/{deal}/", "/requests/new/", "/requests/{request}/",
            "/account/token/"],
    "marketer": ["/assets/new/?kind=one_pager", "/assets/new/?kind=battle_card", "/assets/new/?kind=case_study",
                 "/assets/new/?kind=objection", "/assets/{asset}/", "/assets/{asset}/edit/", "/assets/{draft}/",
                 "/calendar/", "/calendar/assets/{draft}/reschedule/", "/requests/triage/", "/requests/{request}/"],
    "manager": ["/deals/", "/deals/import/", "/deals/{deal}/", "/reports/"],
}
IDS_CODE = (
    "import json; from content.models import Asset, Deal, ContentRequest; "
    "print(json.dumps({'asset': Asset.objects.filter(status='published').order_by('id').first().id, "
    "'draft': Asset.objects.exclude(status='published').order_by('id').first().id, "
    "'deal': Deal.objects.filter(owner__username='rep', status='open').order_by('id').first().crm_id, "
    "'request': ContentRequest.objects.filter(requester__username='rep').order_by('id').first().id}))"
)
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=15)
    parser.add_argument("--pages-only", action="store_true", help="skip the API, fuzz the forms and the webhook")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        # production settings (DEBUG off), so the error answers are the ones clients really get
        env = app_env(DATABASE_URL=f"sqlite:///{tmp}/fuzz.sqlite3", MEDIA_ROOT=f"{tmp}/media",
                      CRM_WEBHOOK_SECRET="fuzz-secret", DEBUG="0", SECRET_KEY=secrets.token_urlsafe(48),
                      SECURE_SSL_REDIRECT="0", LOGIN_MAX_FAILURES="100000",
                      LOGIN_MAX_FAILURES_PER_ADDRESS="100000")
        manage("migrate", "--noinput", "-v0", env=env)
        # DEBUG off serves static files from the manifest: without it every page is a 500
        manage("collectstatic", "--noinput", "-v0", env=env)
        manage("load_demo", env=env, capture=True)
        # passwords first: a password change revokes a user's API token
        query(env, "from django.contrib.auth import get_user_model; U = get_user_model(); "
                   f"[(u.set_password('{PASSWORD}'), u.save()) for u in U.objects.filter(username__in={list(PAGES)!r})];"
                   " print('ok')")
        tokens = tokens_for(list(PAGES), env)
        ids = json.loads(query(env, IDS_CODE))
        port = free_port()
        server = start_gunicorn(port, env, workers=2, threads=2, log_path=Path(tmp) / "server.log")
        failed = []
        try:
            for role, token in ({} if args.pages_only else tokens).items():
                print(f"\n==> fuzzing the API as {role}", flush=True)
                result = subprocess.run(
                    [str(Path(sys.executable).parent / "schemathesis"), "run",
                     f"http://127.0.0.1:{port}/api/schema/", "--checks", CHECKS,
                     "--max-examples", str(args.max_examples), "--seed", "2026",
                     "-H", f"Authorization: Token {token}", "--request-timeout", "30",
                     # revoking its own token would leave the rest of the run unauthenticated
                     "--exclude-operation-id", "api_v1_auth_token_destroy"],
                    cwd=ROOT, env=env,
                )
                if result.returncode != 0:
                    failed.append(role)
            # tokens were used above; the pages sign in with sessions (a revoked token is harmless now)
            form_errors = []
            for role in tokens:
                print(f"\n==> fuzzing the pages' forms as {role}", flush=True)
                pages = [page.format(**ids) for page in PAGES[role]]
                count, errors = fuzz_forms(sign_in(port, role, PASSWORD), role, pages, args.max_examples)
                print(f"{role}: {count} forms, {len(errors)} server errors", flush=True)
                form_errors += errors
            print("\n==> fuzzing the signed CRM webhook", flush=True)
            form_errors += fuzz_webhook(port, "fuzz-secret", args.max_examples)
            if form_errors:
                print("\n".join(form_errors[:50]))
                failed.append("pages or webhook")
        finally:
            server.terminate()
            server.wait(timeout=30)
        if failed:
            print(f"\nFuzzing failed for: {', '.join(failed)}")
            print((Path(tmp) / "server.log").read_text()[-5000:])
            return 1
        print("\nFuzzing passed: the API, every role's forms and the webhook answered no 5xx.")
        return 0


if __name__ == "__main__":
    sys.exit(main())
