"""What a newcomer sees in development: each email printed as a short block, not a MIME dump."""

from __future__ import annotations

import io

from django.core.mail import EmailMultiAlternatives

from autoagenda.notifications.transports.console import ReadableConsoleEmailBackend
from tests.core.test_settings import production_env, run_python, settings_as_json


def test_an_email_is_printed_with_subject_sender_attachments_and_plain_text():
    stream = io.StringIO()
    message = EmailMultiAlternatives(
        subject="Mensaje de prueba de AutoAgenda",
        body="Hola Ana,\n\nEste es un mensaje de prueba.\n",
        from_email="AutoAgenda <no-reply@autoagenda.local>",
        to=["ana@example.com"],
    )
    message.attach_alternative("<html><body><p>Hola</p></body></html>", "text/html")
    message.attach("cita.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")

    assert ReadableConsoleEmailBackend(stream=stream).send_messages([message]) == 1

    printed = stream.getvalue().splitlines()
    assert printed[0] == "╭─ email to ana@example.com · Subject: Mensaje de prueba de AutoAgenda"
    assert printed[1] == "│ From: AutoAgenda <no-reply@autoagenda.local>"
    assert printed[2] == "│ Attached: cita.ics (text/calendar, 32 bytes)"
    assert printed[3] == "│ HTML version: 37 bytes, not shown"
    assert "│ Hola Ana," in printed
    assert "<html>" not in stream.getvalue()
    assert printed[-1].startswith("╰─ nothing was sent")


def test_the_default_console_email_is_the_readable_one(tmp_path):
    backend = settings_as_json(production_env(tmp_path), "settings.EMAIL_BACKEND")
    assert backend == "autoagenda.notifications.transports.console.ReadableConsoleEmailBackend"


def test_email_provider_brevo_sends_through_anymail(tmp_path):
    env = production_env(tmp_path, EMAIL_PROVIDER="brevo", BREVO_API_KEY="k")
    assert settings_as_json(env, "[settings.EMAIL_BACKEND, settings.ANYMAIL['BREVO_API_KEY']]") == [
        "anymail.backends.brevo.EmailBackend",
        "k",
    ]


def test_an_unknown_sms_provider_stops_the_start(tmp_path):
    result = run_python(production_env(tmp_path, SMS_PROVIDER="pigeon"), "manage.py", "check")
    assert result.returncode != 0
    assert "SMS_PROVIDER='pigeon'" in result.stderr


def test_a_name_with_accents_is_printed_decoded():
    from django.core.mail import EmailMessage

    from autoagenda.notifications.transports.console import format_email

    message = EmailMessage("Hola", "Texto", "no-reply@example.com", ["=?utf-8?q?Mat=C3=ADas?= <m@example.com>"])
    assert "email to Matías <m@example.com>" in format_email(message)
