"""JSON API for people (API.md, "Auth and people"): sign-up, /me, password, staff, professional applications.

The token endpoints live in `api_auth.py`. Who may call what:
- `staff/` (list, detail) is for staff of any role, scoped to the colleagues they may see;
  a client gets 403. Creating, editing and deactivating staff is for admins and managers.
- `professional-applications/` is for the applicant (a client: own applications) and admins
  (all, and they decide); other staff get 403.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from autoagenda.accounts import selectors, services
from autoagenda.accounts.models import STAFF_ROLES, ApplicationStatus, ProfessionalApplication, Role, User
from autoagenda.accounts.permissions import (
    application_locations,
    can_list_users,
    can_manage_user,
    can_use_applications,
    get_application_for_user,
    get_staff_for_user,
    is_staff_member,
    locations_known_to,
    require,
)
from autoagenda.core.api import ScopedPrimaryKeyRelatedField, error_responses
from autoagenda.core.api_fields import IdField

STAFF_ROLE_HELP = _("A staff role: mechanic, receptionist, manager or admin.")
NO_CONTENT = OpenApiResponse(description=_("Done; no body."))


def _actor(request: Request) -> User:
    return request.user  # type: ignore[return-value]


class RegisterRateThrottle(AnonRateThrottle):
    """Sign-ups per IP (the `register` rate, 30 an hour by default)."""

    scope = "register"


class IsStaffMember(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return is_staff_member(request.user)


class UsesApplications(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return can_use_applications(request.user)


# --- Serializers ----------------------------------------------------------


class MeSerializer(serializers.ModelSerializer):
    """A person as they see themselves; `locations` are the ids where they work (admins: every one, listed empty)."""

    locations = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields: tuple[str, ...] = (
            "id",
            "email",
            "first_name",
            "last_name",
            "phone",
            "role",
            "locations",
            "language",
            "marketing_opt_in",
            "notify_email",
            "notify_sms",
            "notify_whatsapp",
        )
        read_only_fields = fields

    def get_locations(self, obj: User) -> list[int]:
        return selectors.location_ids_of(obj)


class RegisteredSerializer(serializers.Serializer):
    """The /me fields as the new account holds them. The answer is the same whether or not the address already
    had an account (then nothing is created and its owner is emailed), so it carries no id: sign in and read /me."""

    id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("Always null; sign in and read /me/ for the account's id.")
    )
    email = serializers.EmailField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    locations = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, read_only=True)
    marketing_opt_in = serializers.BooleanField(read_only=True)


class StaffSerializer(MeSerializer):
    class Meta(MeSerializer.Meta):
        fields = ("id", "email", "first_name", "last_name", "phone", "role", "locations", "is_active")
        read_only_fields = fields


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class MeUpdateSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=150, required=False)
    last_name = serializers.CharField(max_length=150, required=False)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=sorted(services.LANGUAGE_CODES), required=False)
    marketing_opt_in = serializers.BooleanField(required=False)
    notify_email = serializers.BooleanField(required=False, help_text=_("Messages by email (on by default)."))
    notify_sms = serializers.BooleanField(required=False, help_text=_("Messages by SMS; needs a phone."))
    notify_whatsapp = serializers.BooleanField(required=False, help_text=_("Messages by WhatsApp; needs a phone."))


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(trim_whitespace=False, max_length=128)
    new_password = serializers.CharField(trim_whitespace=False, max_length=128)


class StaffRoleField(serializers.ChoiceField):
    """Offers every role (one enum in the schema, shared with /me) and accepts only the staff ones."""

    default_error_messages = {**serializers.ChoiceField.default_error_messages, "not_staff": STAFF_ROLE_HELP}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Role.choices, help_text=STAFF_ROLE_HELP, **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        if value not in STAFF_ROLES:
            self.fail("not_staff")
        return value


class StaffCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    role = StaffRoleField()
    locations = ScopedPrimaryKeyRelatedField(
        many=True, scope=locations_known_to, required=False, default=list, help_text=_("Location ids.")
    )
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)


class StaffUpdateSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=150, required=False)
    last_name = serializers.CharField(max_length=150, required=False)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    role = StaffRoleField(required=False)
    locations = ScopedPrimaryKeyRelatedField(
        many=True, scope=locations_known_to, required=False, help_text=_("Location ids; replaces them all.")
    )
    is_active = serializers.BooleanField(required=False)


class StaffFilterSerializer(serializers.Serializer):
    role = StaffRoleField(required=False)
    location = IdField(required=False, help_text=_("Only staff of this location."))
    q = serializers.CharField(max_length=100, required=False, help_text=_("Words to find in name, email or phone."))


class ApplicationSerializer(serializers.ModelSerializer):
    user_email = serializers.EmailField(source="user.email", read_only=True)
    user_name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = ProfessionalApplication
        fields = (
            "id",
            "user",
            "user_email",
            "user_name",
            "location",
            "message",
            "status",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_note",
        )
        read_only_fields = fields


class ApplicationCreateSerializer(serializers.Serializer):
    location = ScopedPrimaryKeyRelatedField(scope=lambda user: application_locations())
    message = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ApplicationDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ApplicationFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ApplicationStatus.choices, required=False)


# --- Sign-up, me, password ------------------------------------------------


class RegisterView(GenericAPIView):
    """Anyone may create a client account; the per-IP `register` throttle limits abuse."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle, RegisterRateThrottle]
    serializer_class = RegisterSerializer

    @extend_schema(
        request=RegisterSerializer, responses={201: RegisteredSerializer, **error_responses(400, 429)}, tags=["auth"]
    )
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        signed_up = services.client_register(**serializer.validated_data)
        return Response(RegisteredSerializer(signed_up).data, status=status.HTTP_201_CREATED)


