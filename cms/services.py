"""Writes with business rules for the reference content: flash info notifications, and the
registrations to rencontres (registering, unregistering, reminder, retention)."""

import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from conventions.models import Adhesion, Partenaire, Service
from conventions.selectors import acces_portail, convention_en_vigueur_q
from formations.services.courriels import quand
from formations.services.inscriptions import verrouiller_ligne
from portail.dates import date_longue, heure
from portail.liens import adresse_du_chemin
from portail.services import courriel_programmer

from .models import (
    EnvoiFlashInfo,
    FlashInfoPage,
    InscriptionRencontre,
    LectureFlashInfo,
    PreferencesNotification,
    RencontrePage,
)
from .selectors import structure_pour_rencontre

logger = logging.getLogger(__name__)

Preference = PreferencesNotification.FlashInfos
Mode = EnvoiFlashInfo.Mode

# The daily digest first catches up on flash infos published since this long ago, in case the
# broker was unreachable when they were published (notifying is idempotent).
RATTRAPAGE_NOTIFICATIONS = timedelta(hours=36)


def preference_flash_infos(utilisateur) -> str:
    """The person's choice, TOUTES when they never chose (reads `preferences` if selected)."""
    try:
        return utilisateur.preferences.flash_infos
    except PreferencesNotification.DoesNotExist:
        return Preference.TOUTES


def adhesions_ouvrant_les_contenus(aujourdhui=None, **structures):
    """Memberships through which a person may read the contents today: the access rule of
    `conventions.selectors.acces_portail` in SQL (active account and membership, started and
    not ended, in an active structure whose convention in force opens the contents).
    `structures` narrows the structures (`type__in=…`, `departement__in=…`)."""
    aujourdhui = aujourdhui or timezone.localdate()
    partenaires = Partenaire.objects.filter(
        convention_en_vigueur_q(aujourdhui, prefixe="conventions__"),
        conventions__ouvre_contenus=True,
        actif=True,
        **structures,
    )
    return Adhesion.objects.filter(
        Q(date_fin__isnull=True) | Q(date_fin__gt=aujourdhui),
        active=True,
        date_debut__lte=aujourdhui,
        utilisateur__is_active=True,
        partenaire__in=partenaires.values("pk"),
    )


def destinataires_flash_info(flash: FlashInfoPage, aujourdhui=None) -> list:
    """People who may read the contents through a structure the flash info aims at; each
    once, with their preferences selected (one query whatever the number of people)."""
    structures = {}
    if flash.types_partenaires:
        structures["type__in"] = flash.types_partenaires
    if flash.departements:
        structures["departement__in"] = flash.departements
    adhesions = (
        adhesions_ouvrant_les_contenus(aujourdhui, **structures)
        .select_related("partenaire", "utilisateur__preferences")
        .order_by("utilisateur_id")
    )
    personnes = {}
    for adhesion in adhesions:
        if flash.vise(adhesion.partenaire):
            personnes.setdefault(adhesion.utilisateur_id, adhesion.utilisateur)
    return list(personnes.values())


def flash_info_notifier(*, flash_info_id: int) -> int:
    """Notify the people a published flash info aims at, according to their preference.

    Important: an e-mail at once (TOUTES or IMPORTANTES). Normal: queued for the daily digest
    (TOUTES only). AUCUNE: nothing. One EnvoiFlashInfo row per person and flash info makes it
    idempotent: republishing, or running twice, sends nothing more. Returns the number of
    e-mails queued now.
    """
    flash = FlashInfoPage.objects.live().filter(pk=flash_info_id).first()
    if flash is None:
        return 0
    # Who already has a row for it (one query): a republication touches nobody again.
    deja = dict(
        EnvoiFlashInfo.objects.filter(flash_info=flash).values_list("utilisateur_id", "envoye_le")
    )
    envoyes, pour_le_resume, lien = 0, [], lien_absolu(flash)
    for utilisateur in destinataires_flash_info(flash):
        preference = preference_flash_infos(utilisateur)
        if preference == Preference.AUCUNE:
            continue
        if flash.importante:
            # Only a row still waiting for the digest may become an immediate e-mail.
            if utilisateur.pk not in deja or deja[utilisateur.pk] is None:
                envoyes += _envoi_immediat(flash, utilisateur, lien)
        elif preference == Preference.TOUTES and utilisateur.pk not in deja:
            pour_le_resume.append(
                EnvoiFlashInfo(utilisateur=utilisateur, flash_info=flash, mode=Mode.RESUME)
            )
    # A concurrent run may have inserted some rows: the unique constraint keeps one of each.
    EnvoiFlashInfo.objects.bulk_create(pour_le_resume, batch_size=500, ignore_conflicts=True)
    return envoyes


