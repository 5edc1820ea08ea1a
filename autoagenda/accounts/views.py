"""HTML pages for people: login, sign-up, profile, passwords, the user back office, applications.

Each view authorizes through `permissions`, validates with a form and calls one service.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from autoagenda.accounts import selectors, services
from autoagenda.accounts.forms import (
    ApplicationDecisionForm,
    ApplicationForm,
    EmailAuthenticationForm,
    PasswordChangeForm,
    ProfileForm,
    SignupForm,
    StaffForm,
    UserFilterForm,
)
from autoagenda.accounts.models import ApplicationStatus, Role, User
from autoagenda.accounts.permissions import (
    can_list_users,
    get_application_for_user,
    get_user_for_user,
    is_admin,
    require,
    role_of,
    user_manage_checker,
)
from autoagenda.core.errors import ApplicationError
from autoagenda.core.forms import add_application_error

PAGE_SIZE = 25


def _raise_if_forbidden(exc: ApplicationError) -> None:
    """A service's `permission_denied` is the 403 page, not a form error."""
    if exc.status == 403:
        raise PermissionDenied(exc.message)


def _page(request: HttpRequest, items: Any, size: int = PAGE_SIZE) -> Any:
    return Paginator(items, size).get_page(request.GET.get("page"))


def _set_language(response: HttpResponse, language: str) -> HttpResponse:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


# --- Login, logout, sign-up ---------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Django's login (it rotates the session key); axes counts failures and locks out."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django answers 405 to GET), so a link or an image cannot log anyone out."""


