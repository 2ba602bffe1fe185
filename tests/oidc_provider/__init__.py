"""A real OpenID Connect provider for the single sign-on tests: a tiny Django project running
django-oidc-provider in its own process and SQLite database (started by tests/sso_helpers.py).
Never imported by the app; its settings are not the app's."""
