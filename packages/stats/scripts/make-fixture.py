#!/usr/bin/python3
"""Expected figures for @pennon/stats, computed with scipy from seeded data.

Run with Debian's interpreter, which has python3-scipy (`apt-get install python3-scipy`):

    npm run fixture -w packages/stats

which runs /usr/bin/python3 scripts/make-fixture.py and then formats the output with Biome, as the
repository's lint wants it. It writes src/fixture.json beside the tests. Every figure is computed here independently of the
TypeScript: from the generated per-unit values with numpy (means, variances, covariances) and
scipy.stats (t, norm, chi2, truncnorm, chisquare, ttest_ind_from_stats), following the published
formulas that GrowthBook's gbstats implements. The TypeScript only ever sees the sufficient
statistics (n, sums, sums of squares, cross sums) derived from the same values.

Non-finite numbers are written as the strings "NaN", "Infinity" and "-Infinity" (JSON has none).
"""

import json
import math
import os
import sys

import numpy as np
import scipy
from scipy import optimize, stats

SEED = 20240611
rng = np.random.default_rng(SEED)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "fixture.json")


# ---------------------------------------------------------------------------------------------
# Data: per-unit values for one arm, and the sufficient statistics the TypeScript receives.


class Data:
    """Per-unit values of one arm. kind: 'mean' | 'conversion' | 'ratio'."""

    def __init__(self, kind, y, pre=None, pre_binary=False, d=None):
        self.kind, self.y, self.pre, self.pre_binary, self.d = kind, np.asarray(y, float), pre, pre_binary, d

    @property
    def n(self):
        return len(self.y)

    def arm(self):
        n, y = self.n, self.y
        if self.kind == "ratio":
            d = self.d
            return {
                "n": n,
                "numerator": {"sum": float(y.sum()), "sumSquares": float((y * y).sum())},
                "denominator": {"sum": float(d.sum()), "sumSquares": float((d * d).sum())},
                "crossSum": float((y * d).sum()),
            }
        arm = {"n": n, "sum": float(y.sum())}
        if self.kind == "mean":
            arm["sumSquares"] = float((y * y).sum())
        if self.pre is not None:
            x = self.pre
            arm["pre"] = {"sum": float(x.sum()), "crossSum": float((y * x).sum())}
            if not self.pre_binary:
                arm["pre"]["sumSquares"] = float((x * x).sum())
        return arm


def variance(values, proportion):
    """Per-unit variance: p(1 - p) for a proportion (gbstats ProportionStatistic), else ddof=1."""
    return float(np.mean(values) * (1 - np.mean(values))) if proportion else float(np.var(values, ddof=1))


def covariance(a, b, both_proportions):
    """Per-unit covariance: 1/n for two proportions, else the sample covariance (gbstats)."""
    if both_proportions:
        return float(np.mean(a * b) - np.mean(a) * np.mean(b))
    return float(np.cov(a, b, ddof=1)[0, 1])


def delta_ratio_variance(mean_m, var_m, mean_d, var_d, cov_md):
    """Delta method, Deng et al. (2018) eq. 3: Var(M/D)."""
    return var_m / mean_d**2 + var_d * mean_m**2 / mean_d**4 - 2 * cov_md * mean_m / mean_d**3


# ---------------------------------------------------------------------------------------------
# Arm estimates and the lift.


def pooled_theta(c, t):
    """CUPED theta = Cov(Y, X) / Var(X) over both arms pooled (Deng et al. 2013)."""
    y = np.concatenate([c.y, t.y])
    x = np.concatenate([c.pre, t.pre])
    post_prop = c.kind == "conversion"
    var_x = variance(x, c.pre_binary)
    if var_x == 0 or variance(y, post_prop) == 0:
        return 0.0
    return covariance(y, x, post_prop and c.pre_binary) / var_x


