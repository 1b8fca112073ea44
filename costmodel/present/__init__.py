"""Presentation: the Plotly figure builders (``make_*_figure``) that the dashboard, the CLI ``figure`` command
and the paper exports share, and writing figures to PNG/SVG/PDF. Plotly is imported only here.

May import every floor below it (latency, reference, counting, core, output).
"""
