"""Demo data of the messaging module: three teams of experts (37, 41, 28) with their routing
rules, one absence today with its demandes handed over, and about sixty demandes of the last
three months in every status, with their threads and a few attachments. Idempotent: run
twice, nothing is duplicated.

Every insured person here is fictional; the NIRs are well-formed (valid key) but invented.
"""

import random
import unicodedata
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from conventions.models import Adhesion, Partenaire
from conventions.services import adhesion_creer
from portail import roles
from portail.identifiants import nir_avec_cle
from portail.models import Courriel
from portail.pdf import pdf_simple

from . import continuite, services
from .calendrier import PARIS, ajouter_minutes_ouvrees, est_jour_ouvre, minutes_ouvrees_entre
from .models import (
    Absence,
    Avis,
    Categorie,
    Demande,
    Equipe,
    Expert,
    Message,
    PieceJointe,
    RegleRoutage,
    ReponseType,
    TransitionDemande,
)

DOMAINE = "demo.solidaires.fr"
Statut = Demande.Statut

# fmt: off
EQUIPES = {
    "37": ("Plateforme partenaires Indre-et-Loire", "plateforme-37@cpam.demo.solidaires.fr",
           [("Amélie", "Rousseau"), ("Bastien", "Leroux")]),
    "41": ("Plateforme partenaires Loir-et-Cher", "plateforme-41@cpam.demo.solidaires.fr",
           [("Delphine", "Marchal"), ("Franck", "Besnard"), ("Agnès", "Collet")]),
    "28": ("Plateforme partenaires Eure-et-Loir", "plateforme-28@cpam.demo.solidaires.fr",
           [("Grégoire", "Picard"), ("Hélène", "Tessier")]),
}
# Partner agents added for the structures of Eure-et-Loir, which have none in the conventions
# demo data, so that every team has demandes.
AGENTS_28 = {
    "fs-nogent": [("Gaëlle", "Morin", "referent"), ("Yann", "Le Gall", "agent")],
    "fs-chateaudun": [("Rachid", "Benchekroun", "referent")],
}
ASSURES = [
    ("Martineau", "Josiane"), ("Kaya", "Emre"), ("Lefranc", "Roger"), ("Diallo", "Aminata"),
    ("Poirier", "Gisèle"), ("Nguyen", "Thi Lan"), ("Schmitt", "Denis"), ("Ferreira", "Ana"),
    ("Boucher", "Maurice"), ("Haddad", "Yasmina"), ("Lemoine", "Kevin"), ("Traoré", "Moussa"),
    ("Royer", "Monique"), ("Dumont", "Ludovic"), ("Popescu", "Ioana"), ("Carré", "Jacqueline"),
]
# Category → (subject, first message, expert's answer, information asked, outcome)
SCENARIOS = {
    "css": [
        ("Renouvellement CSS non traité",
         "Madame a déposé sa demande de renouvellement il y a 10 semaines, ses droits se sont "
         "arrêtés le mois dernier et elle doit voir un spécialiste la semaine prochaine.",
         "Le dossier était incomplet (avis d'imposition manquant sur le compte ameli). Je l'ai "
         "complété avec les éléments transmis : droits réouverts à compter du 1er du mois.",
         "Pouvez-vous nous transmettre le dernier avis d'imposition du foyer ?",
         "droits_ouverts"),
        ("Participation CSS : échéancier",
         "Monsieur ne comprend pas le montant de sa participation mensuelle et a reçu une relance.",
         "Le montant correspond à un foyer de deux personnes ; l'échéancier a été recalculé et un "
         "courrier explicatif lui est envoyé.",
         "Le foyer compte-t-il toujours deux personnes ?",
         "dossier_regularise"),
    ],
    "carte_vitale": [
        ("Carte Vitale jamais reçue",
         "La personne a fait sa demande de carte en ligne il y a deux mois et n'a rien reçu. "
         "Elle a changé d'adresse entre-temps.",
         "L'adresse a été mise à jour et une nouvelle fabrication lancée : délai d'environ trois "
         "semaines. Une attestation de droits est disponible sur ameli en attendant.",
         "Merci de nous transmettre une photo d'identité et la copie de la pièce d'identité.",
         "carte_commandee"),
    ],
    "affiliation": [
        ("Affiliation après arrivée en France",
         "Monsieur réside en France depuis plus de trois mois, titre de séjour en cours de "
         "validité, aucune affiliation à ce jour.",
         "L'affiliation à la protection universelle maladie est enregistrée ; l'attestation sera "
         "disponible sous 48 heures.",
         "Pouvez-vous joindre le justificatif de résidence de plus de trois mois ?",
         "droits_ouverts"),
        ("Mutation depuis un autre régime",
         "Fin de contrat saisonnier agricole, la personne n'a plus de droits ouverts nulle part.",
         "La mutation depuis la MSA est effectuée, les droits sont ouverts sans interruption.",
         "Quelle est la date de fin du dernier contrat ?",
         "dossier_regularise"),
    ],
    "ame": [
        ("Renouvellement AME en retard",
         "Le renouvellement a été déposé à l'accueil il y a six semaines, la carte expire dans "
         "dix jours.",
         "Le dossier est complet et instruit en priorité ; la nouvelle carte sera à retirer à "
         "l'accueil de Blois.",
         "La demande comporte-t-elle la justification des ressources des 12 derniers mois ?",
         "droits_ouverts"),
    ],
    "indemnites": [
        ("Indemnités journalières interrompues",
         "Arrêt de travail prolongé sans interruption, mais plus aucun versement depuis trois "
         "semaines ; la personne n'a plus de ressources.",
         "L'attestation de salaire de l'employeur manquait ; elle est arrivée ce matin et le "
         "paiement part ce soir.",
         "L'employeur a-t-il transmis l'attestation de salaire ?",
         "dossier_regularise"),
    ],
    "frais_sante": [
        ("Remboursements bloqués",
         "Plusieurs feuilles de soins papier envoyées depuis deux mois, aucun remboursement.",
         "Les feuilles étaient rattachées à un ancien numéro : elles sont reprises, paiement sous "
         "une semaine.",
         "Pouvez-vous préciser les dates des soins ?",
         "dossier_regularise"),
    ],
    "medecin_traitant": [
        ("Pas de médecin traitant après un départ en retraite",
         "Le médecin traitant de Madame est parti en retraite, elle est en ALD et ne trouve "
         "personne.",
         "Situation signalée au dispositif d'accompagnement ; une conseillère la rappellera "
         "pour lui proposer un médecin.",
         "La personne accepte-t-elle d'être rappelée par une conseillère ?",
         "reorientee"),
    ],
    "autre": [
        ("Courrier incompris",
         "La personne a reçu un courrier de la CPAM qu'elle ne comprend pas et s'inquiète d'une "
         "dette.",
         "Il s'agit d'un indu de faible montant déjà régularisé : aucune démarche à faire.",
         "Pouvez-vous joindre le courrier reçu ?",
         "sans_suite"),
    ],
}
REPONSES_TYPES = [
    ("Accusé de réception", "Bonjour,\n\nNous avons bien reçu votre demande et l'étudions. "
     "Nous revenons vers vous rapidement.\n\nCordialement,"),
    ("Pièce manquante", "Bonjour,\n\nPour traiter cette demande, il nous manque : [pièce]. "
     "Pouvez-vous la joindre en réponse à ce message ?\n\nCordialement,"),
    ("Droits réouverts", "Bonjour,\n\nLes droits de la personne sont réouverts à compter du "
     "[date]. L'attestation est disponible sur son compte ameli.\n\nCordialement,"),
]
# fmt: on


