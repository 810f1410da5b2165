# ruff: noqa: E501 (tables of demo data read better one row per line)
"""Demo data of the partner side: structures in Indre-et-Loire (37), Loir-et-Cher (41) and
Eure-et-Loir (28), their conventions in every status, agents and pending join requests.

Called by `seed_demo`. Idempotent (structures are found by SIRET, conventions by structure and
start date, people by e-mail, join requests by SIRET) and deterministic: no randomness, and the
start dates are fixed calendar dates so that running it again another day creates nothing.
Lifecycle changes go through the services, so the demo history looks like a real one.
"""

import unicodedata
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from portail.dates import date_courte
from portail.identifiants import siren_avec_cle, siret_avec_cle
from portail.pdf import pdf_simple

from . import services
from .models import Adhesion, Convention, DemandeAdhesion, Partenaire, TransitionConvention

Type = Partenaire.Type
Statut = Convention.Statut

DOMAINE = "demo.solidaires.fr"
DUREE_CONVENTION_ANS = 3


class Structure(NamedTuple):
    slug: str  # also the e-mail sub-domain of its demo agents
    nom: str
    type: str
    adresse: str
    code_postal: str
    commune: str
    departement: str
    parcours: str = "vigueur"
    itinerant: bool = False
    ouvre_messagerie: bool = True


