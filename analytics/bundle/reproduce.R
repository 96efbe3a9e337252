# Recompute every figure of statistics.json (flattened in figures.csv) from responses.csv
# and compare them. Usage, in the unzipped bundle: Rscript reproduce.R
# Base R with effectsize, nlme and psych. The definitions are the platform's
# (analytics/stats.py; codebook.md states them), and where the platform gives null for
# degenerate data (too few pairs, no variation) this script gives NA.
# Exit status 0 when every figure agrees, 1 otherwise.
suppressMessages({library(effectsize); library(nlme); library(psych)})

TOL <- 1e-6          # largest relative difference allowed: every figure ...
TOL_MIXED <- 1e-5    # ... but the mixed model's (nlme's optimiser stops before the optimum)
TOL_MIXED_P <- 1e-3  # ... and its p values
TOL_SHAPIRO <- 1e-5  # ... and Shapiro-Wilk p (scipy keeps AS R94's own normal quantiles; R's
                     # shapiro.test calls qnorm: up to about 2e-6 apart at 5000 pairs)
NEGLIGIBLE <- 1e-12  # an absolute difference below this counts as none
ZERO_SD <- 1.5e-8    # an SD at or below this is zero (R's all.equal tolerance)
Z <- qnorm(0.975)
NOT_RECOMPUTABLE <- c("flow.enrolled", "flow.consented")  # people who are not in the file

# ------------------------------------------------------------------------------ reading

# Text cells starting with = + - @ tab CR (or their full-width forms) carry a leading '.
GUARD <- "^'(?=[-=+@\t\r\uFF1D\uFE66\uFF0B\uFE62\uFF0D\uFE63\uFF20\uFE6B])"
read_text <- function(file) {
  t <- read.csv(file, colClasses = "character", na.strings = character(0),
                check.names = FALSE, encoding = "UTF-8")
  t[] <- lapply(t, function(x) sub(GUARD, "", x, perl = TRUE))
  t
}
as_number <- function(x, name = "value") {
  v <- rep(NA_real_, length(x))
  given <- x != ""
  v[given] <- suppressWarnings(as.numeric(x[given]))
  bad <- given & is.na(v)
  if (any(bad)) stop(sprintf("%s: not a number: '%s'", name, x[bad][1]))
  v
}
columns <- function(k, f, rows) {  # a rows x k matrix of the columns f(1) .. f(k)
  matrix(as.numeric(unlist(lapply(seq_len(k), f))), nrow = rows, ncol = k)
}

resp <- read_text("responses.csv")
statements <- read_text("statements.csv")
figures <- read_text("figures.csv")
in_report <- function(prefix) any(startsWith(figures$key, prefix))
items <- statements$item
item_footstep <- as.integer(statements$footstep)
R <- nrow(resp)
code_of <- resp$participant_code
wave_of <- resp$wave
months <- ifelse(wave_of == "baseline", 0L,
                 suppressWarnings(as.integer(sub("^month_", "", wave_of))))
if (anyNA(months)) stop("responses.csv: a wave is neither baseline nor month_N")
waves <- c("baseline", sprintf("month_%d", sort(unique(months[months > 0]))))
follow_ups <- waves[-1]
primary <- if (length(follow_ups)) follow_ups[1] else NA

ratings <- columns(length(items), function(j) as_number(resp[[items[j]]], items[j]), R)
# Footstep score: mean of its statements, NA unless all answered; overall: mean of the 10.
footstep_scores <- columns(10, function(f) rowMeans(ratings[, item_footstep == f, drop = FALSE]), R)
scores <- cbind(footstep_scores, rowMeans(footstep_scores))  # R x 11, column 11 = overall

codes <- sort(unique(code_of))
mandatory <- as.vector(tapply(as_number(resp$mandatory_completed) == 1, code_of, all)[codes])
included <- codes[mandatory %in% TRUE]
# Row of each participant's response at wave w (NA if none).
row_at <- function(w, who) {
  rows <- which(wave_of == w)
  rows[match(who, code_of[rows])]
}
# The 11 scores of the analysed participants at wave w, one row each (NA: no response).
scores_at <- function(w) scores[row_at(w, included), , drop = FALSE]

