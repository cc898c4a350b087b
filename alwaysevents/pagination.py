"""Pages of a long list for the NHS.UK pagination component."""

from django.core.paginator import Page, Paginator
from django.http import QueryDict


def paginate(items, request, *, per_page: int) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def pagination_links(page: Page, request) -> dict | None:
    """Parameters for the NHS.UK pagination component, keeping the page's other query parameters."""
    if not page.has_other_pages():
        return None

    def href(number: int) -> str:
        query: QueryDict = request.GET.copy()
        query["page"] = str(number)
        return f"?{query.urlencode()}"

    return {
        "previous": {"href": href(page.previous_page_number())} if page.has_previous() else None,
        "next": {"href": href(page.next_page_number())} if page.has_next() else None,
        "items": [
            {"number": number, "href": href(number), "current": number == page.number}
            for number in page.paginator.page_range
        ],
    }
