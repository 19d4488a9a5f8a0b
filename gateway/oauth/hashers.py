"""Client secrets: one salted SHA-256, checked in constant time, and no cheaper for an unknown client.

A slow key-derivation function protects guessable passwords. A client secret is 128 random
characters (DOT's generator), which no attacker can guess however fast the hash, while PBKDF2's
million iterations on an unauthenticated endpoint hand anyone who knows a client_id a CPU lever.
User passwords keep Django's default hasher: this one is listed after it in PASSWORD_HASHERS and
named only by OAUTH2_PROVIDER["CLIENT_SECRET_HASHER"].
"""

import hashlib

from django.apps import apps
from django.contrib.auth.hashers import (
    BasePasswordHasher,
    check_password,
    get_hasher,
    identify_hasher,
    make_password,
    mask_hash,
)
from django.utils.crypto import constant_time_compare
from oauth2_provider.settings import oauth2_settings


class ClientSecretHasher(BasePasswordHasher):
    """Hash a high-entropy machine secret with one salted SHA-256 (never a user's password)."""

    algorithm = "gateway_sha256"

    def encode(self, password, salt):
        self._check_encode_args(password, salt)
        digest = hashlib.sha256((salt + password).encode()).hexdigest()
        return f"{self.algorithm}${salt}${digest}"

    def decode(self, encoded):
        algorithm, salt, digest = encoded.split("$", 2)
        assert algorithm == self.algorithm
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password, encoded):
        return constant_time_compare(encoded, self.encode(password, self.decode(encoded)["salt"]))

    def safe_summary(self, encoded):
        decoded = self.decode(encoded)
        return {
            "algorithm": decoded["algorithm"],
            "salt": mask_hash(decoded["salt"], show=2),
            "hash": mask_hash(decoded["hash"]),
        }

    def harden_runtime(self, password, encoded):
        pass


def client_secret_hasher() -> BasePasswordHasher:
    return get_hasher(oauth2_settings.CLIENT_SECRET_HASHER)


def client_secret_matches(secret: str, stored: str) -> bool:
    """Check a presented client secret against the stored value, in constant time.

    A secret stored with an older hasher (PBKDF2 before this one) is rehashed on its first
    successful use, the only moment the plaintext is at hand.
    """
    secret = secret or ""
    try:
        identify_hasher(stored)
    except ValueError:
        # Stored unhashed on purpose (DOT's hash_client_secret=False, e.g. for HS256 signing).
        return constant_time_compare(secret, stored)

    def rehash(raw: str) -> None:
        # Compare-and-set on the old hash: the row is rehashed once, whichever request gets there first.
        new_hash = make_password(raw, hasher=oauth2_settings.CLIENT_SECRET_HASHER)
        apps.get_model(oauth2_settings.APPLICATION_MODEL).objects.filter(client_secret=stored).update(
            client_secret=new_hash
        )

    return check_password(secret, stored, setter=rehash, preferred=client_secret_hasher())


def spend_a_secret_check(secret: str) -> None:
    """Do the work of one secret check against nothing, so an unknown client_id answers as slowly as a known one.

    Not check_password with a dummy value: for a value it cannot identify Django runs the default
    (PBKDF2) hasher to hide timing, which would bring back the CPU cost this module removes.
    """
    hasher = client_secret_hasher()
    hasher.verify(secret or "", hasher.encode("", "gateway-dummy-salt"))