def estimate(data, theta):
    """(n, adjusted mean, adjusted per-unit variance, raw mean, raw variance, pre variance, cov)."""
    n = data.n
    if data.kind == "ratio":
        m, d = data.y, data.d
        mean = float(m.sum() / d.sum())
        var = delta_ratio_variance(
            float(m.mean()), float(np.var(m, ddof=1)), float(d.mean()), float(np.var(d, ddof=1)),
            float(np.cov(m, d, ddof=1)[0, 1]),
        )
        return dict(n=n, mean=mean, var=var, raw_mean=mean, raw_var=var, pre_var=0.0, cov=0.0)
    prop = data.kind == "conversion"
    raw_mean = float(np.mean(data.y))
    raw_var = variance(data.y, prop)
    if theta == 0:
        return dict(n=n, mean=raw_mean, var=raw_var, raw_mean=raw_mean, raw_var=raw_var, pre_var=0.0, cov=0.0)
    x = data.pre
    pre_var = variance(x, data.pre_binary)
    cov = covariance(data.y, x, prop and data.pre_binary)
    return dict(
        n=n, mean=raw_mean - theta * float(np.mean(x)), var=raw_var + theta**2 * pre_var - 2 * theta * cov,
        raw_mean=raw_mean, raw_var=raw_var, pre_var=pre_var, cov=cov,
    )


def lift(c, t, theta, difference):
    """gbstats EffectMoments: absolute difference or relative lift over |control mean|."""
    if difference == "absolute":
        return t["mean"] - c["mean"], t["var"] / t["n"] + c["var"] / c["n"]
    mc, mt = c["raw_mean"], t["raw_mean"]
    est = (t["mean"] - c["mean"]) / abs(mc)
    # Delta method with gradient (1/mc, -theta/mc) for treatment, (-mt/mc^2, theta/mc) for control.
    v_t = (t["raw_var"] + theta**2 * t["pre_var"] - 2 * theta * t["cov"]) / (t["n"] * mc**2)
    v_c = (c["raw_var"] * mt**2 / mc**2 - 2 * theta * c["cov"] * mt / mc + theta**2 * c["pre_var"]) / (c["n"] * mc**2)
    return est, v_t + v_c


# ---------------------------------------------------------------------------------------------
# The three methods.


def welch(c, t, est, var, alpha, sided):
    """Welch's t-test with Welch-Satterthwaite degrees of freedom (gbstats TwoSidedTTest/OneSided*)."""
    vc, vt = c["var"] / c["n"], t["var"] / t["n"]
    dof = (vc + vt) ** 2 / (vt**2 / (t["n"] - 1) + vc**2 / (c["n"] - 1))
    se = math.sqrt(var)
    tstat = est / se
    if sided == "two":
        w = stats.t.ppf(1 - alpha / 2, dof) * se
        return dict(stddev=se, ci=[est - w, est + w], pValue=float(2 * stats.t.sf(abs(tstat), dof)))
    w = stats.t.ppf(1 - alpha, dof) * se
    if sided == "greater":
        return dict(stddev=se, ci=[est - w, math.inf], pValue=float(stats.t.sf(tstat, dof)))
    return dict(stddev=se, ci=[-math.inf, est + w], pValue=float(stats.t.cdf(tstat, dof)))


def seq_rho(alpha, tuning, two_sided):
    """Waudby-Smith et al. (2023) eq. 161 (2*alpha for one-sided, as gbstats)."""
    a = alpha if two_sided else 2 * alpha
    return math.sqrt((-2 * math.log(a) + math.log(-2 * math.log(a) + 1)) / tuning)


def sequential(n, est, var, alpha, sided, tuning):
    """Always-valid confidence sequences, Waudby-Smith et al. (2023) eq. 9 and 155 (gbstats)."""
    se = math.sqrt(var)
    s2 = var * n
    rho = seq_rho(alpha, tuning, sided == "two")
    part2 = 2 * (n * rho**2 + 1) / (n * rho) ** 2
    if sided == "two":
        w = math.sqrt(s2 * part2 * math.log(math.sqrt(n * rho**2 + 1) / alpha))
        st2 = est**2 * n / var
        tr2p1 = n * rho**2 + 1
        evalue = math.exp(rho**2 * st2 / (2 * tr2p1)) / math.sqrt(tr2p1)
        return dict(stddev=se, ci=[est - w, est + w], pValue=min(1 / evalue, 1))

    def halfwidth(a):
        return math.sqrt(s2 * part2 * math.log(1 + math.sqrt(n * rho**2 + 1) / (2 * a)))

    w = halfwidth(alpha)
    towards = est > 0 if sided == "greater" else est < 0
    if towards:
        # The smallest alpha whose one-sided bound excludes 0, found numerically (gbstats bisects).
        log_p = optimize.brentq(lambda la: halfwidth(math.exp(la)) - abs(est), -700, 50, xtol=1e-14, rtol=1e-14)
        p = min(1.0, math.exp(log_p))
    else:
        p = 1.0
    ci = [est - w, math.inf] if sided == "greater" else [-math.inf, est + w]
    return dict(stddev=se, ci=ci, pValue=p)


