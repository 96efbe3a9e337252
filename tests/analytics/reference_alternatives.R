# Pinned R values for the one-sided tests (scipy's ``alternative``) in test_stats.py.
# Usage: Rscript reference_alternatives.R
# Prints the Python dict literals that test_stats.py pins, each number with the R expression
# that produced it (x = baseline, y = follow-up, NA dropped pairwise; a, b = two groups).
# The inputs are the INPUTS of reference_cases.R with the same names. R 4.2.2 used.
num <- function(v) if (is.na(v)) "None" else if (is.infinite(v)) "None" else sprintf("%.15g", v)
line <- function(key, value, call) cat(sprintf('        "%s": %s,  # %s\n', key, num(value), call))

paired <- function(name, x, y, alternative, conf = 0.95) {
  ok <- !is.na(x) & !is.na(y); x <- x[ok]; y <- y[ok]; n <- length(x)
  tt <- t.test(y, x, paired = TRUE, alternative = alternative, conf.level = conf)
  tobs <- unname(tt$statistic)
  ncp_at <- function(prob) uniroot(function(ncp) pt(tobs, n - 1, ncp) - prob, c(-60, 60),
                                   tol = 1e-13)$root
  w <- suppressWarnings(wilcox.test(round(y - x, 10), mu = 0, alternative = alternative,
                                    exact = FALSE, correct = TRUE))
  cat(sprintf('    ("%s", "%s"): {\n', name, alternative))
  cat(sprintf('        # tt <- t.test(y, x, paired = TRUE, alternative = "%s", conf.level = %s)\n',
              alternative, conf))
  cat(sprintf('        # wt <- wilcox.test(round(y - x, 10), alternative = "%s", exact = F, correct = T)\n',
              alternative))
  line("p", tt$p.value, "tt$p.value")
  line("mean_difference_ci_low", tt$conf.int[1], "tt$conf.int[1] (None: -Inf)")
  line("mean_difference_ci_high", tt$conf.int[2], "tt$conf.int[2] (None: Inf)")
  if (alternative == "greater") {
    line("cohens_dz_ci_low", ncp_at(conf) / sqrt(n), sprintf("ncp_at(%s) / sqrt(n)", conf))
    line("cohens_dz_ci_high", Inf, "Inf")
  } else {
    line("cohens_dz_ci_low", -Inf, "-Inf")
    line("cohens_dz_ci_high", ncp_at(1 - conf) / sqrt(n), sprintf("ncp_at(%s) / sqrt(n)", 1 - conf))
  }
  line("wilcoxon_p", w$p.value, "wt$p.value")
  cat("    },\n")
}

welch <- function(name, a, b, alternative) {
  cat(sprintf('    ("%s", "%s"): %s,  # t.test(a, b, alternative = "%s")$p.value\n', name,
              alternative, num(t.test(a, b, alternative = alternative)$p.value), alternative))
}

cat("PAIRED_ONE_SIDED = {\n")
for (alternative in c("less", "greater")) {
  paired("ties_and_zeros", c(3, 2, 4, 3, 5, 2, 3, 4, 1, 3), c(4, 2, 5, 3, 5, 4, 4, 3, 3, 5),
         alternative)
  paired("negative", c(4.2, 3.8, 5.0, 4.4, 3.9, 4.7, 4.1), c(3.1, 3.9, 4.2, 3.0, 3.5, 4.6, 2.8),
         alternative)
  paired("with_missing", c(1, NA, 3, 4, 2, 5, NA, 3, 2.5), c(2, 4, NA, 5, 2, 4, 3, 5, 4),
         alternative)
  paired("rounding_ties", c(0.1, 0.2, 0.7, 1.0, 0.3, 0.5, 2.3, 1.2),
         c(0.3, 0.4, 0.9, 1.1, 0.6, 0.5, 2.0, 1.7), alternative)
}
cat("}\n")
cat("WELCH_ONE_SIDED = {\n")
for (alternative in c("less", "greater")) {
  welch("responded_higher", c(3, 4, 5), c(1, 2, 2, 3), alternative)
  welch("unequal_spread", c(2.1, 2.5, 1.9, 3.2, 2.8), c(1.0, 4.5, 2.0, 3.9), alternative)
}
cat("}\n")
