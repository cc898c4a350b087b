"""A multi-project report rendered in parts: each project's chapter on its own, in parallel, then the cover,
contents and summary with the chapters' first pages in its contents, merged into one PDF with each chapter
page's number stamped at its foot (docs/reports.md, docs/adr/011-reports-in-parts.md).

The parts are laid out by a few processes forked from the worker's (one per core, at most
`PART_PROCESSES`): they inherit the loaded WeasyPrint, fonts and stylesheet, are given each part's HTML
(made here, where the data and the database are) and send back its PDF, tens of kilobytes. A chapter is laid
out before the pages ahead of it are counted, so it carries no page number of its own: once every chapter's
length is known, the front part is rendered with the contents' page numbers and one small untagged PDF holds
the number of every chapter page, which the merge stamps on as pagination artifacts."""

import contextlib
import os
import signal
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection, Pipe, wait

from django.template.loader import render_to_string
from weasyprint.text.fonts import FontConfiguration

from .pdf import RenderedPdf, html_document, render_html, report_stylesheet
from .pdf_merge import merge_pdfs
from .presenters import MultiProjectReportPresenter

FRONT = "reports/scope_report.jinja"
CHAPTER = "reports/scope_report_chapter.jinja"
STAMPS = "reports/scope_report_stamps.jinja"
# While the front part is measured the chapters' page numbers are unknown. The contents print each in a box
# of fixed width (static/css/report.css), so the front part breaks its pages alike whatever they are.
UNKNOWN_PAGE = "?"
PART_PROCESSES = 4

# Set before the processes are forked, so each inherits them: the parts share one font configuration and
# one parsed stylesheet.
_shared: dict = {}


class FrontPartMoved(RuntimeError):
    """The front part came out longer or shorter than measured: every chapter's page number would be off."""


def part_processes() -> int:
    return max(1, min(PART_PROCESSES, os.process_cpu_count() or 1))


def render_in_parts(report: MultiProjectReportPresenter, *, on_part: Callable[[int, int], None]) -> bytes:
    """The report's PDF. `on_part(done, total)` is called before the first part and as each is done: the
    chapters, in whatever order they finish, then the front part; the merge follows the last."""
    _shared.update(font_config=FontConfiguration(), stylesheets=(report_stylesheet(),))
    title = report.document_title
    total = len(report.projects) + 1
    with PartProcesses(part_processes()) as processes:
        front_html = _front_html(report, [None] * len(report.projects), None, title)
        jobs = [(_count, lambda: (front_html,))]
        for number, entry in enumerate(report.projects, start=1):
            jobs.append((_render, lambda entry=entry, number=number: (_chapter_html(entry, number, title),)))
        on_part(0, total)
        done = 0

        def chapter_done(index: int) -> None:
            nonlocal done
            if index:  # the first job measures the front part
                done += 1
                on_part(done, total)

        front_pages, *rendered = processes.run(jobs, on_done=chapter_done)
        first_pages, next_page = [], front_pages + 1
        for chapter in rendered:
            first_pages.append(next_page)
            next_page += chapter.pages
        pages = next_page - 1
        stamps_html = render_to_string(
            STAMPS, {"first_page": front_pages + 1, "count": pages - front_pages, "pages": pages}
        )
        front_html = _front_html(report, first_pages, pages, title)
        front_part, stamp_part = processes.run(
            [(_render, lambda: (front_html,)), (_render, lambda: (stamps_html, False))]
        )
    if front_part.pages != front_pages:
        raise FrontPartMoved(f"The front part has {front_part.pages} pages, measured {front_pages}")
    if stamp_part.pages != pages - front_pages:
        raise FrontPartMoved(f"{stamp_part.pages} page numbers for {pages - front_pages} chapter pages")
    on_part(total, total)
    return merge_pdfs([front_part.content, *(chapter.content for chapter in rendered)], stamp_part.content)


class PartFailed(RuntimeError):
    """A part's process raised: its traceback is the message."""


class PartProcesses:
    """A few processes forked from this one, each running one job at a time and sending back its result.
    Forked by hand (os.fork): a Celery prefork worker's process is a daemon, which the multiprocessing
    module forbids to have children. The processes touch no database: they get HTML, return PDFs."""

    def __init__(self, count: int):
        self.count, self.connections = count, []
        self.pids: list[int] = []

    def __enter__(self):
        for _ in range(self.count):
            ours, theirs = Pipe()
            pid = os.fork()
            if pid == 0:  # the part's process
                ours.close()
                _serve(theirs)
            theirs.close()
            self.connections.append(ours)
            self.pids.append(pid)
        return self

    def __exit__(self, error_type, *exc):
        for connection in self.connections:
            with contextlib.suppress(OSError):
                connection.send(None)
            connection.close()
        for pid in self.pids:
            if error_type is not None:  # the run failed or ran out of time: no part is wanted any more
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)

    def run(self, jobs: list, on_done: Callable[[int], None] = lambda index: None) -> list:
        """Each job's result, in the jobs' order; `on_done(index)` as each finishes. A job is a function
        and a callable making its arguments, called as the job is given out, so the processes start on the
        first parts while the later ones' HTML is made here."""
        results, waiting, busy = [None] * len(jobs), list(enumerate(jobs)), {}
        for connection in self.connections:
            if waiting:
                busy[connection] = self._give(connection, waiting)
        while busy:
            for connection in wait(list(busy)):
                index = busy.pop(connection)
                failed, result = connection.recv()
                if failed:
                    raise PartFailed(result)
                results[index] = result
                on_done(index)
                if waiting:
                    busy[connection] = self._give(connection, waiting)
        return results

    @staticmethod
    def _give(connection: Connection, waiting: list) -> int:
        index, (function, arguments) = waiting.pop(0)
        connection.send((function, arguments()))
        return index


def _serve(connection: Connection) -> None:
    """A part's process: run jobs until told to stop, then leave at once (no clean-up of what the parent
    still holds, such as its database connection)."""
    code = 0
    try:
        while (job := connection.recv()) is not None:
            function, arguments = job
            try:
                connection.send((False, function(*arguments)))
            except Exception:
                connection.send((True, traceback.format_exc()))
    except (EOFError, OSError):
        code = 1
    finally:
        os._exit(code)


def _render(html: str, tagged: bool = True) -> RenderedPdf:
    """In a part's process: one part's PDF."""
    return render_html(html, tagged=tagged, **_shared)


def _count(html: str) -> int:
    """In a part's process: how many pages the part has, from its layout alone."""
    return len(html_document(html, _shared["font_config"], _shared["stylesheets"]).pages)


def _chapter_html(entry, number: int, title: str) -> str:
    context = {"entry": entry, "number": number, "document_title": f"{title}: {entry.project.title}"}
    return render_to_string(CHAPTER, context)


def _front_html(report: MultiProjectReportPresenter, first_pages: list, pages: int | None, title: str) -> str:
    context = {
        "report": report,
        "contents": [
            (entry, UNKNOWN_PAGE if page is None else page)
            for entry, page in zip(report.projects, first_pages, strict=True)
        ],
        "pages": UNKNOWN_PAGE if pages is None else pages,
        "document_title": title,
    }
    return render_to_string(FRONT, context)
