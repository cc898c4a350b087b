from .navigation import account_items_for, navigation_for


def navigation(request) -> dict:
    access = getattr(request, "access", None)
    if access is None:
        return {"navigation_items": [], "account_items": []}
    return {
        "navigation_items": [item.as_header_item(request.path) for item in navigation_for(access)],
        "account_items": account_items_for(request.user),
    }
