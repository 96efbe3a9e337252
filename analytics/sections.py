"""Sections other apps add to the dashboard and the report (the qualitative strand).

Registrations, as analytics does not import the apps built on it; this module imports
nothing heavy, so an app can register at start-up without loading plotly.

- A dashboard section is a function of the chosen runs (None = all) returning
  ``{"template": ..., **context}`` for ``templates/analytics/dashboard.html``, or None.
- The free-text redactor (one): (response ids, {field: texts in that order}) -> the texts
  as evaluators may read them; the row-level exports refuse to run without it.
- A report section is a function of the report's builder and its ``EvaluationData`` that
  adds headings, paragraphs and tables after the results (or nothing).
"""

from collections.abc import Callable, Sequence

FreeTextRedactor = Callable[[Sequence[int], dict[str, list[str]]], dict[str, list[str]]]
DashboardSection = Callable[[list | None], dict | None]
ReportSection = Callable[[object, object], None]

_redactor: list[FreeTextRedactor] = []
_dashboard: list[DashboardSection] = []
_report: list[ReportSection] = []


def register_free_text_redactor(redactor: FreeTextRedactor) -> None:
    _redactor[:] = [redactor]


def free_text_redactor() -> FreeTextRedactor | None:
    return _redactor[0] if _redactor else None


def register_dashboard_section(section: DashboardSection) -> None:
    if section not in _dashboard:
        _dashboard.append(section)


def register_report_section(section: ReportSection) -> None:
    if section not in _report:
        _report.append(section)


def dashboard_sections(runs) -> list[dict]:
    return [s for s in (section(runs) for section in _dashboard) if s]


def report_sections() -> list[ReportSection]:
    return list(_report)