@transaction.atomic
def _envoi_immediat(flash: FlashInfoPage, utilisateur, lien: str) -> int:
    maintenant = timezone.now()
    envoi, cree = EnvoiFlashInfo.objects.get_or_create(
        utilisateur=utilisateur,
        flash_info=flash,
        defaults={"mode": EnvoiFlashInfo.Mode.IMMEDIAT, "envoye_le": maintenant},
    )
    if not cree:
        # Queued for the digest while it was normal, and made important since: send it now.
        # The conditional update is the lock: a concurrent run finds nothing to update.
        cree = EnvoiFlashInfo.objects.filter(
            pk=envoi.pk, mode=EnvoiFlashInfo.Mode.RESUME, envoye_le__isnull=True
        ).update(mode=EnvoiFlashInfo.Mode.IMMEDIAT, envoye_le=maintenant)
    if not cree:
        return 0
    contexte = {"prenom": utilisateur.first_name, "flash": flash, "lien": lien}
    courriel_programmer(
        destinataire=utilisateur.email,
        sujet=_sujet("cms/courriels/flash_info_immediat_sujet.txt", contexte),
        corps=render_to_string("cms/courriels/flash_info_immediat.txt", contexte),
    )
    return 1


def resume_quotidien_envoyer() -> int:
    """Send each person one e-mail listing the normal flash infos queued for them, and mark
    them sent in the same transaction (a second run sends nothing). Returns e-mails sent."""
    _notifications_rattraper()
    en_attente = (
        EnvoiFlashInfo.objects.filter(
            mode=EnvoiFlashInfo.Mode.RESUME,
            envoye_le__isnull=True,
            flash_info__live=True,
            # Access cut since (suspension, expiry, deactivation): nothing is sent; the rows
            # stay pending and go out if the access comes back.
            utilisateur__in=adhesions_ouvrant_les_contenus().values("utilisateur_id"),
        )
        .select_related("utilisateur__preferences", "flash_info")
        .order_by("utilisateur_id", "-flash_info__date", "-flash_info__first_published_at")
    )
    par_personne = defaultdict(list)
    for envoi in en_attente:
        # A person who chose fewer e-mails since keeps the rows: nothing is sent to them.
        if preference_flash_infos(envoi.utilisateur) == Preference.TOUTES:
            par_personne[envoi.utilisateur_id].append(envoi)
    return sum(_resume_envoyer(envois) for envois in par_personne.values())


@transaction.atomic
def _resume_envoyer(envois: list[EnvoiFlashInfo]) -> int:
    a_envoyer = set(
        EnvoiFlashInfo.objects.select_for_update()
        .filter(pk__in=[e.pk for e in envois], envoye_le__isnull=True)
        .values_list("pk", flat=True)
    )
    envois = [e for e in envois if e.pk in a_envoyer]
    if not envois:
        return 0
    utilisateur = envois[0].utilisateur
    contexte = {
        "prenom": utilisateur.first_name,
        "flashs": [{"flash": e.flash_info, "lien": lien_absolu(e.flash_info)} for e in envois],
        "nombre": len(envois),
    }
    courriel_programmer(
        destinataire=utilisateur.email,
        sujet=_sujet("cms/courriels/resume_quotidien_sujet.txt", contexte),
        corps=render_to_string("cms/courriels/resume_quotidien.txt", contexte),
    )
    EnvoiFlashInfo.objects.filter(pk__in=a_envoyer).update(envoye_le=timezone.now())
    return 1


def _notifications_rattraper() -> None:
    recentes = FlashInfoPage.objects.live().filter(
        last_published_at__gte=timezone.now() - RATTRAPAGE_NOTIFICATIONS
    )
    for pk in recentes.values_list("pk", flat=True):
        flash_info_notifier(flash_info_id=pk)