def bayesian(est, var, alpha, sided, prior, inverse):
    """Normal posterior on the lift with a flat or normal prior (gbstats EffectBayesianABTest)."""
    if prior is None:
        mean, sd = est, math.sqrt(var)
    else:
        prec = 1 / var + 1 / prior["variance"]
        mean, sd = (est / var + prior["mean"] / prior["variance"]) / prec, math.sqrt(1 / prec)
    post = stats.norm(mean, sd)
    if sided == "two":
        ci = [post.ppf(alpha / 2), post.ppf(1 - alpha / 2)]
    elif sided == "greater":
        ci = [post.ppf(alpha), math.inf]
    else:
        ci = [-math.inf, post.ppf(1 - alpha)]
    p_neg = post.cdf(0)
    # Risk as gbstats: P(>0) E[D | D>0] and -P(<0) E[D | D<0], truncated-normal means from scipy.
    mn_pos = stats.truncnorm.mean((0 - mean) / sd, math.inf, loc=mean, scale=sd)
    mn_neg = stats.truncnorm.mean(-math.inf, (0 - mean) / sd, loc=mean, scale=sd)
    risk = [(1 - p_neg) * mn_pos, -p_neg * mn_neg]
    ctw = post.sf(0)
    if inverse:
        ctw, risk = 1 - ctw, [risk[1], risk[0]]
    return dict(expected=mean, stddev=sd, ci=ci, chanceToWin=float(ctw), risk=[float(r) for r in risk])


# ---------------------------------------------------------------------------------------------
# compare() as the Python side sees it, including degenerate input.


DEFAULTS = dict(method="frequentist", difference="relative", alpha=0.05, sided="two", sequentialTuning=5000)


def observed_mean(arm):
    try:
        if "numerator" in arm:
            m = arm["numerator"]["sum"] / arm["denominator"]["sum"] if arm["denominator"]["sum"] else 0.0
        else:
            m = arm["sum"] / arm["n"] if arm["n"] else 0.0
    except (TypeError, ZeroDivisionError):
        m = 0.0
    return m if math.isfinite(m) else 0.0


def uninformative(carm, tarm, method, error):
    base = dict(controlMean=observed_mean(carm), treatmentMean=observed_mean(tarm), expected=0.0, stddev=0.0, ci=[0.0, 0.0])
    if method == "bayesian":
        return {**base, "chanceToWin": 0.5, "risk": [0.0, 0.0], "error": error}
    return {**base, "pValue": 1.0, "error": error}


def compare_data(c, t, options):
    o = {**DEFAULTS, **options}
    theta = pooled_theta(c, t) if c.pre is not None else 0.0
    ce, te = estimate(c, theta), estimate(t, theta)
    means = dict(controlMean=ce["raw_mean"], treatmentMean=te["raw_mean"])
    if not (ce["var"] > 0 and te["var"] > 0):
        return uninformative(c.arm(), t.arm(), o["method"], "ZERO_VARIANCE")
    if o["difference"] == "relative" and ce["raw_mean"] == 0:
        return uninformative(c.arm(), t.arm(), o["method"], "ZERO_CONTROL_MEAN")
    est, var = lift(ce, te, theta, o["difference"])
    if o["method"] == "bayesian":
        return {**means, **bayesian(est, var, o["alpha"], o["sided"], o.get("prior"), o.get("inverse", False))}
    if o["method"] == "sequential":
        return {**means, "expected": est, **sequential(c.n + t.n, est, var, o["alpha"], o["sided"], o["sequentialTuning"])}
    return {**means, "expected": est, **welch(ce, te, est, var, o["alpha"], o["sided"])}


# ---------------------------------------------------------------------------------------------
# Multiple comparisons: plain Python (statsmodels is not available).


