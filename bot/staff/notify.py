"""The new-lead notice: an email telling staff that a lead arrived, with a link to it.

Email is not a safe place for health information, so the notice holds the lead's number
and a link to the back-office only: no name, contact details, condition or triage level
(not even an "urgent" flag in the subject). Staff sign in to see the rest.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
import threading
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from bot.settings import Settings

logger = logging.getLogger(__name__)


def notice_enabled(settings: Settings) -> bool:
    """A notice is sent only when there is someone to tell and a server to tell them by."""
    return bool(settings.notify_email and settings.smtp_host)


def lead_url(settings: Settings, lead_id: int) -> str:
    """The lead's page in the back-office, as staff reach it."""
    return f"{settings.staff_url}/leads/{int(lead_id)}"


class StartTlsMissing(smtplib.SMTPException):
    """SMTP_STARTTLS is on and the server doesn't offer STARTTLS: nothing was sent."""


def new_message(settings: Settings, to: str, subject: str) -> EmailMessage:
    """An email from SMTP_FROM with its Date and Message-ID. Raises ValueError for an
    address or subject that can't be a header (a line break, say)."""
    message = EmailMessage()
    message["To"] = to
    message["From"] = settings.smtp_from
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    # the sender's domain, not socket.getfqdn(): no DNS lookup per message
    domain = settings.smtp_from.rpartition("@")[2].strip("<> ") or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    return message


def deliver(
    settings: Settings,
    message: EmailMessage,
    timeout: float = 10,
    *,
    tls_context: ssl.SSLContext | None = None,
) -> None:
    """Hand ``message`` to SMTP_HOST: the one SMTP client of the project (staff notices
    and visitors' booking notices alike).

    With SMTP_STARTTLS on (the default), a server that doesn't offer STARTTLS gets
    nothing (``StartTlsMissing``): neither the password nor the message travels in
    clear. ``tls_context`` defaults to the system's trusted authorities with host name
    checking. Raises smtplib.SMTPException or OSError when it wasn't accepted.
    """
    if not settings.smtp_host:
        raise smtplib.SMTPException("SMTP_HOST is not set")
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout) as smtp:
        smtp.ehlo()
        if settings.smtp_starttls:
            if not smtp.has_extn("starttls"):
                raise StartTlsMissing("the SMTP server does not offer STARTTLS")
            smtp.starttls(context=tls_context or ssl.create_default_context())
            smtp.ehlo()
        if settings.smtp_user and settings.smtp_password:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)


def new_lead_notice(settings: Settings, lead_id: int, clinic_name: str) -> EmailMessage:
    """The notice for one lead. Raises ValueError if the settings hold no recipient or
    an address or name that can't be a header (a line break, say)."""
    if not settings.notify_email:
        raise ValueError("no recipient: NEW_LEAD_NOTIFY_EMAIL is not set")
    message = new_message(
        settings, settings.notify_email, f"New lead #{int(lead_id)} – {clinic_name}"
    )
    message.set_content(
        f"A new lead has arrived through the {clinic_name} assistant.\n"
        "\n"
        "Open it in the back-office:\n"
        f"{lead_url(settings, lead_id)}\n"
        "\n"
        "Sign in with your staff account to see the details. For the visitor's privacy,\n"
        "this email does not include them: please don't forward it or reply with them.\n"
    )
    return message


def send_new_lead_notice(
    settings: Settings,
    lead_id: int,
    clinic_name: str,
    timeout: float = 10,
    *,
    tls_context: ssl.SSLContext | None = None,
) -> bool:
    """Send the notice; True when the server accepted it.

    Never raises: a lead is saved whether or not the email goes out, so a failure is
    logged (the error class and the lead id, nothing personal) and False returned.
    """
    if not notice_enabled(settings):
        return False
    try:
        deliver(
            settings,
            new_lead_notice(settings, lead_id, clinic_name),
            timeout,
            tls_context=tls_context,
        )
    except StartTlsMissing:
        logger.error(
            "new-lead notice for lead %s not sent: the SMTP server does not "
            "offer STARTTLS (set SMTP_STARTTLS=false only for a trusted relay)",
            lead_id,
        )
        return False
    except (smtplib.SMTPException, OSError, ValueError) as error:
        logger.error("new-lead notice for lead %s not sent: %s", lead_id, type(error).__name__)
        return False
    logger.info("new-lead notice sent for lead %s", lead_id)
    return True


def send_in_background(settings: Settings, lead_id: int, clinic_name: str) -> None:
    """Send the notice without making the visitor wait for the mail server.

    In an event loop (the action server) it runs in the loop's default executor, which
    the loop waits for when it shuts down; elsewhere in a daemon thread.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        threading.Thread(
            target=send_new_lead_notice,
            args=(settings, lead_id, clinic_name),
            name=f"new-lead-notice-{lead_id}",
            daemon=True,
        ).start()
        return
    loop.run_in_executor(None, send_new_lead_notice, settings, lead_id, clinic_name)
