"""Logs: JSON lines for machines (production), plain lines for people (the demo); one line per
request with its timing."""

import json
import logging
import time


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("method", "path", "status", "duration_ms", "user"):
            if hasattr(record, key):
                payload[key] = getattr(record, key)
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)


request_logger = logging.getLogger("aftersales.request")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        if request_logger.isEnabledFor(logging.INFO):
            user = getattr(request, "user", None)
            request_logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user": user.pk if user is not None and user.is_authenticated else None,
                },
            )
        return response


class TextFormatter(logging.Formatter):
    """One plain line per record, for a person at a console (the demo):
    ``14:02:11 INFO    dispatch: deadline warning fired · SR26110095``."""

    def format(self, record: logging.LogRecord) -> str:
        name = record.name.removeprefix("aftersales.")
        if hasattr(record, "method") and hasattr(record, "status"):
            text = f"{record.method} {record.path} → {record.status} ({record.duration_ms} ms)"
        else:
            text = record.getMessage()
            if getattr(record, "path", None):
                text += f" · {record.path}"
        line = f"{self.formatTime(record, '%H:%M:%S')} {record.levelname:<7} {name}: {text}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class QuietLoggersFilter(logging.Filter):
    """Keeps only records at ``level`` or above from the named loggers (and their children).

    The task framework logs two INFO lines for every task it runs, and its worker sets that
    level on its loggers itself, so a logger level cannot quiet it: a handler filter can."""

    def __init__(self, loggers: list[str], level: str = "WARNING"):
        super().__init__()
        self.loggers = tuple(loggers)
        self.level = logging.getLevelName(level)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= self.level:
            return True
        return not any(record.name == name or record.name.startswith(name + ".")
                       for name in self.loggers)