def holm(ps):
    m = len(ps)
    order = sorted(range(m), key=lambda i: ps[i])
    out, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * ps[i]))
        out[i] = running
    return out


def benjamini_hochberg(ps):
    m = len(ps)
    order = sorted(range(m), key=lambda i: ps[i])
    out, running = [0.0] * m, 1.0
    for rank in range(m - 1, -1, -1):
        i = order[rank]
        running = min(running, m * ps[i] / (rank + 1))
        out[i] = running
    return out


def adjusted_ci(lift_, ci, p_adj, alpha):
    """GrowthBook's adjusted interval: se' = |lift| / z(1 - p'/2), lift +- z(1 - alpha/2) se'."""
    if p_adj > 0.999999:
        return [-math.inf, math.inf]
    if lift_ == 0:
        return ci
    se = abs(lift_ / stats.norm.ppf(1 - p_adj / 2))
    w = stats.norm.ppf(1 - alpha / 2) * se
    return [lift_ - w, lift_ + w] if lift_ - w < ci[0] and lift_ + w > ci[1] else ci


# ---------------------------------------------------------------------------------------------
# Generated data sets.


def mean_pair(nc, nt, mu, sd, lift_):
    return Data("mean", rng.normal(mu, sd, nc)), Data("mean", rng.normal(mu * (1 + lift_), sd, nt))


def revenue_pair(nc, nt):
    return Data("mean", rng.lognormal(2.0, 1.0, nc)), Data("mean", rng.lognormal(2.04, 1.0, nt))


def conversion_pair(nc, nt, pc, pt):
    return Data("conversion", rng.binomial(1, pc, nc)), Data("conversion", rng.binomial(1, pt, nt))


def ratio_data(n, click_rate):
    sessions = rng.poisson(3.0, n) + 1.0
    clicks = rng.binomial(sessions.astype(int), click_rate).astype(float)
    return Data("ratio", clicks, d=sessions)


def cuped_mean(n, shift):
    pre = rng.normal(10.0, 3.0, n)
    post = 2.0 + 0.8 * pre + shift + rng.normal(0, 1.5, n)
    return Data("mean", post, pre=pre)


def cuped_conversion(n, p, binary_pre):
    latent = rng.normal(0, 1, n)
    pre = (latent + rng.normal(0, 0.7, n) > 0.9).astype(float) if binary_pre else np.exp(latent)
    post = (latent + rng.normal(0, 1, n) > stats.norm.ppf(1 - p) * math.sqrt(2)).astype(float)
    return Data("conversion", post, pre=pre, pre_binary=binary_pre)


DATASETS = {
    "mean": revenue_pair(1200, 1100),
    "mean-small": mean_pair(15, 12, 20.0, 6.0, 0.08),
    "mean-negative-control": mean_pair(400, 420, -3.0, 2.0, -0.05),
    "conversion": conversion_pair(5000, 5200, 0.12, 0.135),
    "ratio": (ratio_data(3000, 0.10), ratio_data(3100, 0.108)),
    "cuped-mean": (cuped_mean(800, 0.0), cuped_mean(820, 0.35)),
    "cuped-conversion-binary-pre": (cuped_conversion(3000, 0.2, True), cuped_conversion(3000, 0.22, True)),
    "cuped-conversion-mean-pre": (cuped_conversion(2500, 0.3, False), cuped_conversion(2600, 0.32, False)),
}


