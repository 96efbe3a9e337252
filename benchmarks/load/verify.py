"""Count confirmed questionnaire submissions that the database does not hold as confirmed.

Usage (with the load test's environment): ``python benchmarks/load/verify.py ACCEPTED.json``;
prints ``[confirmed, lost]`` as JSON. For each enrolment, the answers of its last confirmed
submission must be what its baseline response holds.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import django  # noqa: E402

django.setup()

from assessments.models import Response  # noqa: E402
from courses.waves import BASELINE  # noqa: E402


def main() -> None:
    accepted = json.loads(Path(sys.argv[1]).read_text())["accepted"]
    last = {enrolment: ratings for enrolment, ratings in accepted}
    stored = {
        response.participant.enrolment_id: response
        for response in Response.objects.filter(
            wave=BASELINE.name, participant__enrolment_id__in=list(last)
        ).select_related("participant")
    }
    lost = sum(
        1
        for enrolment, ratings in last.items()
        if enrolment not in stored
        or any(str(getattr(stored[enrolment], code)) != value for code, value in ratings.items())
    )
    print(json.dumps([len(accepted), lost]))


if __name__ == "__main__":
    main()
