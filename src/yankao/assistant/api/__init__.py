"""The assistant REST API: one module per subject, one URL list."""

urlpatterns: list = []
