"""Authentication helpers."""


def identifiant_axes(request, credentials) -> str:
    """Key of login throttling: the e-mail as typed, without case or spaces."""
    valeur = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(valeur).strip().lower()
