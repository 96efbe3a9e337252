"""The reference route of bench_statistics.py: pandas + pingouin computing the paired
statistics from the row-level CSV export. No Django, so it also runs as its own process:

    python benchmarks/pandas_route.py responses.csv 1,2,3,3,4,5,6,6,6,7,8,8,9,10

(the second argument: each statement's footstep, in order).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg


def pandas_pingouin(csv_path: Path, item_footsteps: list[int]) -> dict:
    """The same statistics with pandas + pingouin, from the row-level CSV export."""
    frame = pd.read_csv(csv_path, dtype={"participant_code": str})
    frame = frame[frame["mandatory_completed"] == 1]
    items = [f"s{i}" for i in range(1, 15)]
    scores = pd.DataFrame(
        {
            # mean of a footstep's statements, only when all of them were answered
            f: frame[[items[j] for j, g in enumerate(item_footsteps) if g == f]].mean(
                axis=1, skipna=False
            )
            for f in range(1, 11)
        }
    )
    scores["overall"] = scores[list(range(1, 11))].mean(axis=1, skipna=False)
    scores["participant_code"] = frame["participant_code"].to_numpy()
    scores["wave"] = frame["wave"].to_numpy()
    wide = scores.pivot(index="participant_code", columns="wave")
    results, pvalues = {}, []
    for column in [*range(1, 11), "overall"]:
        pair = wide[column][["baseline", "month_3"]].dropna()
        x, y = pair["baseline"].to_numpy(), pair["month_3"].to_numpy()
        t = pg.ttest(y, x, paired=True)
        dz = float(t["T"].iloc[0]) / np.sqrt(len(x))
        results[column] = {
            "n_pairs": len(x),
            "baseline_mean": x.mean(),
            "baseline_sd": x.std(ddof=1),
            "follow_up_mean": y.mean(),
            "follow_up_sd": y.std(ddof=1),
            "mean_difference": (y - x).mean(),
            "mean_difference_ci": t["CI95"].iloc[0],
            "t": float(t["T"].iloc[0]),
            "df": float(t["dof"].iloc[0]),
            "p": float(t["p_val"].iloc[0]),
            "cohens_dz": dz,
            "cohens_dz_ci": pg.compute_esci(stat=dz, nx=len(x), ny=len(x), paired=True),
            "d_av": float(t["cohen_d"].iloc[0]),
            # R's wilcox.test(exact = FALSE, correct = TRUE), as analytics.stats
            "wilcoxon_p": float(
                pg.wilcoxon(np.round(y - x, 10), correction=True, method="approx")["p_val"].iloc[0]
            ),
        }
        if column != "overall":
            pvalues.append(results[column]["p"])
    holm = pg.multicomp(pvalues, method="holm")[1]
    for number, p_holm in zip(range(1, 11), holm, strict=True):
        results[number]["p_holm"] = p_holm
    return results


if __name__ == "__main__":
    footsteps = [int(f) for f in sys.argv[2].split(",")]
    print(pandas_pingouin(Path(sys.argv[1]), footsteps)["overall"]["t"])
