"""Authentication helpers."""


def identifiant_axes(request, credentials) -> str:
    """Key of login throttling: the e-mail as typed, without case or spaces.

    The credentials name it "username" (AXES_USERNAME_FORM_FIELD), whether they come from the
    login form or from the re-confirmation of the password, which has no such field in its
    POST; the POST is read only when axes has no credentials (rendering the lockout page).
    """
    valeur = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(valeur).strip().lower()