# ------------------------------------------------------------------------------ figures

figure_keys <- character(0)
figure_values <- numeric(0)
# put("a", list(b = 1, `wave=x` = list(c = c(1, 2)))) gives a.b and a[wave=x].c[0], a[wave=x].c[1]
put <- function(path, value) {
  if (is.list(value)) {
    for (name in names(value)) {
      record <- grepl("=", name, fixed = TRUE)
      put(if (record) sprintf("%s[%s]", path, name) else paste0(path, ".", name), value[[name]])
    }
  } else if (length(value) <= 1) {
    figure_keys <<- c(figure_keys, path)
    figure_values <<- c(figure_values, if (length(value)) as.numeric(value) else NA)
  } else {
    for (i in seq_along(value)) put(sprintf("%s[%d]", path, i - 1), value[i])
  }
}
records <- function(names, values, key = "wave") setNames(values, sprintf("%s=%s", key, names))
optional <- function(condition, value) if (condition) value else NA

# ------------------------------------------------------------------------------ paired comparisons

# Noncentral t cdf: R's pt() is exact only for |ncp| <= 37.62 (beyond, an approximation), so
# there it is integrated over the distribution of sqrt(chi-squared / df).
pnct <- function(q, df, ncp) {
  if (abs(ncp) <= 37.62 && df <= 4e5) return(pt(q, df, ncp))
  lo <- sqrt(qchisq(1e-16, df) / df)
  hi <- sqrt(qchisq(1e-16, df, lower.tail = FALSE) / df)
  density <- function(s) {
    exp(log(2) + df / 2 * log(df / 2) + (df - 1) * log(s) - df * s^2 / 2 - lgamma(df / 2))
  }
  integrate(function(s) pnorm(q * s - ncp) * density(s), lo, hi, rel.tol = 1e-12,
            subdivisions = 1000L)$value
}
# The ncp for which t_obs is the prob quantile: walk out from t_obs, doubling the step, until
# the sign changes, then uniroot to 1e-13.
ncp_for <- function(t_obs, df, prob) {
  f <- function(ncp) pnct(t_obs, df, ncp) - prob
  inner <- t_obs
  f_inner <- f(inner)
  if (f_inner == 0) return(inner)
  direction <- if (f_inner > 0) 1 else -1
  step <- 1
  for (attempt in 1:100) {
    outer <- inner + direction * step
    f_outer <- f(outer)
    if (sign(f_outer) != sign(f_inner)) break
    inner <- outer
    f_inner <- f_outer
    step <- 2 * step
  }
  uniroot(f, sort(c(inner, outer)), tol = 1e-13, maxiter = 1000)$root
}
dz_ci <- function(t_obs, n) {
  if (abs(t_obs) > 1e4) return(c(NA, NA))  # the platform gives none beyond
  tryCatch(c(ncp_for(t_obs, n - 1, 0.975), ncp_for(t_obs, n - 1, 0.025)) / sqrt(n),
           error = function(e) c(NA, NA))
}
hedges_j <- function(df) exp(lgamma(df / 2) - 0.5 * log(df / 2) - lgamma((df - 1) / 2))