def flash_info_marquer_lue(*, utilisateur, flash_info: FlashInfoPage) -> None:
    """A person opened an important flash info: it is no longer pinned for them (once, however
    many times they open it)."""
    LectureFlashInfo.objects.get_or_create(utilisateur=utilisateur, flash_info=flash_info)


def lien_absolu(page) -> str:
    return adresse_du_chemin(page.get_url())


def _sujet(gabarit: str, contexte: dict) -> str:
    return " ".join(render_to_string(gabarit, contexte).split())


# Rencontres: registration, unregistration, reminder ---------------------------------------------
#
# The same guarantees as training sessions (formations.services.inscriptions): the rencontre's
# row is locked (`verrouiller_ligne`, the one capacity rule of the portal) before its places
# are counted, so that two registrations arriving together never exceed the capacity; the
# database refuses a second row for the same person. No waiting list: full is full.

DELAI_RAPPEL_RENCONTRE = timedelta(days=1)


def quand_rencontre(rencontre) -> str:
    """« mardi 9 mars 2027, de 09:30 à 12:30 » (as for trainings), or the start alone."""
    if rencontre.fin:
        return quand(rencontre)
    with translation.override(settings.LANGUAGE_CODE):
        return _("%(jour)s à %(heure)s") % {
            "jour": date_longue(rencontre.debut),
            "heure": heure(rencontre.debut),
        }


def _courriel_rencontre(inscription, sujet: str, introduction: str, avec_lien: bool) -> None:
    """An e-mail to the registered person only, naming nobody else (like trainings')."""
    rencontre, agent = inscription.rencontre, inscription.agent
    if rencontre.lien and avec_lien:
        ou = _("En ligne. Lien de connexion : %(lien)s") % {"lien": rencontre.lien}
    elif rencontre.lien:
        ou = _("En ligne (le lien est communiqué aux personnes inscrites).")
    else:
        ou = _("Lieu : %(lieu)s") % {"lieu": rencontre.lieu}
    paragraphes = [
        _("Bonjour %(prenom)s,") % {"prenom": agent.first_name} if agent.first_name else "",
        introduction,
        "\n".join([f"« {rencontre.title} »", quand_rencontre(rencontre), ou]),
        _("Le détail de la rencontre et le fichier pour votre agenda : %(url)s")
        % {"url": lien_absolu(rencontre)},
    ]
    courriel_programmer(
        destinataire=agent.email,
        sujet=sujet,
        corps="\n\n".join(p for p in paragraphes if p) + "\n",
    )


@transaction.atomic
def rencontre_inscrire(*, rencontre, agent):
    """Register a partner agent to a rencontre aimed at one of their structures, while there
    is a place and before it starts. Refusals are ValidationErrors in French."""
    Etat = InscriptionRencontre.Etat
    acces = acces_portail(agent, Service.CONTENUS)
    if not acces.autorise or not acces.partenaires:
        raise ValidationError(
            _(
                "Les inscriptions aux rencontres sont réservées aux agents des structures "
                "partenaires."
            ),
            code="acces",
        )
    structure = structure_pour_rencontre(rencontre, acces)
    if structure is None:
        raise ValidationError(
            _("Cette rencontre est réservée à d'autres structures que la vôtre (%(public)s).")
            % {"public": rencontre.public},
            code="public",
        )
    rencontre = verrouiller_ligne(RencontrePage.objects.live(), rencontre.pk)
    if rencontre.capacite is None:
        raise ValidationError(
            _("Cette rencontre ne prend pas d'inscription sur le portail."), code="sans_inscription"
        )
    maintenant = timezone.now()
    if maintenant >= rencontre.debut:
        raise ValidationError(
            _("La rencontre a commencé : les inscriptions sont closes."), code="close"
        )
    inscription = InscriptionRencontre.objects.filter(rencontre=rencontre, agent=agent).first()
    if inscription is not None and inscription.etat == Etat.INSCRIT:
        raise ValidationError(
            _("Votre inscription à cette rencontre est déjà enregistrée."), code="deja"
        )
    prises = InscriptionRencontre.objects.filter(rencontre=rencontre, etat=Etat.INSCRIT).count()
    if prises >= rencontre.capacite:
        raise ValidationError(
            _("La rencontre est complète : il ne reste plus de place."), code="complete"
        )
    inscription = inscription or InscriptionRencontre(rencontre=rencontre, agent=agent)
    inscription.partenaire = structure
    inscription.etat = Etat.INSCRIT
    inscription.inscrit_le = maintenant
    inscription.annulee_le = None
    # Registered the day before: the confirmation is the reminder.
    inscription.rappel_le = (
        maintenant if rencontre.debut - maintenant <= DELAI_RAPPEL_RENCONTRE else None
    )
    try:
        with transaction.atomic():
            inscription.save()
    except IntegrityError as erreur:
        # The same person registering twice at once: the other request won.
        raise ValidationError(
            _("Votre inscription à cette rencontre est déjà enregistrée."), code="deja"
        ) from erreur
    _courriel_rencontre(
        inscription,
        _("Inscription confirmée : %(titre)s") % {"titre": rencontre.title},
        _("Votre inscription à la rencontre est confirmée :"),
        avec_lien=True,
    )
    return inscription


