"""The staff web console: the secretariat's desk, leadership's board and monthly reports in a browser."""

from helpdesk.web.config import WebConfig
from helpdesk.web.server import run_web

__all__ = ["WebConfig", "run_web"]
