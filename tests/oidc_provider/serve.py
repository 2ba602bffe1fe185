"""Run the test provider: migrate its own SQLite database, give it an RSA key and register the app
as a confidential client, then serve on 127.0.0.1:PORT until killed.

    python -m tests.oidc_provider.serve PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI POST_LOGOUT_REDIRECT_URI

with PROVIDER_DB and PROVIDER_CONTROL_SECRET in the environment (tests/sso_helpers.py does it)."""

import os
import sys


def main(port: str, client_id: str, client_secret: str, redirect_uri: str, post_logout_redirect_uri: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    os.environ["PROVIDER_URL"] = f"http://127.0.0.1:{port}"
    import django

    django.setup()
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType, RSAKey

    call_command("migrate", verbosity=0)
    if not RSAKey.objects.exists():
        call_command("creatersakey", stdout=open(os.devnull, "w"))  # noqa: SIM115
    client, _ = Client.objects.update_or_create(
        client_id=client_id,
        defaults={
            "name": "Enablement library",
            "client_type": "confidential",
            "client_secret": client_secret,
            "jwt_alg": "RS256",
            "require_consent": False,
            "reuse_consent": True,
            "_redirect_uris": redirect_uri,
            "_post_logout_redirect_uris": post_logout_redirect_uri,
            "_scope": "openid email profile groups",
        },
    )
    client.response_types.set([ResponseType.objects.get(value="code")])
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True, skip_checks=True)


if __name__ == "__main__":
    main(*sys.argv[1:6])
