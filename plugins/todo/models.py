from django.conf import settings
from django.db import models

TODO_MAX_LENGTH = 1000


class Todo(models.Model):
    """One item of a user's list; the list's order is insertion order (id)."""

    # The owner is the signed-in user in user_http/oauth modes, else the path's username.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="todos",
    )
    username = models.CharField(max_length=150, blank=True)
    text = models.TextField(max_length=TODO_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["username", "id"], name="todo_username_id_idx"),
            models.Index(fields=["user", "id"], name="todo_user_id_idx"),
        ]

    def __str__(self):
        return self.text[:50]
