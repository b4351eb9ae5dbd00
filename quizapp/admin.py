from django.contrib import admin

from quizapp.models import Room


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "owner", "created_at")
    search_fields = ("code", "title", "owner__username")
    readonly_fields = ("code_key",)
