"""WSGI entry point: ``gunicorn app.wsgi:server`` serves the dashboard."""

from costmodel.dashboard.server import wsgi_server

server = wsgi_server()
