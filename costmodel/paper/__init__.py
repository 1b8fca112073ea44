"""Paper exports: the paper's tables rebuilt from the model, α × resolution grids, figure data, and the
files written for a paper (CSV, LaTeX, figures).

May import every floor below it (present, latency, reference, counting, core, output).
"""
