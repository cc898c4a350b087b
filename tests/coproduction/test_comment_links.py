import re

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page",
    ["candidates/{candidate}/", "statement/", "drivers/", "change-ideas/{idea}/", "cycles/{cycle}/", ""],
)
def test_every_record_page_links_to_its_comments_and_the_link_works(world, client_of, page):
    records = world.records_a
    path = page.format(candidate=records.candidate.pk, idea=records.idea.pk, cycle=records.cycle.pk)
    client = client_of(world.a_buddy)
    body = client.get(f"/projects/{world.project_a.pk}/{path}").content.decode()
    links = re.findall(r'href="(/projects/[^"]+/comments/[a-z_]+/[^"]+/)"', body)
    assert links, "no link to the record's comments"
    assert all(client.get(link).status_code == 200 for link in links)
