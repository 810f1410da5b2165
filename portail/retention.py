"""Retention of the personal data the portal itself holds (outbox e-mails, security events,
login attempts, access journal), and the periods the "Données personnelles" page publishes.

The page reads every period from `durees_conservation()`, which reads the settings that the
nightly purges use: what is published is what is applied.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Courriel, EntreeJournal, EvenementSecurite

logger = logging.getLogger(__name__)


def _jours(nombre: int) -> str:
    return ngettext("%(n)s jour", "%(n)s jours", nombre) % {"n": nombre}


def _heures(nombre: int) -> str:
    return ngettext("%(n)s heure", "%(n)s heures", nombre) % {"n": nombre}


def _mois(nombre: int) -> str:
    return _("%(n)s mois") % {"n": nombre}


def duree_journal() -> str:
    return _jours(settings.JOURNAL_CONSERVATION_JOURS)


@dataclass(frozen=True)
class DureeConservation:
    donnees: str
    duree: str


def durees_conservation() -> list[DureeConservation]:
    """Every kind of personal data and how long it is kept, in the words of the register,
    computed from the settings the purges apply."""
    s = settings
    return [
        DureeConservation(
            _("Demandes : données de l'assuré, messages et pièces jointes"),
            _(
                "anonymisées %(duree)s après la clôture de la demande ; seules des statistiques "
                "anonymes sont conservées"
            )
            % {"duree": _mois(s.DEMANDES_CONSERVATION_MOIS)},
        ),
        DureeConservation(
            _("Demandes en attente d'informations du partenaire"),
            _(
                "clôturées sans suite %(duree)s après le dernier message sans réponse, après un "
                "préavis de %(preavis)s, puis anonymisées comme toute demande clôturée"
            )
            % {
                "duree": _jours(s.DEMANDES_CLOTURE_SANS_REPONSE_JOURS),
                "preavis": _jours(s.DEMANDES_PREAVIS_CLOTURE_JOURS),
            },
        ),
        DureeConservation(
            _("Demandes nouvelles ou en cours restées sans aucun message"),
            _(
                "clôturées sans suite %(duree)s après le dernier message, après un préavis de "
                "%(preavis)s, puis anonymisées comme toute demande clôturée"
            )
            % {
                "duree": _jours(s.DEMANDES_CLOTURE_INACTIVITE_JOURS),
                "preavis": _jours(s.DEMANDES_PREAVIS_CLOTURE_JOURS),
            },
        ),
        DureeConservation(
            _("Brouillons de réponse des experts de la CPAM"),
            _(
                "supprimés à l'envoi de la réponse, ou au plus tard la nuit suivant la clôture "
                "de la demande"
            ),
        ),
        DureeConservation(
            _("Fichiers déposés dans un formulaire de demande jamais envoyé"),
            _("supprimés après %(duree)s")
            % {"duree": _heures(s.DEMANDES_PIECES_ORPHELINES_HEURES)},
        ),
        DureeConservation(
            _("Journal des accès"),
            duree_journal(),
        ),
        DureeConservation(
            _("Événements de sécurité des comptes (double authentification, mot de passe)"),
            _jours(s.EVENEMENTS_SECURITE_CONSERVATION_JOURS),
        ),
        DureeConservation(
            _("Tentatives de connexion (adresse IP, identifiant saisi, navigateur)"),
            _jours(s.TENTATIVES_CONNEXION_CONSERVATION_JOURS),
        ),
        DureeConservation(
            _("Sessions de connexion"),
            _(
                "fermées après %(inactivite)s minutes d'inactivité et au plus tard après "
                "%(absolue)s, supprimées la nuit suivante"
            )
            % {
                "inactivite": s.SESSION_COOKIE_AGE // 60,
                "absolue": _heures(int(s.SESSION_DUREE_ABSOLUE.total_seconds() // 3600)),
            },
        ),
        DureeConservation(
            _("Courriels envoyés par le portail (adresse et prénom du destinataire)"),
            _jours(s.COURRIELS_CONSERVATION_JOURS),
        ),
        DureeConservation(
            _("Invitations à rejoindre une structure (adresse e-mail de la personne invitée)"),
            _("supprimées %(duree)s après leur utilisation ou leur expiration")
            % {"duree": _jours(s.INVITATIONS_CONSERVATION_JOURS)},
        ),
        DureeConservation(
            _("Demandes pour devenir partenaire : coordonnées du contact et message"),
            _(
                "effacés %(duree)s après la réponse de la CPAM (ou la réception, sans réponse) ; "
                "la structure et la suite donnée sont conservées"
            )
            % {"duree": _mois(s.DEMANDES_ADHESION_CONSERVATION_MOIS)},
        ),
        DureeConservation(
            _("Inscriptions aux formations"),
            _(
                "détachées de la personne %(duree)s après la fin de la session ; seuls les "
                "effectifs par session et par structure sont conservés"
            )
            % {"duree": _mois(s.FORMATIONS_CONSERVATION_MOIS)},
        ),
        DureeConservation(
            _("Inscriptions aux rencontres"),
            _("effacées %(duree)s après la rencontre")
            % {"duree": _mois(s.FORMATIONS_CONSERVATION_MOIS)},
        ),
        DureeConservation(
            _("Comptes des utilisateurs"),
            _(
                "tant que la personne a un rôle sur le portail ; un compte désactivé n'a plus "
                "aucun accès"
            ),
        ),
    ]


def mois_en_jours(mois: int) -> timedelta:
    """A number of months as a duration (a month is a twelfth of a 365-day year)."""
    return timedelta(days=round(mois * 365 / 12))


# Purges --------------------------------------------------------------------------------------


def journal_purger(*, instant=None) -> int:
    """Access journal rows older than JOURNAL_CONSERVATION_JOURS."""
    instant = instant or timezone.now()
    limite = instant - timedelta(days=settings.JOURNAL_CONSERVATION_JOURS)
    return EntreeJournal.objects.purger_avant(limite)


def courriels_purger(*, instant=None) -> int:
    """Outbox e-mails older than COURRIELS_CONSERVATION_JOURS, whatever their state (one still
    pending after that long will not be sent any more)."""
    instant = instant or timezone.now()
    limite = instant - timedelta(days=settings.COURRIELS_CONSERVATION_JOURS)
    return Courriel.objects.filter(cree_le__lt=limite).delete()[0]


def evenements_securite_purger(*, instant=None) -> int:
    """Security events of accounts older than EVENEMENTS_SECURITE_CONSERVATION_JOURS."""
    instant = instant or timezone.now()
    limite = instant - timedelta(days=settings.EVENEMENTS_SECURITE_CONSERVATION_JOURS)
    return EvenementSecurite.objects.filter(date__lt=limite).delete()[0]


def tentatives_connexion_purger(*, instant=None) -> int:
    """Login attempts, failures and access records of django-axes older than
    TENTATIVES_CONNEXION_CONSERVATION_JOURS (the lockout itself needs minutes)."""
    instant = instant or timezone.now()
    limite = instant - timedelta(days=settings.TENTATIVES_CONNEXION_CONSERVATION_JOURS)
    return sum(
        modele.objects.filter(attempt_time__lt=limite).delete()[0]
        for modele in (AccessAttempt, AccessFailureLog, AccessLog)
    )


def retention_appliquer(*, instant=None) -> dict[str, int]:
    """The portal's nightly purge (the access journal has its own task)."""
    instant = instant or timezone.now()
    bilan = {
        "courriels": courriels_purger(instant=instant),
        "evenements_securite": evenements_securite_purger(instant=instant),
        "tentatives_connexion": tentatives_connexion_purger(instant=instant),
    }
    logger.info("Portal retention: %s.", bilan)
    return bilan