def creer(comptes: dict) -> None:
    equipes = _equipes(comptes)
    _regles(equipes)
    _absence(equipes)
    _reponses_types(equipes)
    if not Demande.objects.exists():
        _demandes(comptes)


# Teams, rules, absence -------------------------------------------------------------------------


def _ascii(texte: str) -> str:
    decompose = unicodedata.normalize("NFKD", texte)
    return "".join(c for c in decompose if c.isascii()).lower().replace(" ", "-")


def _personne(prenom, nom, domaine, groupe=None):
    """A demo person who cannot log in (no usable password)."""
    Utilisateur = get_user_model()
    email = f"{_ascii(prenom)}.{_ascii(nom)}@{domaine}"
    utilisateur = Utilisateur.objects.filter(email=email).first()
    if utilisateur is None:
        utilisateur = Utilisateur.objects.create_user(email, None, first_name=prenom, last_name=nom)
    if groupe:
        utilisateur.groups.add(Group.objects.get(name=groupe))
    return utilisateur


#: Each platform's own "très urgent" line (fictitious numbers); Eure-et-Loir keeps the national
#: line of DEMANDES_TELEPHONE_TRES_URGENT.
TELEPHONES_TRES_URGENT = {"37": "02 61 91 37 00", "41": "02 61 91 41 00"}


