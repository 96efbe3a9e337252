# Pinned R values for the hand-made cases of test_reliability_stats.py.
# Usage: Rscript reference_reliability.R > data/reliability_cases.json
# Needs r-base-core, r-cran-psych and r-cran-effectsize (R 4.2.2, psych 2.2.9, effectsize 0.8.3).
#
# Each case is {name, function, input, has_reason, expected, also}: `input` holds the arguments of
# analytics.stats.<function> (vectors and matrices as lists, null = missing), `expected` is what
# its as_dict() must give (for paired_comparison only the keys listed; without "reason"),
# `has_reason` says whether a reason is expected, and `also` holds figures from other R calls that
# the test checks separately. The statistics come from the same R calls as reference_waves.R
# (which made data/waves.ref.json and data/responses.waves.ref.json):
#   paired_comparison:  dd <- round(y - x, 10); nz <- dd[dd != 0]; rk <- rank(abs(nz))
#                       rank_biserial = (sum(rk[nz > 0]) - sum(rk[nz < 0])) / sum(rk)
#                       shapiro_p = shapiro.test(y - x)$p.value
#                       wilcoxon_p = wilcox.test(dd, exact = FALSE, correct = TRUE)$p.value
#   cronbach_alpha:     psych::alpha(complete rows, check.keys = FALSE): total$raw_alpha,
#                       feldt$lower.ci / upper.ci, item.stats$r.drop, alpha.drop$raw_alpha
#   reliable_change:    se = sqrt(2) * sd0 * sqrt(1 - rel); rci = (y - x) / se, cut qnorm(0.975)
# Where analytics.stats applies its own rule instead of R's (fewer than 3 complete rows; alpha if
# dropped with 2 items), the comment beside the case says what R does.
suppressMessages({library(psych); library(effectsize)})

num <- function(x) if (is.na(x)) "null" else sprintf("%.17g", x)
js <- function(v) {
  if (is.list(v)) {
    items <- vapply(v, js, "")
    if (is.null(names(v))) return(paste0("[", paste(items, collapse = ", "), "]"))
    return(paste0("{", paste(sprintf('"%s": %s', names(v), items), collapse = ", "), "}"))
  }
  if (is.character(v)) {
    quoted <- paste0('"', v, '"')
    return(if (inherits(v, "AsIs") || length(v) != 1) paste0("[", paste(quoted, collapse = ", "), "]") else quoted)
  }
  if (is.logical(v) && length(v) == 1 && !is.na(v)) return(if (v) "true" else "false")
  if (inherits(v, "AsIs") || length(v) != 1) return(paste0("[", paste(vapply(v, num, ""), collapse = ", "), "]"))
  num(v)
}
rows <- function(M) lapply(seq_len(nrow(M)), function(i) I(M[i, ]))
case <- function(name, fun, input, expected, has_reason = FALSE, also = list()) {
  list(name = name, "function" = fun, input = input, has_reason = has_reason, expected = expected,
       also = also)
}

paired <- function(x, y) {
  ok <- !is.na(x) & !is.na(y); x <- x[ok]; y <- y[ok]; n <- length(x)
  dd <- round(y - x, 10)
  w <- suppressWarnings(wilcox.test(dd, mu = 0, exact = FALSE, correct = TRUE))
  nz <- dd[dd != 0]; rk <- rank(abs(nz))
  rb <- if (length(nz)) (sum(rk[nz > 0]) - sum(rk[nz < 0])) / sum(rk) else NA
  sw <- if (n >= 3 && n <= 5000 && length(unique(dd)) > 1) shapiro.test(y - x)$p.value else NA
  list(n_pairs = n, wilcoxon_p = w$p.value, rank_biserial = rb, shapiro_p = sw)
}
# effectsize's rank-biserial (zeros dropped, average ranks), on the rounded differences
rb_effectsize <- function(x, y) {
  dd <- round(y - x, 10)
  dd <- dd[!is.na(dd)]
  list(effectsize_rank_biserial = rank_biserial(dd, mu = 0)$r_rank_biserial)
}
paired_case <- function(name, x, y) {
  case(name, "paired_comparison", list(baseline = I(x), follow_up = I(y)), paired(x, y),
       also = rb_effectsize(x, y))
}

