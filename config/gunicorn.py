"""gunicorn settings for `make serve`: `gunicorn --config config/gunicorn.py config.wsgi`.

Every setting lives here (the Makefile passes only HOST, PORT and WEB_CONCURRENCY), so tests start the very
same server. The access log says who asked (the address of the proxy or client), when, the method, the path
without its query string and with secrets redacted, the status, the size and the time taken: nothing a person
wrote, no referrer, no browser, no working link (config/logs.py).
"""

import os

from gunicorn.glogging import Logger

from config.logs import RedactFilter, redact_path

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Proxies trusted to say the request came over HTTPS (`X-Forwarded-Proto`).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


class AccessLogger(Logger):
    """gunicorn's logger, able to tell only what is safe to keep.

    The access-log atoms hold no query string, referrer, user agent, header or environment variable, and the
    path is redacted, so a format changed later cannot reveal more. gunicorn's error log (which names the
    request when a worker fails) goes through the same filter as Django's log handlers.
    """

    SAFE_ATOMS = ("h", "t", "m", "s", "b", "B", "T", "D", "M", "L", "p")

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(existing, RedactFilter) for existing in log.filters):
                log.addFilter(RedactFilter())

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        safe = {name: atoms[name] for name in self.SAFE_ATOMS if name in atoms}
        safe["U"] = redact_path(environ.get("PATH_INFO") or "")
        return safe


logger_class = AccessLogger