def _equipes(comptes) -> dict[str, Equipe]:
    equipes = {}
    superviseur = comptes.get(roles.SUPERVISEUR_CPAM)
    for departement, (nom, email, experts) in EQUIPES.items():
        equipe, _ = Equipe.objects.get_or_create(
            nom=nom,
            defaults={
                "email": email,
                "telephone_tres_urgent": TELEPHONES_TRES_URGENT.get(departement, ""),
            },
        )
        if superviseur:
            equipe.superviseurs.add(superviseur)
        for prenom, nom_expert in experts:
            utilisateur = _personne(prenom, nom_expert, f"cpam.{DOMAINE}", roles.EXPERT_CPAM)
            Expert.objects.get_or_create(utilisateur=utilisateur, defaults={"equipe": equipe})
        equipes[departement] = equipe
    if roles.EXPERT_CPAM in comptes:
        Expert.objects.get_or_create(
            utilisateur=comptes[roles.EXPERT_CPAM], defaults={"equipe": equipes["37"]}
        )
    return equipes


def _experts(equipe: Equipe) -> list[Expert]:
    return list(equipe.experts.select_related("utilisateur").order_by("pk"))


def _regles(equipes) -> None:
    def regle(code, titulaire, suppleant, categorie=None, departement=""):
        RegleRoutage.objects.get_or_create(
            code=code,
            defaults={
                "categorie": categorie,
                "departement": departement,
                "titulaire": titulaire,
                "suppleant": suppleant,
            },
        )

    css = Categorie.objects.get(slug="css")
    vitale = Categorie.objects.get(slug="carte_vitale")
    ame = Categorie.objects.get(slug="ame")
    # Indre-et-Loire: the demo expert (Julien Moreau, created last) holds CSS and carte Vitale.
    a, b, demo = (_experts(equipes["37"]) + [None, None, None])[:3]
    demo = demo or a
    regle("D37", a, b, departement="37")
    regle("D37-CSS", demo, a, css, "37")
    regle("D37-CV", demo, b, vitale, "37")
    a, b, c = _experts(equipes["41"])[:3]
    regle("D41", a, b, departement="41")
    regle("D41-AME", c, a, ame, "41")
    regle("D41-CSS", b, c, css, "41")
    a, b = _experts(equipes["28"])[:2]
    regle("D28", a, b, departement="28")
    # Everywhere else (a structure of another département): the Indre-et-Loire platform.
    a, b = _experts(equipes["37"])[:2]
    regle("TOUS-TOUT", a, b)


def _absence(equipes) -> None:
    # The general titulaire of Indre-et-Loire is away from this morning for four days: her open
    # demandes (some from the demo structure, Amboise) are held by the substitute named for the
    # absence, and the partner reads it in the thread.
    absente, remplacant = _experts(equipes["37"])[:2]
    aujourdhui = timezone.localdate()
    Absence.objects.get_or_create(
        expert=absente,
        motif="Formation",
        defaults={
            "debut": datetime.combine(aujourdhui, time(0, 0), tzinfo=PARIS),
            "fin": datetime.combine(aujourdhui + timedelta(days=4), time(0, 0), tzinfo=PARIS),
            "suppleant": remplacant,
        },
    )


def _reponses_types(equipes) -> None:
    for equipe in equipes.values():
        for titre, corps in REPONSES_TYPES:
            ReponseType.objects.get_or_create(equipe=equipe, titre=titre, defaults={"corps": corps})


# Demandes --------------------------------------------------------------------------------------


def _nir(hasard: random.Random, sexe: int, departement: str) -> str:
    annee = hasard.randint(40, 99)
    mois = hasard.randint(1, 12)
    numero = f"{sexe}{annee:02d}{mois:02d}{departement}{hasard.randint(1, 400):03d}"
    return nir_avec_cle(f"{numero}{hasard.randint(1, 999):03d}")


