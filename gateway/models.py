from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower

from .registry import PluginConfig, plugin_config

NAME_FOR_MODEL_VALIDATOR = RegexValidator(r"^[A-Za-z0-9_]+$", "Use only letters, digits and underscores (no spaces).")
DOMAIN_VALIDATOR = RegexValidator(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    "Enter a host name such as todo.example.com (lower case, no scheme, no port).",
)


class AuthMode(models.TextChoices):
    NONE = "none", "No auth"
    SERVICE_HTTP = "service_http", "Service key (one key for the platform)"
    USER_HTTP = "user_http", "Per-user keys"
    OAUTH = "oauth", "OAuth (users sign in and approve)"


IMPLEMENTED_AUTH_MODES = {AuthMode.NONE, AuthMode.SERVICE_HTTP}


class Plugin(models.Model):
    """Operator-editable settings of one installed plugin; blank texts fall back to the plugin's defaults."""

    slug = models.SlugField(max_length=50, unique=True, editable=False)
    enabled = models.BooleanField(default=True)
    name_for_human = models.CharField(max_length=20, blank=True)
    name_for_model = models.CharField(max_length=50, blank=True, validators=[NAME_FOR_MODEL_VALIDATOR])
    description_for_human = models.CharField(max_length=100, blank=True)
    description_for_model = models.TextField(max_length=8000, blank=True)
    auth_mode = models.CharField(max_length=20, choices=AuthMode.choices, default=AuthMode.NONE)
    verification_token = models.CharField(
        max_length=200,
        blank=True,
        help_text="The token the AI platform shows when you install the plugin; it goes into the manifest.",
    )
    service_key_hash = models.CharField(max_length=64, blank=True, editable=False)
    service_key_hint = models.CharField(max_length=12, blank=True, editable=False)
    contact_email = models.EmailField(blank=True)
    legal_info_url = models.URLField(blank=True)
    custom_domain = models.CharField(
        max_length=253,
        blank=True,
        validators=[DOMAIN_VALIDATOR],
        help_text=(
            "Serve the plugin at the root of this host too. Point DNS here and add the host to DJANGO_ALLOWED_HOSTS."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(
                Lower("custom_domain"),
                condition=~models.Q(custom_domain=""),
                name="gateway_plugin_unique_custom_domain",
            )
        ]

    def __str__(self):
        return self.slug

    @cached_property
    def config(self) -> PluginConfig | None:
        """Return the installed app behind this row (None if the app was removed)."""
        return plugin_config(self.slug)

    def clean(self):
        if self.config is not None and self.auth_mode not in self.config.auth_modes:
            raise ValidationError(
                {"auth_mode": f"The {self.slug} plugin supports only: {', '.join(self.config.auth_modes)}."}
            )
        if self.auth_mode not in IMPLEMENTED_AUTH_MODES:
            raise ValidationError({"auth_mode": f"Auth mode '{self.auth_mode}' is not available yet."})
        self.custom_domain = self.custom_domain.strip().lower()

    def text(self, field: str) -> str:
        """Return the operator's value for a manifest text, or the plugin's default."""
        return getattr(self, field) or getattr(self.config, field)

    @property
    def has_service_key(self) -> bool:
        return bool(self.service_key_hash)