paired <- function(x, y) {
  ok <- !is.na(x) & !is.na(y)
  x <- x[ok]; y <- y[ok]; d <- y - x; n <- length(d)
  r <- list(n_pairs = n, baseline_mean = NA, baseline_sd = NA, follow_up_mean = NA,
            follow_up_sd = NA, mean_difference = NA, mean_difference_ci = c(NA, NA), t = NA,
            df = NA, p = NA, cohens_dz = NA, cohens_dz_ci = c(NA, NA), d_av = NA,
            hedges_g_av = NA, wilcoxon_p = NA, rank_biserial = NA, shapiro_p = NA)
  if (n == 0) return(r)
  r[c("baseline_mean", "follow_up_mean", "mean_difference")] <- list(mean(x), mean(y), mean(d))
  # Degenerate: too few pairs, equal differences, or what t.test calls essentially constant.
  if (n < 2 || !(sd(d) > ZERO_SD) || sd(d) / sqrt(n) < 10 * .Machine$double.eps * abs(mean(d))) {
    return(r)
  }
  tt <- t.test(y, x, paired = TRUE)
  t_obs <- unname(tt$statistic)
  rounded <- round(d, 10)  # footstep scores are means: make equal differences equal
  nz <- rounded[rounded != 0]
  rk <- rank(abs(nz))
  d_av <- mean(d) / ((sd(x) + sd(y)) / 2)
  modifyList(r, list(
    baseline_sd = sd(x), follow_up_sd = sd(y), mean_difference = unname(tt$estimate),
    mean_difference_ci = as.numeric(tt$conf.int), t = t_obs, df = unname(tt$parameter),
    p = tt$p.value,
    cohens_dz = cohens_d(d)$Cohens_d,  # one-sample d of the differences = d_z
    cohens_dz_ci = dz_ci(t_obs, n), d_av = d_av, hedges_g_av = d_av * hedges_j(n - 1),
    wilcoxon_p = optional(length(nz) > 0, suppressWarnings(
      wilcox.test(rounded, mu = 0, exact = FALSE, correct = TRUE))$p.value),
    rank_biserial = optional(length(nz) > 0, (sum(rk[nz > 0]) - sum(rk[nz < 0])) / sum(rk)),
    shapiro_p = optional(n >= 3 && n <= 5000 && length(unique(rounded)) > 1,
                         shapiro.test(d)$p.value)
  ))
}

# Baseline against wave w (NA: no follow-up yet, so no pairs), Holm across the footsteps.
comparison <- function(w) {
  before <- scores_at("baseline")
  after <- if (is.na(w)) before * NA else scores_at(w)
  footsteps <- lapply(1:10, function(f) paired(before[, f], after[, f]))
  holm <- p.adjust(vapply(footsteps, function(r) as.numeric(r$p), 0), method = "holm")
  for (f in 1:10) footsteps[[f]]$p_holm <- holm[f]
  list(footsteps = records(1:10, footsteps, "footstep"),
       overall = paired(before[, 11], after[, 11]))
}

# ------------------------------------------------------------------------------ over every wave

# Analysed participants x waves of score j (1..10 footsteps, 11 overall).
by_wave <- function(j) {
  columns(length(waves), function(k) scores_at(waves[k])[, j], length(included))
}

friedman <- function(M) {
  complete <- round(M[rowSums(is.na(M)) == 0, , drop = FALSE], 10)
  n <- nrow(complete)
  r <- list(n = n, statistic = NA, df = NA, p = NA, kendall_w = NA)
  if (n < 2 || ncol(complete) < 2 || !any(apply(complete, 1, function(v) length(unique(v)) > 1))) {
    return(r)
  }
  ft <- friedman.test(complete)
  modifyList(r, list(statistic = unname(ft$statistic), df = unname(ft$parameter),
                     p = ft$p.value, kendall_w = unname(ft$statistic) / (n * (ncol(complete) - 1))))
}

