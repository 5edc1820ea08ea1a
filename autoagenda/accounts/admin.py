from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from autoagenda.accounts.models import ClientLocation, LoginSession, ProfessionalApplication, StaffMembership, User


class MembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("email", "first_name", "last_name", "phone")
    inlines = (MembershipInline,)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "phone", "language", "marketing_opt_in")}),
        (_("Role"), {"fields": ("role", "is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "role", "password1", "password2")}),)


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "location", "role")
    list_filter = ("role", "location")
    search_fields = ("user__email",)


@admin.register(LoginSession)
class LoginSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "revoked_at", "revoked_reason")
    list_filter = ("revoked_reason",)
    search_fields = ("user__email",)
    readonly_fields = ("id", "user", "created_at")


@admin.register(ProfessionalApplication)
class ProfessionalApplicationAdmin(admin.ModelAdmin):
    list_display = ("user", "location", "status", "created_at", "decided_by")
    list_filter = ("status", "location")
    search_fields = ("user__email",)


@admin.register(ClientLocation)
class ClientLocationAdmin(admin.ModelAdmin):
    """Which locations serve which clients; written by the services, kept here to look at (and to fix by hand)."""

    list_display = ("client", "location", "source", "created_at")
    list_filter = ("location", "source")
    search_fields = ("client__email", "client__last_name")
    raw_id_fields = ("client",)
