# ruff: noqa: E501 (tables of demo data read better one row per line)
"""Demo data of trainings: three programmes, the current and the next campaigns, six sessions
(one full with a waiting list, one past with attendance recorded, one planned, the others open)
and registrations of the demo agents.

Called by `seed_demo` after the conventions. Idempotent (campaigns by year and half, programmes
by code, sessions by campaign and title, registrations by session and agent) and quiet: rows are
written directly rather than through the services, so that seeding sends no e-mail. Dates are
relative to the day of the first seeding; a later run finds the sessions and creates nothing.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from conventions.models import Adhesion, Partenaire
from portail import roles

from .models import (
    Campagne,
    EvenementInscription,
    Inscription,
    Programme,
    PublicSession,
    Session,
)
from .services.inscriptions import statut_recalculer

Etat = Inscription.Etat
Statut = Session.Statut
FS = Partenaire.Type.FRANCE_SERVICES

PROGRAMMES = [
    (
        "css-instruction",
        "Complémentaire santé solidaire : accompagner une demande",
        "Les conditions de ressources et la composition du foyer, les pièces à réunir, la demande en ligne pas à pas, le suivi du dossier et les erreurs qui retardent l'ouverture des droits.",
    ),
    (
        "droits-puma",
        "Ouverture des droits : PUMa, carte Vitale et changements de situation",
        "Qui ouvre des droits et à quel titre, l'affiliation d'un nouvel arrivant, la carte Vitale et l'application carte Vitale, les changements de situation à signaler.",
    ),
    (
        "compte-ameli",
        "Le compte ameli et les démarches en ligne",
        "Créer un compte ameli avec l'assuré, les démarches les plus utiles, la messagerie du compte, les attestations téléchargeables et l'accompagnement des personnes éloignées du numérique.",
    ),
]

LIEU_TOURS = "CPAM d'Indre-et-Loire, salle Loire, 36 rue Édouard Vaillant, 37000 Tours"
LIEU_BLOIS = "CPAM de Loir-et-Cher, salle de formation, 6 rue Louis Armand, 41000 Blois"
VISIO = "https://visio.cpam.example/formation-partenaires-ameli"

# (campaign: 0 current, 1 next), programme, title, days from today, start hour, hours long,
# mode, place or link, places, status, audience
SESSIONS = [
    (
        0,
        "css-instruction",
        "Complémentaire santé solidaire — Tours",
        -21,
        9,
        3,
        "presentiel",
        LIEU_TOURS,
        10,
        Statut.REALISEE,
        [FS],
    ),
    (
        0,
        "droits-puma",
        "Ouverture des droits — Tours",
        10,
        9,
        3,
        "presentiel",
        LIEU_TOURS,
        12,
        Statut.OUVERTE,
        [FS, Partenaire.Type.CCAS_CIAS],
    ),
    (
        0,
        "css-instruction",
        "Complémentaire santé solidaire — Blois",
        15,
        14,
        3,
        "presentiel",
        LIEU_BLOIS,
        3,
        Statut.COMPLETE,
        [FS],
    ),
    (
        0,
        "compte-ameli",
        "Le compte ameli — à distance",
        30,
        10,
        2,
        "distanciel",
        VISIO,
        20,
        Statut.OUVERTE,
        [FS, Partenaire.Type.CCAS_CIAS, Partenaire.Type.ASSOCIATION],
    ),
    (
        1,
        "droits-puma",
        "Ouverture des droits — Blois",
        None,
        9,
        3,
        "presentiel",
        LIEU_BLOIS,
        12,
        Statut.OUVERTE,
        [FS],
    ),
    (
        1,
        "css-instruction",
        "Complémentaire santé solidaire — à distance",
        None,
        14,
        2,
        "distanciel",
        VISIO,
        15,
        Statut.PLANIFIEE,
        [FS],
    ),
]


def creer(comptes: dict) -> None:
    formateur = comptes.get(roles.FORMATEUR)
    programmes = {
        code: _programme(code, intitule, objectifs) for code, intitule, objectifs in PROGRAMMES
    }
    campagnes = _campagnes()
    agents = _agents_demo(comptes)

    sessions = []
    for rang, ligne in enumerate(SESSIONS):
        sessions.append(_session(rang, ligne, campagnes, programmes, formateur))
    passee, tours, complete, distance, _suivante, _planifiee = sessions

    # The past session: the demo agent present (a certificate to download), one absent.
    _inscrire(passee, agents[:4], etats=[Etat.PRESENT, Etat.PRESENT, Etat.ABSENT, Etat.PRESENT])
    # The demo agent's next training (the home page shows it).
    _inscrire(tours, agents[:1] + agents[4:6])
    # Full: every place taken, two people waiting (the demo référent among them).
    _inscrire(complete, agents[4:9], capacite=complete.capacite)
    _inscrire(distance, agents[1:3])
    for session in sessions:
        statut_recalculer(session)


def _programme(code: str, intitule: str, objectifs: str) -> Programme:
    programme, _ = Programme.objects.get_or_create(
        code=code, defaults={"intitule": intitule, "objectifs": objectifs}
    )
    return programme


def _debut_semestre(annee: int, semestre: int) -> date:
    return date(annee, 1 if semestre == 1 else 7, 1)


def _campagnes() -> list[Campagne]:
    aujourdhui = timezone.localdate()
    actuelle = (aujourdhui.year, 1 if aujourdhui.month <= 6 else 2)
    suivante = (actuelle[0] + 1, 1) if actuelle[1] == 2 else (actuelle[0], 2)
    campagnes = []
    for annee, semestre in (actuelle, suivante):
        debut = _debut_semestre(annee, semestre)
        fin = _debut_semestre(*((annee + 1, 1) if semestre == 2 else (annee, 2))) - timedelta(
            days=1
        )
        campagne, _ = Campagne.objects.get_or_create(
            annee=annee,
            semestre=semestre,
            # Registration opens two months before the half-year; for the demo the next
            # campaign is already open, so that its sessions can be tried.
            defaults={
                "ouverture_inscriptions": min(debut - timedelta(days=60), aujourdhui),
                "cloture_inscriptions": fin,
            },
        )
        campagnes.append(campagne)
    return campagnes


def _agents_demo(comptes: dict) -> list[tuple]:
    """(person, structure) pairs: the demo agent first, then the other demo members (agents and
    référents) of France Services structures whose convention is in force, in a fixed order."""
    premiers = [comptes[role] for role in (roles.AGENT_PARTENAIRE,) if role in comptes]
    adhesions = (
        Adhesion.objects.filter(
            active=True,
            partenaire__type=FS,
            partenaire__conventions__statut="en_vigueur",
            utilisateur__email__endswith="demo.solidaires.fr",
        )
        .select_related("utilisateur", "partenaire")
        .order_by("utilisateur__email")
    )
    paires, vus = [], set()
    for personne in premiers:
        adhesion = next((a for a in adhesions if a.utilisateur_id == personne.pk), None)
        if adhesion is not None:
            paires.append((personne, adhesion.partenaire))
            vus.add(personne.pk)
    for adhesion in adhesions:
        if adhesion.utilisateur_id not in vus:
            paires.append((adhesion.utilisateur, adhesion.partenaire))
            vus.add(adhesion.utilisateur_id)
    return paires


def _session(rang, ligne, campagnes, programmes, formateur) -> Session:
    campagne_rang, code, titre, jours, heure, duree, mode, ou, capacite, statut, publics = ligne
    campagne = campagnes[campagne_rang]
    existante = Session.objects.filter(campagne=campagne, titre=titre).first()
    if existante is not None:
        return existante
    if jours is None:  # next campaign: a few weeks into its half-year
        jour = _debut_semestre(campagne.annee, campagne.semestre) + timedelta(days=20 + 7 * rang)
    else:
        jour = timezone.localdate() + timedelta(days=jours)
    debut = timezone.make_aware(datetime.combine(jour, time(heure)))
    session = Session(
        campagne=campagne,
        programme=programmes[code],
        titre=titre,
        debut=debut,
        fin=debut + timedelta(hours=duree),
        mode=mode,
        lieu=ou if mode == Session.Mode.PRESENTIEL else "",
        lien_visio=ou if mode == Session.Mode.DISTANCIEL else "",
        capacite=capacite,
        statut=statut,
    )
    session.full_clean()
    session.save()
    PublicSession.objects.bulk_create(PublicSession(session=session, type=t) for t in publics)
    if formateur is not None:
        session.formateurs.add(formateur)
    return session


def _inscrire(session: Session, paires: list[tuple], etats=None, capacite=None) -> None:
    """Registrations in order: places first, then the waiting list beyond `capacite`."""
    demande = session.debut - timedelta(days=40)
    for rang, (agent, partenaire) in enumerate(paires):
        if Inscription.objects.filter(session=session, agent=agent).exists():
            continue
        if etats is not None:
            etat = etats[rang]
        elif capacite is not None and rang >= capacite:
            etat = Etat.LISTE_ATTENTE
        else:
            etat = Etat.INSCRIT
        if Inscription.objects.filter(
            agent=agent,
            campagne=session.campagne,
            programme=session.programme,
            etat__in=Inscription.ACTIVES,
        ).exists():
            continue  # the demo keeps the one-session-per-programme rule too
        le = min(demande + timedelta(hours=rang), timezone.now())
        inscription = Inscription.objects.create(
            session=session,
            agent=agent,
            partenaire=partenaire,
            campagne=session.campagne,
            programme=session.programme,
            etat=etat,
            inscrit_par=agent,
            demandee_le=le,
            inscrit_le=le if etat != Etat.LISTE_ATTENTE else None,
            presence_le=session.fin if etat in (Etat.PRESENT, Etat.ABSENT) else None,
        )
        EvenementInscription.objects.create(
            inscription=inscription,
            vers=Etat.INSCRIT if etat in (Etat.PRESENT, Etat.ABSENT) else etat,
            auteur=agent,
            date=le,
        )
        if etat in (Etat.PRESENT, Etat.ABSENT):
            EvenementInscription.objects.create(
                inscription=inscription, de=Etat.INSCRIT, vers=etat, date=session.fin
            )
