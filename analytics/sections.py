"""Sections other apps add to the dashboard and the report (the qualitative strand).

Registrations, as analytics does not import the apps built on it; this module imports
nothing heavy, so an app can register at start-up without loading plotly.

- A dashboard section is a function of the chosen runs (None = all) returning
  ``{"template": ..., **context}`` for ``templates/analytics/dashboard.html``, or None.
- A report section is a function of the report's builder and its ``EvaluationData`` that
  adds headings, paragraphs and tables after the results (or nothing).
"""

from collections.abc import Callable

DashboardSection = Callable[[list | None], dict | None]
ReportSection = Callable[[object, object], None]

_dashboard: list[DashboardSection] = []
_report: list[ReportSection] = []


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
