"""Cap plugin API answers at the size the AI platforms accept (GATEWAY_MAX_RESPONSE_CHARS).

A longer answer is replaced by a 502 `response_too_large` error rather than cut: a truncated list
would look complete to a model, and a cut JSON document would not parse. 502 because the gateway
got an answer from the plugin it cannot pass on (as from a bad upstream); a 500 would mean a bug,
and 413 is about request bodies. Plugins keep answers small by paging or filtering.

The plugin view bases apply it (gateway.contract), so it holds for plugin answers only, whichever
way they are called (HTTP or an MCP tool call); the gateway's own documents are not capped.
"""

from django.conf import settings


def response_too_large(response) -> str | None:
    """Return why an answer is over GATEWAY_MAX_RESPONSE_CHARS, or None when it fits."""
    limit = settings.GATEWAY_MAX_RESPONSE_CHARS
    # Bytes >= characters in UTF-8, so decoding is needed only for a long body.
    if len(response.content) <= limit:
        return None
    length = len(response.content.decode(response.charset or "utf-8", errors="replace"))
    if length <= limit:
        return None
    return (
        f"The answer has {length:,} characters, over the {limit:,} an AI platform accepts; "
        "ask for less (narrower filters or fewer results)."
    )
