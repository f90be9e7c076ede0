"""The shared fixtures themselves work: the SMTP server really receives mail."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from tests.support.smtp import CapturingSMTPServer


def test_smtp_server_captures_a_message(smtp_server: CapturingSMTPServer) -> None:
    message = EmailMessage()
    message["From"] = "coproduction@northshire.example"
    message["To"] = "participant@example.org"
    message["Subject"] = "Your market event on Tuesday"
    message.set_content("See you at County Hall.")

    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as smtp:
        smtp.send_message(message)

    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received["Subject"] == "Your market event on Tuesday"
    assert received.get_content() == "See you at County Hall.\r\n"  # SMTP line endings
