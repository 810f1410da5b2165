"""The world of the security tests: two structures, their people and objects, CPAM staff.

Every object a URL can name exists twice, once on side A and once on side B, so that each URL
is tried on one's own object and on someone else's.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from conventions.models import DemandeAdhesion
from conventions.services import invitation_creer
from demandes.models import Absence, Categorie, RegleRoutage, ReponseType
from formations.models import Inscription
from formations.services import jeton_calendrier_regenerer
from portail import roles
from tests.cms.rencontres import creer_rencontre
from tests.conftest import rattacher
from tests.demandes.conftest import (  # noqa: F401 - fixtures of the messaging tests
    autre_equipe,
    creer_demande,
    creer_expert,
    equipe,
    expert_autre_equipe,
    fichier,
    titulaire,
)
from tests.factories import ConventionFactory, UtilisateurFactory
from tests.formations.factories import SessionFactory, inscrire


@dataclass
class Monde:
    acteurs: dict[str, object]
    # The objects of each side, by kind: "reference" of the demande, "session" pk...
    a: dict[str, object]
    b: dict[str, object]


def _demande_adhesion(nom: str) -> DemandeAdhesion:
    return DemandeAdhesion.objects.create(
        nom_structure=nom,
        type="association",
        siret="73282932000074",
        code_postal="37000",
        commune="Tours",
        contact_nom="Camille Contact",
        contact_email="contact@exemple.fr",
        contact_telephone="0247000000",
        empreinte_origine="0" * 64,
    )


@pytest.fixture
def monde(
    structure_a,
    structure_b,
    agent_a,
    referent_a,
    agent_b,
    referent_b,
    superviseur,
    equipe,  # noqa: F811 - the fixture imported above
    autre_equipe,  # noqa: F811 - the fixture imported above
    titulaire,  # noqa: F811 - the fixture imported above
    expert_autre_equipe,  # noqa: F811 - the fixture imported above
):
    """Everyone and everything, A and B. Demande A goes to the team `equipe` (its titulaire),
    demande B to `autre_equipe`: the expert of the team sees A, the other team's expert B."""
    editeur = UtilisateurFactory(roles=[roles.EDITEUR])
    formateur = UtilisateurFactory(roles=[roles.FORMATEUR])
    # A structure whose convention opens contents only: no messaging, no trainings.
    sans_service = ConventionFactory(ouvre_messagerie=False, ouvre_formations=False).partenaire
    agent_sans_service = UtilisateurFactory()
    rattacher(agent_sans_service, sans_service)

    agent_a2 = UtilisateurFactory()
    adhesion_a2 = rattacher(agent_a2, structure_a)
    agent_b2 = UtilisateurFactory()
    adhesion_b2 = rattacher(agent_b2, structure_b)

    RegleRoutage.objects.create(titulaire=titulaire)
    regle_b = RegleRoutage.objects.create(titulaire=expert_autre_equipe, partenaire=structure_b)
    demande_a = creer_demande(agent_a, structure_a)
    demande_b = creer_demande(agent_b, structure_b)
    pieces = {}
    for cote, demande, auteur in (("a", demande_a, agent_a), ("b", demande_b, agent_b)):
        from demandes import services

        piece = services.piece_deposer(fichier=fichier(), utilisateur=auteur)
        services.message_partenaire_envoyer(
            demande=demande, auteur=auteur, corps="Pièce jointe.", pieces=[piece]
        )
        pieces[cote] = piece

    maintenant = timezone.now()
    absence_a = Absence.objects.create(
        expert=titulaire, debut=maintenant + timedelta(days=5), fin=maintenant + timedelta(days=6)
    )
    absence_b = Absence.objects.create(
        expert=expert_autre_equipe,
        debut=maintenant + timedelta(days=5),
        fin=maintenant + timedelta(days=6),
    )
    reponse_a = ReponseType.objects.create(equipe=equipe, titre="Réponse A", corps="Texte A")
    reponse_b = ReponseType.objects.create(equipe=autre_equipe, titre="Réponse B", corps="Texte B")
    expert_b2 = creer_expert(autre_equipe)

    # Session A is open to France Services (A and B's type), session B to CCAS only.
    session_a = SessionFactory()
    session_a.formateurs.add(formateur)
    session_b = SessionFactory(publics=["ccas_cias"])
    inscription_a = inscrire(session_a, agent_a)
    inscription_b = inscrire(session_a, agent_b)

    # A past session where A's and B's agents were marked present: their certificates.
    passee = SessionFactory(debut=maintenant - timedelta(days=2), statut="realisee")
    presences = {
        cote: Inscription.objects.create(
            session=passee,
            agent=agent,
            partenaire=structure,
            campagne=passee.campagne,
            programme=passee.programme,
            etat=Inscription.Etat.PRESENT,
        )
        for cote, agent, structure in (("a", agent_a, structure_a), ("b", agent_b, structure_b))
    }

    # Rencontre A is for France Services of 37 (A's, B's and the contents-only structure's
    # type and département), rencontre B for CCAS only.
    rencontre_a = creer_rencontre(types_partenaires=["france_services"], departements=["37"])
    rencontre_b = creer_rencontre(types_partenaires=["ccas_cias"])

    invitation_a = invitation_creer(
        partenaire=structure_a, email="invite-a@exemple.fr", role="agent", auteur=referent_a
    )
    invitation_b = invitation_creer(
        partenaire=structure_b, email="invite-b@exemple.fr", role="agent", auteur=referent_b
    )
    categories = list(Categorie.objects.order_by("pk")[:2])

    def cote(
        structure, adhesion, demande, piece, invitation, session, inscription, agent, **autres
    ):
        convention = structure.conventions.get()
        return {
            "pk": structure.pk,
            "adhesion_pk": adhesion.pk,
            "reference": demande.reference,
            "uuid": piece.uuid.hex,
            "jeton": invitation.jeton,
            "jeton_calendrier": jeton_calendrier_regenerer(utilisateur=agent),
            "convention": convention.pk,
            "session": session.pk,
            "inscription": inscription.pk,
            "campagne": session.campagne.pk,
            "programme": session.programme.pk,
            "utilisateur": agent.pk,
            **autres,
        }

    a = cote(
        structure_a,
        adhesion_a2,
        demande_a,
        pieces["a"],
        invitation_a,
        session_a,
        inscription_a,
        agent_a,
        rattachement=adhesion_a2.pk,
        attestation=presences["a"].pk,
        rencontre=rencontre_a.pk,
        demande_adhesion=_demande_adhesion("Association A").pk,
        categorie=categories[0].pk,
        equipe=equipe.pk,
        expert=titulaire.pk,
        absence=absence_a.pk,
        regle=RegleRoutage.objects.filter(partenaire__isnull=True).get().pk,
        reponse_type=reponse_a.pk,
    )
    b = cote(
        structure_b,
        adhesion_b2,
        demande_b,
        pieces["b"],
        invitation_b,
        session_b,
        inscription_b,
        agent_b,
        rattachement=adhesion_b2.pk,
        attestation=presences["b"].pk,
        rencontre=rencontre_b.pk,
        demande_adhesion=_demande_adhesion("Association B").pk,
        categorie=categories[1].pk,
        equipe=autre_equipe.pk,
        expert=expert_b2.pk,
        absence=absence_b.pk,
        regle=regle_b.pk,
        reponse_type=reponse_b.pk,
    )
    acteurs = {
        "anonyme": None,
        "agent_a": agent_a,
        "referent_a": referent_a,
        "agent_b": agent_b,
        "agent_sans_service": agent_sans_service,
        "expert": titulaire.utilisateur,
        "expert_autre": expert_autre_equipe.utilisateur,
        "superviseur": superviseur,
        "editeur": editeur,
        "formateur": formateur,
    }
    return Monde(acteurs=acteurs, a=a, b=b)
