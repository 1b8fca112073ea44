"""The Dash dashboard of mobilenet-costmodel, installed as ``costmodel.dashboard`` (the source stays in ``app/``).

Explorer, Frontier, Latency, Conventions and Tables pages. Build the app with
:func:`costmodel.dashboard.main.create_app`; serve it with ``mobilenet-cost serve`` (gunicorn, 127.0.0.1:8050 by
default). Figures come from the shared builders in :mod:`costmodel.present.figures`, component ids from
:mod:`costmodel.dashboard.ids`.

The top floor beside the CLI: it may import every floor of ``costmodel`` but the CLI, and nothing imports it
but ``mobilenet-cost serve``.
"""
