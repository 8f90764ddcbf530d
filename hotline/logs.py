"""Structured logs as `event key=value`, with phone numbers scrubbed as a last line of defence."""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

# Anything that looks like a phone number (E.164 or 10+ digits) is masked, should a caller of
# log() or a library ever pass one.
_PHONE = re.compile(r"\+?\d[\d\-\s().]{8,}\d")
# A Twilio SID (SM, CA, MG… and 32 hex digits) is an id the logs exist to hold, never a phone
# number, though its hex often has a run of ten digits: it is matched first and kept whole.
_SID_OR_PHONE = re.compile(r"(?P<sid>\b[A-Z]{2}[0-9a-f]{32}\b)|" + _PHONE.pattern)


def _mask(text: str) -> str:
    return _SID_OR_PHONE.sub(lambda found: found["sid"] or "[phone]", text)


# Control characters (newlines above all) would let a value start a forged log line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NEEDS_QUOTES = re.compile(r'[\s="\\\x00-\x1f\x7f-\x9f\u2028\u2029]')


def _scrub(value: object) -> str:
    """Return one value as a single token: phones masked, control characters escaped, quoted."""
    text = _mask(str(value))
    if text and not _NEEDS_QUOTES.search(text):
        return text
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _CONTROL.sub(_escape, text) + '"'


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def log(logger: logging.Logger, event: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log one event as `event key=value ...`. Pass ids and SIDs, never numbers or bodies."""
    if logger.isEnabledFor(level):
        pairs = " ".join(f"{key}={_scrub(val)}" for key, val in fields.items())
        logger.log(level, f"{event} {pairs}".rstrip())


class ScrubFilter(logging.Filter):
    """Mask phone-number-like runs in every record, whoever logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = _mask(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


def configure(level: str = "INFO") -> None:
    """Send logs to stderr, one line each, scrubbed."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(ScrubFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
