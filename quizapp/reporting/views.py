"""The instructor's session report and its CSV / XLSX downloads (owner only, 404 otherwise)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.auth import signed_in_user
from mlcore.learn.drawings import parse_strokes, render_display
from quizapp.drawing import selectors as drawing_selectors
from quizapp.models import QuizSession
from quizapp.reporting import charts, exports
from quizapp.reporting.build import DistributionEntry, QuestionStats, SessionReport
from quizapp.reporting.load import session_for_owner, session_report


def _owned_session(request: HttpRequest, session_id: int) -> QuizSession:
    session = session_for_owner(user=signed_in_user(request), session_id=session_id)
    if session is None:
        raise Http404(_("You have no session with that id."))
    return session


def _attachment(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _question_chart(stats: QuestionStats) -> SafeString:
    """Answers per option; after a re-vote, the 1st and 2nd vote side by side."""
    votes = [stats.first] if stats.shift is None else [stats.first, stats.shift.second]
    if stats.question.is_short_answer or stats.question.is_word_cloud:  # typed: a text may be in one vote only
        entries: dict[str, DistributionEntry] = {}
        for vote in votes:
            for entry in vote.distribution:
                entries.setdefault(entry.label, entry)
        rows = list(entries.values())
        counts = [[{e.label: e.count for e in vote.distribution}.get(e.label, 0) for e in rows] for vote in votes]
    else:  # one entry per option, in the same order in both votes
        rows = stats.first.distribution
        counts = [[e.count for e in vote.distribution] for vote in votes]
    names = [_("1st vote"), _("2nd vote")]
    return charts.bar_chart_svg(
        chart_id=stats.chart_id,
        title=_("Question %(n)d: answers") % {"n": stats.question.number},
        labels=[e.label for e in rows],
        series=[charts.Series(names[k], values) for k, values in enumerate(counts)],
        correct=[e.correct for e in rows],
        totals=[vote.answered for vote in votes],
    )


def _calibration_chart(report: SessionReport) -> SafeString | None:
    if report.calibration is None:
        return None
    return charts.calibration_chart_svg(
        chart_id="calibration",
        title=_("Calibration: confidence against answers right"),
        bins=report.calibration.bins,
    )


def _csv_table_labels() -> dict[str, str]:
    return {
        "grid": _("Grid"),
        "questions": _("Questions"),
        "answers": _("Answer counts"),
        "summary": _("Summary"),
        "calibration": _("Calibration"),
        "scales": _("Scales"),
    }


@never_cache
@login_required
@require_GET
def session_report_page(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _owned_session(request, session_id)
    report = session_report(session)
    return render(
        request,
        "quizapp/reports/session_report.html",
        {
            "session": session,
            "report": report,
            "question_sections": [(stats, _question_chart(stats)) for stats in report.question_stats],
            "calibration_chart": _calibration_chart(report),
            "drawing_rounds": drawing_selectors.report_rounds(session),
            "csv_tables": [
                (name, label)
                for name, label in _csv_table_labels().items()
                if (name != "calibration" or report.has_confidence) and (name != "scales" or report.has_scales)
            ],
        },
    )


@never_cache
@login_required
@require_GET
def session_export_csv(request: HttpRequest, session_id: int) -> HttpResponse:
    """One table as CSV: ``?table=grid`` (the default), questions, answers, summary, calibration or scales."""
    session = _owned_session(request, session_id)
    name = request.GET.get("table", "grid")
    if name not in exports.TABLES:
        raise Http404(_("There is no such table."))
    report = session_report(session)
    return _attachment(
        exports.csv_bytes(exports.TABLES[name](report)),
        content_type=exports.CSV_CONTENT_TYPE,
        filename=exports.export_filename(report, "csv", table="" if name == "grid" else name),
    )


@never_cache
@login_required
@require_GET
def session_export_xlsx(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _owned_session(request, session_id)
    report = session_report(session)
    return _attachment(
        exports.xlsx_bytes(exports.tables_for(report)),
        content_type=exports.XLSX_CONTENT_TYPE,
        filename=exports.export_filename(report, "xlsx"),
    )


@login_required
@require_GET
def drawing_image(request: HttpRequest, session_id: int, drawing_id: int) -> HttpResponse:
    """A drawing as the student drew it (the picture the worker rendered; made now if it has not);
    a description in words has none (404)."""
    drawing = drawing_selectors.drawing_for_owner(
        user=signed_in_user(request), session_id=session_id, drawing_id=drawing_id
    )
    if drawing is None:
        raise Http404(_("You have no drawing with that id."))
    if drawing.image:
        with drawing.image.open("rb") as stored:
            content = stored.read()
    else:
        content = render_display(parse_strokes(drawing.strokes))
    response = HttpResponse(content, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response
