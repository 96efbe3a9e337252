# Generates data/responses_60.csv, a second synthetic file in the import format
# (participant_code, wave, mandatory_completed, profession, years_experience, s1 ... s14;
# blank = unanswered), for the pinned test of analytics/stats.py.
# Its reference statistics come from examples/reference.R (run from tests/analytics):
#   Rscript make_responses_60.R > data/responses_60.csv
#   Rscript ../../examples/reference.R data/responses_60.csv > data/responses_60.ref.json
set.seed(20250607)
n <- 60
alphabet <- c(LETTERS, 2:9)
codes <- unique(replicate(n + 10, paste(sample(alphabet, 6, replace = TRUE), collapse = "")))[1:n]
professions <- c("Social prescriber", "Wellbeing coach", "General practitioner", "Pharmacist",
                 "Physiotherapist")
level <- rnorm(n, 3, 0.7)            # participant's general level (1..5 scale)
gain <- rnorm(n, 0.45, 0.5)          # individual change from baseline to follow-up
profession <- sample(professions, n, replace = TRUE, prob = c(0.45, 0.25, 0.15, 0.1, 0.05))
years <- round(rexp(n, 1 / 8), 2)
# 70% answer both waves, 20% only baseline, 10% only follow-up
pattern <- sample(c("both", "baseline", "follow_up"), n, replace = TRUE, prob = c(0.7, 0.2, 0.1))
rows <- list()
for (i in seq_len(n)) {
  waves <- if (pattern[i] == "both") c("baseline", "follow_up") else pattern[i]
  for (w in waves) {
    mu <- level[i] + if (w == "follow_up") gain[i] else 0
    s <- pmin(5, pmax(1, round(mu + rnorm(14, 0, 0.6))))
    s[runif(14) < 0.04] <- NA                       # unanswered statements
    completed <- if (runif(1) < 0.1) "no" else "yes"  # mandatory part not completed
    rows[[length(rows) + 1]] <- data.frame(
      participant_code = codes[i], wave = w, mandatory_completed = completed,
      profession = profession[i], years_experience = years[i],
      t(setNames(s, paste0("s", 1:14))), check.names = FALSE)
  }
}
d <- do.call(rbind, rows)
d <- d[sample(nrow(d)), ]
write.csv(d, stdout(), row.names = FALSE, na = "", quote = FALSE)
