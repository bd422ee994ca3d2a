"""The assistant REST API: one module per subject, one URL list."""

urlpatterns: list = []

from .mining import urlpatterns as mining_urls  # noqa: E402

urlpatterns += mining_urls

from .faq import urlpatterns as faq_urls  # noqa: E402

urlpatterns += faq_urls

from .chat import urlpatterns as chat_urls  # noqa: E402

urlpatterns += chat_urls
