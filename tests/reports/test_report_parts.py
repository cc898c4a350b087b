"""A multi-project report rendered in parts and merged: its pages, its contents' page numbers, its running
page numbers, bookmarks, tags and metadata, and its progress per part."""

import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from accounts.access import Access
from programmes.models import Organisation
from reports.models import ReportRun
from reports.parts import render_in_parts
from reports.presenters import MultiProjectReportPresenter, ProjectReportPresenter, ReportRunPresenter
from reports.scopes import scope_visible
from reports.selectors import multi_project_run_projects, projects_report_data
from reports.services import report_render, scope_report_request
from tests.world import make_project

pytestmark = pytest.mark.urls("tests.reports.urls")

CONTENTS_ENTRY = re.compile(r"^(?P<title>.+?) \((?P<organisation>[^()]+)\)\s*[.\s]*?(?P<page>\d+)$")


@pytest.fixture
def system_run(world, system_scope):
    """A system report of three projects in two organisations."""
    second = Organisation.objects.create(
        kind="provider",
        name="Alpha Mental Health Trust",
        ods_code="RA2",
        provider_type="mental_health",
        system=world.system_a,
    )
    make_project(second, world.cohort_2, "Alpha crisis line project", world.programme)
    access = Access.for_user(world.a_viewer)
    scope = scope_visible(access=access, kind="system", scope_id=world.system_a.pk)
    return scope_report_request(access=access, scope=scope)


def presenter_of(run: ReportRun, user) -> MultiProjectReportPresenter:
    access = Access(user=user)
    data = projects_report_data(projects=multi_project_run_projects(run=run))
    return MultiProjectReportPresenter(
        scope_kind=run.scope_kind,
        scope_name=run.parameters["scope_name"],
        projects=[ProjectReportPresenter(entry, access) for entry in data],
        generated_on_date=timezone.localdate(),
    )


def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def contents_entries(text: str) -> list[tuple[str, int]]:
    """(title, page) of each chapter listed on the contents pages; an entry may wrap over two lines."""
    lines = text.split("Contents", 1)[1].split("\n")
    entries, pending = [], ""
    for line in lines:
        pending = f"{pending} {line}".strip() if pending else line.strip()
        match = CONTENTS_ENTRY.match(pending)
        if match:
            entries.append((match["title"], int(match["page"])))
            pending = ""
        elif pending.startswith("Summary of projects") or re.fullmatch(r"Page \d+ of \d+", pending):
            pending = ""
    return entries


def test_the_merged_report_has_every_parts_pages_and_its_contents_point_at_each_chapter(
    world, system_run, media
):
    assert report_render(run_id=system_run.pk) is True
    system_run.refresh_from_db()
    reader = PdfReader(io.BytesIO(system_run.file.read()))
    texts = page_texts(reader)

    entries = sorted(contents_entries(texts[1]), key=lambda entry: entry[1])
    titles = [world.project_a2.title, world.project_a.title, "Alpha crisis line project"]
    assert sorted(title for title, _ in entries) == sorted(titles)
    assert entries[0][1] > 2, "the chapters follow the cover, the contents and the summary"
    ends = [page - 1 for _, page in entries[1:]] + [len(reader.pages)]
    for (title, first), last in zip(entries, ends, strict=True):
        assert texts[first - 1].startswith(title), (title, first, texts[first - 1][:80])
        for page in range(first, last + 1):  # every page of the chapter names its project at the foot
            assert title in texts[page - 1].rsplit("\n", 2)[-1], (title, page)
    chapter_links = [reader.named_destinations[f"project-{number}"] for number in (1, 2, 3)]
    assert [reader.get_destination_page_number(link) + 1 for link in chapter_links] == [
        page for _, page in entries
    ], "each contents link opens its chapter"
    total = len(reader.pages)
    for number, text in enumerate(texts[1:], start=2):
        assert text.rstrip().endswith(f"Page {number} of {total}"), (number, text[-60:])
    assert "Page 1" not in texts[0] and f"{total} pages" in texts[0]


