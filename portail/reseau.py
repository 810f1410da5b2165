"""The client's address, for throttling, behind a known number of reverse proxies."""

from django.conf import settings


def adresse_client(request) -> str:
    """REMOTE_ADDR, or behind PROXY_COUNT proxies the address the outermost one saw.

    Each proxy appends the address it received the request from to X-Forwarded-For, so the
    client is the PROXY_COUNT-th entry from the right; entries further left are whatever the
    client chose to send and are never trusted.
    """
    nombre = settings.PROXY_COUNT
    if nombre:
        adresses = [
            a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
        ]
        if len(adresses) >= nombre:
            return adresses[-nombre]
    return request.META.get("REMOTE_ADDR", "")