def build_compare_cases():
    cases = []
    for name, (c, t) in DATASETS.items():
        for method in ("frequentist", "sequential", "bayesian"):
            for difference in ("relative", "absolute"):
                for sided in ("two", "greater", "less"):
                    options = dict(method=method, difference=difference, sided=sided)
                    cases.append((f"{name} {method} {difference} {sided}", c, t, options))
    c, t = DATASETS["conversion"]
    cases += [
        ("conversion defaults", c, t, {}),
        ("conversion frequentist alpha 0.1", c, t, dict(alpha=0.1)),
        ("conversion frequentist inverse", c, t, dict(inverse=True)),
        ("conversion sequential N* 20000", c, t, dict(method="sequential", sequentialTuning=20000)),
        ("conversion sequential N* 500 greater", c, t, dict(method="sequential", sequentialTuning=500, sided="greater")),
        ("conversion bayesian inverse", c, t, dict(method="bayesian", inverse=True)),
        ("conversion bayesian prior", c, t, dict(method="bayesian", prior=dict(mean=0.0, variance=0.01))),
        ("conversion bayesian prior inverse absolute", c, t,
         dict(method="bayesian", difference="absolute", inverse=True, prior=dict(mean=0.002, variance=0.0001))),
    ]
    c, t = DATASETS["cuped-mean"]
    cases += [
        ("cuped-mean bayesian prior", c, t, dict(method="bayesian", prior=dict(mean=0.01, variance=0.0004))),
        ("cuped-mean sequential alpha 0.1 N* 1000", c, t, dict(method="sequential", alpha=0.1, sequentialTuning=1000)),
    ]
    c, t = DATASETS["ratio"]
    cases.append(("ratio bayesian prior inverse", c, t, dict(method="bayesian", inverse=True, prior=dict(mean=0, variance=0.05))))
    # A zero control mean is only degenerate for a relative lift.
    zc = Data("mean", np.array([-2.0, 2.0, -1.0, 1.0, 0.0, -3.0, 3.0]))
    zt = Data("mean", np.array([0.5, 1.5, -0.5, 2.0, 1.0, 0.0]))
    cases.append(("zero control mean absolute", zc, zt, dict(difference="absolute")))
    return cases


def welch_cross_check(c, t):
    """scipy's own Welch test on the plain mean arms agrees with the formula above."""
    r = stats.ttest_ind_from_stats(
        np.mean(t.y), np.std(t.y, ddof=1), t.n, np.mean(c.y), np.std(c.y, ddof=1), c.n, equal_var=False
    )
    return float(r.statistic), float(r.pvalue)


# ---------------------------------------------------------------------------------------------
# Degenerate input: given directly as sufficient statistics.

NAN, INF = math.nan, math.inf
GOOD_MEAN = {"n": 50, "sum": 260.0, "sumSquares": 1500.0}
GOOD_CONV = {"n": 50, "sum": 12}
GOOD_RATIO = {"n": 50, "numerator": {"sum": 30, "sumSquares": 40}, "denominator": {"sum": 120, "sumSquares": 400}, "crossSum": 90}

DEGENERATE_ARMS = [
    ("no units", {"n": 0, "sum": 0, "sumSquares": 0}, GOOD_MEAN, "NO_DATA"),
    ("negative units", GOOD_CONV, {"n": -5, "sum": 0}, "NO_DATA"),
    ("one unit", {"n": 1, "sum": 4.0, "sumSquares": 16.0}, GOOD_MEAN, "TOO_FEW_UNITS"),
    ("constant values", {"n": 10, "sum": 50.0, "sumSquares": 250.0}, GOOD_MEAN, "ZERO_VARIANCE"),
    ("negative variance", {"n": 10, "sum": 50.0, "sumSquares": 200.0}, GOOD_MEAN, "ZERO_VARIANCE"),
    ("no conversions in control", {"n": 100, "sum": 0}, GOOD_CONV, "ZERO_VARIANCE"),
    ("every unit converted", GOOD_CONV, {"n": 100, "sum": 100}, "ZERO_VARIANCE"),
    ("zero control mean", {"n": 4, "sum": 0.0, "sumSquares": 8.0}, GOOD_MEAN, "ZERO_CONTROL_MEAN"),
    ("zero ratio denominator", {**GOOD_RATIO, "denominator": {"sum": 0, "sumSquares": 0}}, GOOD_RATIO, "ZERO_DENOMINATOR"),
    ("NaN sum", {"n": 10, "sum": NAN, "sumSquares": 3.0}, GOOD_MEAN, "NON_FINITE"),
    ("infinite sum of squares", GOOD_MEAN, {"n": 10, "sum": 3.0, "sumSquares": INF}, "NON_FINITE"),
    ("NaN units", {"n": NAN, "sum": 1}, GOOD_CONV, "NON_FINITE"),
    ("infinite covariate", {**GOOD_CONV, "pre": {"sum": INF, "crossSum": 3}}, {**GOOD_CONV, "pre": {"sum": 4, "crossSum": 3}}, "NON_FINITE"),
    ("infinite ratio cross sum", GOOD_RATIO, {**GOOD_RATIO, "crossSum": -INF}, "NON_FINITE"),
    ("sums that overflow", {"n": 10, "sum": 1e300, "sumSquares": 1e300}, GOOD_MEAN, "NON_FINITE"),
    ("conversion against mean", GOOD_CONV, GOOD_MEAN, "MISMATCHED_ARMS"),
    ("ratio against conversion", GOOD_RATIO, GOOD_CONV, "MISMATCHED_ARMS"),
    ("covariate on one arm", {**GOOD_CONV, "pre": {"sum": 5, "crossSum": 3}}, GOOD_CONV, "MISMATCHED_ARMS"),
    ("covariates of two kinds", {**GOOD_CONV, "pre": {"sum": 5, "crossSum": 3}},
     {**GOOD_CONV, "pre": {"sum": 5, "sumSquares": 9, "crossSum": 3}}, "MISMATCHED_ARMS"),
]

