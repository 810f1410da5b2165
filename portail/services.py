"""Writes with business rules for accounts: second factor lifecycle, security trace, outbox."""

import logging
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from kombu.exceptions import OperationalError as BrokerIndisponible

from . import selectors
from .liens import adresse_absolue
from .models import Courriel, EvenementSecurite, Utilisateur

logger = logging.getLogger(__name__)

NOM_APPAREIL_TOTP = "Application d'authentification"
NOM_CODES_SECOURS = "Codes de secours"
MESSAGE_TROP_D_ESSAIS = _("Trop d'essais successifs. Patientez quelques secondes puis réessayez.")


def evenement_securite_tracer(
    *,
    utilisateur: Utilisateur,
    type: EvenementSecurite.Type,
    auteur: Utilisateur | None = None,
    motif: str = "",
) -> EvenementSecurite:
    return EvenementSecurite.objects.create(
        utilisateur=utilisateur, auteur=auteur or utilisateur, type=type, motif=motif
    )


def second_facteur_verifier(*, utilisateur: Utilisateur, code: str) -> Device:
    """Return the confirmed device of the person that accepts this one-time code.

    Six digits are an authenticator code, anything else a backup code: trying a code on one
    kind only keeps a backup code from counting as a failed TOTP attempt. A device in its
    throttling delay (django-otp doubles it after each failure) refuses every code, the right
    one included. A TOTP code is accepted once (django-otp remembers the last time step used),
    a backup code is spent and its use traced. Raises ValidationError (French message) when
    the code is refused.
    """
    modele = TOTPDevice if len(code) == 6 and code.isdigit() else StaticDevice
    appareils = list(modele.objects.filter(user=utilisateur, confirmed=True))
    if any(not appareil.verify_is_allowed()[0] for appareil in appareils):
        raise ValidationError(MESSAGE_TROP_D_ESSAIS, code="trop_d_essais")
    # Not atomic: a failure must stay counted by the throttling when the code is refused.
    appareil = next((a for a in appareils if a.verify_token(code)), None)
    if appareil is None:
        raise ValidationError(
            _("Code incorrect ou expiré. Saisissez le code affiché en ce moment."),
            code="incorrect",
        )
    if isinstance(appareil, StaticDevice):
        evenement_securite_tracer(
            utilisateur=utilisateur, type=EvenementSecurite.Type.CODE_SECOURS_UTILISE
        )
    return appareil


def appareil_totp_en_attente(*, utilisateur: Utilisateur) -> TOTPDevice:
    """Return the unconfirmed TOTP device being set up, creating it on first call.

    The same pending device is reused so that reloading the page keeps the same QR code.
    """
    appareil = selectors.appareil_totp_en_attente(utilisateur=utilisateur)
    if appareil is None:
        appareil = TOTPDevice.objects.create(
            user=utilisateur, name=NOM_APPAREIL_TOTP, confirmed=False
        )
    return appareil


@transaction.atomic
def appareil_totp_confirmer(
    *, utilisateur: Utilisateur, appareil: TOTPDevice, code: str
) -> list[str] | None:
    """Confirm a pending TOTP device with a correct code; return fresh backup codes.

    Rule: a device becomes usable only after it produced a valid code. Confirming replaces every
    other TOTP device of the person and issues a new set of backup codes. Returns None (and
    changes nothing) when the code is wrong.
    """
    appareil = TOTPDevice.objects.select_for_update().get(
        pk=appareil.pk, user=utilisateur, confirmed=False
    )
    if not appareil.verify_token(code):
        return None
    remplace = TOTPDevice.objects.filter(user=utilisateur, confirmed=True).exists()
    TOTPDevice.objects.filter(user=utilisateur).exclude(pk=appareil.pk).delete()
    appareil.confirmed = True
    appareil.save(update_fields=["confirmed"])
    evenement_securite_tracer(
        utilisateur=utilisateur,
        type=(
            EvenementSecurite.Type.APPAREIL_REMPLACE
            if remplace
            else EvenementSecurite.Type.ENROLEMENT
        ),
    )
    return _codes_secours_creer(utilisateur=utilisateur)


@transaction.atomic
def codes_secours_regenerer(*, utilisateur: Utilisateur) -> list[str]:
    """Replace every backup code of the person by a new set; the old ones stop working."""
    codes = _codes_secours_creer(utilisateur=utilisateur)
    evenement_securite_tracer(utilisateur=utilisateur, type=EvenementSecurite.Type.CODES_REGENERES)
    return codes


def _codes_secours_creer(*, utilisateur: Utilisateur) -> list[str]:
    StaticDevice.objects.filter(user=utilisateur).delete()
    appareil = StaticDevice.objects.create(user=utilisateur, name=NOM_CODES_SECOURS, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.DEUX_FACTEURS_CODES_SECOURS)]
    StaticToken.objects.bulk_create(StaticToken(device=appareil, token=code) for code in codes)
    return codes


