"""/api/v1/: each resource's views module brings its own paths; the schema and its docs; the token page."""

from __future__ import annotations

from api.views import actions, complaints, customers, dashboard, docs, inbox, reference, training

app_name = "api"

urlpatterns = [
    *complaints.urlpatterns,
    *actions.urlpatterns,
    *customers.urlpatterns,
    *reference.urlpatterns,
    *dashboard.urlpatterns,
    *inbox.urlpatterns,
    *training.urlpatterns,
    *docs.urlpatterns,
]