alpha_of <- function(M, names, level = 0.95) {
  cc <- M[complete.cases(M), , drop = FALSE]
  if (nrow(cc) < 3) {  # reference_waves.R's rule; psych::alpha itself would still compute
    return(list(n = nrow(cc), cronbach_alpha = NA, alpha_ci = I(c(NA, NA)), items = list()))
  }
  colnames(cc) <- names
  a <- suppressWarnings(psych::alpha(as.data.frame(cc), check.keys = FALSE, warnings = FALSE))
  kept <- rownames(a$item.stats)  # psych leaves out items that do not vary
  ci <- alpha.ci(a$total$raw_alpha, nrow(cc), length(kept), p.val = 1 - level)
  items <- lapply(names, function(s) {
    if (!s %in% kept) return(list(item = s, item_rest_r = NA, alpha_if_dropped = NA))
    # with 2 items psych's alpha.drop is C[1, 2] / C[2, 2], not an alpha: analytics.stats gives null
    drop <- if (length(kept) > 2) a$alpha.drop[s, "raw_alpha"] else NA
    list(item = s, item_rest_r = a$item.stats[s, "r.drop"], alpha_if_dropped = drop)
  })
  list(n = nrow(cc), cronbach_alpha = a$total$raw_alpha, alpha_ci = I(c(ci$lower.ci, ci$upper.ci)),
       items = items)
}
alpha_case <- function(name, M, has_reason = FALSE, level = 0.95) {
  names <- paste0("s", seq_len(ncol(M)))
  input <- list(ratings = rows(M), item_names = I(names))
  if (level != 0.95) input$confidence_level <- level
  case(name, "cronbach_alpha", input, alpha_of(M, names, level), has_reason)
}

change <- function(x, y, rel, sd0, level = 0.95) {
  ok <- !is.na(x) & !is.na(y)
  se <- sqrt(2) * sd0 * sqrt(1 - rel)
  z <- qnorm(0.5 + level / 2)
  rci <- (y[ok] - x[ok]) / se
  list(reliability = rel, sd_baseline = sd0, se_difference = se, n = sum(ok),
       improved = sum(rci > z), no_change = sum(abs(rci) <= z), deteriorated = sum(rci < -z))
}
overall_change <- function(B, F) {  # as reference_waves.R: rel10, sd0, then every pair
  has_base <- rowSums(is.na(B)) == 0
  rel10 <- suppressWarnings(psych::alpha(as.data.frame(B[has_base, ]), check.keys = FALSE,
                                         warnings = FALSE))$total$raw_alpha
  change(rowMeans(B), rowMeans(F), rel10, sd(rowMeans(B)[has_base]))
}

cases <- list()
add <- function(x) cases[[length(cases) + 1]] <<- x

# Rank-biserial: ties and zeros among the differences (1, 0, 1, -1, 1, 2, 0, 1, 0, -2)
add(paired_case("rb_ties_and_zeros", c(1, 2, 3, 4, 5, 2, 3, 4, 2.5, 3), c(2, 2, 4, 3, 6, 4, 3, 5, 2.5, 1)))
# 0.3 - 0.1, 0.4 - 0.2 and 0.9 - 0.7 differ in the last bit (tied once rounded), and
# (0.1 + 0.2) - 0.3 = 5.6e-17 is zero only once rounded: without rounding it would rank first
add(paired_case("rb_rounding", c(0.1, 0.2, 0.7, 0.3, 1, 2, 3), c(0.3, 0.4, 0.9, 0.1 + 0.2, 0.5, 3, 2.6)))
add(paired_case("rb_all_negative", c(3, 4, 5, 4, 3), c(2, 2, 4.5, 3, 1)))
add(paired_case("rb_one_nonzero", c(1, 2, 3, 4), c(1, 2, 3, 5)))
# Shapiro-Wilk at the smallest n (AS R94's exact p for n = 3) and on both sides of n = 11
add(paired_case("shapiro_n3", c(1, 2, 3), c(2, 4, 3.5)))
# W = 0.75, the minimum for n = 3: R's p is exactly 0 (scipy's is 8e-16)
add(paired_case("shapiro_n3_minimum_w", c(1, 2, 3), c(1, 2, 4)))
add(paired_case("shapiro_n4_with_missing", c(1, 2, NA, 3, 4, 2), c(2, 2, 3, NA, 5.5, 2.5)))
add(paired_case("shapiro_n7", c(3, 2, 4, 1, 2, 3, 5), c(4, 4.5, 4, 2, 2.2, 5, 5)))
add(paired_case("shapiro_n12", c(1:12) / 2, c(2, 1, 3, 4, 2, 6, 5, 4, 7, 8, 9, 2)))