FS = Type.FRANCE_SERVICES
# fmt: off
STRUCTURES = [
    # Indre-et-Loire: 24 France Services, one of them a bus.
    Structure("fs-amboise", "France Services d'Amboise", FS, "4 rue de la Concorde", "37400", "Amboise", "37", "renouvelee"),
    Structure("fs-blere", "France Services de Bléré", FS, "2 place Charles Bidault", "37150", "Bléré", "37"),
    Structure("fs-bourgueil", "France Services de Bourgueil", FS, "9 place de l'Hôtel de Ville", "37140", "Bourgueil", "37"),
    Structure("fs-chateau-la-valliere", "France Services de Château-la-Vallière", FS, "1 rue de la Mairie", "37330", "Château-la-Vallière", "37"),
    Structure("fs-chateau-renault", "France Services de Château-Renault", FS, "15 rue de la République", "37110", "Château-Renault", "37"),
    Structure("fs-chinon", "France Services de Chinon", FS, "3 quai Jeanne d'Arc", "37500", "Chinon", "37"),
    Structure("fs-descartes", "France Services de Descartes", FS, "6 place Blaise Pascal", "37160", "Descartes", "37"),
    Structure("fs-langeais", "France Services de Langeais", FS, "12 rue Gambetta", "37130", "Langeais", "37"),
    Structure("fs-ligueil", "France Services de Ligueil", FS, "5 rue Aristide Briand", "37240", "Ligueil", "37"),
    Structure("fs-loches", "France Services de Loches", FS, "12 avenue de la Liberté", "37600", "Loches", "37"),
    Structure("fs-montlouis", "France Services de Montlouis-sur-Loire", FS, "2 rue de la Gare", "37270", "Montlouis-sur-Loire", "37"),
    Structure("fs-neuille-pont-pierre", "France Services de Neuillé-Pont-Pierre", FS, "8 rue des Écoles", "37360", "Neuillé-Pont-Pierre", "37"),
    Structure("fs-preuilly", "France Services de Preuilly-sur-Claise", FS, "1 place du Marché", "37290", "Preuilly-sur-Claise", "37", "bientot"),
    Structure("fs-richelieu", "France Services de Richelieu", FS, "7 Grande Rue", "37120", "Richelieu", "37", "suspendue"),
    Structure("fs-sainte-maure", "France Services de Sainte-Maure-de-Touraine", FS, "4 avenue du Général de Gaulle", "37800", "Sainte-Maure-de-Touraine", "37"),
    Structure("fs-saint-paterne", "France Services de Saint-Paterne-Racan", FS, "10 rue Nationale", "37370", "Saint-Paterne-Racan", "37"),
    Structure("fs-montresor", "France Services de Montrésor", FS, "2 rue du Château", "37460", "Montrésor", "37", "signature"),
    Structure("fs-ile-bouchard", "France Services de L'Île-Bouchard", FS, "3 place Bouchard", "37220", "L'Île-Bouchard", "37"),
    Structure("fs-azay", "France Services d'Azay-le-Rideau", FS, "11 rue Nationale", "37190", "Azay-le-Rideau", "37"),
    Structure("fs-vouvray", "France Services de Vouvray", FS, "5 rue Victor Hérault", "37210", "Vouvray", "37"),
    Structure("fs-joue", "France Services de Joué-lès-Tours", FS, "20 rue de la Rabière", "37300", "Joué-lès-Tours", "37"),
    Structure("fs-tours-sanitas", "France Services de Tours Sanitas", FS, "1 place Saint-Paul", "37000", "Tours", "37"),
    Structure("fs-saint-pierre", "France Services de Saint-Pierre-des-Corps", FS, "9 avenue de la République", "37700", "Saint-Pierre-des-Corps", "37"),
    Structure("fs-bus-indre", "France Services itinérante de la vallée de l'Indre", FS, "Siège : 1 place de la Mairie (tournées dans 12 communes)", "37250", "Sorigny", "37", itinerant=True),
    # Loir-et-Cher.
    Structure("fs-montoire", "France Services de Montoire-sur-le-Loir", FS, "6 place Clemenceau", "41800", "Montoire-sur-le-Loir", "41"),
    Structure("fs-mer", "France Services de Mer", FS, "3 rue Dutems", "41500", "Mer", "41"),
    Structure("fs-saint-aignan", "France Services de Saint-Aignan", FS, "14 rue Constant Ragot", "41110", "Saint-Aignan", "41"),
    Structure("fs-lamotte", "France Services de Lamotte-Beuvron", FS, "2 avenue de l'Hôtel de Ville", "41600", "Lamotte-Beuvron", "41", "expiree"),
    # Eure-et-Loir.
    Structure("fs-nogent", "France Services de Nogent-le-Rotrou", FS, "5 rue Villette-Gaté", "28400", "Nogent-le-Rotrou", "28"),
    Structure("fs-chateaudun", "France Services de Châteaudun", FS, "8 place du 18 Octobre", "28200", "Châteaudun", "28"),
    Structure("fs-brou", "France Services de Brou", FS, "1 place des Halles", "28160", "Brou", "28", "brouillon"),
    # Social action centres, associations, social services, missions locales.
    Structure("ccas-tours", "CCAS de Tours", Type.CCAS_CIAS, "5 rue Jules Charpentier", "37000", "Tours", "37"),
    Structure("cias-blaisois", "CIAS du Blaisois", Type.CCAS_CIAS, "3 rue Honoré de Balzac", "41000", "Blois", "41"),
    Structure("ccas-chartres", "CCAS de Chartres", Type.CCAS_CIAS, "32 boulevard Chasles", "28000", "Chartres", "28"),
    Structure("asso-accueil-touraine", "Association Accueil et Solidarité Touraine", Type.ASSOCIATION, "18 rue Michelet", "37000", "Tours", "37"),
    Structure("asso-relais-sologne", "Association Le Relais de Sologne", Type.ASSOCIATION, "6 rue du Four à Chaux", "41200", "Romorantin-Lanthenay", "41", "resiliee"),
    Structure("mds-chinon", "Maison départementale de la solidarité de Chinon", Type.SERVICE_SOCIAL_DEPARTEMENTAL, "22 avenue François Mitterrand", "37500", "Chinon", "37"),
    Structure("mdcs-vendome", "Maison départementale de la cohésion sociale de Vendôme", Type.SERVICE_SOCIAL_DEPARTEMENTAL, "10 rue Darreau", "41100", "Vendôme", "41", "signature"),
    Structure("ssh-chu-tours", "Service social du CHU de Tours", Type.SERVICE_SOCIAL_HOSPITALIER, "2 boulevard Tonnellé", "37000", "Tours", "37"),
    Structure("ssh-ch-dreux", "Service social du centre hospitalier de Dreux", Type.SERVICE_SOCIAL_HOSPITALIER, "44 avenue John Kennedy", "28100", "Dreux", "28", "brouillon"),
    Structure("ml-touraine", "Mission locale de Touraine", Type.MISSION_LOCALE, "19 rue Édouard Vaillant", "37000", "Tours", "37", ouvre_messagerie=False),
    Structure("ml-blaisois", "Mission locale du Blaisois", Type.MISSION_LOCALE, "7 rue de la Garenne", "41000", "Blois", "41"),
]

