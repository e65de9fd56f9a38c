# Reference values for internal/domain's intervals, computed with SciPy.
# Reads {"grid": [[n, x, c], ...], "normal": [p, ...], "beta": [[p, a, b], ...],
# "chi2": [[p, df], ...]} as JSON on stdin; prints the same shape of results as JSON.
# The Wilson interval is its formula with SciPy's normal quantile; Clopper–Pearson
# and the one-sided upper bound are beta quantiles (scipy.stats.beta.ppf).
import json
import math
import sys

import scipy
from scipy.stats import beta, chi2, norm

req = json.load(sys.stdin)
out = {"scipy": scipy.__version__, "grid": [], "normal": [], "beta": [], "chi2": []}
for n, x, c in req["grid"]:
    alpha = 1 - c
    z = float(norm.ppf(1 - alpha / 2))
    center = (x + z * z / 2) / (n + z * z)
    half = z / (n + z * z) * math.sqrt(x * (n - x) / n + z * z / 4)
    w_lo = 0.0 if x == 0 else max(center - half, 0.0)
    w_hi = 1.0 if x == n else min(center + half, 1.0)
    cp_lo = 0.0 if x == 0 else float(beta.ppf(alpha / 2, x, n - x + 1))
    cp_hi = 1.0 if x == n else float(beta.ppf(1 - alpha / 2, x + 1, n - x))
    ub = 1.0 if x == n else float(beta.ppf(c, x + 1, n - x))
    out["grid"].append([w_lo, w_hi, cp_lo, cp_hi, ub])
for p in req["normal"]:
    out["normal"].append(float(norm.ppf(p)))
for p, a, b in req["beta"]:
    out["beta"].append(float(beta.ppf(p, a, b)))
for p, df in req["chi2"]:
    out["chi2"].append(float(chi2.ppf(p, df)))
json.dump(out, sys.stdout)