def test_a_chapter_pages_number_is_stamped_on_as_a_pagination_artifact(world, system_run, media):
    """The chapters are laid out in parallel, without their page numbers: each number is drawn on after
    the merge, outside the structure tree, over the page's own content left as it was."""
    report_render(run_id=system_run.pk)
    system_run.refresh_from_db()
    reader = PdfReader(io.BytesIO(system_run.file.read()))
    front_pages = min(page for _, page in contents_entries(page_texts(reader)[1])) - 1
    for number, page in enumerate(reader.pages, start=1):
        content = page.get_contents().get_data()
        stamped = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC" in content
        assert stamped == (number > front_pages), number
        if stamped:
            assert content.startswith(b"q\n") and b"<</MCID" in content, "the page's own tags stay"
            fonts = page["/Resources"]["/Font"]
            assert any(name.startswith("/Stamp") for name in fonts) and len(fonts) > 1


def test_the_merged_report_keeps_its_bookmarks_tags_title_and_language(world, system_run, media):
    report_render(run_id=system_run.pk)
    system_run.refresh_from_db()
    reader = PdfReader(io.BytesIO(system_run.file.read()))
    assert reader.metadata.title == "Progress report: Alpha ICS"
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB" and catalog["/MarkInfo"]["/Marked"]
    bookmarks = [item.title for item in reader.outline if not isinstance(item, list)]
    assert bookmarks[0] == "Alpha ICS"
    assert {world.project_a.title, world.project_a2.title, "Alpha crisis line project"} <= set(bookmarks)

    tree = catalog["/StructTreeRoot"]
    document = tree["/K"][0].get_object()
    assert document["/S"] == "/Document" and len(document["/K"]) > len(reader.pages)
    parents = {kid.get_object().raw_get("/P").idnum for kid in document["/K"]}
    assert parents == {tree["/K"][0].idnum}, parents
    numbers = tree["/ParentTree"]["/Nums"]
    keys = [int(numbers[index]) for index in range(0, len(numbers), 2)]
    assert keys == list(range(len(keys))) and tree["/ParentTreeNextKey"] == len(keys)
    page_keys = [int(page.get("/StructParents", -1)) for page in reader.pages]
    assert -1 not in page_keys, page_keys
    assert len(set(page_keys)) == len(reader.pages), "each page has its own entry in the parent tree"
    links = [
        annotation.get_object()
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if annotation.get_object()["/Subtype"] == "/Link"
    ]
    assert {link["/Dest"] for link in links} == {"projects-summary", "project-1", "project-2", "project-3"}
    assert {int(link["/StructParent"]) for link in links}.isdisjoint(page_keys)


def test_progress_is_recorded_for_every_part(world, system_run, media):
    seen = []
    render_in_parts(presenter_of(system_run, world.a_viewer), on_part=lambda *part: seen.append(part))
    assert seen == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]

    report_render(run_id=system_run.pk)
    system_run.refresh_from_db()
    assert (system_run.parts_done, system_run.parts_total, system_run.progress) == (4, 4, 100)


def test_the_run_page_and_the_api_say_which_part_is_being_rendered(world, client_of, system_run):
    ReportRun.objects.filter(pk=system_run.pk).update(
        status=ReportRun.Status.RUNNING, progress=46, parts_done=1, parts_total=4
    )
    system_run.refresh_from_db()
    presenter = ReportRunPresenter(system_run, Access.for_user(world.a_viewer))
    assert presenter.progress_text == "46% done: rendering part 2 of 4"
    client = client_of(world.a_viewer)
    assert "rendering part 2 of 4" in client.get(system_run.get_absolute_url()).content.decode()
    polled = client.get(f"/api/v1/reports/{system_run.pk}/").json()
    assert (polled["parts_done"], polled["parts_total"]) == (1, 4)

    ReportRun.objects.filter(pk=system_run.pk).update(parts_done=4, progress=95)
    system_run.refresh_from_db()
    assert presenter.progress_text == "95% done: putting the 4 parts together"


def test_a_project_report_is_one_part_and_records_no_parts(world, system_scope, media):
    from reports.services import report_request

    run = report_request(access=Access.for_user(world.a_member), scope=world.project_a)
    report_render(run_id=run.pk)
    run.refresh_from_db()
    reader = PdfReader(io.BytesIO(run.file.read()))
    assert (run.parts_done, run.parts_total) == (0, 0)
    assert reader.pages[1].extract_text().rstrip().endswith(f"Page 2 of {len(reader.pages)}")