# Extra agents (first name, last name, role) for a few structures, beside the two demo accounts.
AGENTS = {
    "fs-amboise": [("Lucie", "Bernard", "agent"), ("Karim", "Haddad", "agent")],
    "fs-loches": [("Élodie", "Petit", "referent"), ("Maxime", "Roux", "agent"), ("Sandrine", "Lambert", "agent")],
    "ccas-tours": [("Fatima", "Ouali", "referent"), ("Pierre", "Garnier", "agent")],
    "fs-mer": [("Aurélie", "Chevalier", "referent"), ("Jérôme", "Fontaine", "agent")],
    "fs-richelieu": [("Marion", "Gauthier", "referent"), ("Hugo", "Perrin", "agent")],
    "ml-blaisois": [("Inès", "Mercier", "referent"), ("Thibault", "Blanc", "agent"), ("Léa", "Guérin", "agent")],
}

SIGNATAIRES_STRUCTURE = [
    "Hélène Dubois", "Bruno Lemaire", "Catherine Morel", "Olivier Faure", "Isabelle Rousseau",
    "Patrick Colin", "Nathalie Vidal", "Laurent Masson", "Sylvie Caron", "Éric Dupuis",
]
# fmt: on
FONCTIONS_SIGNATAIRE = {
    Type.FRANCE_SERVICES: "présidence de la communauté de communes",
    Type.CCAS_CIAS: "vice-présidence du centre d'action sociale",
    Type.ASSOCIATION: "présidence de l'association",
    Type.SERVICE_SOCIAL_DEPARTEMENTAL: "directeur(trice) de l'action sociale du département",
    Type.SERVICE_SOCIAL_HOSPITALIER: "directeur(trice) de l'établissement",
    Type.MISSION_LOCALE: "présidence de la mission locale",
}
SIGNATAIRES_CPAM = {
    "37": "Anne Leclerc, directrice de la CPAM d'Indre-et-Loire",
    "41": "Marc Besson, directeur de la CPAM de Loir-et-Cher",
    "28": "Sophie Renard, directrice de la CPAM d'Eure-et-Loir",
}
MOTIFS = {
    Statut.SUSPENDUE: (
        "Un compte partagé entre plusieurs agents a été constaté : accès suspendu le temps "
        "de créer un compte nominatif par agent."
    ),
    Statut.RESILIEE: "Dissolution de l'association votée en assemblée générale.",
}

# fmt: off
# Requests to become a partner, waiting for the service partenariats. Numbers in the 02 61 91
# range are reserved by ARCEP for fiction: they ring nobody.
DEMANDES = [
    dict(nom_structure="France Services de Cloyes-les-Trois-Rivières", type=FS, code_postal="28220", commune="Cloyes-les-Trois-Rivières", contact_nom="Valérie Marchand", contact_fonction="Animatrice France Services", contact_email="valerie.marchand@fs-cloyes.demo.solidaires.fr", contact_telephone="02 61 91 20 31", message="Espace labellisé en septembre, deux agents d'accueil à former."),
    dict(nom_structure="CCAS de Saint-Cyr-sur-Loire", type=Type.CCAS_CIAS, code_postal="37540", commune="Saint-Cyr-sur-Loire", contact_nom="Damien Leroy", contact_fonction="Responsable du CCAS", contact_email="damien.leroy@ccas-saint-cyr.demo.solidaires.fr", contact_telephone="02 61 91 20 32", message=""),
    dict(nom_structure="Association Vendômois Santé Solidarité", type=Type.ASSOCIATION, code_postal="41100", commune="Vendôme", contact_nom="Amandine Roche", contact_fonction="Coordinatrice", contact_email="amandine.roche@vendomois-sante.demo.solidaires.fr", contact_telephone="02 61 91 20 33", message="Nous accompagnons des personnes sans domicile stable vers la Complémentaire santé solidaire."),
]
# fmt: on


def creer(comptes: dict) -> None:
    auteur = comptes.get("Superviseur CPAM")
    partenaires = {}
    for rang, structure in enumerate(STRUCTURES, start=1):
        partenaire = _partenaire(structure, rang)
        partenaires[structure.slug] = partenaire
        _conventions(partenaire, structure, rang, auteur)

    amboise = partenaires["fs-amboise"]
    if "Agent partenaire" in comptes:
        services.adhesion_creer(
            utilisateur=comptes["Agent partenaire"], partenaire=amboise, role=Adhesion.Role.AGENT
        )
    if "Référent partenaire" in comptes:
        services.adhesion_creer(
            utilisateur=comptes["Référent partenaire"],
            partenaire=amboise,
            role=Adhesion.Role.REFERENT,
        )
    for slug, personnes in AGENTS.items():
        for prenom, nom, role in personnes:
            services.adhesion_creer(
                utilisateur=_personne(prenom, nom, slug), partenaire=partenaires[slug], role=role
            )

    for rang, donnees in enumerate(DEMANDES, start=1):
        _demande_adhesion(donnees, rang)


