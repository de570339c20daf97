"""The consent notice the chat shows: which version of its wording a visitor agreed to.

Its own module so that the response generator (bot/rasa_plugins/nlg.py) can stamp the
version on the consent question without importing the leads database code.
"""

from __future__ import annotations

# the version of the consent notice text shown in the chat (domain.yml: utter_ask_consent_given)
CONSENT_NOTICE_VERSION = "2026-11-27"