mixed_model <- function(M) {
  observed <- !is.na(M)
  present <- colSums(observed) > 0
  answered <- rowSums(observed) > 0
  o <- observed[answered, present, drop = FALSE]
  y <- M[answered, present, drop = FALSE]
  m <- nrow(o)
  no_effect <- list(estimate = NA, se = NA, df = NA, t = NA, p = NA, ci = c(NA, NA))
  r <- list(n_participants = m, n_observations = sum(o), intercept = NA,
            effects = records(follow_ups, rep(list(no_effect), length(follow_ups))),
            sd_participant = NA, sd_residual = NA)
  # The platform's degenerate cases: too few participants, no baseline, no residual df,
  # no variation within the waves.
  if (m < 2 || !present[1]) return(r)
  n_i <- rowSums(o)
  within <- colSums(o[, -1, drop = FALSE] & n_i >= 2) > 0
  if (sum(o) - m - sum(within) <= 0) return(r)
  spread <- sum((y - rep(colMeans(y, na.rm = TRUE), each = m))^2, na.rm = TRUE)
  if (sqrt(spread / (sum(o) - ncol(o))) <= ZERO_SD) return(r)
  long <- data.frame(participant = rep(seq_len(m), ncol(y)),
                     wave = factor(rep(waves[present], each = m), levels = waves[present]),
                     score = as.vector(y))
  long <- long[!is.na(long$score), ]
  # Where the likelihood is flat, either optimiser of lme can stop early: take the better fit.
  fits <- lapply(c("nlminb", "optim"), function(optimiser) tryCatch(
    lme(score ~ wave, random = ~ 1 | participant, data = long, method = "REML",
        control = lmeControl(opt = optimiser, msMaxIter = 1000, maxIter = 1000, niterEM = 200,
                             msTol = 1e-14, tolerance = 1e-14, returnObject = TRUE)),
    error = function(e) NULL))
  fits <- Filter(Negate(is.null), fits)
  if (!length(fits)) return(r)
  fit <- fits[[which.max(vapply(fits, function(f) as.numeric(logLik(f)), 0))]]
  sds <- c(sqrt(getVarCov(fit)[1, 1]), fit$sigma)  # VarCorr() would round them to text
  # The platform finds no optimum when the residual SD goes to zero.
  if (!(sds[2] > 0) || (sds[1] / sds[2])^2 >= 1e8) return(r)
  tab <- summary(fit)$tTable
  for (w in waves[present][-1]) {
    e <- tab[paste0("wave", w), ]
    r$effects[[paste0("wave=", w)]] <- list(
      estimate = e[["Value"]], se = e[["Std.Error"]], df = e[["DF"]], t = e[["t-value"]],
      p = e[["p-value"]], ci = e[["Value"]] + c(-1, 1) * qt(0.975, e[["DF"]]) * e[["Std.Error"]])
  }
  modifyList(r, list(intercept = tab["(Intercept)", "Value"], sd_participant = sds[1],
                     sd_residual = sds[2]))
}

# ------------------------------------------------------------------------------ reliability

# Cronbach's alpha by psych::alpha with the platform's rules: complete rows only, items that
# do not vary left out, no alpha below 3 rows, 2 varying items or a constant total, and item
# statistics only where the rest of the scale varies (alpha if dropped: 3 or more items).
alpha_of <- function(X, item_names = seq_len(ncol(X))) {
  X <- X[rowSums(is.na(X)) == 0, , drop = FALSE]
  n <- nrow(X)
  r <- list(n = n, cronbach_alpha = NA, alpha_ci = c(NA, NA), items = list())
  if (ncol(X) < 2 || n < 3) return(r)
  varies <- apply(X, 2, sd) > ZERO_SD
  k <- sum(varies)
  if (k < 2 || !(sd(rowSums(X[, varies])) > ZERO_SD)) return(r)
  used <- X[, varies, drop = FALSE]
  a <- suppressMessages(suppressWarnings(
    psych::alpha(as.data.frame(used), check.keys = FALSE, warnings = FALSE)))
  rest_varies <- apply(used, 2, function(item) sd(rowSums(used) - item) > ZERO_SD)
  item_rest <- alpha_drop <- rep(NA, ncol(X))
  item_rest[varies] <- ifelse(rest_varies, a$item.stats$r.drop, NA)
  if (k > 2) alpha_drop[varies] <- ifelse(rest_varies, a$alpha.drop$raw_alpha, NA)
  stats <- lapply(seq_len(ncol(X)), function(i) list(item_rest_r = item_rest[i],
                                                     alpha_if_dropped = alpha_drop[i]))
  modifyList(r, list(cronbach_alpha = a$total$raw_alpha,
                     alpha_ci = c(a$feldt$lower.ci[[1]], a$feldt$upper.ci[[1]]),
                     items = records(item_names, stats, "item")))
}