# Structures ------------------------------------------------------------------------------------


def siret_demo(departement: str, rang: int) -> str:
    """A SIRET of a local public body (SIREN starting with 2), keys computed by stdnum."""
    return siret_avec_cle(siren_avec_cle(f"2{departement}{rang:05d}") + "0001")


def _partenaire(structure: Structure, rang: int) -> Partenaire:
    siret = siret_demo(structure.departement, rang)
    partenaire = Partenaire.objects.filter(siret=siret).first()
    if partenaire is not None:
        return partenaire
    partenaire = Partenaire(
        nom=structure.nom,
        type=structure.type,
        siret=siret,
        adresse=structure.adresse,
        code_postal=structure.code_postal,
        commune=structure.commune,
        departement=structure.departement,
        numero_label_france_services=(
            f"FS-{structure.departement}-{rang:03d}" if structure.type == FS else ""
        ),
        itinerant=structure.itinerant,
        telephone=f"02 61 91 {10 + rang // 100:02d} {rang % 100:02d}",
        email=f"contact@{structure.slug}.{DOMAINE}",
    )
    partenaire.full_clean()
    partenaire.save()
    return partenaire


# Conventions -----------------------------------------------------------------------------------


def _conventions(partenaire: Partenaire, structure: Structure, rang: int, auteur) -> None:
    # Fixed start dates spread over 2024-2025; drafts start on fixed dates ahead.
    debut = date(2024 + (rang // 12) % 2, rang % 12 + 1, 1)
    a_venir = date(2027, 1 + rang % 3, 1)
    aujourdhui = timezone.localdate()
    parcours = {
        "vigueur": [(debut, Statut.EN_VIGUEUR, None)],
        "bientot": [(debut, Statut.EN_VIGUEUR, aujourdhui + timedelta(days=45))],
        "suspendue": [(debut, Statut.SUSPENDUE, None)],
        "resiliee": [(debut, Statut.RESILIEE, None)],
        "expiree": [(date(2022, 9, 1), Statut.EXPIREE, date(2025, 9, 1))],
        "renouvelee": [
            (date(2021, 1, 1), Statut.EXPIREE, date(2024, 1, 1)),
            (date(2024, 1, 1), Statut.EN_VIGUEUR, None),
        ],
        "brouillon": [(a_venir, Statut.BROUILLON, None)],
        "signature": [(a_venir, Statut.EN_SIGNATURE, None)],
    }[structure.parcours]
    for date_effet, statut, date_fin in parcours:
        if Convention.objects.filter(partenaire=partenaire, date_effet=date_effet).exists():
            continue
        _convention(partenaire, structure, rang, date_effet, statut, date_fin, auteur)


def _fin_par_defaut(date_effet: date) -> date:
    """Three years, renewed by three more while that would end within six months."""
    limite = timezone.localdate() + timedelta(days=180)
    ans = DUREE_CONVENTION_ANS
    while date(date_effet.year + ans, date_effet.month, date_effet.day) <= limite:
        ans += DUREE_CONVENTION_ANS
    return date(date_effet.year + ans, date_effet.month, date_effet.day)


def _convention(partenaire, structure, rang, date_effet, statut, date_fin, auteur) -> None:
    aujourdhui = timezone.localdate()
    expiree = statut == Statut.EXPIREE
    fin_finale = date_fin or _fin_par_defaut(date_effet)
    # An expired convention was in force once: it gets there with a current period, then its
    # real (past) end date is restored and the nightly expiry does the rest.
    fin_initiale = aujourdhui + timedelta(days=365) if expiree else fin_finale
    convention = services.convention_creer(
        partenaire=partenaire,
        date_effet=date_effet,
        date_fin=fin_initiale,
        auteur=auteur,
        ouvre_messagerie=structure.ouvre_messagerie,
    )
    if statut == Statut.BROUILLON:
        return _dater(convention, date_effet, fin_finale)

    convention.signataire_partenaire = (
        f"{SIGNATAIRES_STRUCTURE[rang % len(SIGNATAIRES_STRUCTURE)]}, "
        f"{FONCTIONS_SIGNATAIRE[structure.type]}"
    )
    convention.signataire_cpam = SIGNATAIRES_CPAM[structure.departement]
    champs = ["signataire_partenaire", "signataire_cpam"]
    if statut != Statut.EN_SIGNATURE:
        convention.document_signe.save(
            f"{convention.numero}.pdf",
            ContentFile(_pdf_convention(convention, fin_finale)),
            save=False,
        )
        champs.append("document_signe")
    convention.save(update_fields=champs)

    services.convention_changer_statut(
        convention=convention, vers=Statut.EN_SIGNATURE, auteur=auteur
    )
    if statut != Statut.EN_SIGNATURE:
        services.convention_changer_statut(
            convention=convention, vers=Statut.EN_VIGUEUR, auteur=auteur
        )
    if statut in MOTIFS:
        services.convention_changer_statut(
            convention=convention, vers=statut, auteur=auteur, motif=MOTIFS[statut]
        )
    if expiree:
        Convention.objects.filter(pk=convention.pk).update(date_fin=fin_finale)
        services.conventions_echues_expirer()
    _dater(convention, date_effet, fin_finale)


def _dater(convention: Convention, date_effet: date, date_fin: date) -> None:
    """Put the history at plausible dates rather than all at the time of the seeding."""
    maintenant = timezone.now()
    aujourdhui = timezone.localdate()

    def moment(jour: date) -> datetime:
        return min(maintenant, timezone.make_aware(datetime.combine(jour, time(10))))

    jalons = {
        Statut.BROUILLON: date_effet - timedelta(days=60),
        Statut.EN_SIGNATURE: date_effet - timedelta(days=30),
        Statut.EN_VIGUEUR: date_effet - timedelta(days=1),
        Statut.SUSPENDUE: aujourdhui - timedelta(days=12),
        Statut.RESILIEE: aujourdhui - timedelta(days=40),
        Statut.EXPIREE: date_fin,
    }
    for vers, jour in jalons.items():
        TransitionConvention.objects.filter(convention=convention, vers=vers).update(
            date=moment(jour)
        )
    Convention.objects.filter(pk=convention.pk).update(cree_le=moment(jalons[Statut.BROUILLON]))


def _pdf_convention(convention: Convention, date_fin: date) -> bytes:
    partenaire = convention.partenaire
    return pdf_simple(
        [
            "Convention d'utilisation du portail Solidaires et partenaires",
            f"Numéro : {convention.numero}",
            f"Structure : {partenaire.nom}, {partenaire.code_postal} {partenaire.commune}",
            f"Du {date_courte(convention.date_effet)} au {date_courte(date_fin)}",
            f"Pour la structure : {convention.signataire_partenaire}",
            f"Pour la CPAM : {convention.signataire_cpam}",
            "Document de démonstration, sans valeur contractuelle.",
        ]
    )


# People and join requests ----------------------------------------------------------------------


def _ascii(texte: str) -> str:
    decompose = unicodedata.normalize("NFKD", texte)
    return "".join(c for c in decompose if c.isascii()).lower().replace(" ", "-")


def _personne(prenom: str, nom: str, slug: str):
    """A demo agent who cannot log in (no usable password): data to look at, not an account."""
    Utilisateur = get_user_model()
    email = f"{_ascii(prenom)}.{_ascii(nom)}@{slug}.{DOMAINE}"
    utilisateur = Utilisateur.objects.filter(email=email).first()
    if utilisateur is None:
        utilisateur = Utilisateur.objects.create_user(email, None, first_name=prenom, last_name=nom)
    return utilisateur


def _demande_adhesion(donnees: dict, rang: int) -> None:
    siret = siret_demo(donnees["code_postal"][:2], 900 + rang)
    if DemandeAdhesion.objects.filter(siret=siret).exists():
        return
    demande = DemandeAdhesion(
        siret=siret,
        empreinte_origine=services.empreinte_origine(f"192.0.2.{rang}"),  # documentation range
        cree_le=timezone.now() - timedelta(days=2 * rang),
        **donnees,
    )
    demande.full_clean()
    demande.save()
