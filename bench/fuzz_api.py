"""Fuzz the REST API from its OpenAPI schema, once per role, against a throwaway database.

Checks: no 5xx response, and every response matches the schema (status code and body).
Usage: python bench/fuzz_api.py [--max-examples N]
"""

import argparse
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from _server import ROOT, app_env, free_port, manage, start_gunicorn, tokens_for

CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=15)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        # production settings (DEBUG off), so the error answers are the ones clients really get
        env = app_env(DATABASE_URL=f"sqlite:///{tmp}/fuzz.sqlite3", MEDIA_ROOT=f"{tmp}/media",
                      CRM_WEBHOOK_SECRET="fuzz-secret", DEBUG="0", SECRET_KEY=secrets.token_urlsafe(48),
                      SECURE_SSL_REDIRECT="0", LOGIN_MAX_FAILURES="100000")
        manage("migrate", "--noinput", "-v0", env=env)
        manage("load_demo", env=env, capture=True)
        tokens = tokens_for(["rep", "marketer", "manager"], env)
        port = free_port()
        server = start_gunicorn(port, env, workers=2, threads=2, log_path=Path(tmp) / "server.log")
        failed = []
        try:
            for role, token in tokens.items():
                print(f"\n==> fuzzing the API as {role}", flush=True)
                result = subprocess.run(
                    [str(Path(sys.executable).parent / "schemathesis"), "run",
                     f"http://127.0.0.1:{port}/api/schema/", "--checks", CHECKS,
                     "--max-examples", str(args.max_examples), "--seed", "2026",
                     "-H", f"Authorization: Token {token}", "--request-timeout", "30"],
                    cwd=ROOT, env=env,
                )
                if result.returncode != 0:
                    failed.append(role)
        finally:
            server.terminate()
            server.wait(timeout=30)
        if failed:
            print(f"\nAPI fuzzing failed for: {', '.join(failed)}")
            print((Path(tmp) / "server.log").read_text()[-5000:])
            return 1
        print("\nAPI fuzzing passed for every role.")
        return 0


if __name__ == "__main__":
    sys.exit(main())
