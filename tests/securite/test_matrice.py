"""Permission matrix: every URL of the project × every role × own / other structure.

The URLs come from the resolver (tests/securite/matrice.py walks it), so a view added tomorrow
fails this test with « vue non déclarée dans la matrice » until its row below says who gets
what. Each URL naming an object is tried on side A's object and on side B's (structure,
demande reference, file uuid, session, registration, convention...; see tests/securite/
conftest.py). A pair (x, y) reads: x on A's object, y on B's; a single value: both.

Outcomes: a status code; CONNEXION, a redirect to /connexion/?next=; REFUS, the 403 page that
explains to a partner why the service is closed to their structure. Wagtail's own screens are
judged by a rule (matrice.regle_wagtail) instead of row by row: no 500; partners and anonymous
visitors never get a 200 under /admin/. Each request is rolled back, so the cells do not depend
on each other; write endpoints are tried with an empty POST (CSRF checks are off in the test
client, as Django's default).
"""

import pytest

from tests.conftest import connecter_verifie
from tests.securite.matrice import CONNEXION, REFUS, ROLES, ecarts, motifs, vue

pytestmark = pytest.mark.django_db

# Roles: anonyme; partners agent_a, referent_a (of structure A), agent_b (of B),
# agent_sans_service (structure whose convention opens neither messaging nor trainings);
# CPAM staff expert (team of demande A), expert_autre (team of demande B), superviseur,
# editeur, formateur (of session A).
MATRICE = {
    "portail:accueil": vue(tous=200),
    "portail:connexion": vue(anonyme=200, partenaires=302, cpam=302),
    "portail:verification": vue(anonyme=CONNEXION, partenaires=302, cpam=302),
    "portail:enrolement": vue(anonyme=CONNEXION, partenaires=302, cpam=302),
    "portail:deconnexion": vue("POST", tous=302),
    "portail:securite": vue(anonyme=CONNEXION, partenaires=200, cpam=200),
    "portail:codes_secours": vue(anonyme=CONNEXION, partenaires=302, cpam=302),
    "portail:codes_secours_regenerer": vue("POST", anonyme=CONNEXION, partenaires=302, cpam=302),
    "portail:appareil_remplacer": vue(anonyme=CONNEXION, partenaires=302, cpam=302),
    "portail:mes_donnees": vue(anonyme=CONNEXION, partenaires=200, cpam=200),
    "portail:reauthentification": vue(anonyme=CONNEXION, partenaires=200, cpam=200),
    "portail:mot_de_passe": vue(tous=200),
    "portail:mot_de_passe_envoye": vue(tous=200),
    "portail:mot_de_passe_nouveau": vue(objets={"uidb64": "=MQ", "token": "=x-x"}, tous=200),
    "portail:mot_de_passe_modifie": vue(tous=200),
    "portail:mentions_legales": vue(tous=200),
    "portail:donnees_personnelles": vue(tous=200),
    "portail:accessibilite": vue(tous=200),
    "portail:sante": vue(tous=200),
    "portail:security_txt": vue(tous=200),
    "portail:securite_publique": vue(tous=200),
    "conventions:mes_structures": vue(
        anonyme=CONNEXION, partenaires=404, referent_a=302, cpam=404, superviseur=200
    ),
    "conventions:structure": vue(
        anonyme=CONNEXION, partenaires=404, referent_a=(200, 404), cpam=404, superviseur=200
    ),
    "conventions:inviter": vue(
        "POST", anonyme=CONNEXION, partenaires=404, referent_a=(200, 404), cpam=404, superviseur=200
    ),
    "conventions:desactiver": vue(
        "POST", anonyme=CONNEXION, partenaires=404, referent_a=(200, 404), cpam=404, superviseur=200
    ),
    "conventions:changer_role": vue(
        "POST", anonyme=CONNEXION, partenaires=404, referent_a=(302, 404), cpam=404, superviseur=302
    ),
    "conventions:invitation": vue(anonyme=200, partenaires=403, cpam=403),
    "conventions:devenir_partenaire": vue(tous=200),
    "conventions:devenir_partenaire_merci": vue(tous=200),
    "conventions:document_signe": vue(
        objets={"pk": "convention"},
        anonyme=CONNEXION,
        partenaires=404,
        referent_a=(200, 404),
        cpam=404,
        superviseur=200,
    ),
    "demandes:liste": vue(anonyme=CONNEXION, partenaires=200, agent_sans_service=REFUS, cpam=302),
    "demandes:nouvelle": vue(
        anonyme=CONNEXION, partenaires=200, agent_sans_service=REFUS, cpam=302
    ),
    "demandes:detail": vue(
        anonyme=CONNEXION,
        partenaires=(200, 404),
        agent_b=(404, 200),
        agent_sans_service=REFUS,
        cpam=404,
    ),
    "demandes:repondre": vue(
        "POST",
        anonyme=CONNEXION,
        partenaires=(200, 404),
        agent_b=(404, 200),
        agent_sans_service=REFUS,
        cpam=404,
    ),
    "demandes:rouvrir": vue(
        "POST",
        anonyme=CONNEXION,
        partenaires=(302, 404),
        agent_b=(404, 302),
        agent_sans_service=REFUS,
        cpam=404,
    ),
    "demandes:cloturer": vue(
        "POST",
        anonyme=CONNEXION,
        partenaires=(302, 404),
        agent_b=(404, 302),
        agent_sans_service=REFUS,
        cpam=404,
    ),
    "demandes:fichier": vue(
        anonyme=CONNEXION,
        partenaires=(200, 404),
        agent_b=(404, 200),
        agent_sans_service=404,
        cpam=404,
        expert=(200, 404),
        expert_autre=(404, 200),
        superviseur=200,
    ),
    "tableaux:structure": vue(
        anonyme=CONNEXION,
        partenaires=404,
        referent_a=(200, 404),
        agent_sans_service=REFUS,
        cpam=404,
        superviseur=200,
    ),
    "tableaux:export_csv": vue(
        anonyme=CONNEXION,
        partenaires=404,
        referent_a=(200, 404),
        agent_sans_service=REFUS,
        cpam=404,
        superviseur=200,
    ),
    "tableaux:export_xlsx": vue(
        anonyme=CONNEXION,
        partenaires=404,
        referent_a=(200, 404),
        agent_sans_service=REFUS,
        cpam=404,
        superviseur=200,
    ),
    "formations:sessions": vue(
        anonyme=CONNEXION, partenaires=200, agent_sans_service=REFUS, cpam=200
    ),
    "formations:session": vue(
        objets={"pk": "session"},
        anonyme=CONNEXION,
        partenaires=(200, 404),
        agent_sans_service=REFUS,
        cpam=200,
    ),
    "formations:s_inscrire": vue(
        "POST",
        objets={"pk": "session"},
        anonyme=CONNEXION,
        partenaires=(302, 404),
        agent_sans_service=REFUS,
        cpam=302,
    ),
    "formations:session_ics": vue(
        objets={"pk": "session"},
        anonyme=CONNEXION,
        partenaires=(200, 404),
        agent_sans_service=REFUS,
        cpam=200,
    ),
    "formations:mes_inscriptions": vue(
        anonyme=CONNEXION, partenaires=200, agent_sans_service=REFUS, cpam=200
    ),
    "formations:annuler": vue(
        "POST",
        objets={"pk": "inscription"},
        anonyme=CONNEXION,
        partenaires=(200, 404),
        agent_b=(404, 200),
        agent_sans_service=REFUS,
        cpam=404,
        superviseur=200,
    ),
    "formations:attestation": vue(
        objets={"pk": "attestation"},
        anonyme=CONNEXION,
        partenaires=(200, 404),
        agent_b=(404, 200),
        agent_sans_service=REFUS,
        cpam=404,
        superviseur=200,
    ),
    "formations:calendrier_regenerer": vue(
        "POST", anonyme=CONNEXION, partenaires=200, agent_sans_service=REFUS, cpam=200
    ),
    "formations:calendrier_revoquer": vue(
        "POST", anonyme=CONNEXION, partenaires=302, agent_sans_service=REFUS, cpam=302
    ),
    "formations:flux_calendrier": vue(objets={"jeton": "jeton_calendrier"}, tous=200),
    "formations:mes_structures": vue(
        anonyme=CONNEXION,
        partenaires=404,
        referent_a=302,
        agent_sans_service=REFUS,
        cpam=404,
        superviseur=200,
    ),
    "formations:structure": vue(
        anonyme=CONNEXION,
        partenaires=404,
        referent_a=(200, 404),
        agent_sans_service=REFUS,
        cpam=404,
        superviseur=200,
    ),
    "formations:inscrire_agent": vue(
        "POST",
        anonyme=CONNEXION,
        partenaires=404,
        referent_a=(200, 404),
        agent_sans_service=REFUS,
        cpam=404,
        superviseur=200,
    ),
    "portail_admin:comptes": vue(
        anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "portail_admin:reinitialiser": vue(
        "POST",
        objets={"pk": "utilisateur"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "journal_admin:recherche": vue(
        anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "journal_admin:export": vue(
        "POST", anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "registre_admin:modifier": vue(
        anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    # The back-office guide: every CPAM role, nobody else.
    "guide_back_office": vue(anonyme=CONNEXION, partenaires=CONNEXION, cpam=200, superviseur=200),
    "demandes_admin:boite": vue(
        anonyme=CONNEXION, partenaires=CONNEXION, cpam=200, editeur=302, formateur=302
    ),
    "demandes_admin:demande": vue(
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=404,
        expert=(200, 404),
        expert_autre=(404, 200),
        superviseur=200,
    ),
    "demandes_admin:repondre": vue(
        "POST",
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=404,
        expert=(200, 404),
        expert_autre=(404, 200),
        superviseur=200,
    ),
    "demandes_admin:note": vue(
        "POST",
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=404,
        expert=(200, 404),
        expert_autre=(404, 200),
        superviseur=200,
    ),
    "demandes_admin:information": vue(
        "POST",
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=404,
        expert=(200, 404),
        expert_autre=(404, 200),
        superviseur=200,
    ),
    "demandes_admin:inserer_reponse_type": vue(
        "POST",
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=404,
        expert=(200, 404),
        expert_autre=(404, 200),
        superviseur=200,
    ),
    "demandes_admin:brouillon": vue(
        "POST",
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=404,
        expert=(200, 404),
        expert_autre=(404, 200),
        superviseur=200,
    ),
    "demandes_admin:reattribuer": vue(
        "POST",
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=404,
        expert=(200, 404),
        expert_autre=(404, 200),
        superviseur=200,
    ),
    # Absences: the expert's own and, for a superviseur, their teams' (absence B's expert is in
    # a team nobody here supervises); a future absence cannot be taken back (302 with a notice).
    "demandes_admin:absences": vue(
        anonyme=CONNEXION, partenaires=CONNEXION, cpam=200, editeur=302, formateur=302
    ),
    "demandes_admin:absence_declarer": vue(
        "POST", anonyme=CONNEXION, partenaires=CONNEXION, cpam=200, editeur=302, formateur=302
    ),
    "demandes_admin:absence_reprendre": vue(
        "POST",
        objets={"pk": "absence"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        expert=(302, 404),
        expert_autre=(404, 302),
        superviseur=(302, 404),
        editeur=302,
        formateur=302,
    ),
    # The inbox's own actions: a superviseur's bulk assignment (404 to everybody else, empty
    # form re-shown: 200), an expert taking a queued demande (refused with a message: 302),
    # saved filters (an empty name re-shows the inbox: 200; nobody owns filter 1: 404).
    "demandes_admin:attribuer": vue(
        "POST", anonyme=CONNEXION, partenaires=CONNEXION, cpam=404, superviseur=200
    ),
    "demandes_admin:prendre": vue(
        "POST",
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=404,
        expert=(302, 404),
        expert_autre=(404, 302),
        superviseur=302,
        editeur=302,
        formateur=302,
    ),
    "demandes_admin:filtre_enregistrer": vue(
        "POST", anonyme=CONNEXION, partenaires=CONNEXION, cpam=200, editeur=302, formateur=302
    ),
    "demandes_admin:filtre_supprimer": vue(
        "POST", anonyme=CONNEXION, partenaires=CONNEXION, cpam=404, editeur=302, formateur=302
    ),
    "tableaux_admin:tableau": vue(
        anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "tableaux_admin:export_csv": vue(
        anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "tableaux_admin:export_xlsx": vue(
        anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "partenaires_structures:index": vue(
        anonyme=CONNEXION, partenaires=CONNEXION, cpam=200, editeur=302, formateur=302
    ),
    "partenaires_structures:index_results": vue(
        anonyme=CONNEXION, partenaires=CONNEXION, cpam=200, editeur=302, formateur=302
    ),
    "partenaires_structures:add": vue(
        anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "partenaires_structures:edit": vue(
        anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "partenaires_structures:delete": vue(anonyme=CONNEXION, partenaires=CONNEXION, cpam=302),
    "partenaires_structures:history": vue(
        anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "partenaires_structures:history_results": vue(
        anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "partenaires_structures:usage": vue(
        anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "partenaires_structures:inspect": vue(
        anonyme=CONNEXION, partenaires=CONNEXION, cpam=200, editeur=302, formateur=302
    ),
    "partenaires_conventions:index": vue(
        objets={"pk": "convention"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_conventions:index_results": vue(
        objets={"pk": "convention"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_conventions:add": vue(
        objets={"pk": "convention"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_conventions:edit": vue(
        objets={"pk": "convention"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_conventions:delete": vue(
        objets={"pk": "convention"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302
    ),
    "partenaires_conventions:history": vue(
        objets={"pk": "convention"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_conventions:history_results": vue(
        objets={"pk": "convention"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_conventions:usage": vue(
        objets={"pk": "convention"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_conventions:inspect": vue(
        objets={"pk": "convention"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_conventions:statut": vue(
        "POST",
        objets={"pk": "convention"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_rattachements:index": vue(
        objets={"pk": "rattachement"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_rattachements:index_results": vue(
        objets={"pk": "rattachement"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_rattachements:add": vue(
        objets={"pk": "rattachement"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302
    ),
    "partenaires_rattachements:edit": vue(
        objets={"pk": "rattachement"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_rattachements:delete": vue(
        objets={"pk": "rattachement"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302
    ),
    "partenaires_rattachements:history": vue(
        objets={"pk": "rattachement"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_rattachements:history_results": vue(
        objets={"pk": "rattachement"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_rattachements:usage": vue(
        objets={"pk": "rattachement"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_demandes:index": vue(
        objets={"pk": "demande_adhesion"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_demandes:index_results": vue(
        objets={"pk": "demande_adhesion"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_demandes:add": vue(
        objets={"pk": "demande_adhesion"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302
    ),
    "partenaires_demandes:edit": vue(
        objets={"pk": "demande_adhesion"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302
    ),
    "partenaires_demandes:delete": vue(
        objets={"pk": "demande_adhesion"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_demandes:history": vue(
        objets={"pk": "demande_adhesion"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_demandes:history_results": vue(
        objets={"pk": "demande_adhesion"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_demandes:usage": vue(
        objets={"pk": "demande_adhesion"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302
    ),
    "partenaires_demandes:inspect": vue(
        objets={"pk": "demande_adhesion"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "partenaires_demandes:traiter": vue(
        "POST",
        objets={"pk": "demande_adhesion"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
    ),
    "messagerie_categories:index": vue(
        objets={"pk": "categorie"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=200,
        editeur=302,
        formateur=302,
    ),
    "messagerie_categories:index_results": vue(
        objets={"pk": "categorie"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=200,
        editeur=302,
        formateur=302,
    ),
    "messagerie_categories:add": vue(
        objets={"pk": "categorie"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "messagerie_categories:edit": vue(
        objets={"pk": "categorie"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "messagerie_categories:delete": vue(
        objets={"pk": "categorie"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302
    ),
    "messagerie_categories:history": vue(
        objets={"pk": "categorie"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "messagerie_categories:history_results": vue(
        objets={"pk": "categorie"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "messagerie_categories:usage": vue(
        objets={"pk": "categorie"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "messagerie_categories:inspect": vue(
        objets={"pk": "categorie"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=200,
        editeur=302,
        formateur=302,
    ),
    "messagerie_equipes:index": vue(
        objets={"pk": "equipe"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=200,
        editeur=302,
        formateur=302,
    ),
    "messagerie_equipes:index_results": vue(
        objets={"pk": "equipe"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=200,
        editeur=302,
        formateur=302,
    ),
    "messagerie_equipes:add": vue(
        objets={"pk": "equipe"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_equipes:edit": vue(
        objets={"pk": "equipe"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_equipes:delete": vue(
        objets={"pk": "equipe"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302
    ),
    "messagerie_equipes:history": vue(
        objets={"pk": "equipe"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_equipes:history_results": vue(
        objets={"pk": "equipe"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_equipes:usage": vue(
        objets={"pk": "equipe"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_equipes:inspect": vue(
        objets={"pk": "equipe"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=200,
        editeur=302,
        formateur=302,
    ),
    "messagerie_experts:index": vue(
        objets={"pk": "expert"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_experts:index_results": vue(
        objets={"pk": "expert"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_experts:add": vue(
        objets={"pk": "expert"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_experts:edit": vue(
        objets={"pk": "expert"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_experts:delete": vue(
        objets={"pk": "expert"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302
    ),
    "messagerie_experts:history": vue(
        objets={"pk": "expert"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_experts:history_results": vue(
        objets={"pk": "expert"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_experts:usage": vue(
        objets={"pk": "expert"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_experts:inspect": vue(
        objets={"pk": "expert"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_absences:index": vue(
        objets={"pk": "absence"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "messagerie_absences:index_results": vue(
        objets={"pk": "absence"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "messagerie_absences:add": vue(
        objets={"pk": "absence"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "messagerie_absences:edit": vue(
        objets={"pk": "absence"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302
    ),
    "messagerie_absences:delete": vue(
        objets={"pk": "absence"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302
    ),
    "messagerie_absences:history": vue(
        objets={"pk": "absence"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "messagerie_absences:history_results": vue(
        objets={"pk": "absence"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    # Wagtail shows an object's usage to those who may change or delete it: nobody, for an
    # absence (ended by its return, see demandes.continuite).
    "messagerie_absences:usage": vue(
        objets={"pk": "absence"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302
    ),
    "messagerie_absences:inspect": vue(
        objets={"pk": "absence"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "messagerie_regles:index": vue(
        objets={"pk": "regle"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_regles:index_results": vue(
        objets={"pk": "regle"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_regles:add": vue(
        objets={"pk": "regle"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_regles:edit": vue(
        objets={"pk": "regle"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_regles:delete": vue(
        objets={"pk": "regle"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302
    ),
    "messagerie_regles:history": vue(
        objets={"pk": "regle"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_regles:history_results": vue(
        objets={"pk": "regle"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_regles:usage": vue(
        objets={"pk": "regle"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_regles:inspect": vue(
        objets={"pk": "regle"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200
    ),
    "messagerie_reponses_types:index": vue(
        objets={"pk": "reponse_type"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=200,
        editeur=302,
        formateur=302,
    ),
    "messagerie_reponses_types:index_results": vue(
        objets={"pk": "reponse_type"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=200,
        editeur=302,
        formateur=302,
    ),
    "messagerie_reponses_types:add": vue(
        objets={"pk": "reponse_type"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "messagerie_reponses_types:edit": vue(
        objets={"pk": "reponse_type"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "messagerie_reponses_types:delete": vue(
        objets={"pk": "reponse_type"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "messagerie_reponses_types:history": vue(
        objets={"pk": "reponse_type"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "messagerie_reponses_types:history_results": vue(
        objets={"pk": "reponse_type"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "messagerie_reponses_types:usage": vue(
        objets={"pk": "reponse_type"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
    ),
    "messagerie_reponses_types:inspect": vue(
        objets={"pk": "reponse_type"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=200,
        editeur=302,
        formateur=302,
    ),
    "formations_sessions:index": vue(
        objets={"pk": "session"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
        formateur=200,
    ),
    "formations_sessions:index_results": vue(
        objets={"pk": "session"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
        formateur=200,
    ),
    "formations_sessions:add": vue(
        objets={"pk": "session"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, formateur=200
    ),
    "formations_sessions:edit": vue(
        objets={"pk": "session"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, formateur=200
    ),
    "formations_sessions:delete": vue(
        objets={"pk": "session"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302
    ),
    "formations_sessions:history": vue(
        objets={"pk": "session"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, formateur=200
    ),
    "formations_sessions:history_results": vue(
        objets={"pk": "session"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, formateur=200
    ),
    "formations_sessions:usage": vue(
        objets={"pk": "session"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, formateur=200
    ),
    "formations_sessions:inscriptions": vue(
        objets={"pk": "session"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
        formateur=200,
    ),
    "formations_sessions:annuler": vue(
        "POST",
        objets={"pk": "session"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        formateur=200,
    ),
    "formations_sessions:feuille": vue(
        objets={"pk": "session"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
        formateur=200,
    ),
    "formations_sessions:attestation": vue(
        objets={"pk": "session"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=404,
        formateur=404,
    ),
    "formations_campagnes:index": vue(
        objets={"pk": "campagne"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
        formateur=200,
    ),
    "formations_campagnes:index_results": vue(
        objets={"pk": "campagne"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
        formateur=200,
    ),
    "formations_campagnes:add": vue(
        objets={"pk": "campagne"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, formateur=200
    ),
    "formations_campagnes:edit": vue(
        objets={"pk": "campagne"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, formateur=200
    ),
    "formations_campagnes:delete": vue(
        objets={"pk": "campagne"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302
    ),
    "formations_campagnes:history": vue(
        objets={"pk": "campagne"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, formateur=200
    ),
    "formations_campagnes:history_results": vue(
        objets={"pk": "campagne"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, formateur=200
    ),
    "formations_campagnes:usage": vue(
        objets={"pk": "campagne"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, formateur=200
    ),
    "formations_programmes:index": vue(
        objets={"pk": "programme"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
        formateur=200,
    ),
    "formations_programmes:index_results": vue(
        objets={"pk": "programme"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        superviseur=200,
        formateur=200,
    ),
    "formations_programmes:add": vue(
        objets={"pk": "programme"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        formateur=200,
    ),
    "formations_programmes:edit": vue(
        objets={"pk": "programme"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        formateur=200,
    ),
    "formations_programmes:delete": vue(
        objets={"pk": "programme"}, anonyme=CONNEXION, partenaires=CONNEXION, cpam=302
    ),
    "formations_programmes:history": vue(
        objets={"pk": "programme"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        formateur=200,
    ),
    "formations_programmes:history_results": vue(
        objets={"pk": "programme"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        formateur=200,
    ),
    "formations_programmes:usage": vue(
        objets={"pk": "programme"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        formateur=200,
    ),
    "formations_couverture:index": vue(
        anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, superviseur=200, formateur=200
    ),
    "fiches_a_relire": vue(anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, editeur=200),
    "fiches_a_relire_resultats": vue(
        anonyme=CONNEXION, partenaires=CONNEXION, cpam=302, editeur=200
    ),
    "cms:preferences": vue(anonyme=CONNEXION, partenaires=200, cpam=200),
    # A rencontre not aimed at the person's structures does not exist for them (404); CPAM staff
    # see every rencontre but registering refuses them with a message (302 back to the page).
    "cms:rencontre_inscription": vue(
        "POST",
        objets={"pk": "rencontre"},
        anonyme=CONNEXION,
        partenaires=(302, 404),
        cpam=302,
    ),
    "cms:rencontre_desinscription": vue(
        "POST",
        objets={"pk": "rencontre"},
        anonyme=CONNEXION,
        partenaires=(302, 404),
        cpam=302,
    ),
    "cms:rencontre_calendrier": vue(
        objets={"pk": "rencontre"},
        anonyme=CONNEXION,
        partenaires=(200, 404),
        cpam=200,
    ),
    # The organiser only: editors who may edit the page.
    "rencontre_participants": vue(
        objets={"pk": "rencontre"},
        anonyme=CONNEXION,
        partenaires=CONNEXION,
        cpam=302,
        editeur=200,
    ),
    "wagtail_serve": vue(chemin="/page-inconnue/", tous=404),
}


def test_chaque_vue_du_projet_a_sa_ligne():
    """A row for every URL of this project; no row for a URL that no longer exists."""
    cles = {motif.cle for motif in motifs() if not motif.wagtail}
    assert not cles - set(MATRICE), f"vues non déclarées dans la matrice : {cles - set(MATRICE)}"
    assert not set(MATRICE) - cles, f"lignes sans vue : {set(MATRICE) - cles}"


@pytest.mark.parametrize("role", ROLES)
def test_matrice(client, monde, role):
    if role != "anonyme":
        connecter_verifie(client, monde.acteurs[role])
    differences, essais = ecarts(client, role, monde, MATRICE)
    assert essais > 250
    assert not differences, f"{role} : {len(differences)} écart(s)\n" + "\n".join(differences)