# ------------------------------------------------------------------------------ the report

first <- comparison(primary)
put("footsteps", first$footsteps)
put("overall", first$overall)
put("comparisons", records(follow_ups, lapply(follow_ups, comparison)))

if (length(follow_ups) >= 2) {
  longitudinal <- lapply(1:11, function(j) {
    M <- by_wave(j)
    list(friedman = friedman(M), mixed_model = mixed_model(M))
  })
  put("longitudinal", list(footsteps = records(1:10, longitudinal[1:10], "footstep"),
                           overall = longitudinal[[11]]))
} else {
  put("longitudinal", NA)
}

baseline <- scores_at("baseline")
has_baseline <- !is.na(baseline[, 11])
group <- function(v) list(n = length(v), mean = optional(length(v) > 0, mean(v)),
                          sd = optional(length(v) > 1, sd(v)))
put("attrition", records(follow_ups, lapply(follow_ups, function(w) {
  answered <- !is.na(row_at(w, included))
  a <- baseline[has_baseline & answered, 11]
  b <- baseline[has_baseline & !answered, 11]
  r <- list(responded = group(a), not_responded = group(b),
            mean_difference = optional(length(a) && length(b), mean(a) - mean(b)),
            t = NA, df = NA, p = NA, cohens_d = NA)
  if (length(a) < 2 || length(b) < 2 || !(sqrt(max(var(a), var(b))) > ZERO_SD)) return(r)
  tt <- t.test(a, b)  # Welch
  modifyList(r, list(t = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value,
                     cohens_d = suppressWarnings(cohens_d(a, b))$Cohens_d))  # pooled SD
})))

put("reliability", records(waves, lapply(waves, function(w) {
  alpha_of(ratings[row_at(w, included), , drop = FALSE], items)
})))

reliability <- alpha_of(baseline[has_baseline, 1:10, drop = FALSE])$cronbach_alpha
sd_baseline <- optional(sum(has_baseline) >= 2, sd(baseline[has_baseline, 11]))
# No SE of the difference without a reliability below 1 and a baseline SD above zero.
se_difference <- optional(
  !is.na(reliability) && reliability < 1 && !is.na(sd_baseline) && sd_baseline > ZERO_SD,
  sqrt(2) * sd_baseline * sqrt(1 - reliability))
put("reliable_change", records(follow_ups, lapply(follow_ups, function(w) {
  later <- scores_at(w)[, 11]
  ok <- has_baseline & !is.na(later)
  r <- list(reliability = reliability, sd_baseline = sd_baseline, se_difference = se_difference,
            n = sum(ok), improved = NA, no_change = NA, deteriorated = NA)
  if (is.na(se_difference)) return(r)
  rci <- (later[ok] - baseline[ok, 11]) / se_difference
  modifyList(r, list(improved = sum(rci > Z), no_change = sum(abs(rci) <= Z),
                     deteriorated = sum(rci < -Z)))
})))

# The reliable-change threshold on its own, and how each statement was answered per wave
# (in reports that have them).
if (in_report("reliable_change_se.")) {
  put("reliable_change_se", list(reliability = reliability, sd_baseline = sd_baseline,
                                 se_difference = se_difference,
                                 critical_difference = Z * se_difference, n = sum(has_baseline)))
}
if (in_report("item_distributions[")) {
  put("item_distributions", records(waves, lapply(waves, function(w) {
    rows <- row_at(w, included)
    answers <- ratings[rows[!is.na(rows)], , drop = FALSE]
    n <- nrow(answers)
    per_item <- lapply(seq_along(items), function(j) {
      counts <- c(vapply(1:5, function(k) sum(answers[, j] %in% k), 0), sum(is.na(answers[, j])))
      names(counts) <- c(1:5, "blank")
      list(n = n, counts = as.list(counts), shares = as.list(if (n) counts / n else counts * NA))
    })
    list(n = n, items = records(items, per_item, "item"))
  })))
}