@transaction.atomic
def double_authentification_reinitialiser(
    *, utilisateur: Utilisateur, auteur: Utilisateur, motif: str
) -> None:
    """Remove every second factor of a person, who must enrol again at next login.

    Done by a superviseur for someone who lost their phone; traced with its reason, and the
    person is told by e-mail so that an unexpected reset does not go unnoticed.
    """
    TOTPDevice.objects.filter(user=utilisateur).delete()
    StaticDevice.objects.filter(user=utilisateur).delete()
    evenement_securite_tracer(
        utilisateur=utilisateur,
        auteur=auteur,
        type=EvenementSecurite.Type.REINITIALISATION,
        motif=motif,
    )
    courriel_programmer(
        destinataire=utilisateur.email,
        sujet="Votre double authentification a été réinitialisée",
        corps=(
            f"Bonjour {utilisateur.first_name},\n\n"
            "Un superviseur de la CPAM a réinitialisé la double authentification de votre "
            "compte Solidaires et partenaires. À votre prochaine connexion, vous configurerez "
            "de nouveau votre application d'authentification.\n\n"
            "Si vous n'êtes pas à l'origine de cette demande, prévenez votre CPAM "
            "sans attendre.\n\n"
            f"{adresse_absolue('portail:connexion')}\n"
        ),
    )


def courriel_programmer(*, destinataire: str, sujet: str, corps: str) -> Courriel:
    """Record an e-mail in the outbox and send it once the transaction is committed.

    If the broker is unreachable the row stays pending and the periodic sweep sends it later.
    """
    courriel = Courriel.objects.create(destinataire=destinataire, sujet=sujet, corps=corps)
    transaction.on_commit(lambda: _courriel_mettre_en_file(courriel.pk))
    return courriel


#: When the broker last refused a message in this process (time.monotonic()), if it has not
#: taken one since. For `BROKER_PAUSE_APRES_PANNE` seconds after that, e-mails go straight to
#: the outbox's sweep without trying: each try costs about a second (connect and one retry),
#: and a request that sends several e-mails must not wait that long for each.
_broker_en_panne_depuis: float | None = None


def _courriel_mettre_en_file(courriel_id: int) -> None:
    global _broker_en_panne_depuis
    from .tasks import courriel_envoyer

    if (
        _broker_en_panne_depuis is not None
        and time.monotonic() - _broker_en_panne_depuis < settings.BROKER_PAUSE_APRES_PANNE
    ):
        logger.warning(
            "Broker recently unavailable: e-mail %s left in the outbox for the sweep.",
            courriel_id,
        )
        return
    try:
        courriel_envoyer.delay(courriel_id)
    except BrokerIndisponible:
        _broker_en_panne_depuis = time.monotonic()
        logger.warning(
            "Broker unavailable: e-mail %s left in the outbox for the sweep.", courriel_id
        )
    else:
        _broker_en_panne_depuis = None


MAX_TENTATIVES_COURRIEL = 10


def courriel_html(*, sujet: str, corps: str) -> str:
    """The HTML part of an e-mail: its plain text (escaped, links made clickable) under the
    portal's header, so that every e-mail carries the same identity as the pages."""
    from django.template.loader import render_to_string

    return render_to_string(
        "portail/courriels/base.html",
        {"sujet": sujet, "corps": corps, "portail_url": settings.PORTAIL_URL},
    )


def courriel_envoyer_maintenant(*, courriel_id: int) -> bool:
    """Send one outbox e-mail if still pending; safe to call twice (sent once)."""
    from django.core.mail import send_mail

    with transaction.atomic():
        courriel = (
            Courriel.objects.select_for_update()
            .filter(pk=courriel_id, statut=Courriel.Statut.EN_ATTENTE)
            .first()
        )
        if courriel is None:
            return False
        courriel.tentatives += 1
        try:
            send_mail(
                courriel.sujet,
                courriel.corps,
                settings.DEFAULT_FROM_EMAIL,
                [courriel.destinataire],
                html_message=courriel_html(sujet=courriel.sujet, corps=courriel.corps),
            )
        except OSError:
            logger.warning(
                "Sending e-mail %s failed (attempt %s).", courriel.pk, courriel.tentatives
            )
            if courriel.tentatives >= MAX_TENTATIVES_COURRIEL:
                courriel.statut = Courriel.Statut.ECHEC
            courriel.save(update_fields=["tentatives", "statut"])
            return False
        courriel.statut = Courriel.Statut.ENVOYE
        courriel.envoye_le = timezone.now()
        courriel.save(update_fields=["tentatives", "statut", "envoye_le"])
        return True
