"""The REST API under /api/v1/: thin viewsets over the domain's querysets and services."""
