"""Secret link tokens: minted once, handed over once, stored only as a hash.

Patient links and clinic invitations both carry a token in their URL; the database keeps its
SHA-256 hash, so a copy of the database opens nothing.
"""

import hashlib
import secrets

TOKEN_BYTES = 32  # 256 random bits, 43 URL-safe characters


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