DEGENERATE_OPTIONS = [
    ("alpha 0", dict(alpha=0)),
    ("alpha 1.5", dict(alpha=1.5)),
    ("alpha NaN", dict(alpha=NAN)),
    ("N* 0", dict(method="sequential", sequentialTuning=0)),
    ("N* infinite", dict(method="sequential", sequentialTuning=INF)),
    ("one-sided sequential alpha 0.5", dict(method="sequential", sided="less", alpha=0.5)),
    ("prior variance 0", dict(method="bayesian", prior=dict(mean=0, variance=0))),
    ("prior mean NaN", dict(method="bayesian", prior=dict(mean=NAN, variance=1))),
    ("unknown method", dict(method="magic")),
    ("unknown side", dict(sided="both")),
]


def degenerate_cases():
    cases = []
    for name, carm, tarm, code in DEGENERATE_ARMS:
        for method in ("frequentist", "sequential", "bayesian"):
            options = dict(method=method)
            cases.append(dict(name=f"{name} ({method})", control=carm, treatment=tarm, options=options,
                              expected=uninformative(carm, tarm, method, code)))
    for name, options in DEGENERATE_OPTIONS:
        cases.append(dict(name=name, control=GOOD_CONV, treatment=GOOD_CONV,
                          options=options, expected=uninformative(GOOD_CONV, GOOD_CONV, options.get("method"), "INVALID_OPTIONS")))
    return cases


# ---------------------------------------------------------------------------------------------
# SRM.


def srm_expected(observed, weights):
    if len(observed) != len(weights) or not all(math.isfinite(x) and x >= 0 for x in observed + weights):
        return 1.0
    kept = [(o, w) for o, w in zip(observed, weights) if w > 0]
    if len(kept) < 2 or sum(o for o, _ in kept) == 0:
        return 1.0
    obs = np.array([o for o, _ in kept], float)
    w = np.array([w for _, w in kept], float)
    return float(stats.chisquare(obs, w / w.sum() * obs.sum()).pvalue)


def srm_cases():
    cases = []
    for k in (2, 3, 4):
        weights = list(rng.dirichlet(np.ones(k)))
        observed = [int(x) for x in rng.multinomial(20000, weights)]
        cases.append((f"{k} variations as weighted", observed, weights))
        skewed = observed[:]
        skewed[0] = int(skewed[0] * 1.03)
        cases.append((f"{k} variations, first 3% over", skewed, weights))
    cases += [
        ("zero-weight variation left out", [5100, 4800, 37], [0.5, 0.5, 0]),
        ("zero-weight variation with no units", [10020, 9980, 0], [1, 1, 0]),
        ("weights not summing to one", [3050, 2950, 4100], [3, 3, 4]),
        ("even split", [5000, 5000], [0.5, 0.5]),
        ("no units", [0, 0], [0.5, 0.5]),
        ("one weighted variation", [100, 3], [1, 0]),
        ("lengths differ", [100, 100, 100], [0.5, 0.5]),
        ("negative count", [100, -3], [0.5, 0.5]),
        ("NaN weight", [100, 100], [0.5, NAN]),
        ("empty", [], []),
    ]
    return [dict(name=n, observed=o, weights=w, expected=srm_expected(o, w)) for n, o, w in cases]


