"""The access journal: every read and write of a demande, its files and personal data, and the
account events (logins, failures, second-factor changes, permission refusals).

Demande URLs are journalled by one middleware from the URL resolver (any view taking a
`reference` argument), so a new view cannot escape it. Never a secret, never a message text,
never a NIR: only who, when (UTC), which action, which demande reference, from which address.
"""

import logging
from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import Resolver404, resolve
from django.utils import timezone

from .models import EntreeJournal, EvenementSecurite
from .reseau import adresse_client

logger = logging.getLogger(__name__)
Action = EntreeJournal.Action

#: URL namespaces whose views show or change demandes.
ESPACES_DEMANDES = {"demandes", "demandes_admin"}
#: URL names that stream a file.
VUES_FICHIERS = {"fichier", "piece"}


def journaliser(
    *, action, request=None, utilisateur=None, reference="", vue="", detail="", deduire=True
):
    """Append one row; the person is the request's user unless given (or `deduire` is off)."""
    if deduire and utilisateur is None and request is not None and request.user.is_authenticated:
        utilisateur = request.user
    return EntreeJournal.objects.create(
        horodatage=timezone.now(),
        utilisateur=utilisateur if utilisateur and utilisateur.pk else None,
        action=action,
        vue=vue[:80],
        reference=reference[:20],
        adresse_ip=adresse_client(request) if request is not None else None,
        detail=detail[:200],
    )


#: References of the demandes a service wrote during the current request (None outside one).
_ecritures: ContextVar[list[str] | None] = ContextVar("journal_ecritures", default=None)


def noter_ecriture(reference: str) -> None:
    """A service changed this demande during the current request: journalled as a write when
    the request ends, even when the URL names no demande (a bulk assignment, an absence that
    hands demandes over). Outside a request (a periodic task), nothing."""
    ecritures = _ecritures.get()
    if ecritures is not None:
        ecritures.append(reference)


def _reference_de_la_redirection(response) -> str:
    try:
        return resolve(response["Location"].split("?")[0]).kwargs.get("reference", "")
    except (KeyError, Resolver404):
        return ""


def action_pour(request, response) -> tuple[str, str] | None:
    """(action, reference) to journal for this request, or None."""
    correspondance = getattr(request, "resolver_match", None)
    authentifie = request.user.is_authenticated
    if correspondance is None or not authentifie:
        return None
    statut = response.status_code
    reference = correspondance.kwargs.get("reference", "")
    if statut == 403:
        return Action.REFUS, reference
    if correspondance.namespace not in ESPACES_DEMANDES:
        return None
    if statut == 404:
        return (Action.REFUS, reference) if reference else None
    if statut >= 400:
        return None
    ecriture = request.method not in ("GET", "HEAD")
    if reference:
        if correspondance.url_name in VUES_FICHIERS:
            return Action.TELECHARGEMENT, reference
        return (Action.ECRITURE if ecriture else Action.CONSULTATION), reference
    if ecriture and statut in (301, 302, 303):
        cree = _reference_de_la_redirection(response)
        if cree:
            return Action.CREATION, cree
    if ecriture and correspondance.namespace == "demandes_admin":
        return Action.RECHERCHE, ""
    return None


class JournalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        jeton = _ecritures.set([])
        try:
            response = self.get_response(request)
            ecritures = _ecritures.get()
        finally:
            _ecritures.reset(jeton)
        a_journaliser = action_pour(request, response)
        if a_journaliser and a_journaliser[0] == Action.RECHERCHE and ecritures:
            a_journaliser = None  # a write on several demandes, journalled one by one below
        if a_journaliser:
            action, reference = a_journaliser
            self._journaliser(request, response, action, reference)
        deja = a_journaliser[1] if a_journaliser else ""
        for reference in dict.fromkeys(ecritures):
            if reference != deja and request.user.is_authenticated:
                self._journaliser(request, response, Action.ECRITURE, reference)
        return response

    @staticmethod
    def _journaliser(request, response, action, reference):
        correspondance = request.resolver_match
        journaliser(
            action=action,
            request=request,
            reference=reference,
            vue=correspondance.view_name if correspondance else "",
            detail=f"{request.method} {response.status_code}",
        )


# Account events ---------------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="journal_connexion")
def _connexion(sender, request, user, **kwargs):
    journaliser(action=Action.CONNEXION, request=request, utilisateur=user)


@receiver(user_logged_out, dispatch_uid="journal_deconnexion")
def _deconnexion(sender, request, user, **kwargs):
    if user is not None:
        journaliser(action=Action.DECONNEXION, request=request, utilisateur=user)


@receiver(user_login_failed, dispatch_uid="journal_connexion_echouee")
def _connexion_echouee(sender, credentials, request=None, **kwargs):
    # What was typed is never stored (a password typed in the wrong field would end up here):
    # only the account, when the address matches one.
    identifiant = (credentials or {}).get("username") or ""
    utilisateur = get_user_model().objects.filter(email__iexact=identifiant).first()
    journaliser(
        action=Action.CONNEXION_ECHOUEE,
        request=request,
        utilisateur=utilisateur,
        detail="" if utilisateur else "compte inconnu",
        deduire=False,
    )


@receiver(post_save, sender=EvenementSecurite, dispatch_uid="journal_double_authentification")
def _evenement_securite(sender, instance, created, **kwargs):
    if created:
        journaliser(
            action=Action.DOUBLE_AUTHENTIFICATION,
            utilisateur=instance.auteur or instance.utilisateur,
            detail=f"{instance.get_type_display()} (compte {instance.utilisateur_id})",
        )
