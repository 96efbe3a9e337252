# Pinned R values for the hand-made cases of test_longitudinal_stats.py.
# Usage: Rscript reference_longitudinal.R > data/longitudinal_cases.json
# Needs r-base-core, r-cran-nlme and r-cran-effectsize (R 4.2.2, nlme 3.1-162, effectsize 0.8.3).
#
# Each case is {name, function, input, has_reason, expected}: `input` holds the arguments of
# analytics.stats.<function> (score matrices as lists of rows, null = missing), `expected` is what
# its as_dict() must give (without "reason"), and `has_reason` says whether a reason is expected.
# The statistics come from the same R calls as reference_waves.R (which made data/waves.ref.json):
#   friedman_test:          friedman.test(round(complete rows, 10))
#   random_intercept_model: lme(score ~ wave, random = ~ 1 | participant, method = "REML")
#   welch_comparison:       t.test(a, b) and effectsize::cohens_d(a, b)
# Degenerate cases apply analytics.stats's rules instead of calling R (whose output for them is
# an error or meaningless); the comment beside each says what R does.
suppressMessages({library(effectsize); library(nlme)})

num <- function(x) if (is.na(x)) "null" else sprintf("%.17g", x)
js <- function(v) {
  if (is.list(v)) {
    items <- vapply(v, js, "")
    if (is.null(names(v))) return(paste0("[", paste(items, collapse = ", "), "]"))
    return(paste0("{", paste(sprintf('"%s": %s', names(v), items), collapse = ", "), "}"))
  }
  if (is.character(v)) return(paste0('"', v, '"'))
  if (is.logical(v) && length(v) == 1 && !is.na(v)) return(if (v) "true" else "false")
  if (inherits(v, "AsIs") || length(v) != 1) return(paste0("[", paste(vapply(v, num, ""), collapse = ", "), "]"))
  num(v)
}
rows <- function(M) lapply(seq_len(nrow(M)), function(i) I(M[i, ]))
case <- function(name, fun, input, expected, has_reason = FALSE) {
  list(name = name, "function" = fun, input = input, has_reason = has_reason, expected = expected)
}

friedman <- function(M) {
  cc <- round(M[rowSums(is.na(M)) == 0, , drop = FALSE], 10)
  if (nrow(cc) < 2 || ncol(cc) < 2 || !any(apply(cc, 1, function(r) length(unique(r)) > 1))) {
    return(list(n = nrow(cc), statistic = NA, df = NA, p = NA, kendall_w = NA))
  }
  ft <- friedman.test(cc)
  list(n = nrow(cc), statistic = unname(ft$statistic), df = unname(ft$parameter), p = ft$p.value,
       kendall_w = unname(ft$statistic) / (nrow(cc) * (ncol(cc) - 1)))
}

ctl <- lmeControl(msMaxIter = 1000, maxIter = 1000, niterEM = 200, msTol = 1e-14, tolerance = 1e-14,
                  returnObject = TRUE)
no_effect <- function(w) list(wave = w, estimate = NA, se = NA, df = NA, t = NA, p = NA, ci = I(c(NA, NA)))
mixed <- function(M, waves, fit = TRUE) {
  long <- data.frame(participant = rep(seq_len(nrow(M)), ncol(M)), wave = rep(waves, each = nrow(M)),
                     score = as.vector(M))
  long <- long[!is.na(long$score), ]
  res <- list(n_participants = length(unique(long$participant)), n_observations = nrow(long))
  if (!fit) {
    return(c(res, list(intercept = NA, effects = lapply(waves[-1], no_effect), sd_participant = NA,
                       sd_residual = NA)))
  }
  long$wave <- factor(long$wave, levels = waves)  # lme drops a level nobody answered
  fit <- lme(score ~ wave, random = ~ 1 | participant, data = long, method = "REML", control = ctl)
  tab <- summary(fit)$tTable
  effects <- lapply(waves[-1], function(w) {
    if (!paste0("wave", w) %in% rownames(tab)) return(no_effect(w))
    r <- tab[paste0("wave", w), ]
    list(wave = w, estimate = r[["Value"]], se = r[["Std.Error"]], df = r[["DF"]], t = r[["t-value"]],
         p = r[["p-value"]], ci = r[["Value"]] + c(-1, 1) * qt(0.975, r[["DF"]]) * r[["Std.Error"]])
  })
  # getVarCov and sigma at full precision (VarCorr formats them to 7 digits)
  c(res, list(intercept = tab["(Intercept)", "Value"], effects = effects,
              sd_participant = sqrt(getVarCov(fit)[1, 1]), sd_residual = fit$sigma))
}
mixed_case <- function(name, M, waves, fit = TRUE, has_reason = !fit) {
  case(name, "random_intercept_model", list(scores = rows(M), wave_names = as.list(waves)),
       mixed(M, waves, fit), has_reason)
}

welch <- function(a, b) {
  a <- a[!is.na(a)]; b <- b[!is.na(b)]
  grp <- function(v) list(n = length(v), mean = if (length(v)) mean(v) else NA, sd = if (length(v) > 1) sd(v) else NA)
  res <- list(responded = grp(a), not_responded = grp(b),
              mean_difference = if (length(a) && length(b)) mean(a) - mean(b) else NA)
  # t.test stops with "data are essentially constant" when neither group varies
  tt <- if (length(a) >= 2 && length(b) >= 2) tryCatch(t.test(a, b), error = function(e) NULL)
  if (is.null(tt)) return(c(res, list(t = NA, df = NA, p = NA, cohens_d = NA)))
  c(res, list(t = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value,
              cohens_d = cohens_d(a, b)$Cohens_d))
}
welch_case <- function(name, a, b) {
  exp <- welch(a, b)
  case(name, "welch_comparison", list(group_a = I(a), group_b = I(b)), exp, is.na(exp$t))
}
friedman_case <- function(name, M) {
  exp <- friedman(M)
  case(name, "friedman_test", list(scores = rows(M)), exp, is.na(exp$statistic))
}

