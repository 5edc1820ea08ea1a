"""The deposit step of the booking: send the client to the provider, their return, and the fake checkout."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from autoagenda.core.errors import ApplicationError
from autoagenda.deposits import services
from autoagenda.deposits.api import return_urls
from autoagenda.deposits.models import Deposit
from autoagenda.deposits.permissions import can_pay_deposit, get_appointment_deposit_for_user
from autoagenda.deposits.providers import fake


@login_required
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    """The deposit step: GET shows the amount and until when the time is held; POST opens a checkout with the
    provider and goes there (Stripe's page, or the fake one)."""
    appointment, deposit = get_appointment_deposit_for_user(request.user, pk)
    if request.method == "GET":
        context = {
            "appointment": appointment,
            "location": appointment.location,
            "deposit": deposit,
            "can_pay": can_pay_deposit(request.user, appointment)
            and deposit.is_payable
            and appointment.status == "pending",
        }
        return render(request, "deposits/pay.html", context)
    success_url, cancel_url = return_urls(appointment.pk)
    try:
        url = services.deposit_checkout(
            actor=request.user, deposit=deposit, success_url=success_url, cancel_url=cancel_url
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("booking:done", appointment.pk)
    return redirect(url)


@login_required
@require_GET
def checkout_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the provider sends the client back. The webhook, not this page, decides: it only says so."""
    appointment, deposit = get_appointment_deposit_for_user(request.user, pk)
    result = "success" if request.GET.get("result") == "success" else "cancel"
    context = {
        "appointment": appointment,
        "location": appointment.location,
        "deposit": deposit,
        "result": result,
        "can_pay": can_pay_deposit(request.user, appointment) and deposit.is_payable,
    }
    return render(request, "deposits/return.html", context)


@require_http_methods(["GET", "POST"])
def fake_checkout(request: HttpRequest, session_id: str) -> HttpResponse:
    """The fake provider's hosted page (development and tests only): "Pay" or "Fail".

    Like a real provider it knows the session, not our users; the session id is an unguessable token. Its answer
    is a webhook signed with the fake's key, handed to the same service the webhook endpoint calls.
    """
    if settings.PAYMENTS_PROVIDER != "fake":
        raise Http404
    deposit = (
        Deposit.objects.select_related("appointment__location", "appointment__service")
        .filter(provider="fake", session_id=session_id)
        .first()
    )
    if deposit is None:
        raise Http404
    if request.method == "POST":
        paid = request.POST.get("outcome") == "pay"
        payload = fake.event_payload(deposit=deposit, session_id=session_id, paid=paid)
        services.webhook_receive(provider="fake", payload=payload, headers={fake.SIGNATURE_HEADER: fake.sign(payload)})
        target = reverse("deposits:return", args=[deposit.appointment_id])
        return redirect(f"{target}?result={'success' if paid else 'cancel'}")
    return render(request, "deposits/fake_checkout.html", {"deposit": deposit, "appointment": deposit.appointment})
