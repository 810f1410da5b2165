"""The accounts the load driver logs in with, shared by the seed and the driver.

Each virtual user has its own account and its own TOTP device, so that no two logins spend the
same TOTP step on one device (django-otp refuses a code already used). Keys are derived from the
e-mail: the driver computes the code a phone would show without reading the database.
"""

import hashlib

MOT_DE_PASSE = "Bench-Solidaires-2026!"
DOMAINE = "bench.solidaires.example"

# Virtual users per role during the load.
AGENTS = 6
REFERENTS = 1
EXPERTS = 4
SUPERVISEURS = 1


def email(role: str, rang: int) -> str:
    return f"charge-{role}-{rang}@{DOMAINE}"


def cle_totp(adresse: str) -> str:
    """The TOTP device key (40 hex characters, as django-otp stores it)."""
    return hashlib.sha1(adresse.encode(), usedforsecurity=False).hexdigest()


def code_totp(adresse: str) -> str:
    """The 6-digit code the person's phone shows now (RFC 6238, SHA-1, 30 s)."""
    from django_otp.oath import totp

    return f"{totp(bytes.fromhex(cle_totp(adresse)), step=30, t0=0, digits=6, drift=0):06d}"


def tous() -> list[tuple[str, str]]:
    """(role, e-mail) of every virtual user."""
    comptes = [("agent", email("agent", i)) for i in range(AGENTS)]
    comptes += [("referent", email("referent", i)) for i in range(REFERENTS)]
    comptes += [("expert", email("expert", i)) for i in range(EXPERTS)]
    comptes += [("superviseur", email("superviseur", i)) for i in range(SUPERVISEURS)]
    return comptes
