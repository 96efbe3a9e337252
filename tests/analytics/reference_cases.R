# Pinned R values for the hand-made cases in test_stats.py (beyond the example files).
# Usage: Rscript reference_cases.R
# Prints, for each case, the Python dict literal that test_stats.py pins, each number with
# the R expression that produced it. Needs r-base-core and r-cran-effectsize (0.8.3 used).
suppressMessages(library(effectsize))
num <- function(v) if (is.na(v)) "None" else sprintf("%.15g", v)
line <- function(key, value, call) cat(sprintf('        "%s": %s,  # %s\n', key, num(value), call))

# Hedges's exact small-sample correction, as effectsize uses for hedges_g
J <- function(df) exp(lgamma(df / 2) - log(sqrt(df / 2)) - lgamma((df - 1) / 2))

case <- function(name, x, y, conf = 0.95) {
  ok <- !is.na(x) & !is.na(y); x <- x[ok]; y <- y[ok]; n <- length(x); d <- y - x
  tt <- t.test(y, x, paired = TRUE, conf.level = conf)
  dz <- cohens_d(y, x, paired = TRUE, ci = conf)
  tobs <- unname(tt$statistic); a <- 1 - conf
  ncp_at <- function(prob) uniroot(function(ncp) pt(tobs, n - 1, ncp) - prob, c(-60, 60),
                                   tol = 1e-13)$root
  w <- suppressWarnings(wilcox.test(round(y - x, 10), mu = 0, exact = FALSE, correct = TRUE))
  cat(sprintf('    "%s": {\n', name))
  cat(sprintf("        # tt <- t.test(y, x, paired = TRUE, conf.level = %s); n <- length(x)\n", conf))
  line("n_pairs", n, "sum(!is.na(x) & !is.na(y))")
  line("baseline_mean", mean(x), "mean(x)")
  line("baseline_sd", sd(x), "sd(x)")
  line("follow_up_mean", mean(y), "mean(y)")
  line("follow_up_sd", sd(y), "sd(y)")
  line("mean_difference", unname(tt$estimate), "tt$estimate")
  line("mean_difference_ci_low", tt$conf.int[1], "tt$conf.int[1]")
  line("mean_difference_ci_high", tt$conf.int[2], "tt$conf.int[2]")
  line("t", tobs, "tt$statistic")
  line("df", unname(tt$parameter), "tt$parameter")
  line("p", tt$p.value, "tt$p.value")
  line("cohens_dz", dz$Cohens_d, sprintf("cohens_d(y, x, paired = TRUE, ci = %s)$Cohens_d", conf))
  line("cohens_dz_ci_low", ncp_at(1 - a / 2) / sqrt(n), sprintf("ncp_at(%s) / sqrt(n)", 1 - a / 2))
  line("cohens_dz_ci_high", ncp_at(a / 2) / sqrt(n), sprintf("ncp_at(%s) / sqrt(n)", a / 2))
  d_av <- mean(d) / ((sd(x) + sd(y)) / 2)
  line("d_av", d_av, "d_av <- mean(y - x) / ((sd(x) + sd(y)) / 2)")
  line("hedges_g_av", d_av * J(n - 1), "d_av * J(n - 1)")
  line("wilcoxon_p", w$p.value, "wt$p.value")
  cat("    },\n")
}

cat("# Abbreviations in the comments below (x = baseline, y = follow-up, NA dropped pairwise):\n")
cat("#   tt <- t.test(y, x, paired = TRUE, conf.level = conf)\n")
cat("#   ncp_at <- function(prob) uniroot(function(ncp) pt(tt$statistic, n - 1, ncp) - prob,\n")
cat("#                                    c(-60, 60), tol = 1e-13)$root\n")
cat("#   J <- function(df) exp(lgamma(df / 2) - log(sqrt(df / 2)) - lgamma((df - 1) / 2))\n")
cat("#   wt <- wilcox.test(round(y - x, 10), mu = 0, exact = FALSE, correct = TRUE)\n")
cat("CASES = {\n")
# differences 1,0,1,0,0,2,1,-1,2,2: zero differences and tied |d|
case("ties_and_zeros", x = c(3, 2, 4, 3, 5, 2, 3, 4, 1, 3), y = c(4, 2, 5, 3, 5, 4, 4, 3, 3, 5))
# same data, 90% intervals
case("ties_and_zeros_90", x = c(3, 2, 4, 3, 5, 2, 3, 4, 1, 3),
     y = c(4, 2, 5, 3, 5, 4, 4, 3, 3, 5), conf = 0.90)
# follow-up lower than baseline
case("negative", x = c(4.2, 3.8, 5.0, 4.4, 3.9, 4.7, 4.1), y = c(3.1, 3.9, 4.2, 3.0, 3.5, 4.6, 2.8))
# the smallest non-degenerate case
case("two_pairs", x = c(2, 3), y = c(3, 5))
# incomplete pairs are dropped
case("with_missing", x = c(1, NA, 3, 4, 2, 5, NA, 3, 2.5), y = c(2, 4, NA, 5, 2, 4, 3, 5, 4))
# differences equal only after rounding to 10 decimals (0.3 - 0.1 != 0.4 - 0.2 in binary)
case("rounding_ties", x = c(0.1, 0.2, 0.7, 1.0, 0.3, 0.5, 2.3, 1.2),
     y = c(0.3, 0.4, 0.9, 1.1, 0.6, 0.5, 2.0, 1.7))
# large effect, small n (t about 13; still inside the range where R's pt is accurate)
case("strong", x = c(1, 2, 3, 4, 5), y = c(3.1, 3.7, 5.4, 5.6, 7.2))
cat("}\n\n")

cat("HOLM = [\n")
holm_case <- function(p) {
  src <- paste(deparse(p), collapse = "")
  cat(sprintf("    (  # p.adjust(%s, method = \"holm\")\n", src))
  cat(sprintf("        [%s],\n", paste(sapply(p, num), collapse = ", ")))
  cat(sprintf("        [%s],\n", paste(sapply(p.adjust(p, method = "holm"), num), collapse = ", ")))
  cat("    ),\n")
}
holm_case(c(0.01, NA, 0.04, 0.03, 0.005, NA, 0.5))
holm_case(c(0.02, 0.02, 0.01, 0.9))
holm_case(c(0.3, 0.2, 0.6, 0.05))
holm_case(c(NA_real_, NA_real_))
holm_case(c(0.0123))
cat("]\n")
