"""Read queries of the portal shell, shared by views and tasks."""

import logging

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Exists, OuterRef, Q
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import EvenementSecurite, Utilisateur

logger = logging.getLogger(__name__)


def securite_compte(*, utilisateur: Utilisateur) -> dict:
    """What the account security page shows: device, backup codes left, recent changes."""
    return {
        "appareil": TOTPDevice.objects.filter(user=utilisateur, confirmed=True).first(),
        "codes_restants": StaticToken.objects.filter(
            device__user=utilisateur, device__confirmed=True
        ).count(),
        "evenements": list(
            EvenementSecurite.objects.filter(utilisateur=utilisateur).select_related("auteur")[:10]
        ),
    }


def appareil_totp_en_attente(*, utilisateur: Utilisateur) -> TOTPDevice | None:
    """The authenticator being set up (unconfirmed), if the person started one."""
    return TOTPDevice.objects.filter(user=utilisateur, confirmed=False).order_by("-pk").first()


def etat_services() -> dict[str, str]:
    return {"base_de_donnees": _etat_base(), "broker": _etat_broker()}


def _etat_base() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: database unreachable.")
        return "indisponible"
    return "ok"


def _etat_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "non configuré"
    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
    except (redis.RedisError, OSError):
        logger.warning("Health check: broker unreachable.")
        return "indisponible"
    return "ok"


def comptes_reinitialisables():
    return Utilisateur.objects.filter(is_active=True)


def comptes_double_authentification(*, recherche: str = ""):
    """Active accounts annotated with whether a confirmed TOTP device exists (one query)."""
    comptes = comptes_reinitialisables().annotate(
        a_double_authentification=Exists(
            TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        )
    )
    for mot in recherche.split()[:4]:
        comptes = comptes.filter(
            Q(first_name__icontains=mot) | Q(last_name__icontains=mot) | Q(email__icontains=mot)
        )
    return comptes.order_by("last_name", "first_name", "pk")
