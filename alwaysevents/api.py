"""What every API view shares: pagination, and the answers to a service's refusal and to errors."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler

from alwaysevents.concurrency import StaleEdit


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


def paginated(view, request, items, output):
    """One page of `items` (a queryset or a list) serialised by `output`, with the count and the links."""
    paginator = Pagination()
    page = paginator.paginate_queryset(items, request, view=view)
    return paginator.get_paginated_response(output(page, many=True).data)


@contextmanager
def service_errors() -> Iterator[None]:
    """A service's refusal (bad input, a rule, a step out of order) answers 400: its messages by field where
    it names fields, else as non_field_errors."""
    try:
        yield
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
        raise serializers.ValidationError(detail) from error


def exception_handler(exc, context):
    if isinstance(exc, StaleEdit):
        exc = exceptions.APIException(detail=str(exc), code="stale_edit")
        exc.status_code = 409
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    return drf_exception_handler(exc, context)
