from functools import cached_property
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from oauth2_provider.models import AbstractApplication

from .managers import PluginManager, SingleRowManager, evict
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


class Credential(models.TextChoices):
    """What a caller presented (gateway.auth.Caller; the usage table's column, the log's `auth` field)."""

    NONE = "none", "None"
    SERVICE_KEY = "service_key", "Service key"
    USER_KEY = "user_key", "User key"
    OAUTH = "oauth", "OAuth token"


class TokenContentType(models.TextChoices):
    JSON = "application/json", "JSON (application/json)"
    FORM = "application/x-www-form-urlencoded", "Form (application/x-www-form-urlencoded)"


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
    oauth_token_content_type = models.CharField(
        "OAuth token request encoding",
        max_length=40,
        choices=TokenContentType.choices,
        default=TokenContentType.JSON,
        help_text="What the manifest tells the platform to send to the token endpoint (both are accepted).",
    )
    service_key_hash = models.CharField(max_length=64, blank=True, editable=False)
    service_key_hint = models.CharField(max_length=12, blank=True, editable=False)
    contact_email = models.EmailField(blank=True)
    legal_info_url = models.URLField(blank=True)
    privacy_policy_url = models.URLField(
        blank=True, help_text="For GPT Actions (the spec's info.x-privacy-policy-url); blank = the plugin's legal page."
    )
    custom_domain = models.CharField(
        max_length=253,
        blank=True,
        validators=[DOMAIN_VALIDATOR],
        help_text=(
            "Serve the plugin at the root of this host too. Point DNS here and add the host to DJANGO_ALLOWED_HOSTS."
        ),
    )
    rate_limit_per_minute = models.PositiveIntegerField(
        "Calls per minute per caller",
        default=0,
        help_text="Per OAuth token, user key or service key, or per IP address without auth. 0 = unlimited.",
    )
    total_rate_limit_per_minute = models.PositiveIntegerField(
        "Calls per minute in all", default=0, help_text="All callers of this plugin together. 0 = unlimited."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = PluginManager()

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
        self.custom_domain = self.custom_domain.strip().lower()

    def text(self, field: str) -> str:
        """Return the operator's value for a manifest text, or the plugin's default."""
        return getattr(self, field) or getattr(self.config, field)

    @property
    def display_name(self) -> str:
        return self.text("name_for_human")

    @property
    def has_service_key(self) -> bool:
        return bool(self.service_key_hash)


class PluginSettings(models.Model):
    """Base of a plugin's operator settings: one row, edited in admin, read with `objects.load()`.

    Read through the shared cache like the plugin rows (gateway.managers): saving or deleting the
    row evicts it for every worker, so an operator's change applies on the next request everywhere.
    A blank field means "the deployment's setting" (gateway.api.deployment_setting) by convention.
    """

    SINGLETON_ID = 1

    updated_at = models.DateTimeField(auto_now=True)

    objects = SingleRowManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_ID  # one row, whatever the form says
        super().save(*args, **kwargs)
        evict([type(self).objects.key()])

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        evict([type(self).objects.key()])
        return result


# RFC 8252 §7.3 native-app callbacks (and "localhost", which §8.3 discourages but clients use).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


def is_loopback_uri(uri: str) -> bool:
    try:
        return urlsplit(uri).hostname in LOOPBACK_HOSTS
    except ValueError:  # e.g. http://[::1/cb
        return False


class OAuthClient(AbstractApplication):
    """An OAuth client (e.g. the AI platform) registered with one plugin; its tokens work only there."""

    plugin = models.ForeignKey(Plugin, on_delete=models.CASCADE, related_name="oauth_clients")
    pkce_exempt = models.BooleanField(
        "Exempt from PKCE",
        default=False,
        help_text=(
            "Only for a confidential client the operator registered that cannot send PKCE: the legacy "
            "ChatGPT plugin and GPT Action flows send none. Every other client must use PKCE (S256); "
            "public and self-registered clients can never be exempt."
        ),
    )

    # For a client that identifies itself by a Client ID Metadata Document: the https URL it sends as
    # its client_id. One plugin is one authorization server, so the same URL used with two plugins
    # is two clients; each keeps an opaque client_id of its own (gateway.oauth.cimd).
    metadata_url = models.URLField(
        "Client ID metadata document",
        max_length=255,
        blank=True,
        editable=False,
        help_text="The URL this client sends as its client_id; its details are fetched from there.",
    )

    class Meta(AbstractApplication.Meta):
        swappable = "OAUTH2_PROVIDER_APPLICATION_MODEL"
        verbose_name = "OAuth client"
        constraints = [
            models.UniqueConstraint(
                fields=["plugin", "metadata_url"],
                condition=~models.Q(metadata_url=""),
                name="gateway_oauthclient_unique_metadata_url",
            )
        ]

    def clean(self):
        errors = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if self.client_id and not self.metadata_url and self.client_id.lower().startswith(("https://", "http://")):
            # The authorize, token and revoke views read a URL client_id as a metadata document's.
            errors.setdefault("client_id", []).append("A URL as client_id is kept for client metadata documents.")
        if self.pkce_exempt and not self.may_be_pkce_exempt:
            errors.setdefault("pkce_exempt", []).append(
                "Only a confidential client registered by an operator may be exempt from PKCE."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def domain(self) -> str:
        """Return the domain that vouches for this client: its metadata document's, else its first callback's."""
        uris = [self.metadata_url] if self.metadata_url else self.redirect_uris.split()[:1]
        try:
            return (urlsplit(uris[0]).hostname or "") if uris else ""
        except ValueError:
            return ""

    @property
    def may_be_pkce_exempt(self) -> bool:
        return (
            self.client_type == self.CLIENT_CONFIDENTIAL and self.registration_source == self.RegistrationSource.MANUAL
        )

    @property
    def requires_pkce(self) -> bool:
        # Checked again here, not only in clean(): a row written around the form stays safe.
        return not (self.pkce_exempt and self.may_be_pkce_exempt)

    def get_allowed_schemes(self):
        """Allow https, and http only when every http redirect URI is a loopback one (RFC 8252 §7.3).

        DOT checks redirect URIs (on save and on redirect) against this list, so `http` stays out
        of ALLOWED_REDIRECT_URI_SCHEMES (RFC 9700 §2.1) while native MCP clients keep their
        http://127.0.0.1:<port>/ callbacks; http://example.com/cb is still refused.
        """
        schemes = list(super().get_allowed_schemes())
        http_uris = [uri for uri in self.redirect_uris.split() if uri.lower().startswith("http:")]
        if http_uris and all(map(is_loopback_uri, http_uris)) and "http" not in schemes:
            schemes.append("http")
        return schemes


class RedeemedCode(models.Model):
    """An authorization code already exchanged (hashed), so a replay revokes what it issued (gateway.oauth.codes)."""

    code_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(OAuthClient, on_delete=models.CASCADE, related_name="+")
    token_family = models.UUIDField(null=True)
    redeemed_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"code {self.code_hash[:8]}… of {self.client_id}"


class UserKey(models.Model):
    """A personal API key an end user made for one plugin in user_http mode; only its hash is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plugin_keys")
    plugin = models.ForeignKey(Plugin, on_delete=models.CASCADE, related_name="user_keys")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"