def signup(request: HttpRequest) -> HttpResponse:
    """The same answer whether or not the address already has an account (the service emails either way),
    so nobody is logged in here: the login page follows, with the password just chosen."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                signed_up = services.client_register(
                    email=data["email"],
                    password=data["password1"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    phone=data["phone"],
                    language=translation.get_language(),
                )
            except ApplicationError as exc:
                add_application_error(form, exc, {"password": "password1"})
            else:
                messages.success(
                    request,
                    _(
                        "Thank you! We have sent a message to %(email)s. "
                        "If you have just created your account, log in now with your email and password."
                    )
                    % {"email": signed_up.email},
                )
                return redirect("accounts:login")
        status = 400
    return render(request, "accounts/signup.html", {"form": form}, status=status)


# --- Password reset (Django's views, our templates) --------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset_email.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            services.password_reset_apply(user=form.user, new=form.cleaned_data["new_password1"])
        except ApplicationError as exc:
            add_application_error(form, exc, {"new_password": "new_password2"})
            return self.render_to_response(self.get_context_data(form=form), status=400)
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- Own account -------------------------------------------------------------------


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            user: User = request.user  # type: ignore[assignment]
            try:
                services.password_change(
                    user=user, old=form.cleaned_data["old_password"], new=form.cleaned_data["new_password1"]
                )
            except ApplicationError as exc:
                add_application_error(form, exc, {"new_password": "new_password1"})
            else:
                update_session_auth_hash(request, user)
                messages.success(
                    request,
                    _("Your password was changed. Apps and devices logged in with the old one must log in again."),
                )
                return redirect("accounts:profile")
        status = 400
    return render(request, "accounts/password_change.html", {"form": form}, status=status)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "language": user.language,
        "marketing_opt_in": user.marketing_opt_in,
        "notify_email": user.notify_email,
        "notify_sms": user.notify_sms,
        "notify_whatsapp": user.notify_whatsapp,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.profile_update(user=user, **form.cleaned_data)
            except ApplicationError as exc:
                add_application_error(form, exc)
            else:
                translation.activate(user.language)
                messages.success(request, _("Your profile was saved."))
                return _set_language(redirect("accounts:profile"), user.language)
        status = 400
    context = {"form": form, "memberships": selectors.memberships_of(user)}
    return render(request, "accounts/profile.html", context, status=status)


# --- Users back office -------------------------------------------------------------


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    require(can_list_users(request.user))
    actor: User = request.user  # type: ignore[assignment]
    form = UserFilterForm(request.GET or None, actor=actor)
    filters = form.cleaned_data if form.is_valid() else {}
    users = selectors.users_for_list(
        actor=actor, role=filters.get("role"), location=filters.get("location"), q=filters.get("q")
    )
    page = _page(request, users)
    can_manage = user_manage_checker(actor)
    rows = [{"user": u, "can_manage": can_manage(u)} for u in page.object_list]
    context = {"form": form, "page_obj": page, "rows": rows}
    return render(request, "accounts/user_list.html", context)


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    require(can_list_users(request.user))
    actor: User = request.user  # type: ignore[assignment]
    form = StaffForm(request.POST or None, actor=actor)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.staff_create(
                    actor=actor,
                    email=data["email"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    role=data["role"],
                    locations=list(data["locations"]),
                    password=data["password1"],
                    phone=data["phone"],
                )
            except ApplicationError as exc:
                _raise_if_forbidden(exc)
                add_application_error(form, exc, {"password": "password1"})
            else:
                messages.success(request, _("%(name)s can now log in.") % {"name": user})
                return redirect("accounts:user_list")
        status = 400
    return render(request, "accounts/user_form.html", {"form": form, "target": None}, status=status)


def _user_edit_page(
    request: HttpRequest, target: User, form: StaffForm | None = None, status: int = 200
) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    if form is None:
        form = StaffForm(
            actor=actor,
            target=target,
            initial={
                "first_name": target.first_name,
                "last_name": target.last_name,
                "phone": target.phone,
                "role": target.role,
                "locations": [m.location_id for m in target.memberships.all()],
                "is_active": target.is_active,
            },
        )
    context = {"form": form, "target": target, "is_self": target.pk == actor.pk}
    return render(request, "accounts/user_form.html", context, status=status)


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    target = get_user_for_user(actor, pk, manage=True)
    if request.method != "POST":
        return _user_edit_page(request, target)
    form = StaffForm(request.POST, actor=actor, target=target)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.staff_update(
                actor=actor,
                user=target,
                role=data["role"],
                locations=list(data["locations"]),
                first_name=data["first_name"],
                last_name=data["last_name"],
                phone=data["phone"],
                is_active=data["is_active"],
            )
        except ApplicationError as exc:
            _raise_if_forbidden(exc)
            add_application_error(form, exc)
        else:
            messages.success(request, _("The changes to %(name)s were saved.") % {"name": target})
            return redirect("accounts:user_list")
    target.refresh_from_db()
    return _user_edit_page(request, target, form, status=400)


@login_required
@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    target = get_user_for_user(actor, pk, manage=True)
    try:
        services.user_deactivate(actor=actor, user=target)
    except ApplicationError as exc:
        _raise_if_forbidden(exc)
        messages.error(request, exc.message)
        return _user_edit_page(request, target, status=400)
    messages.success(request, _("%(name)s can no longer log in.") % {"name": target})
    return redirect("accounts:user_list")


# --- Professional applications ------------------------------------------------------


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    require(role_of(user) == Role.CLIENT)
    latest = selectors.application_latest_for(user)
    form = ApplicationForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.professional_application_submit(
                    user=user, location=form.cleaned_data["location"], message=form.cleaned_data["message"]
                )
            except ApplicationError as exc:
                _raise_if_forbidden(exc)
                add_application_error(form, exc)
            else:
                messages.success(request, _("Thank you! We will email you when an administrator has decided."))
                return redirect("accounts:apply")
        status = 400
    pending = latest is not None and latest.status == ApplicationStatus.PENDING
    return render(request, "accounts/apply.html", {"form": form, "latest": latest, "pending": pending}, status=status)


def _application_list_page(request: HttpRequest, status: int = 200) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    pending = list(selectors.applications_for_list(actor=actor, status=ApplicationStatus.PENDING))
    decided = selectors.applications_for_list(actor=actor).exclude(status=ApplicationStatus.PENDING)
    context = {"pending": pending, "decided_page": _page(request, decided)}
    return render(request, "accounts/application_list.html", context, status=status)


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    require(is_admin(request.user))
    return _application_list_page(request)


@login_required
@require_POST
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    application = get_application_for_user(actor, pk, decide=True)
    form = ApplicationDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return _application_list_page(request, status=400)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.professional_application_decide(
            actor=actor, application=application, approve=approve, note=form.cleaned_data["note"]
        )
    except ApplicationError as exc:
        _raise_if_forbidden(exc)
        messages.error(request, exc.message)
        return _application_list_page(request, status=400)
    if approve:
        messages.success(request, _("%(name)s is now a mechanic.") % {"name": application.user})
    else:
        messages.success(request, _("The application of %(name)s was rejected.") % {"name": application.user})
    return redirect(reverse("accounts:application_list"))
