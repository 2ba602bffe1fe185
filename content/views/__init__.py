"""Server-rendered pages, one module per area; each module exposes its own `urlpatterns`."""
