"""Registrations: a place while there is one, else the waiting list; cancellation promotes.

Every write locks the session row first (`select_for_update`), then counts its places: two
registrations arriving together are served one after the other, so a session never goes over
its capacity. The same lock order everywhere (session, then its registrations) avoids deadlocks.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conventions.models import Partenaire, Service
from conventions.selectors import acces_portail, partenaires_geres
from portail.dates import date_courte
from portail.roles import est_personnel_cpam

from ..models import EvenementInscription, Inscription, Session
from . import courriels

Etat = Inscription.Etat
Statut = Session.Statut
DELAI_RAPPEL_J7 = timedelta(days=7)


# Shared with the session services ---------------------------------------------------------------


def verrouiller_ligne(queryset, pk):
    """The row of an event that has places (a training session, a rencontre), locked until
    the end of the transaction: THE capacity guarantee of every registration. Whoever counts
    the places and then writes does it under this lock, so two registrations arriving together
    are served one after the other. A no-op on SQLite, which serialises writers anyway."""
    # of=self: lock the event only, not the rows joined for reading.
    return queryset.select_for_update(of=("self",)).get(pk=pk)


def verrouiller(session: Session) -> Session:
    """The session row, locked (see `verrouiller_ligne`)."""
    return verrouiller_ligne(Session.objects.select_related("programme", "campagne"), session.pk)


def places_prises(session: Session) -> int:
    return Inscription.objects.filter(
        session=session, etat__in=Inscription.OCCUPE_UNE_PLACE
    ).count()


def tracer(inscription: Inscription, de: str, auteur, motif: str = "") -> None:
    EvenementInscription.objects.create(
        inscription=inscription, de=de, vers=inscription.etat, auteur=auteur, motif=motif
    )


def statut_recalculer(session: Session) -> None:
    """An open session becomes full at its last place, and open again when one frees."""
    if session.statut not in (Statut.OUVERTE, Statut.COMPLETE):
        return
    statut = Statut.COMPLETE if places_prises(session) >= session.capacite else Statut.OUVERTE
    if statut != session.statut:
        session.statut = statut
        # update(): the session's content did not change (its LAST-MODIFIED stays).
        Session.objects.filter(pk=session.pk).update(statut=statut)


def promouvoir(session: Session, *, motif: str) -> list[Inscription]:
    """Give the free places of a locked session to the waiting list, first come first served,
    and tell each person promoted."""
    libres = session.capacite - places_prises(session)
    if libres <= 0:
        return []
    promues = list(
        Inscription.objects.filter(session=session, etat=Etat.LISTE_ATTENTE)
        .select_related("agent")
        .order_by("demandee_le", "pk")[:libres]
    )
    maintenant = timezone.now()
    for inscription in promues:
        inscription.session = session
        inscription.etat = Etat.INSCRIT
        inscription.inscrit_le = maintenant
        champs = ["etat", "inscrit_le"]
        if session.debut - maintenant <= DELAI_RAPPEL_J7:
            # This e-mail gives the details: the 7-day reminder would repeat it.
            inscription.rappel_j7_le = maintenant
            champs.append("rappel_j7_le")
        inscription.save(update_fields=champs)
        tracer(inscription, Etat.LISTE_ATTENTE, None, motif)
        courriels.place_attribuee(inscription)
    return promues


# Registering ------------------------------------------------------------------------------------


def _structure_eligible(agent, session: Session, partenaire: Partenaire | None) -> Partenaire:
    """The structure through which the agent registers: one of theirs whose convention is in
    force and opens trainings, and whose type the session is meant for."""
    acces = acces_portail(agent, Service.FORMATIONS)
    if not acces.autorise or not acces.partenaires:
        raise ValidationError(
            _("Inscription impossible : %(motif)s.")
            % {
                "motif": (
                    acces.titre.lower()
                    if acces.motif
                    else _("les formations sont réservées aux agents des structures partenaires")
                )
            },
            code="acces",
        )
    publics = set(session.publics.values_list("type", flat=True))
    eligibles = [p for p in acces.partenaires if p.type in publics]
    if partenaire is not None:
        eligibles = [p for p in eligibles if p.pk == partenaire.pk]
    if not eligibles:
        libelles = sorted(str(Partenaire.Type(t).label) for t in publics)
        raise ValidationError(
            _("Cette session est réservée aux structures suivantes : %(publics)s.")
            % {"publics": ", ".join(libelles) or _("aucune")},
            code="public",
        )
    return eligibles[0]


def _verifier_inscriptions_ouvertes(session: Session) -> None:
    if session.statut == Statut.ANNULEE:
        raise ValidationError(_("Cette session est annulée."), code="annulee")
    if session.statut not in (Statut.OUVERTE, Statut.COMPLETE):
        raise ValidationError(_("Cette session n'est pas ouverte aux inscriptions."), code="fermee")
    maintenant = timezone.now()
    if maintenant >= session.cloture_le:
        raise ValidationError(
            _(
                "Les inscriptions à cette session sont closes : elles ferment 24 heures avant "
                "le début."
            ),
            code="close",
        )
    campagne = session.campagne
    aujourdhui = timezone.localdate()
    if aujourdhui < campagne.ouverture_inscriptions:
        raise ValidationError(
            _("Les inscriptions de la campagne %(campagne)s ouvrent le %(date)s.")
            % {"campagne": campagne, "date": date_courte(campagne.ouverture_inscriptions)},
            code="pas_encore",
        )
    if aujourdhui > campagne.cloture_inscriptions:
        raise ValidationError(
            _("Les inscriptions de la campagne %(campagne)s sont closes depuis le %(date)s.")
            % {"campagne": campagne, "date": date_courte(campagne.cloture_inscriptions)},
            code="campagne_close",
        )


def _message_doublon(agent, soi: bool) -> str:
    if soi:
        return _(
            "Vous avez déjà une inscription (ou une place en liste d'attente) à une session de "
            "ce programme pendant la campagne : annulez-la d'abord pour changer de session."
        )
    return _(
        "%(nom)s a déjà une inscription (ou une place en liste d'attente) à une session de ce "
        "programme pendant la campagne."
    ) % {"nom": agent.get_full_name() or agent.email}


@transaction.atomic
def inscription_creer(
    *, session: Session, agent, auteur, partenaire: Partenaire | None = None
) -> Inscription:
    """Register an agent to a session: a place while one is left, else the waiting list.

    Rules: the agent belongs to a structure whose convention in force opens trainings and whose
    type the session is meant for (a référent registers only agents of a structure they
    manage); the session is open or full, its campaign's registration window is open, and it
    starts in more than 24 hours; the agent holds no other registration (place or waiting rank)
    to the same programme in the same campaign. Places are counted under the session lock.
    """
    soi = auteur.pk == agent.pk
    if not soi and (
        partenaire is None or not partenaires_geres(auteur).filter(pk=partenaire.pk).exists()
    ):
        raise ValidationError(
            _("Vous ne pouvez inscrire que les agents d'une structure dont vous êtes référent."),
            code="non_referent",
        )
    structure = _structure_eligible(agent, session, partenaire)
    session = verrouiller(session)
    _verifier_inscriptions_ouvertes(session)

    inscription = Inscription.objects.filter(session=session, agent=agent).first()
    if inscription is not None and inscription.etat != Etat.ANNULE:
        if soi:
            message = _("Vous avez déjà une inscription à cette session (%(etat)s).")
        else:
            message = _("%(nom)s a déjà une inscription à cette session (%(etat)s).")
        raise ValidationError(
            message
            % {
                "nom": agent.get_full_name() or agent.email,
                "etat": inscription.get_etat_display().lower(),
            },
            code="deja_inscrit",
        )
    if (
        Inscription.objects.filter(
            agent=agent,
            campagne_id=session.campagne_id,
            programme_id=session.programme_id,
            etat__in=Inscription.ACTIVES,
        )
        .exclude(session=session)
        .exists()
    ):
        raise ValidationError(_message_doublon(agent, soi), code="doublon")

    maintenant = timezone.now()
    etat = Etat.INSCRIT if places_prises(session) < session.capacite else Etat.LISTE_ATTENTE
    de = inscription.etat if inscription is not None else ""
    inscription = inscription or Inscription(session=session, agent=agent)
    inscription.session = session
    inscription.partenaire = structure
    inscription.campagne_id = session.campagne_id
    inscription.programme_id = session.programme_id
    inscription.etat = etat
    inscription.inscrit_par = auteur
    inscription.demandee_le = maintenant
    inscription.inscrit_le = maintenant if etat == Etat.INSCRIT else None
    inscription.annulee_le = None
    inscription.presence_le = None
    inscription.rappel_j1_le = None
    # The confirmation gives the details: within a week the 7-day reminder would repeat it.
    inscription.rappel_j7_le = (
        maintenant
        if etat == Etat.INSCRIT and session.debut - maintenant <= DELAI_RAPPEL_J7
        else None
    )
    try:
        with transaction.atomic():
            inscription.save()
    except IntegrityError as erreur:
        # Another registration of the same agent to the same programme won the race.
        raise ValidationError(_message_doublon(agent, soi), code="doublon") from erreur
    tracer(inscription, de, auteur, "" if soi else _("Inscription par le référent"))
    statut_recalculer(session)

    if etat == Etat.INSCRIT:
        courriels.inscription_confirmee(inscription, par_referent=not soi)
    else:
        rang = Inscription.objects.filter(
            session=session, etat=Etat.LISTE_ATTENTE, demandee_le__lte=maintenant
        ).count()
        courriels.liste_attente(inscription, rang=rang, par_referent=not soi)
    return inscription


# Cancelling -------------------------------------------------------------------------------------


def peut_gerer(auteur, inscription: Inscription) -> bool:
    """The agent themselves, a référent of the structure, or CPAM staff who change
    registrations (trainers)."""
    if auteur.pk == inscription.agent_id:
        return True
    if est_personnel_cpam(auteur) and auteur.has_perm("formations.change_inscription"):
        return True
    return partenaires_geres(auteur).filter(pk=inscription.partenaire_id).exists()


@transaction.atomic
def inscription_annuler(*, inscription: Inscription, auteur) -> Inscription:
    """Cancel a place or a waiting rank, before the session starts.

    A freed place goes at once to the first person on the waiting list, who is told by e-mail,
    as long as registration is open (until 24 hours before the start): after that the list
    given to the trainer no longer changes by itself.
    """
    if not peut_gerer(auteur, inscription):
        raise ValidationError(_("Vous ne pouvez pas annuler cette inscription."), code="droit")
    session = verrouiller(inscription.session)
    inscription = Inscription.objects.select_related("agent").get(pk=inscription.pk)
    inscription.session = session
    if inscription.etat not in (Etat.INSCRIT, Etat.LISTE_ATTENTE):
        raise ValidationError(
            _("Cette inscription ne peut plus être annulée (%(etat)s).")
            % {"etat": inscription.get_etat_display().lower()},
            code="etat",
        )
    maintenant = timezone.now()
    if maintenant >= session.debut:
        raise ValidationError(
            _("La session a commencé : l'inscription ne peut plus être annulée."),
            code="commencee",
        )
    de = inscription.etat
    inscription.etat = Etat.ANNULE
    inscription.annulee_le = maintenant
    inscription.save(update_fields=["etat", "annulee_le"])
    if auteur.pk == inscription.agent_id:
        par, motif = "agent", ""
    elif est_personnel_cpam(auteur):
        par, motif = "cpam", _("Annulation par la CPAM")
    else:
        par, motif = "referent", _("Annulation par le référent")
    tracer(inscription, de, auteur, motif)
    courriels.inscription_annulee(inscription, par=par)
    if de == Etat.INSCRIT and maintenant < session.cloture_le:
        promouvoir(session, motif=_("Place libérée par une annulation"))
    statut_recalculer(session)
    return inscription
