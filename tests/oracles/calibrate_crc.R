# Oracle for calibration weights (include/iaf/calibrate.h, `iaf calibrate`): R survey::calibrate
# (Lumley) computes raking and bounded logit weights for a real synthetic file, the MOSTLY AI
# submission to the NIST CRC 2023 (examples/us/data/synthetic/mostlyai/), calibrated at once to
# two margins of the real excerpt it was trained on (examples/us/data/excerpt/national2019.csv):
#   sex_indp  SEX x INDP_CAT, all persons, N (not applicable) kept as a category
#             (examples/us/mostlyai.yaml, check sex_x_indp__excerpt);
#   age_edu   age band x education (B15001 categories) for AGEP >= 18
#             (check age_x_edu__excerpt: age bands [18,25,35,45,65,inf), EDU through
#             crosswalks/edu_to_b15001.csv; rows with EDU N are outside the margin).
# Target rule (what `iaf calibrate` does): each margin's reference shares over the categories
# the synthetic data reach, times the synthetic rows in those categories; a reference category
# the synthetic data never reach is unrepairable and left out (the remaining shares
# renormalised), and rows in a category the reference does not have (here: EDU N at 18+) are
# left unconstrained by that margin.
# Usage (from the repository root): Rscript tests/oracles/calibrate_crc.R
# Writes tests/data/calibrate/crc_targets.csv and tests/data/calibrate/crc_weights.csv (one row
# per distinct pair of categories: every row of the file with that pair gets that weight).
suppressMessages(library(survey))
options(stringsAsFactors = FALSE)

syn <- read.csv("examples/us/data/synthetic/mostlyai/mostlyai_sd_platform_PaulTiwald_1.csv",
                colClasses = "character", na.strings = character(0))
exc <- read.csv("examples/us/data/excerpt/national2019.csv",
                colClasses = "character", na.strings = character(0))
xw <- read.csv("examples/us/crosswalks/edu_to_b15001.csv", comment.char = "#",
               colClasses = "character")
ae_ref <- read.csv("examples/us/data/reference/excerpt_rows_age_education.csv",
                   colClasses = c("character", "character", "numeric"))

age_band <- function(agep) {
  a <- as.numeric(agep)
  cut(a, breaks = c(18, 25, 35, 45, 65, Inf), right = FALSE,
      labels = c("18-24", "25-34", "35-44", "45-64", "65+"))
}
# keys: "SEX|INDP_CAT" and "age_band|education" ("" = outside the margin)
syn_si <- paste(syn$SEX, syn$INDP_CAT, sep = "|")
edu7 <- xw$to[match(syn$EDU, xw$from)]
ab <- as.character(age_band(syn$AGEP))
syn_ae <- ifelse(!is.na(ab) & !is.na(edu7), paste(ab, edu7, sep = "|"), "")

ref_si <- table(paste(exc$SEX, exc$INDP_CAT, sep = "|"))
ref_ae <- setNames(ae_ref$count, paste(ae_ref$age_band, ae_ref$education, sep = "|"))

targets_for <- function(name, ref, unit_key) {
  reached <- names(ref)[names(ref) %in% unit_key & ref > 0]
  share <- ref[reached] / sum(ref[reached])
  # the mass the reference describes: rows in the reached categories
  data.frame(margin = name, category = reached,
             target = as.numeric(share) * sum(unit_key %in% reached))
}
tg <- rbind(targets_for("sex_indp", ref_si, syn_si), targets_for("age_edu", ref_ae, syn_ae))

# Design matrix: an indicator per constrained category (full sets; the two margins share no
# column, and survey's generalised inverse takes any dependence).
cols <- character(0)
mm <- NULL
for (r in seq_len(nrow(tg))) {
  key <- if (tg$margin[r] == "sex_indp") syn_si else syn_ae
  mm <- cbind(mm, as.numeric(key == tg$category[r]))
}
colnames(mm) <- paste0("c", seq_len(nrow(tg)))
dat <- data.frame(mm)
dat$w <- 1
des <- svydesign(ids = ~1, weights = ~w, data = dat)
fml <- as.formula(paste("~ 0 +", paste(colnames(mm), collapse = " + ")))
pop <- setNames(tg$target, colnames(mm))

rak <- calibrate(des, fml, population = pop, calfun = "raking", epsilon = 1e-13, maxit = 200)
g_rak <- weights(rak)
bounds <- c(0.4, 2.5)
lgt <- calibrate(des, fml, population = pop, calfun = "logit", bounds = bounds,
                 epsilon = 1e-13, maxit = 200)
g_lgt <- weights(lgt)

pat <- paste(syn_si, syn_ae, sep = "#")
first <- !duplicated(pat)
out <- data.frame(sex_indp = syn_si[first], age_edu = syn_ae[first],
                  rows = as.numeric(table(pat)[pat[first]]),
                  raking = sprintf("%.17g", g_rak[first]),
                  logit = sprintf("%.17g", g_lgt[first]))
# every row of a pattern has the same weight
stopifnot(all(abs(g_rak - ave(g_rak, pat)) < 1e-12), all(abs(g_lgt - ave(g_lgt, pat)) < 1e-12))
out <- out[order(out$sex_indp, out$age_edu, method = "radix"), ]
tg$target <- sprintf("%.17g", tg$target)
dir.create("tests/data/calibrate", showWarnings = FALSE)
write.csv(tg, "tests/data/calibrate/crc_targets.csv", row.names = FALSE)
write.csv(out, "tests/data/calibrate/crc_weights.csv", row.names = FALSE)
cat(sprintf("raking g in [%.4f, %.4f]; logit (bounds %g, %g) g in [%.4f, %.4f]; Kish n_eff %.2f / %.2f of %d\n",
            min(g_rak), max(g_rak), bounds[1], bounds[2], min(g_lgt), max(g_lgt),
            sum(g_rak)^2 / sum(g_rak^2), sum(g_lgt)^2 / sum(g_lgt^2), nrow(syn)))
