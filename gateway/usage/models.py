from django.db import models

from ..models import Credential


class Client(models.TextChoices):
    HTTP = "http", "HTTP (plugin, GPT Action)"
    MCP = "mcp", "MCP tool call"


class Call(models.Model):
    """One plugin API call, written after the response is sent.

    Plain columns rather than foreign keys: the insert stays one cheap statement, and a row keeps its
    meaning after the user, key or plugin it names is deleted.
    """

    # Set when the row is made, so a buffered row written twice (a drain retried) is stored once.
    event_id = models.UUIDField(null=True, unique=True, editable=False)
    created_at = models.DateTimeField()
    plugin = models.CharField(max_length=50)
    # The OpenAPI operationId (= the MCP tool name); "METHOD /path" for an undocumented method.
    operation = models.CharField(max_length=100)
    client = models.CharField(max_length=8, choices=Client.choices)
    # The HTTP status the client received. An MCP tool error travels inside a 200, hence is_error.
    status = models.PositiveSmallIntegerField()
    is_error = models.BooleanField()
    duration_ms = models.FloatField()
    credential = models.CharField(max_length=16, choices=Credential.choices)
    # The user key's id, or the OAuth client's id (gateway.OAuthClient) for a token.
    credential_id = models.BigIntegerField(null=True, blank=True)
    user_id = models.BigIntegerField(null=True, blank=True)
    # What the AI platform sends on each call (the openai-* headers), when it does.
    conversation_id = models.CharField(max_length=100, blank=True)
    ephemeral_user_id = models.CharField(max_length=100, blank=True)
    subdivision = models.CharField("openai-subdivision-1-iso-code", max_length=10, blank=True)

    class Meta:
        verbose_name = "API call"
        indexes = [
            models.Index(fields=["plugin", "created_at"], name="usage_call_plugin_time"),
            # Retention deletes by age across plugins.
            models.Index(fields=["created_at"], name="usage_call_time"),
        ]

    def __str__(self):
        return f"{self.plugin} {self.operation} {self.status}"