def _agents_par_structure(comptes) -> list[tuple[Partenaire, list]]:
    from conventions.demo import STRUCTURES, siret_demo

    rangs = {structure.slug: rang for rang, structure in enumerate(STRUCTURES, start=1)}
    for slug, personnes in AGENTS_28.items():
        partenaire = Partenaire.objects.filter(siret=siret_demo("28", rangs[slug])).first()
        if partenaire is None:
            continue
        for prenom, nom, role in personnes:
            adhesion_creer(
                utilisateur=_personne(prenom, nom, f"{slug}.{DOMAINE}"),
                partenaire=partenaire,
                role=role,
            )
    structures = []
    adhesions = (
        Adhesion.objects.filter(active=True, partenaire__actif=True)
        .select_related("partenaire", "utilisateur")
        .order_by("partenaire__nom", "pk")
    )
    for adhesion in adhesions:
        partenaire = adhesion.partenaire
        convention = partenaire.conventions.filter(statut="en_vigueur").first()
        if convention is None or not convention.ouvre_messagerie:
            continue
        if not structures or structures[-1][0] != partenaire:
            structures.append((partenaire, []))
        structures[-1][1].append(adhesion.utilisateur)
    # The demo accounts' structure sends the most.
    agent = comptes.get(roles.AGENT_PARTENAIRE)
    structures.sort(key=lambda s: agent not in s[1])
    return structures


def _moment_ouvre(hasard: random.Random, jours: int):
    """A business moment about `jours` days ago."""
    jour = timezone.localdate() - timedelta(days=jours)
    while not est_jour_ouvre(jour):
        jour -= timedelta(days=1)
    heure = time(hasard.randint(9, 16), hasard.choice([0, 10, 20, 30, 40, 50]))
    return datetime.combine(jour, heure, tzinfo=PARIS)


def _piece(message: Message, titre: str, auteur) -> None:
    piece = PieceJointe(
        message=message,
        deposee_par=auteur,
        nom=f"{titre.lower().replace(' ', '-')}.pdf",
        type_mime="application/pdf",
        cree_le=message.cree_le,
    )
    contenu = pdf_simple([titre, "Document de démonstration : aucune donnée réelle."])
    piece.taille = len(contenu)
    piece.fichier.save(piece.uuid.hex, ContentFile(contenu), save=False)
    piece.save()


def _demandes(comptes) -> None:
    hasard = random.Random(2026)  # noqa: S311 (reproducible demo data, not security)
    structures = _agents_par_structure(comptes)
    if not structures:
        return
    maintenant = timezone.now()
    categories = {c.slug: c for c in Categorie.objects.all()}
    # (age in days, status) — the oldest are closed, the most recent still open.
    plan = []
    for rang in range(60):
        age = int(90 - rang * 1.5)
        if age > 40:
            statut = Statut.CLOTUREE if rang % 7 else Statut.RESOLUE
        elif age > 15:
            statut = [Statut.CLOTUREE, Statut.RESOLUE, Statut.EN_ATTENTE, Statut.EN_COURS][rang % 4]
        else:
            statut = [Statut.NOUVELLE, Statut.EN_COURS, Statut.EN_ATTENTE, Statut.RESOLUE][rang % 4]
        plan.append((age, statut))
    slugs = ["css", "css", "carte_vitale", "affiliation", "css", "ame", "carte_vitale",
             "indemnites", "frais_sante", "affiliation", "medecin_traitant", "autre"]  # fmt: skip

    for rang, (age, statut) in enumerate(plan):
        # One in three from the demo accounts' structure, the others spread over all.
        partenaire, agents = structures[rang % len(structures) if rang % 3 else 0]
        auteur = agents[rang % len(agents)]
        slug = slugs[rang % len(slugs)]
        if partenaire.departement == "41" and rang % 2:
            slug = "ame"
        objet, texte, reponse, question, issue = hasard.choice(SCENARIOS[slug])
        nom, prenom = ASSURES[rang % len(ASSURES)]
        inconnu = rang % 9 == 4
        envoi = _moment_ouvre(hasard, age)
        complements = {}
        if slug == "carte_vitale":
            complements = {
                "situation_carte": hasard.choice(["perdue", "jamais_recue", "defectueuse"])
            }
        demande = services.demande_creer(
            auteur=auteur,
            partenaire=partenaire,
            categorie=categories[slug],
            urgence="urgente" if rang % 3 == 0 else "normale",
            objet=objet,
            description=texte,
            nir="" if inconnu else _nir(hasard, 1 + rang % 2, partenaire.departement),
            nom=nom if inconnu else "",
            prenom=prenom if inconnu else "",
            date_naissance=envoi.date().replace(year=1948 + rang % 40) if inconnu else None,
            complements=complements,
            partagee=rang % 5 != 0,
            instant=envoi,
        )
        if rang % 6 == 1:
            _piece(demande.messages.get(), "Attestation de droits", auteur)
        _derouler(demande, statut, envoi, maintenant, reponse, question, issue, hasard)

    # Today's absence hands its expert's open demandes over (as the periodic task would).
    continuite.absences_appliquer()
    # Demo accounts are not mailed for history; notices of past events are read.
    Courriel.objects.filter(sujet__startswith="[D-").delete()
    Avis.objects.filter(demande__statut__in=[Statut.CLOTUREE, Statut.RESOLUE]).update(
        lu_le=maintenant
    )


