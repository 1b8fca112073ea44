"""Latency: the dataset schema, importers (CSV, ``benchmark_model`` logs), the SQLite store, measuring with
onnxruntime on graphs built from the layer table, the latency model and its fits, and the frontier's latency axis.

May import the floors below it: :mod:`costmodel.reference`, :mod:`costmodel.counting`, :mod:`costmodel.core`,
:mod:`costmodel.output`.
"""

DB_ENV = "MOBILENET_COST_DB"
"""Environment variable naming the SQLite file of the latency datasets."""