@transaction.atomic
def rencontre_desinscrire(*, inscription, auteur):
    """The person cancels their own registration before the rencontre starts; the place is
    free at once."""
    if auteur.pk != inscription.agent_id:
        raise ValidationError(_("Vous ne pouvez pas annuler cette inscription."), code="droit")
    rencontre = verrouiller_ligne(RencontrePage.objects.all(), inscription.rencontre_id)
    inscription = InscriptionRencontre.objects.select_related("agent").get(pk=inscription.pk)
    inscription.rencontre = rencontre
    if inscription.etat != InscriptionRencontre.Etat.INSCRIT:
        raise ValidationError(_("Cette inscription est déjà annulée."), code="etat")
    if timezone.now() >= rencontre.debut:
        raise ValidationError(
            _("La rencontre a commencé : l'inscription ne peut plus être annulée."),
            code="commencee",
        )
    inscription.etat = InscriptionRencontre.Etat.ANNULE
    inscription.annulee_le = timezone.now()
    inscription.save(update_fields=["etat", "annulee_le"])
    _courriel_rencontre(
        inscription,
        _("Inscription annulée : %(titre)s") % {"titre": rencontre.title},
        _("Votre inscription à la rencontre est annulée :"),
        avec_lien=False,
    )
    return inscription


def rencontres_rappels_envoyer(*, maintenant=None) -> int:
    """E-mail each registered person the day before their rencontre, once: the reminder is
    stamped by a conditional update in the same transaction as its e-mail is recorded, so a
    second sweep (or two at once) finds nothing left to send."""
    maintenant = maintenant or timezone.now()
    a_rappeler = (
        InscriptionRencontre.objects.filter(
            etat=InscriptionRencontre.Etat.INSCRIT,
            rappel_le__isnull=True,
            rencontre__live=True,
            rencontre__debut__gt=maintenant,
            rencontre__debut__lte=maintenant + DELAI_RAPPEL_RENCONTRE,
        )
        .select_related("agent", "rencontre")
        .order_by("rencontre__debut", "pk")
    )
    envoyes = 0
    for inscription in a_rappeler:
        with transaction.atomic():
            if not InscriptionRencontre.objects.filter(
                pk=inscription.pk, etat=InscriptionRencontre.Etat.INSCRIT, rappel_le__isnull=True
            ).update(rappel_le=maintenant):
                continue  # another sweep got there first
            _courriel_rencontre(
                inscription,
                _("Rappel : rencontre « %(titre)s » demain")
                % {"titre": inscription.rencontre.title},
                _("Votre rencontre a lieu demain :"),
                avec_lien=True,
            )
            envoyes += 1
    return envoyes


@transaction.atomic
def rencontres_inscriptions_purger(*, instant=None) -> int:
    """Registrations to rencontres held more than FORMATIONS_CONSERVATION_MOIS ago are deleted
    (the same period as training registrations; a rencontre keeps no figures)."""
    from portail.retention import mois_en_jours

    instant = instant or timezone.now()
    limite = instant - mois_en_jours(settings.FORMATIONS_CONSERVATION_MOIS)
    supprimees, _detail = InscriptionRencontre.objects.filter(rencontre__debut__lt=limite).delete()
    return supprimees