def _derouler(demande, statut, envoi, maintenant, reponse, question, issue, hasard) -> None:
    """Play the thread of a demande up to `statut`, at plausible past moments."""
    if statut == Statut.NOUVELLE:
        return
    expert = demande.expert or demande.equipe.experts.first()
    cpam = expert.utilisateur
    territoire = demande.equipe.territoire
    delai = hasard.randint(demande.delai_accorde // 8, demande.delai_accorde + 120)
    instant = min(
        ajouter_minutes_ouvrees(envoi, delai, territoire=territoire),
        maintenant - timedelta(minutes=5),
    )
    champs = {"modifiee_le": instant, "nouveau_pour_cpam": False}

    def message(corps, type_=Message.Type.MESSAGE, cote=Message.Cote.CPAM, auteur=cpam, a=None):
        return Message.objects.create(
            demande=demande, auteur=auteur, cote=cote, type=type_, corps=corps, cree_le=a or instant
        )

    def transition(de, vers, a, auteur=cpam):
        TransitionDemande.objects.create(demande=demande, de=de, vers=vers, auteur=auteur, date=a)

    transition(Statut.NOUVELLE, Statut.EN_COURS, envoi + timedelta(minutes=12))
    if statut == Statut.EN_ATTENTE:
        message(question, Message.Type.INFORMATION)
        transition(Statut.EN_COURS, Statut.EN_ATTENTE, instant)
        champs.update(
            statut=statut,
            en_attente_depuis=instant,
            relance_partenaire_a=ajouter_minutes_ouvrees(instant, 5 * 540, territoire=territoire),
            nouveau_pour_partenaire=True,
        )
        Demande.objects.filter(pk=demande.pk).update(**champs)
        return

    message("Dossier consulté : vérification en cours auprès du service concerné.",
            Message.Type.NOTE)  # fmt: skip
    message(reponse)
    champs.update(
        repondue_le=instant,
        delai_reponse=max(
            demande.delai_accorde
            - minutes_ouvrees_entre(instant, demande.echeance, territoire=territoire),
            0,
        ),
        statut=Statut.EN_COURS,
        nouveau_pour_partenaire=True,
    )
    if statut in (Statut.RESOLUE, Statut.CLOTUREE):
        resolution = min(instant + timedelta(hours=hasard.randint(2, 30)), maintenant)
        if statut == Statut.RESOLUE:
            resolution = max(resolution, maintenant - timedelta(days=10))
        message("Je clôture la demande. N'hésitez pas à la rouvrir si besoin.",
                Message.Type.RESOLUTION, a=resolution)  # fmt: skip
        transition(Statut.EN_COURS, Statut.RESOLUE, resolution)
        champs.update(statut=Statut.RESOLUE, issue=issue, resolue_le=resolution,
                      modifiee_le=resolution)  # fmt: skip
        if statut == Statut.CLOTUREE:
            cloture = min(resolution + timedelta(days=15), maintenant)
            transition(Statut.RESOLUE, Statut.CLOTUREE, cloture, auteur=None)
            champs.update(
                statut=Statut.CLOTUREE, cloturee_le=cloture, nouveau_pour_partenaire=False
            )
    Demande.objects.filter(pk=demande.pk).update(**champs)
