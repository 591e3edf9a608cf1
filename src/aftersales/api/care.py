"""The integration API's endpoints for care (their rules live in the app's services)."""

# (prefix, viewset, basename): api/urls.py registers every route listed here.
ROUTES: list = []
