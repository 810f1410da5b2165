"""Sessions in the trainers' hands: scheduling, changes, cancellation, attendance."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conventions.models import Partenaire

from .. import selectors
from ..models import Inscription, PublicSession, Session
from . import courriels
from .inscriptions import places_prises, promouvoir, statut_recalculer, tracer, verrouiller

Etat = Inscription.Etat
Statut = Session.Statut
# What a trainer chooses; "complète" follows the places, "annulée" and "réalisée" their actions.
STATUTS_CHOISIS = (Statut.PLANIFIEE, Statut.OUVERTE)
# A change of these tells the people registered.
CHAMPS_PRATIQUES = ("debut", "fin", "mode", "lieu", "lien_visio")


def _publics_valider(publics: list[str]) -> list[str]:
    valides = {choix for choix, _libelle in Partenaire.Type.choices}
    publics = sorted(set(publics))
    if not publics:
        raise ValidationError(
            {"publics": _("Choisissez au moins un type de structure à qui la session s'adresse.")}
        )
    if not set(publics) <= valides:
        raise ValidationError({"publics": _("Type de structure inconnu.")})
    return publics


@transaction.atomic
def session_enregistrer(*, session: Session, publics: list[str], formateurs, auteur) -> Session:
    """Create or change a session (its fields already set on the instance).

    A trainer may keep it planned (invisible to partners) or open it. Once people hold a place
    or a waiting rank, the session keeps its campaign and programme (the "one session of a
    programme per campaign" rule rests on them), cannot go back to planned, and cannot have
    fewer places than people registered. More places go to the waiting list at once. A change
    of date, time or place is e-mailed to everyone registered. A cancelled or past session no
    longer changes.
    """
    publics = _publics_valider(publics)
    if session.statut not in STATUTS_CHOISIS + (Statut.COMPLETE,):
        raise ValidationError({"statut": _("Choisissez « Planifiée » ou « Ouverte ».")})
    ancienne = verrouiller(session) if session.pk else None
    if ancienne is not None:
        _verifier_modification(ancienne, session)
        if session.statut == Statut.COMPLETE:
            session.statut = Statut.OUVERTE  # recomputed below from the places
    session.full_clean()
    session.save()

    existants = set(session.publics.values_list("type", flat=True))
    session.publics.exclude(type__in=publics).delete()
    PublicSession.objects.bulk_create(
        PublicSession(session=session, type=type_) for type_ in publics if type_ not in existants
    )
    session.formateurs.set(formateurs)

    statut_recalculer(session)
    if ancienne is None:
        return session
    if session.capacite > ancienne.capacite and timezone.now() < session.debut:
        promouvoir(session, motif=_("Places ajoutées à la session"))
        statut_recalculer(session)
    if any(getattr(ancienne, champ) != getattr(session, champ) for champ in CHAMPS_PRATIQUES):
        for inscription in Inscription.objects.filter(
            session=session, etat__in=[Etat.INSCRIT, Etat.LISTE_ATTENTE]
        ).select_related("agent"):
            inscription.session = session
            courriels.session_modifiee(inscription)
            # New date: the reminders are due again.
            if ancienne.debut != session.debut:
                Inscription.objects.filter(pk=inscription.pk).update(
                    rappel_j7_le=None, rappel_j1_le=None
                )
    return session


def _verifier_modification(ancienne: Session, session: Session) -> None:
    if ancienne.statut in (Statut.ANNULEE, Statut.REALISEE):
        raise ValidationError(
            _("Une session %(statut)s ne se modifie plus.")
            % {"statut": ancienne.get_statut_display().lower()},
            code="figee",
        )
    actives = Inscription.objects.filter(session=ancienne, etat__in=Inscription.ACTIVES)
    if actives.exists():
        erreurs = {}
        if session.campagne_id != ancienne.campagne_id:
            erreurs["campagne"] = _(
                "Des agents sont inscrits : la session reste dans sa campagne. Annulez-la et "
                "créez-en une autre si besoin."
            )
        if session.programme_id != ancienne.programme_id:
            erreurs["programme"] = _(
                "Des agents sont inscrits : la session garde son programme. Annulez-la et "
                "créez-en une autre si besoin."
            )
        if session.statut == Statut.PLANIFIEE:
            erreurs["statut"] = _(
                "Des agents sont inscrits : la session ne peut plus redevenir planifiée. "
                "Annulez-la si elle n'a pas lieu."
            )
        if erreurs:
            raise ValidationError(erreurs)
    prises = places_prises(ancienne)
    if session.capacite is not None and session.capacite < prises:
        raise ValidationError(
            {
                "capacite": _(
                    "%(n)s personnes ont déjà une place : la session ne peut pas en compter moins."
                )
                % {"n": prises}
            }
        )


@transaction.atomic
def session_annuler(*, session: Session, auteur, motif: str) -> Session:
    """Cancel a session that has not started, with a reason.

    Every place and waiting rank is cancelled in the same transaction, and each person is told
    by e-mail with the other sessions of the campaign still open to their structure.
    """
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError(
            {"motif": _("Indiquez le motif : il est communiqué aux personnes inscrites.")}
        )
    session = verrouiller(session)
    if session.statut in (Statut.ANNULEE, Statut.REALISEE):
        raise ValidationError(
            _("Cette session est déjà %(statut)s.")
            % {"statut": session.get_statut_display().lower()},
            code="figee",
        )
    maintenant = timezone.now()
    if maintenant >= session.debut:
        raise ValidationError(
            _("La session a commencé : relevez les présences plutôt que de l'annuler."),
            code="commencee",
        )
    session.statut = Statut.ANNULEE
    session.motif_annulation = motif
    session.annulee_le = maintenant
    session.annulee_par = auteur
    session.save(update_fields=["statut", "motif_annulation", "annulee_le", "annulee_par"])

    autres = list(selectors.autres_sessions_de_la_campagne(session).prefetch_related("publics"))
    inscriptions = list(
        Inscription.objects.filter(
            session=session, etat__in=[Etat.INSCRIT, Etat.LISTE_ATTENTE]
        ).select_related("agent", "partenaire")
    )
    for inscription in inscriptions:
        de = inscription.etat
        inscription.session = session
        inscription.etat = Etat.ANNULE
        inscription.annulee_le = maintenant
        inscription.save(update_fields=["etat", "annulee_le"])
        tracer(inscription, de, auteur, _("Session annulée : %(motif)s") % {"motif": motif})
        ouvertes = [
            autre
            for autre in autres
            if inscription.partenaire.type in {public.type for public in autre.publics.all()}
        ]
        courriels.session_annulee(inscription, autres=ouvertes)
    return session


@transaction.atomic
def presences_enregistrer(*, session: Session, presences: dict[int, str], auteur) -> int:
    """Record who came to a session that has started; it becomes "réalisée".

    `presences` maps registration ids to "present" or "absent"; only people who held a place
    can be marked. Each change is traced. Returns the number of changes.
    """
    session = verrouiller(session)
    if session.statut == Statut.ANNULEE:
        raise ValidationError(_("Cette session est annulée."), code="annulee")
    if timezone.now() < session.debut:
        raise ValidationError(
            _("Les présences se relèvent une fois la session commencée."), code="pas_commencee"
        )
    if not set(presences.values()) <= {Etat.PRESENT, Etat.ABSENT}:
        raise ValidationError(_("Indiquez « Présent » ou « Absent »."), code="valeur")
    inscriptions = {
        inscription.pk: inscription
        for inscription in Inscription.objects.filter(
            session=session, etat__in=Inscription.OCCUPE_UNE_PLACE
        )
    }
    inconnues = set(presences) - set(inscriptions)
    if inconnues:
        raise ValidationError(
            _("Seules les personnes inscrites à la session peuvent être marquées présentes."),
            code="inconnue",
        )
    maintenant = timezone.now()
    changements = 0
    for pk, etat in presences.items():
        inscription = inscriptions[pk]
        if inscription.etat == etat:
            continue
        de = inscription.etat
        inscription.etat = etat
        inscription.presence_le = maintenant
        inscription.save(update_fields=["etat", "presence_le"])
        tracer(inscription, de, auteur)
        changements += 1
    if session.statut != Statut.REALISEE:
        session.statut = Statut.REALISEE
        Session.objects.filter(pk=session.pk).update(statut=Statut.REALISEE)
    return changements


def sessions_terminees_realiser() -> int:
    """Open or full sessions whose end has passed become "réalisée" (safe to run twice)."""
    return Session.objects.filter(
        statut__in=[Statut.OUVERTE, Statut.COMPLETE], fin__lte=timezone.now()
    ).update(statut=Statut.REALISEE)