trajectory <- lapply(1:11, function(j) {
  list(points = records(waves, lapply(waves, function(w) {
    v <- scores_at(w)[, j]
    v <- v[!is.na(v)]
    n <- length(v)
    half <- if (n >= 2) qt(0.975, n - 1) * sd(v) / sqrt(n) else NA
    list(n = n, mean = optional(n > 0, mean(v)), sd = optional(n > 1, sd(v)),
         ci = if (n > 1) mean(v) + c(-1, 1) * half else c(NA, NA))
  })))
})
put("trajectory", list(footsteps = records(1:10, trajectory[1:10], "footstep"),
                       overall = trajectory[[11]]))

# Participant flow from the baseline to wave w (NA: no follow-up yet).
answered_all <- rowSums(is.na(ratings)) == 0
flow <- function(w) {
  has <- function(wave) !is.na(row_at(wave, codes))
  complete <- function(wave) answered_all[row_at(wave, codes)] %in% TRUE
  answered <- if (is.na(w)) rep(FALSE, length(codes)) else has(w)
  matched <- has("baseline") & answered
  compared <- matched & mandatory
  incomplete <- compared & !(complete("baseline") & (if (is.na(w)) TRUE else complete(w)))
  list(follow_up_responses = sum(answered), matched_pairs = sum(matched),
       excluded_mandatory_not_completed = sum(matched & !mandatory),
       excluded_incomplete = sum(incomplete), analysed = sum(compared) - sum(incomplete))
}
put("flow", c(list(baseline_responses = sum(wave_of == "baseline")), flow(primary)))
put("wave_flow", records(follow_ups, lapply(follow_ups, flow)))

# The sample: every consenting respondent.
at_baseline <- wave_of == "baseline"
share <- function(flags) {
  flags <- flags[!is.na(flags)]
  list(n = length(flags), count = sum(flags), share = optional(length(flags) > 0, mean(flags)))
}
# The professions offered are the JSON's (each counted, 0 included); the counts are ours.
offered <- sub("^sample\\.professions\\[label=(.*)\\]\\.count$", "\\1",
               grep("^sample\\.professions\\[", figures$key, value = TRUE))
stated <- ifelse(resp$profession[at_baseline] == "", "Not stated", resp$profession[at_baseline])
labels <- union(setdiff(offered, "Not stated"), stated)
professions <- lapply(labels, function(label) list(count = sum(stated == label)))
names(professions) <- sprintf("label=%s", labels)
professions <- professions[labels != "Not stated" | sum(stated == "Not stated") > 0]
years <- as_number(resp$years_experience, "years_experience")[at_baseline]
years <- years[!is.na(years)]
resource_use <- resp$resource_use[!is.na(primary) & wave_of %in% primary]
sessions <- as_number(resp$optional_sessions, "optional_sessions")[match(codes, code_of)]
sessions <- sessions[!is.na(sessions)]
put("sample", list(
  baseline_respondents = sum(at_baseline),
  professions = professions,
  years_experience = list(n = length(years), mean = optional(length(years) > 0, mean(years)),
                          sd = optional(length(years) > 1, sd(years)),
                          min = optional(length(years) > 0, min(years)),
                          max = optional(length(years) > 0, max(years))),
  uses_resources_at_baseline = share(as_number(resp$uses_resources, "uses_resources")[at_baseline]),
  used_resources_at_follow_up = share(ifelse(resource_use == "", NA, resource_use == "used")),
  optional_sessions_attended = list(n = length(sessions),
                                    mean = optional(length(sessions) > 0, mean(sessions)))
))

# ------------------------------------------------------------------------------ comparison

