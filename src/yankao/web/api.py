"""API-layer helper: the rules raise Django's errors (with zh-Hant messages by field); the REST
API answers them as DRF's 400 and 403."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied


def run_service[T](call: Callable[[], T], passthrough: tuple[type[Exception], ...] = ()) -> T:
    """Call a service; a refusal becomes 403, a validation error 400 with its field messages.
    Exceptions in `passthrough` (e.g. a stale draft the view answers with 409) go through."""
    try:
        return call()
    except passthrough:
        raise
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except DjangoValidationError as exc:
        raise serializers.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        ) from exc
