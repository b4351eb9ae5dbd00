from django.contrib import admin

from projects.models import Evaluation, Idea, Invite, Membership, Workspace


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "room", "accepts_student_ideas", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["room"]
    inlines = [MembershipInline]


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "workspace", "submitted_by", "submitted_by_nickname", "created_at"]
    search_fields = ["title", "input_a", "output_b", "submitted_by_nickname"]
    list_select_related = ["workspace", "submitted_by"]
    raw_id_fields = ["workspace", "submitted_by"]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["idea", "evaluator", "updated_at"]
    list_select_related = ["idea", "evaluator"]
    raw_id_fields = ["idea", "evaluator"]


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ["workspace", "role", "created_at"]
    raw_id_fields = ["workspace"]
