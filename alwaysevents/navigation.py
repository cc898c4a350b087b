"""What the header shows a signed-in person: the sections their roles open, and their account links."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    text: str
    href: str

    def as_header_item(self, current_path: str) -> dict:
        current = self.href == current_path or (self.href != "/" and current_path.startswith(self.href))
        return {"text": self.text, "href": self.href, "current": current}


def navigation_for(access) -> list[NavItem]:
    if not access.user.is_authenticated:
        return []
    items = [NavItem("Home", reverse("home")), NavItem("Projects", reverse("project_list"))]
    if access.is_coach or access.is_programme_admin:
        items.append(NavItem("Coach dashboard", reverse("coach_dashboard")))
    if access.is_coach or access.is_programme_admin or access.viewed_system_ids or access.viewed_region_ids:
        items.append(NavItem("System dashboard", reverse("system_dashboard")))
    if access.is_programme_admin or access.viewed_region_ids:
        items.append(NavItem("Regional dashboard", reverse("regional_dashboard")))
    if access.is_programme_admin:
        items.append(NavItem("Programme dashboard", reverse("programme_dashboard")))
    if access.is_coach or access.is_programme_admin or access.viewed_system_ids:
        items.append(NavItem("By phase", reverse("phase_board")))
    if access.can_invite:
        items.append(NavItem("Invite people", reverse("invitation_create")))
    if access.is_programme_admin:
        items.append(NavItem("Organisations", reverse("organisation_list")))
        items.append(NavItem("Places and regions", reverse("region_list")))
        items.append(NavItem("Programme admin", reverse("admin:index")))
    items.append(NavItem("API", reverse("api_docs")))
    return items


def account_items_for(user) -> list[dict]:
    if not user.is_authenticated:
        return [{"text": "Sign in", "href": reverse("account_login")}]
    return [
        {"text": user.email, "href": reverse("account"), "icon": True},
        {"text": "Sign out", "href": reverse("account_logout")},
    ]
