"""Keep the OpenWeather key out of logs: httpx logs every request URL, and OpenWeather takes the key in it."""

import logging
import re

KEY_IN_URL = re.compile(r"(appid=)[^&\s\"']+", re.IGNORECASE)


class RedactApiKeyFilter(logging.Filter):
    """Replace the value of `appid=` in a log line by `***`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "appid=" in message.lower():
            record.msg, record.args = KEY_IN_URL.sub(r"\1***", message), ()
        return True


def install_key_redaction() -> None:
    """Attach the filter to httpx's logger once (ready() may run more than once in tests)."""
    logger = logging.getLogger("httpx")
    if not any(isinstance(existing, RedactApiKeyFilter) for existing in logger.filters):
        logger.addFilter(RedactApiKeyFilter())