class MeView(GenericAPIView):
    serializer_class = MeSerializer

    @extend_schema(responses={200: MeSerializer, **error_responses(401)}, tags=["people"])
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(_actor(request)).data)

    @extend_schema(
        request=MeUpdateSerializer, responses={200: MeSerializer, **error_responses(400, 401)}, tags=["people"]
    )
    def patch(self, request: Request) -> Response:
        serializer = MeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.profile_update(user=_actor(request), **serializer.validated_data)
        return Response(MeSerializer(user).data)


class PasswordChangeView(GenericAPIView):
    """A new password ends every API login of the user, this one included."""

    serializer_class = PasswordChangeSerializer

    @extend_schema(
        request=PasswordChangeSerializer, responses={204: NO_CONTENT, **error_responses(400, 401)}, tags=["auth"]
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_change(
            user=_actor(request),
            old=serializer.validated_data["old_password"],
            new=serializer.validated_data["new_password"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Staff ----------------------------------------------------------------


class StaffListCreateView(GenericAPIView):
    permission_classes = [IsAuthenticated, IsStaffMember]
    serializer_class = StaffSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        filters = StaffFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.staff_for_list(actor=_actor(self.request), **filters.validated_data)

    @extend_schema(
        parameters=[StaffFilterSerializer],
        responses={200: StaffSerializer(many=True), **error_responses(400, 401, 403)},
        tags=["people"],
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(StaffSerializer(page, many=True).data)

    @extend_schema(
        request=StaffCreateSerializer,
        responses={201: StaffSerializer, **error_responses(400, 401, 403)},
        tags=["people"],
    )
    def post(self, request: Request) -> Response:
        actor = _actor(request)
        require(can_list_users(actor))
        serializer = StaffCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = services.staff_create(actor=actor, **serializer.validated_data)
        return Response(StaffSerializer(user).data, status=status.HTTP_201_CREATED)


class StaffDetailView(GenericAPIView):
    permission_classes = [IsAuthenticated, IsStaffMember]
    serializer_class = StaffSerializer

    @extend_schema(responses={200: StaffSerializer, **error_responses(401, 403, 404)}, tags=["people"])
    def get(self, request: Request, pk: int) -> Response:
        return Response(StaffSerializer(get_staff_for_user(_actor(request), pk)).data)

    @extend_schema(
        request=StaffUpdateSerializer,
        responses={200: StaffSerializer, **error_responses(400, 401, 403, 404)},
        tags=["people"],
    )
    def patch(self, request: Request, pk: int) -> Response:
        actor = _actor(request)
        target = get_staff_for_user(actor, pk)
        require(can_manage_user(actor, target))
        serializer = StaffUpdateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = services.staff_update(actor=actor, user=target, **serializer.validated_data)
        return Response(StaffSerializer(user).data)


class StaffDeactivateView(GenericAPIView):
    """The person can no longer log in; their API tokens stop working at once."""

    permission_classes = [IsAuthenticated, IsStaffMember]
    serializer_class = None

    @extend_schema(request=None, responses={204: NO_CONTENT, **error_responses(400, 401, 403, 404)}, tags=["people"])
    def post(self, request: Request, pk: int) -> Response:
        actor = _actor(request)
        target = get_staff_for_user(actor, pk)
        require(can_manage_user(actor, target))
        services.user_deactivate(actor=actor, user=target)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Professional applications ------------------------------------------


class ApplicationListCreateView(GenericAPIView):
    permission_classes = [IsAuthenticated, UsesApplications]
    serializer_class = ApplicationSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return ProfessionalApplication.objects.none()
        filters = ApplicationFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.applications_for_list(actor=_actor(self.request), **filters.validated_data)

    @extend_schema(
        parameters=[ApplicationFilterSerializer],
        responses={200: ApplicationSerializer(many=True), **error_responses(400, 401, 403)},
        tags=["people"],
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ApplicationSerializer(page, many=True).data)

    @extend_schema(
        request=ApplicationCreateSerializer,
        responses={201: ApplicationSerializer, **error_responses(400, 401, 403, 409)},
        tags=["people"],
    )
    def post(self, request: Request) -> Response:
        actor = _actor(request)
        require(actor.role == Role.CLIENT)
        serializer = ApplicationCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        application = services.professional_application_submit(user=actor, **serializer.validated_data)
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


class ApplicationDetailView(GenericAPIView):
    serializer_class = ApplicationSerializer

    @extend_schema(responses={200: ApplicationSerializer, **error_responses(401, 403, 404)}, tags=["people"])
    def get(self, request: Request, pk: int) -> Response:
        return Response(ApplicationSerializer(get_application_for_user(_actor(request), pk)).data)


DECISION_RESPONSES = {200: ApplicationSerializer, **error_responses(400, 401, 403, 404, 409)}


class _ApplicationDecisionView(GenericAPIView):
    serializer_class = ApplicationDecisionSerializer
    approve = True

    def post(self, request: Request, pk: int) -> Response:
        actor = _actor(request)
        application = get_application_for_user(actor, pk, decide=True)
        serializer = ApplicationDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decided = services.professional_application_decide(
            actor=actor, application=application, approve=self.approve, note=serializer.validated_data["note"]
        )
        return Response(ApplicationSerializer(decided).data)


@extend_schema(request=ApplicationDecisionSerializer, responses=DECISION_RESPONSES, tags=["people"])
class ApplicationApproveView(_ApplicationDecisionView):
    """Admin: the client becomes a mechanic at the application's location."""

    approve = True


@extend_schema(request=ApplicationDecisionSerializer, responses=DECISION_RESPONSES, tags=["people"])
class ApplicationRejectView(_ApplicationDecisionView):
    approve = False