# ---------------------------------------------------------------------------------------------
# Assembly.


def compare_all_cases():
    control = Data("conversion", rng.binomial(1, 0.1, 4000))
    treatments = [Data("conversion", rng.binomial(1, p, n)) for p, n in ((0.115, 4100), (0.098, 3900), (0.106, 4000))]
    mc = Data("mean", rng.gamma(2.0, 5.0, 900))
    mts = [Data("mean", rng.gamma(2.0, s, 880)) for s in (5.4, 5.1, 4.9)]
    out = []
    for label, c, ts in (("conversion", control, treatments), ("mean", mc, mts)):
        for correction in ("holm", "benjamini-hochberg"):
            for method, sided in (("frequentist", "two"), ("sequential", "two"), ("frequentist", "greater")):
                options = dict(method=method, sided=sided, correction=correction)
                results = [compare_data(c, t, dict(method=method, sided=sided)) for t in ts]
                ps = [r["pValue"] for r in results]
                adjusted = holm(ps) if correction == "holm" else benjamini_hochberg(ps)
                for r, p in zip(results, adjusted):
                    if sided == "two":
                        r["ci"] = adjusted_ci(r["expected"], r["ci"], p, 0.05)
                    r["pValue"] = p
                out.append(dict(name=f"{label} {method} {sided} {correction}", control=c.arm(),
                                treatments=[t.arm() for t in ts], options=options, expected=results))
    # Bayesian results carry no p-value: the correction leaves them as they are.
    results = [compare_data(control, t, dict(method="bayesian")) for t in treatments]
    out.append(dict(name="conversion bayesian holm", control=control.arm(), treatments=[t.arm() for t in treatments],
                    options=dict(method="bayesian", correction="holm"), expected=results))
    return out


def adjust_cases():
    ps = [float(x) for x in rng.uniform(0, 0.2, 8)]
    ps[3] = ps[5]  # a tie
    fixed = [0.01, 0.04, 0.03, 0.005, 0.5, 1.0, 0.0]
    return [
        dict(name=f"{name} {corr}", pValues=p, correction=corr, expected=(holm if corr == "holm" else benjamini_hochberg)(p))
        for name, p in (("generated", ps), ("fixed", fixed), ("single", [0.02]), ("empty", []))
        for corr in ("holm", "benjamini-hochberg")
    ]


def encode(value):
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, (np.floating, np.integer)):
        return encode(value.item())
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return value


def count_figures(value):
    if isinstance(value, bool) or isinstance(value, str) or value is None:
        return 0
    if isinstance(value, (int, float)):
        return 1 if math.isfinite(value) else 0
    if isinstance(value, dict):
        return sum(count_figures(v) for v in value.values())
    return sum(count_figures(v) for v in value)


def main():
    compare_cases = []
    for name, c, t, options in build_compare_cases():
        expected = compare_data(c, t, options)
        case = dict(name=name, control=c.arm(), treatment=t.arm(), options=options, expected=expected)
        if c.kind == "mean" and c.pre is None and options.get("difference") == "absolute" and options.get("method") == "frequentist" and options.get("sided") == "two":
            statistic, pvalue = welch_cross_check(c, t)
            assert abs(pvalue - expected["pValue"]) < 1e-12, (name, pvalue, expected["pValue"])
            assert abs(statistic - expected["expected"] / expected["stddev"]) < 1e-9
            expected["pValue"] = pvalue  # scipy's own Welch test is the reference here
        compare_cases.append(case)
    compare_cases += degenerate_cases()
    fixture = dict(
        generator="packages/stats/scripts/make-fixture.py",
        seed=SEED,
        python=sys.version.split()[0],
        numpy=np.__version__,
        scipy=scipy.__version__,
        compare=compare_cases,
        compareAll=compare_all_cases(),
        adjustPValues=adjust_cases(),
        srm=srm_cases(),
    )
    fixture["figures"] = sum(
        count_figures(case["expected"]) for key in ("compare", "compareAll", "adjustPValues", "srm") for case in fixture[key]
    )
    with open(OUT, "w") as f:
        json.dump(encode(fixture), f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT)}: {len(compare_cases)} comparisons, {fixture['figures']} figures")


if __name__ == "__main__":
    main()