# Cronbach's alpha: a negatively keyed item (s4), listwise deletion, constant item, 2 items
neg <- cbind(c(1, 2, 3, 4, 2, 5, 3), c(2, 2, 4, 4, 3, 5, 2), c(1, 3, 3, 5, 2, 4, 3),
             c(2, 1, 4, 5, 3, 4, 3), c(4, 4, 2, 3, 3, 2, 4))
add(alpha_case("alpha_negative_item", neg))
add(alpha_case("alpha_negative_item_90", neg, level = 0.9))
add(alpha_case("alpha_listwise", cbind(c(1, 2, NA, 4, 2, 5, 3, 4), c(2, 2, 4, 4, NA, 5, 2, 3),
                                        c(1, 3, 3, 5, 2, 4, 3, 4))))
# psych leaves out s2 (no variance) with a warning; alpha is that of s1 and s3
add(alpha_case("alpha_constant_item", cbind(c(1, 2, 3, 4, 2), c(3, 3, 3, 3, 3), c(2, 3, 3, 5, 2)), TRUE))
# negative alpha; 2 items, so alpha if dropped is null (psych: C[1, 2] / C[2, 2])
add(alpha_case("alpha_two_items_negative", cbind(c(1, 2, 3, 4, 2), c(5, 3, 4, 1, 3)), TRUE))
# only 2 complete rows: reference_waves.R gives n with null alpha and CI (psych would compute)
add(alpha_case("alpha_two_complete_rows", cbind(c(1, 2, NA, 4), c(2, 3, 3, NA), c(1, 4, 2, 5)), TRUE))

# Reliable change with a given reliability and SD; missing values drop the pair
x <- c(2, 3, 3.5, 4, NA, 2.5, 3, 1.5)
y <- c(3.5, 3.4, 2.4, 4.1, 3, NA, 3.9, 2.4)  # RCI of pair 2: 1.79, reliable at 90% only
add(case("change_given", "reliable_change",
         list(baseline = I(x), follow_up = I(y), reliability = 0.9, sd_baseline = 0.5),
         change(x, y, 0.9, 0.5)))
add(case("change_given_90", "reliable_change",
         list(baseline = I(x), follow_up = I(y), reliability = 0.9, sd_baseline = 0.5,
              confidence_level = 0.9),
         change(x, y, 0.9, 0.5, 0.9)))
add(case("change_negative_reliability", "reliable_change",
         list(baseline = I(x), follow_up = I(y), reliability = -0.4, sd_baseline = 0.5),
         change(x, y, -0.4, 0.5)))
# no pairs: R counts 0 of each (sum over no values); analytics.stats says why
add(case("change_no_pairs", "reliable_change",
         list(baseline = I(c(1, NA, 3)), follow_up = I(c(NA, 2, NA)), reliability = 0.8, sd_baseline = 0.7),
         change(c(1, NA, 3), c(NA, 2, NA), 0.8, 0.7), TRUE))
# The overall score, as reference_waves.R: alpha of the 10 baseline footstep scores
set.seed(11)
B <- matrix(round(pmin(5, pmax(1, 3 + rnorm(12) + matrix(rnorm(120, sd = 0.6), 12))) * 2) / 2, 12)
F <- matrix(round(pmin(5, pmax(1, B + 0.4 + rnorm(120, sd = 0.5))) * 2) / 2, 12)
B[3, 4] <- NA; F[5, ] <- NA; F[7, 2] <- NA
add(case("change_overall", "overall_reliable_change",
         list(baseline_footstep_scores = rows(B), follow_up_footstep_scores = rows(F)),
         overall_change(B, F)))

# Shapiro-Wilk at n = 5000, the top of its range: y_i below, for i = 1..5000, baseline 0
i <- as.numeric(1:5000)
y5000 <- ((i * 7919) %% 1000 + (i * 104729) %% 997 + (i * 1299709) %% 991) / 100
add(case("shapiro_n5000", "paired_comparison",
         list(formula = "((i * 7919) % 1000 + (i * 104729) % 997 + (i * 1299709) % 991) / 100"),
         list(n_pairs = 5000, shapiro_p = shapiro.test(y5000)$p.value)))

cat(js(cases), "\n")
