"""The partners' back-office in the Wagtail admin: structures, conventions, memberships and join
requests, for superviseurs (experts see structures only, partners nothing)."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.menu import admin_menu

from conventions.models import (
    Adhesion,
    Convention,
    DemandeAdhesion,
    Partenaire,
    TransitionConvention,
)
from tests import pieces_de_test
from tests.conftest import connecter_verifie, texte
from tests.factories import (
    AdhesionFactory,
    ConventionFactory,
    PartenaireFactory,
    UtilisateurFactory,
    siret_valide,
)

PDF = pieces_de_test.pdf_propre(pages=3)
ACCUEIL_ADMIN = "/admin/"


@pytest.fixture(autouse=True)
def _hachage_rapide(settings):
    # Argon2 is what production uses; here it would only slow down hundreds of accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def url(nom, *args):
    return reverse(nom, args=args)


@pytest.fixture
def client_superviseur(client, superviseur):
    return connecter_verifie(client, superviseur)


@pytest.fixture
def demande(db):
    return DemandeAdhesion.objects.create(
        nom_structure="CCAS de Blois",
        type="ccas_cias",
        siret=siret_valide(4242),
        code_postal="41000",
        commune="Blois",
        contact_nom="Claire Martin",
        contact_email="claire.martin@blois.example",
        contact_telephone="0254000000",
        empreinte_origine="x" * 64,
    )


def _convention_brouillon(**champs):
    return ConventionFactory(statut="brouillon", document_signe=None, **champs)


# Permission matrix -------------------------------------------------------------------------------

VUES = {
    "structures": lambda o: url("partenaires_structures:index"),
    "structure_ajout": lambda o: url("partenaires_structures:add"),
    "structure_modif": lambda o: url("partenaires_structures:edit", o["structure"].pk),
    "structure_detail": lambda o: url("partenaires_structures:inspect", o["structure"].pk),
    "structure_suppr": lambda o: url("partenaires_structures:delete", o["structure"].pk),
    "conventions": lambda o: url("partenaires_conventions:index"),
    "convention_ajout": lambda o: url("partenaires_conventions:add"),
    "convention_modif": lambda o: url("partenaires_conventions:edit", o["convention"].pk),
    "convention_detail": lambda o: url("partenaires_conventions:inspect", o["convention"].pk),
    "convention_statut": lambda o: url("partenaires_conventions:statut", o["convention"].pk),
    "convention_suppr": lambda o: url("partenaires_conventions:delete", o["convention"].pk),
    "rattachements": lambda o: url("partenaires_rattachements:index"),
    "rattachement_modif": lambda o: url("partenaires_rattachements:edit", o["adhesion"].pk),
    "rattachement_ajout": lambda o: url("partenaires_rattachements:add"),
    "demandes": lambda o: url("partenaires_demandes:index"),
    "demande_detail": lambda o: url("partenaires_demandes:inspect", o["demande"].pk),
    "demande_modif": lambda o: url("partenaires_demandes:edit", o["demande"].pk),
}

# 200: the page; "connexion": sent to the login page (no back-office access at all);
# "refus": back to the admin home with "no permission" (staff without the permission).
ATTENDU = {
    #                       anonyme       agent         référent      expert   superviseur
    "structures": ("connexion", "connexion", "connexion", 200, 200),
    "structure_ajout": ("connexion", "connexion", "connexion", "refus", 200),
    "structure_modif": ("connexion", "connexion", "connexion", "refus", 200),
    "structure_detail": ("connexion", "connexion", "connexion", 200, 200),
    "structure_suppr": ("connexion", "connexion", "connexion", "refus", "refus"),
    "conventions": ("connexion", "connexion", "connexion", "refus", 200),
    "convention_ajout": ("connexion", "connexion", "connexion", "refus", 200),
    "convention_modif": ("connexion", "connexion", "connexion", "refus", 200),
    "convention_detail": ("connexion", "connexion", "connexion", "refus", 200),
    "convention_statut": ("connexion", "connexion", "connexion", "refus", 200),
    "convention_suppr": ("connexion", "connexion", "connexion", "refus", "refus"),
    "rattachements": ("connexion", "connexion", "connexion", "refus", 200),
    "rattachement_modif": ("connexion", "connexion", "connexion", "refus", 200),
    "rattachement_ajout": ("connexion", "connexion", "connexion", "refus", "refus"),
    "demandes": ("connexion", "connexion", "connexion", "refus", 200),
    "demande_detail": ("connexion", "connexion", "connexion", "refus", 200),
    "demande_modif": ("connexion", "connexion", "connexion", "refus", "refus"),
}
ROLES = ["anonyme", "agent", "referent", "expert", "superviseur"]
MATRICE = [(vue, role, ATTENDU[vue][i]) for vue in VUES for i, role in enumerate(ROLES)]


def verifier_statut(response, attendu):
    if attendu == 200:
        assert response.status_code == 200
    elif attendu == "connexion":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portail:connexion"))
    else:
        assert response.status_code == 302
        assert response["Location"] == ACCUEIL_ADMIN


@pytest.mark.parametrize(("vue", "role", "attendu"), MATRICE)
def test_matrice_des_permissions(
    client, request, structure_a, agent_a, referent_a, demande, vue, role, attendu
):
    if role != "anonyme":
        utilisateur = {"agent": agent_a, "referent": referent_a}.get(
            role
        ) or request.getfixturevalue(role)
        connecter_verifie(client, utilisateur)
    objets = {
        "structure": structure_a,
        "convention": structure_a.conventions.get(),
        "adhesion": Adhesion.objects.get(utilisateur=agent_a),
        "demande": demande,
    }
    verifier_statut(client.get(VUES[vue](objets)), attendu)


def _menu(utilisateur):
    requete = RequestFactory().get("/admin/")
    requete.user = utilisateur
    partenaires = [i for i in admin_menu.menu_items_for_request(requete) if i.name == "partenaires"]
    if not partenaires:
        return []
    return [str(i.label) for i in partenaires[0].menu.menu_items_for_request(requete)]


def test_menu_selon_les_permissions(superviseur, expert, referent_a):
    assert _menu(superviseur) == [
        "Structures",
        "Conventions",
        "Rattachements",
        "Demandes pour devenir partenaire",
    ]
    assert _menu(expert) == ["Structures"]
    assert _menu(referent_a) == []


# Structures --------------------------------------------------------------------------------------


@pytest.fixture
def personnes(db):
    return UtilisateurFactory.create_batch(3)


def _structures(nombre, personnes):
    """Structures with a convention, two active agents and a former one each, and as many
    join requests."""
    for n in range(nombre):
        partenaire = ConventionFactory().partenaire
        for personne, active in zip(personnes, (True, True, False), strict=True):
            AdhesionFactory(partenaire=partenaire, utilisateur=personne, active=active)
        DemandeAdhesion.objects.create(
            nom_structure=f"Association {n}",
            type="association",
            siret=siret_valide(9000 + n),
            code_postal="37000",
            commune="Tours",
            contact_nom="Contact",
            contact_email="contact@exemple.fr",
            contact_telephone="0247000000",
            empreinte_origine="y" * 64,
        )


def _requetes(client, adresse):
    with CaptureQueriesContext(connection) as requetes:
        response = client.get(adresse)
        assert response.status_code == 200
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return len(requetes)


@pytest.mark.parametrize(
    "adresse",
    [
        "partenaires_structures:index",
        "partenaires_structures:index?statut_convention=en_vigueur&q=France&departement=37",
        "partenaires_structures:index?export=csv",
        "partenaires_conventions:index",
        "partenaires_conventions:index?statut=en_vigueur&export=csv",
        "partenaires_rattachements:index?active=true",
        "partenaires_demandes:index",
    ],
)
def test_listes_en_nombre_constant_de_requetes(client_superviseur, personnes, adresse):
    nom, _, parametres = adresse.partition("?")
    adresse = f"{url(nom)}?{parametres}"
    _structures(5, personnes)
    client_superviseur.get(adresse)  # warm caches (content types, permissions)
    avec_5 = _requetes(client_superviseur, adresse)
    _structures(45, personnes)
    assert _requetes(client_superviseur, adresse) == avec_5


def test_liste_des_structures_montre_agents_et_convention(client_superviseur):
    partenaire = ConventionFactory(statut="suspendue").partenaire
    AdhesionFactory.create_batch(3, partenaire=partenaire)
    AdhesionFactory(partenaire=partenaire, active=False)
    contenu = texte(client_superviseur.get(url("partenaires_structures:index")))
    assert partenaire.nom in contenu
    assert "Suspendue" in contenu
    assert ">3<" in contenu.replace(" ", "").replace("\n", "")


def test_filtres_et_recherche_des_structures(client_superviseur):
    en_vigueur = ConventionFactory(partenaire__nom="Maison France Services Amboise").partenaire
    suspendue = ConventionFactory(statut="suspendue", partenaire__departement="41").partenaire
    sans_convention = PartenaireFactory(nom="Association sans convention", type="association")
    index = url("partenaires_structures:index")

    contenu = texte(client_superviseur.get(index, {"statut_convention": "suspendue"}))
    assert suspendue.nom in contenu and en_vigueur.nom not in contenu

    contenu = texte(client_superviseur.get(index, {"statut_convention": "aucune"}))
    assert sans_convention.nom in contenu and en_vigueur.nom not in contenu

    contenu = texte(client_superviseur.get(index, {"departement": "41"}))
    assert suspendue.nom in contenu and en_vigueur.nom not in contenu

    contenu = texte(client_superviseur.get(index, {"type": "association"}))
    assert sans_convention.nom in contenu and en_vigueur.nom not in contenu

    contenu = texte(client_superviseur.get(index, {"q": en_vigueur.siret}))
    assert en_vigueur.nom in contenu and suspendue.nom not in contenu

    contenu = texte(client_superviseur.get(index, {"q": "amboise"}))
    assert en_vigueur.nom in contenu and suspendue.nom not in contenu


def test_export_csv_des_structures(client_superviseur):
    ConventionFactory(partenaire__nom="France Services de Loches")
    PartenaireFactory(nom='=HYPERLIEN("http://exemple")', type="association")
    response = client_superviseur.get(url("partenaires_structures:index"), {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lignes = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert lignes[0][:3] == ["Nom de la structure", "Type", "SIRET"]
    noms = {ligne[0]: ligne for ligne in lignes[1:]}
    assert noms["France Services de Loches"][9] == "En vigueur"
    assert noms["France Services de Loches"][10] == "oui"
    # A formula typed as a name stays text in a spreadsheet.
    assert '\'=HYPERLIEN("http://exemple")' in noms


def test_creation_de_structure_refuse_un_siret_invalide_et_le_label_manquant(client_superviseur):
    donnees = {
        "nom": "France Services de Chinon",
        "type": "france_services",
        "siret": "12345678901234",
        "adresse": "1 rue Voltaire",
        "code_postal": "37500",
        "commune": "Chinon",
        "departement": "37",
        "actif": "on",
    }
    contenu = texte(client_superviseur.post(url("partenaires_structures:add"), donnees))
    assert "Les 9 premiers chiffres du SIRET (le SIREN) ne forment pas un numéro valide" in contenu
    assert "Indiquez le numéro de labellisation d'une structure France Services." in contenu

    donnees.update(siret=siret_valide(777), numero_label_france_services="FS-37-900")
    response = client_superviseur.post(url("partenaires_structures:add"), donnees)
    assert response.status_code == 302


def _structure(**champs) -> dict:
    donnees = {
        "nom": "Bureau de poste de Chinon",
        "type": "autre",
        "siret": "356 000 000 00048",
        "adresse": "1 rue Voltaire",
        "code_postal": "37500",
        "commune": "Chinon",
        "departement": "37",
        "actif": "on",
    }
    donnees.update(champs)
    return donnees


@pytest.mark.parametrize("siret", ["356 000 000 00048", "35600000049837", "732.829.320.00074"])
def test_creation_de_structure_accepte_les_siret_publies_saisis_avec_espaces(
    client_superviseur, siret
):
    response = client_superviseur.post(url("partenaires_structures:add"), _structure(siret=siret))

    assert response.status_code == 302
    partenaire = Partenaire.objects.get(nom="Bureau de poste de Chinon")
    assert partenaire.siret == siret.replace(" ", "").replace(".", "")


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("73282932000079", "La clé du SIRET ne correspond pas aux chiffres saisis"),
        ("35600000049838", "La clé du SIRET ne correspond pas aux chiffres saisis"),
        ("7328293200007", "Le SIRET doit comporter 14 chiffres (13 saisis)."),
        ("7328293200007A", "Le SIRET ne comporte que des chiffres"),
    ],
)
def test_creation_de_structure_avec_un_siret_faux_explique_et_garde_la_saisie(
    client_superviseur, siret, message
):
    avant = Partenaire.objects.count()
    response = client_superviseur.post(url("partenaires_structures:add"), _structure(siret=siret))

    assert response.status_code == 200
    contenu = texte(response)
    assert message in contenu
    assert f'value="{siret}"' in contenu
    assert 'value="Bureau de poste de Chinon"' in contenu
    assert 'value="1 rue Voltaire"' in contenu
    assert Partenaire.objects.count() == avant


def test_detail_de_structure_avec_historique_et_agents(client_superviseur, superviseur, agent_a):
    partenaire = agent_a.adhesions.get().partenaire
    convention = partenaire.conventions.get()
    TransitionConvention.objects.create(
        convention=convention,
        de="en_signature",
        vers="en_vigueur",
        auteur=superviseur,
        motif="Signée en comité",
    )
    contenu = texte(client_superviseur.get(url("partenaires_structures:inspect", partenaire.pk)))
    assert convention.numero in contenu
    assert "En signature → En vigueur" in contenu
    assert superviseur.get_full_name() in contenu
    assert "Signée en comité" in contenu
    assert agent_a.email in contenu
    assert url("conventions:document_signe", convention.pk) in contenu


def test_detail_de_structure_pour_un_expert_sans_lien_de_telechargement(
    client, expert, structure_a
):
    connecter_verifie(client, expert)
    convention = structure_a.conventions.get()
    contenu = texte(client.get(url("partenaires_structures:inspect", structure_a.pk)))
    assert structure_a.nom in contenu
    assert url("conventions:document_signe", convention.pk) not in contenu


# Conventions -------------------------------------------------------------------------------------


def _donnees_convention(partenaire, **autres):
    aujourdhui = timezone.localdate()
    return {
        "partenaire": partenaire.pk,
        "date_effet": aujourdhui.isoformat(),
        "date_fin": aujourdhui.replace(year=aujourdhui.year + 3).isoformat(),
        "signataire_partenaire": "Mme Directrice",
        "signataire_cpam": "M. Directeur",
        "ouvre_contenus": "on",
        "ouvre_messagerie": "on",
        **autres,
    }


def test_creation_de_convention_par_le_service(client_superviseur, superviseur, settings):
    partenaire = PartenaireFactory()
    document = SimpleUploadedFile("Convention Loches signée.pdf", PDF, "application/pdf")
    response = client_superviseur.post(
        url("partenaires_conventions:add"),
        _donnees_convention(partenaire, document_signe=document, statut="en_vigueur"),
    )
    assert response.status_code == 302
    convention = Convention.objects.get(partenaire=partenaire)
    assert convention.numero == f"CONV-{timezone.localdate().year}-0001"
    assert convention.statut == "brouillon"
    assert convention.ouvre_formations is False
    creation = convention.transitions.get()
    assert (creation.de, creation.vers, creation.auteur) == ("", "brouillon", superviseur)
    # Stored through the storage under MEDIA_ROOT, under a name that tells nothing.
    assert convention.document_signe.read() == PDF
    assert convention.document_signe.path.startswith(str(settings.MEDIA_ROOT))
    assert "Loches" not in convention.document_signe.name


def test_creation_de_convention_dates_incoherentes(client_superviseur):
    partenaire = PartenaireFactory()
    donnees = _donnees_convention(partenaire)
    donnees["date_fin"] = donnees["date_effet"]
    contenu = texte(client_superviseur.post(url("partenaires_conventions:add"), donnees))
    assert "La date de fin doit suivre la date d'effet." in contenu
    assert not Convention.objects.filter(partenaire=partenaire).exists()


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("convention.pdf", b"MZ\x90\x00 pas un pdf", "« convention.pdf » n'est pas un fichier PDF"),
        ("convention.docx", PDF, "La convention signée doit être un fichier PDF"),
        (
            "convention.pdf",
            pieces_de_test.pdf_openaction_javascript(),
            "Le fichier « convention.pdf » contient du contenu actif (JavaScript)",
        ),
        (
            "convention.pdf",
            pieces_de_test.pdf_fichier_integre(),
            "Le fichier « convention.pdf » contient un fichier intégré",
        ),
        ("convention.pdf", PDF[:200], "Le fichier « convention.pdf » est endommagé"),
    ],
)
def test_document_signe_refuse_un_fichier_qui_n_est_pas_un_pdf(
    client_superviseur, nom, contenu, message
):
    convention = _convention_brouillon()
    donnees = _donnees_convention(convention.partenaire)
    del donnees["partenaire"]
    donnees["document_signe"] = SimpleUploadedFile(nom, contenu, "application/pdf")
    response = client_superviseur.post(url("partenaires_conventions:edit", convention.pk), donnees)
    assert response.status_code == 200
    assert message in texte(response)
    convention.refresh_from_db()
    assert not convention.document_signe


def test_modification_ne_touche_ni_statut_ni_structure(
    client_superviseur, structure_a, structure_b
):
    convention = structure_a.conventions.get()
    donnees = _donnees_convention(structure_b, statut="resiliee", signataire_cpam="Mme Autre")
    response = client_superviseur.post(url("partenaires_conventions:edit", convention.pk), donnees)
    assert response.status_code == 302
    convention.refresh_from_db()
    assert (convention.statut, convention.partenaire) == ("en_vigueur", structure_a)
    assert convention.signataire_cpam == "Mme Autre"
    assert convention.document_signe.read().startswith(b"%PDF-")  # kept without a new upload


def test_changer_statut_propose_les_seuls_statuts_suivants(client_superviseur, structure_a):
    convention = structure_a.conventions.get()
    contenu = texte(client_superviseur.get(url("partenaires_conventions:statut", convention.pk)))
    for statut in ("suspendue", "resiliee", "expiree"):
        assert f'value="{statut}"' in contenu
    for statut in ("brouillon", "en_signature", "en_vigueur"):
        assert f'value="{statut}"' not in contenu


def test_changer_statut_autorise(client_superviseur, superviseur, structure_a):
    convention = structure_a.conventions.get()
    response = client_superviseur.post(
        url("partenaires_conventions:statut", convention.pk),
        {"vers": "suspendue", "motif": "Convention non respectée"},
    )
    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.statut == "suspendue"
    transition = convention.transitions.get()
    assert (transition.de, transition.vers) == ("en_vigueur", "suspendue")
    assert (transition.auteur, transition.motif) == (superviseur, "Convention non respectée")


@pytest.mark.parametrize(
    ("statut", "donnees", "message"),
    [
        (
            "en_vigueur",
            {"vers": "suspendue", "motif": "  "},
            "Indiquez le motif : il sera communiqué au référent de la structure.",
        ),
        (
            "en_signature",
            {"vers": "en_vigueur"},
            "Pour mettre la convention en vigueur, ajoutez : la convention signée (PDF).",
        ),
        ("brouillon", {"vers": "resiliee", "motif": "x"}, "Sélectionnez un choix valide"),
    ],
)
def test_changer_statut_refuse(client_superviseur, statut, donnees, message):
    convention = ConventionFactory(statut=statut, document_signe=None)
    response = client_superviseur.post(
        url("partenaires_conventions:statut", convention.pk), donnees
    )
    assert response.status_code == 200
    assert message in texte(response)
    convention.refresh_from_db()
    assert convention.statut == statut
    assert not convention.transitions.exists()


def test_liste_et_export_des_conventions(client_superviseur, structure_a, structure_b):
    numero = structure_a.conventions.get().numero
    contenu = texte(client_superviseur.get(url("partenaires_conventions:index"), {"q": numero}))
    assert structure_a.nom in contenu and structure_b.nom not in contenu
    response = client_superviseur.get(url("partenaires_conventions:index"), {"export": "csv"})
    export = b"".join(response.streaming_content).decode()
    assert numero in export and structure_b.nom in export


# Memberships and join requests -------------------------------------------------------------------


def test_rattachement_role_et_desactivation_par_les_services(client_superviseur, agent_a):
    adhesion = Adhesion.objects.get(utilisateur=agent_a)
    adresse = url("partenaires_rattachements:edit", adhesion.pk)
    assert client_superviseur.post(adresse, {"role": "referent", "active": "on"}).status_code == 302
    agent_a = type(agent_a).objects.get(pk=agent_a.pk)  # fresh permission cache
    assert agent_a.has_perm("conventions.gerer_agents", adhesion.partenaire)

    assert client_superviseur.post(adresse, {"role": "referent"}).status_code == 302
    adhesion.refresh_from_db()
    assert adhesion.active is False and adhesion.desactivee_le is not None
    agent_a = type(agent_a).objects.get(pk=agent_a.pk)
    assert not agent_a.has_perm("conventions.gerer_agents", adhesion.partenaire)


def test_demandes_les_plus_recentes_d_abord(client_superviseur, demande):
    ancienne = DemandeAdhesion.objects.get(pk=demande.pk)
    ancienne.pk = None
    ancienne.nom_structure = "Mission locale ancienne"
    ancienne.cree_le = timezone.now() - timedelta(days=3)
    ancienne.save()
    contenu = texte(client_superviseur.get(url("partenaires_demandes:index")))
    assert contenu.index("CCAS de Blois") < contenu.index("Mission locale ancienne")


@pytest.mark.parametrize("decision", ["acceptee", "refusee"])
def test_traiter_une_demande(client_superviseur, superviseur, demande, decision):
    adresse = url("partenaires_demandes:traiter", demande.pk)
    contenu = texte(client_superviseur.get(url("partenaires_demandes:inspect", demande.pk)))
    assert adresse in contenu
    response = client_superviseur.post(adresse, {"decision": decision}, follow=True)
    demande.refresh_from_db()
    assert (demande.statut, demande.traitee_par) == (decision, superviseur)
    assert adresse not in texte(response)  # no second decision offered

    client_superviseur.post(adresse, {"decision": "refusee"})
    demande.refresh_from_db()
    assert demande.statut == decision


def test_structure_creee_depuis_une_demande_acceptee(client_superviseur, demande, superviseur):
    from conventions.services import demande_adhesion_traiter

    demande_adhesion_traiter(demande=demande, statut="acceptee", auteur=superviseur)
    response = client_superviseur.get(url("partenaires_structures:add"), {"demande": demande.pk})
    assert demande.siret in texte(response)


def test_expert_ne_traite_pas_une_demande(client, expert, demande):
    connecter_verifie(client, expert)
    response = client.post(
        url("partenaires_demandes:traiter", demande.pk), {"decision": "acceptee"}
    )
    verifier_statut(response, "refus")
    demande.refresh_from_db()
    assert demande.statut == "en_attente"


def test_agent_ne_change_pas_le_statut(client, agent_a, structure_a):
    connecter_verifie(client, agent_a)
    convention = structure_a.conventions.get()
    client.post(
        url("partenaires_conventions:statut", convention.pk), {"vers": "resiliee", "motif": "x"}
    )
    convention.refresh_from_db()
    assert convention.statut == "en_vigueur"


def test_rattachement_reactive_par_le_service(client_superviseur, superviseur, agent_a):
    from conventions.services import adhesion_desactiver

    ancienne = adhesion_desactiver(adhesion=agent_a.adhesions.get(), auteur=superviseur)
    adresse = url("partenaires_rattachements:edit", ancienne.pk)
    assert client_superviseur.post(adresse, {"role": "agent", "active": "on"}).status_code == 302
    # The history is kept: the old membership stays closed, a new one is open.
    assert agent_a.adhesions.filter(active=True).count() == 1
    ancienne.refresh_from_db()
    assert ancienne.active is False


def test_creation_de_structure_avec_une_demande_invalide(client_superviseur):
    response = client_superviseur.get(url("partenaires_structures:add"), {"demande": "abc"})
    assert response.status_code == 200