w4 <- c("baseline", "month_3", "month_6", "month_12")
cases <- list(
  # ties within participants, a participant with all four scores equal, an incomplete row
  friedman_case("friedman_ties", rbind(c(3, 3, 4, 5), c(2, 4, 4, 4), c(5, 4, 3, 3), c(1, 2, 2, 2),
                                       c(3, NA, 4, 5), c(2, 3, 3, 3), c(4, 4, 4, 4), c(2.5, 3, 3.5, 3))),
  # ties that exist only after rounding to 10 decimals (0.1 + 0.2 != 0.3, 1 - 2/3 != 1/3)
  friedman_case("friedman_rounding", rbind(c(0.1 + 0.2, 0.3, 0.4), c(0.7, 0.1 * 3, 0.3),
                                           c(1 / 3, 0.2, 1 - 2 / 3), c(0.5, 0.6, 0.6))),
  friedman_case("friedman_two_waves", rbind(c(1, 2), c(2, 3), c(3, 2), c(2, 4), c(1, 1))),
  friedman_case("friedman_one_complete", rbind(c(1, 2, 3), c(NA, 2, 3))),
  friedman_case("friedman_no_variation", rbind(c(2, 2, 2), c(3, 3, 3), c(1, NA, 2))),
  # unbalanced: skipped waves, drop-out, two participants with a single score
  mixed_case("mixed_unbalanced", rbind(c(3.0, 3.5, 4.0, 3.8), c(2.0, NA, 3.0, 2.5), c(4.0, 4.5, NA, NA),
                                       c(2.5, 3.5, 3.5, 4.0), c(3.5, NA, NA, 4.5), c(NA, 3.0, 3.5, 3.0),
                                       c(3.0, NA, NA, NA), c(1.5, 2.5, 3.0, NA), c(NA, NA, 4.0, NA),
                                       c(3.2, 4.1, 3.9, 4.4)), w4),
  # wave w3 is answered only by participants with no other score: nlme's between-participant df
  mixed_case("mixed_between_wave", rbind(c(3, 4, 4.5, NA), c(2, 3.5, NA, NA), c(3, 3, 4, NA),
                                         c(2.5, NA, 4, NA), c(NA, NA, NA, 3.2), c(NA, NA, NA, 4.1),
                                         c(2.9, NA, NA, NA)), c("w0", "w1", "w2", "w3")),
  # participants' scores are negatively correlated: the random-intercept variance is at 0
  # (lme stops at sd_participant ~ 2e-5, analytics.stats reports 0)
  mixed_case("mixed_boundary", rbind(c(1, 5, 3), c(5, 1, 3), c(2, 4, 3), c(4, 2, 3), c(3, 3, 3.5),
                                     c(3.5, 3, 3)), c("baseline", "month_3", "month_6")),
  # nobody answered month_6: lme drops it, analytics.stats lists it as not estimable
  mixed_case("mixed_omitted_wave", rbind(c(3, 4, NA, 4.5), c(2, 3, NA, 3.5), c(4, 4, NA, NA),
                                         c(3, NA, NA, 4), c(2.5, 3.5, NA, 3)), w4, has_reason = TRUE),
  # lme: "Singularity in backsolve"
  mixed_case("mixed_one_participant", rbind(c(3, 4, 5)), w4[1:3], fit = FALSE),
  # lme splits the variance arbitrarily: nothing is known within participants
  mixed_case("mixed_single_scores", rbind(c(3, NA), c(NA, 4), c(2, NA)), w4[1:2], fit = FALSE),
  # lme: "false convergence", SDs of 1e-16
  mixed_case("mixed_all_equal", rbind(c(3, 3, 3), c(3, 3, 3), c(3, NA, 3)), w4[1:3], fit = FALSE),
  # score = participant + wave exactly; lme: "false convergence", residual SD 2e-16
  mixed_case("mixed_zero_residual", rbind(c(3, 4, 5), c(1, 2, 3), c(2, 3, NA)), w4[1:3], fit = FALSE),
  # lme silently makes month_3 the reference wave
  mixed_case("mixed_no_baseline", rbind(c(NA, 4, 5), c(NA, 2, 3.5), c(NA, 3, 4)), w4[1:3], fit = FALSE),
  welch_case("welch_unequal_variances", c(3.1, 2.9, 3.0, 3.2, 3.05),
             c(1.5, 4.8, 2.2, 4.1, 3.9, 1.2, 2.6)),
  welch_case("welch_one_group_constant", c(3, 3, 3, 3), c(2, 4, 3.5, 2.5, 4.5)),
  welch_case("welch_missing_values", c(2.2, NA, 3.4, 2.8, 3.9, 3.1, 2.5), c(3.3, 2.1, NA, 2.7)),
  welch_case("welch_one_responded", c(3.5), c(2, 3, 4)),
  welch_case("welch_none_responded", numeric(0), c(2, 3, 4)),
  welch_case("welch_no_variation", c(3, 3, 3), c(2, 2))
)
cat("[\n", paste(vapply(cases, js, ""), collapse = ",\n"), "\n]\n", sep = "")