if (anyDuplicated(figure_keys)) stop("duplicate key: ", figure_keys[anyDuplicated(figure_keys)])
theirs <- setNames(as_number(figures$value, "figures.csv"), figures$key)
ours <- setNames(figure_values, figure_keys)
keys <- setdiff(union(figures$key, figure_keys), NOT_RECOMPUTABLE)
in_json <- keys %in% figures$key
in_r <- keys %in% figure_keys
a <- unname(theirs[keys])
b <- unname(ours[keys])
one_missing <- xor(is.na(a), is.na(b))
absolute <- ifelse(is.na(a) & is.na(b), 0, abs(a - b))
relative <- ifelse(is.na(a) & is.na(b) | absolute < NEGLIGIBLE, 0, absolute / pmax(abs(a), abs(b)))
absolute[one_missing | !in_json | !in_r] <- Inf
relative[one_missing | !in_json | !in_r] <- Inf
mixed <- grepl(".mixed_model.", keys, fixed = TRUE)
mixed_p <- mixed & grepl("\\.p$", keys)
# Near its boundary 0, which nlme cannot reach, sd_participant is compared by the variance
# ratio (sd_participant / sd_residual)^2 instead: the absolute difference of the two ratios.
sd_u <- which(grepl("mixed_model\\.sd_participant$", keys) & !is.na(a) & !is.na(b))
sd_e <- match(sub("sd_participant$", "sd_residual", keys[sd_u]), keys)
ratio_a <- (a[sd_u] / a[sd_e])^2
ratio_b <- (b[sd_u] / b[sd_e])^2
boundary <- pmin(ratio_a, ratio_b) < TOL_MIXED & !is.na(ratio_a + ratio_b)
relative[sd_u[boundary]] <- abs(ratio_a - ratio_b)[boundary]
tolerance <- ifelse(mixed_p, TOL_MIXED_P, ifelse(mixed, TOL_MIXED, TOL))
tolerance[grepl("\\.shapiro_p$", keys)] <- TOL_SHAPIRO
agrees <- relative <= tolerance

# Row-level scores: responses.csv's footstep_1..footstep_10 and overall against the ratings.
given <- columns(11, function(j) as_number(resp[[c(paste0("footstep_", 1:10), "overall")[j]]]), R)
row_scores <- ifelse(is.na(given) & is.na(scores), 0,
                     ifelse(xor(is.na(given), is.na(scores)), Inf, abs(given - scores)))
row_scores_agree <- all(row_scores <= 1e-9)  # scores are 1 to 5

kind <- gsub("\\[[^]]*\\]", "[]", keys)
cat("Figures of statistics.json recomputed from responses.csv\n\n")
cat(sprintf("%-62s %7s %12s %12s %9s\n", "key", "figures", "largest abs", "largest rel",
            "tolerance"))
for (k in unique(kind)) {
  here <- kind == k
  cat(sprintf("%-62s %7d %12.2e %12.2e %9.0e%s\n", k, sum(here), max(absolute[here]),
              max(relative[here]), max(tolerance[here]),
              if (all(agrees[here])) "" else "  DIFFERS"))
}
cat(sprintf("%-62s %7d %12.2e%s\n", "responses.csv footstep_1..10, overall (row scores)",
            length(scores), if (length(row_scores)) max(row_scores) else 0,
            if (row_scores_agree) "" else "  DIFFERS"))
show <- function(v) ifelse(is.na(v), "null", format(v, digits = 15))
for (i in which(!agrees)) {
  what <- if (!in_r[i]) "not recomputed" else if (!in_json[i]) "not in statistics.json"
          else "differs"
  cat(sprintf("%s %s: statistics.json %s, R %s\n", toupper(what), keys[i], show(a[i]), show(b[i])))
}
cat("\nNot recomputable from responses.csv (people who are not in it): ",
    paste(sprintf("%s = %s", NOT_RECOMPUTABLE, show(theirs[NOT_RECOMPUTABLE])), collapse = ", "),
    "\n", sep = "")
largest <- function(selected) {
  if (any(selected)) sprintf("%.1e", max(relative[selected])) else "none"
}
cat(sprintf("\n%d figures compared, %d differ.\n", length(keys), sum(!agrees)))
cat(sprintf("LARGEST RELATIVE DIFFERENCE: %s (mixed model: %s, its p values: %s)\n",
            largest(!mixed), largest(mixed & !mixed_p), largest(mixed_p)))
quit(status = if (all(agrees) && row_scores_agree) 0 else 1)
