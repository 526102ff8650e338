#!/usr/bin/env Rscript
# Oracle for direct standardisation (METHOD.md section 7, src/stats/standardize.c).
#
# Generates a small weighted microdata set (occupation x age band x female),
# standardises the female share of each occupation to a fixed age
# distribution with survey::svystandardize, and writes
#   tests/data/stats/standardize_data.csv    the microdata (occ, agegrp, female, wt)
#   tests/data/stats/standardize_weights.csv the standard age distribution (agegrp, w)
#   tests/data/stats/standardize_oracle.csv  design, occ, ds (the standardised share)
# for two designs: the sampling weights, and equal weights. Occupation E has
# no one in age band 4 (an empty cell), occupation D has no women in band 1.
#
# Run from the repository root: Rscript tests/oracles/standardize.R
suppressPackageStartupMessages(library(survey))

set.seed(20260611)
occs <- c("A", "B", "C", "D", "E")
ages <- c("19-29", "30-44", "45-59", "60+")
n <- 900
occ <- sample(occs, n, replace = TRUE, prob = c(0.3, 0.25, 0.2, 0.15, 0.1))
age <- sample(ages, n, replace = TRUE, prob = c(0.2, 0.3, 0.3, 0.2))
age[occ == "E" & age == "60+"] <- "45-59"
base <- c(A = 0.15, B = 0.45, C = 0.6, D = 0.3, E = 0.1)
shift <- c(`19-29` = 0.15, `30-44` = 0.05, `45-59` = -0.05, `60+` = -0.1)
p <- pmin(pmax(base[occ] + shift[age], 0.02), 0.98)
female <- rbinom(n, 1, p)
female[occ == "D" & age == "19-29"] <- 0
wt <- round(runif(n, 0.5, 3.5), 3)
d <- data.frame(occ = factor(occ, levels = occs), agegrp = factor(age, levels = ages),
                female = female, wt = wt)

# Standard population: the age distribution of a reference universe.
popage <- c(2100, 3400, 2900, 1600)

out <- NULL
for (design in c("weighted", "unweighted")) {
    w <- if (design == "weighted") d$wt else rep(1, n)
    des <- svydesign(ids = ~1, weights = w, data = d)
    std <- svystandardize(des, by = ~agegrp, over = ~occ, population = popage)
    est <- svyby(~female, ~occ, std, svymean)
    out <- rbind(out, data.frame(design = design, occ = as.character(est$occ),
                                 ds = sprintf("%.17g", est$female)))
}

dir <- file.path("tests", "data", "stats")
write.csv(d, file.path(dir, "standardize_data.csv"), row.names = FALSE, quote = FALSE)
write.csv(out, file.path(dir, "standardize_oracle.csv"), row.names = FALSE, quote = FALSE)
write.csv(data.frame(agegrp = ages, w = popage), file.path(dir, "standardize_weights.csv"),
          row.names = FALSE, quote = FALSE)
cat("popage:", popage, "\n")
print(out)

# Like with like (METHOD.md section 7): the self-audit fixture of tests/cli/standardize.sh
# (tests/data/standardize/self_table.csv, sex x occupation x age counts), as a weighted
# design with one record per cell. The female share of each occupation standardised to the
# table's own age margin is DS_s = DS_r of the self-audit (occupation E has no one aged 60+).
# Writes tests/data/standardize/self_ds_oracle.csv (occupation, ds).
t <- read.csv(file.path("tests", "data", "standardize", "self_table.csv"),
              fileEncoding = "UTF-8", stringsAsFactors = FALSE)
t <- t[t$count > 0, ]
ages <- c("19-39", "40-59", "60+")
t$age <- factor(t$age, levels = ages)
t$female <- as.integer(t$sex == "\uc5ec\uc790")
margin <- tapply(t$count, t$age, sum)
des <- svydesign(ids = ~1, weights = ~count, data = t)
std <- svystandardize(des, by = ~age, over = ~occupation, population = as.numeric(margin))
est <- svyby(~female, ~occupation, std, svymean)
write.csv(data.frame(occupation = as.character(est$occupation), ds = sprintf("%.17g", est$female)),
          file.path("tests", "data", "standardize", "self_ds_oracle.csv"), row.names = FALSE,
          quote = FALSE)
