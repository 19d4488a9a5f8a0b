from django.contrib import admin

from .models import Todo


@admin.register(Todo)
class TodoAdmin(admin.ModelAdmin):
    list_display = ["text", "username", "user", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["text", "username", "user__username"]
    raw_id_fields = ["user"]
