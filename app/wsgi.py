"""WSGI entry point: ``gunicorn app.wsgi:server`` serves the dashboard."""

from costmodel.dashboard.main import create_app

application = create_app()
server = application.server
