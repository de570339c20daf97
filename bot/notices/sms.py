"""Text messages to visitors, through a provider behind one small interface.

The default sends nothing (``TextsOff``): a deployment chooses a provider with
SMS_PROVIDER. ``HttpTexts`` POSTs ``{"to": ..., "text": ...}`` as JSON to SMS_HTTP_URL
with SMS_HTTP_TOKEN as a bearer token, the shape most SMS gateways (or a small adapter
in front of one) take. Errors say whether trying again may help, never what was sent.
"""

from __future__ import annotations

from typing import Protocol

import requests

from bot.settings import Settings

TIMEOUT_SECONDS = 10


class TextError(Exception):
    """The provider did not take the message; ``retry`` when a later try may work."""

    def __init__(self, reason: str, retry: bool) -> None:
        super().__init__(reason)
        self.retry = retry


class TextProvider(Protocol):
    """Sends one text; raises ``TextError`` when it wasn't accepted."""

    enabled: bool

    def send(self, to: str, text: str) -> None: ...


class TextsOff:
    """No provider configured: nothing is sent (the scheduler records the notice as
    skipped, so nothing claims a text went out)."""

    enabled = False

    def send(self, to: str, text: str) -> None:
        raise TextError("texts are off (SMS_PROVIDER)", retry=False)


class HttpTexts:
    """A provider reached over HTTP(S): 2xx is accepted, 429 and 5xx are tried again
    later, any other answer is final."""

    enabled = True

    def __init__(self, url: str, token: str | None, timeout: float = TIMEOUT_SECONDS) -> None:
        self.url = url
        self.token = token
        self.timeout = timeout

    def send(self, to: str, text: str) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            answer = requests.post(
                self.url, json={"to": to, "text": text}, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as error:
            raise TextError(type(error).__name__, retry=True) from None
        if 200 <= answer.status_code < 300:
            return
        retry = answer.status_code == 429 or answer.status_code >= 500
        raise TextError(f"HTTP {answer.status_code}", retry=retry)


def text_provider(settings: Settings) -> TextProvider:
    """The provider SMS_PROVIDER names."""
    if settings.sms_provider == "http" and settings.sms_http_url:
        return HttpTexts(settings.sms_http_url, settings.sms_http_token)
    return TextsOff()
