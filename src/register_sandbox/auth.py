"""Bearer-token authentication (core.md §3): HMAC-SHA256 hashes, status, expiry, discarded providers."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from register_sandbox.config import ProviderSeed
from register_sandbox.defects import is_active
from register_sandbox.store import Provider, Store, expires_after_today


def token_hash(secret: str, token: str) -> str:
    """The stored form of a token: hex HMAC-SHA256 keyed with the sandbox secret."""
    return hmac.new(secret.encode("utf-8"), token.encode("utf-8"), hashlib.sha256).hexdigest()


def extract_token(header: str | None) -> str | None:
    """Strip one leading case-sensitive ``Bearer `` (if present) and surrounding spaces."""
    if header is None:
        return None
    value = header
    if value.startswith("Bearer "):
        value = value[len("Bearer "):]
    elif is_active("auth-lowercase-bearer-accepted") and value.lower().startswith("bearer "):
        value = value[len("bearer "):]
    value = value.strip()
    return value or None


class Authenticator:
    """Resolves an ``Authorization`` header to a provider, or ``None`` (→ 401)."""

    def __init__(self, store: Store, secret: str) -> None:
        self.store = store
        self.secret = secret
        self._used: dict[int, str] = {}
        self._last: Provider | None = None  # only read by the auth-*-token-accepted defects

    def seed(self, seeds: tuple[ProviderSeed, ...]) -> list[Provider]:
        """Create the configured providers and their tokens (idempotent); revoke all other tokens."""
        providers = []
        hashes = []
        for seed in seeds:
            provider = self.store.seed_provider(seed.name, discarded=seed.discarded)
            expires = seed.expires_at.isoformat() if seed.expires_at else None
            status = "revoked" if seed.discarded and seed.status == "active" else seed.status
            hashes.append(token_hash(self.secret, seed.token))
            self.store.seed_token(provider, hashes[-1], status, expires)
            providers.append(provider)
        self.store.revoke_tokens_except(hashes)  # tokens of earlier runs' configurations stop working
        return providers

    def authenticate(self, header: str | None, today: date) -> Provider | None:
        """The token's provider when every validity rule of core.md §3.3 holds."""
        token = extract_token(header)
        if token is None:
            return self._last if is_active("auth-missing-token-accepted") else None
        found = self.store.token_lookup(token_hash(self.secret, token))
        if found is None:
            return self._last if is_active("auth-invalid-token-accepted") else None
        provider, status, expires_at, discarded, token_pk = found
        if status != "active" or discarded or not expires_after_today(expires_at, today):
            return None
        day = today.isoformat()
        if self._used.get(token_pk) != day:  # last_used_at at most once per day (§3.5)
            self.store.mark_token_used(token_pk, day)
            self._used[token_pk] = day
        self._last = provider
        return provider
