"""The evaluation report's qualitative section (registered with analytics.report_document)."""

from __future__ import annotations

from qualitative.selectors import theme_overview

DASH = "–"


def _kappas(code: dict) -> str:
    values = [row["cohens_kappa"] for row in code["agreement"] if row["cohens_kappa"] is not None]
    if not values:
        return DASH
    low, high = min(values), max(values)
    return f"{low:.2f}" if low == high else f"{low:.2f} to {high:.2f}"


def _mean(value) -> str:
    return DASH if value is None else f"{value:.2f}"


def qualitative_section(b, data) -> None:
    """Themes, agreement and the joint display of the chosen runs; nothing without codings."""
    from qualitative.selectors import qualitative_summary

    runs = None if data.all_course_runs else data.course_runs
    overview = theme_overview(runs)
    if not overview["rows"]:
        return
    summary = {c["code"]: c for c in qualitative_summary(runs)["codes"]}
    b.heading("Qualitative analysis")
    b.paragraph(
        f"{overview['units']} free-text answers and interview transcripts were coded "
        f"thematically by {len(overview['coders'])} coder"
        f"{'s' if len(overview['coders']) != 1 else ''} after redaction of identifying "
        "details. Agreement between coders is Cohen's kappa per code over the units both "
        "coded; the joint display compares the mean change in overall score (first "
        "follow-up minus baseline) of participants who raised a code with that of "
        "participants with a coded answer who did not."
    )
    rows = [
        (
            row["code"],
            str(row["units"]),
            str(row["participants"]),
            _kappas(summary[row["code"]]),
            f"{_mean(row['joint']['mean_change_with'])} (n = {row['joint']['n_with']})",
            f"{_mean(row['joint']['mean_change_without'])} (n = {row['joint']['n_without']})",
        )
        for row in overview["rows"]
    ]
    b.table(
        "Themes and codes, agreement between coders and the change in confidence",
        ("Theme/Code", "Units", "Participants", "Kappa", "Change with", "Change without"),
        rows,
        (0.34, 0.1, 0.12, 0.14, 0.15, 0.15),
        note=f"{DASH}: not available (a single coder, or too few participants to show)."
        if overview["threshold"] <= 1
        else f"Counts below {overview['threshold']} read <{overview['threshold']}; "
        f"means of fewer participants are withheld ({DASH}).",
    )
