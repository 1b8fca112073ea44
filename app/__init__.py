"""The Dash dashboard of mobilenet-costmodel: Explorer, Frontier, Conventions, Tables (and Latency) pages.

Build the app with :func:`app.main.create_app`; serve it with ``mobilenet-cost serve`` or
``python -m app.server`` (gunicorn, 127.0.0.1:8050 by default). Figures come from the pure builders in
:mod:`app.figures`, component ids from :mod:`app.ids`.
"""
