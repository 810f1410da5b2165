"""The partner's form for a new demande: insured person, category questions, urgency, consent,
structure, attachments kept across a refused form, and nothing half-written on errors."""

import re

import pytest
from django.core import mail
from stdnum.fr import nir as stdnum_nir

from conventions.models import Convention
from demandes.calendrier import MINUTES_PAR_JOUR
from demandes.models import Demande, PieceJointe
from portail.models import EntreeJournal
from tests.conftest import connecter_verifie, rattacher, texte
from tests.demandes.conftest import JPEG, NIR, PDF, PNG, fichier, nir_valide
from tests.factories import ConventionFactory

pytestmark = pytest.mark.django_db

URL = "/demandes/nouvelle/"


def donnees(**champs):
    """A complete, valid demande as the agent posts it; None removes a field."""
    valeurs = {
        "categorie": "css",
        "urgence": "normale",
        "nir": NIR,
        "objet": "Renouvellement CSS bloqué",
        "description": "Dossier déposé il y a deux mois, aucune nouvelle.",
        "partagee": "on",
        "consentement": "on",
    }
    valeurs.update(champs)
    return {cle: valeur for cle, valeur in valeurs.items() if valeur is not None}


def balise(page: str, nom: str, valeur: str) -> str:
    """The <input> tag of one radio or checkbox option."""
    trouvee = re.search(rf'<input[^>]*name="{nom}" value="{re.escape(valeur)}"[^>]*>', page)
    assert trouvee, f"pas d'option {nom}={valeur}"
    return trouvee.group(0)


@pytest.fixture
def client_a(client, agent_a, regle_generale):
    return connecter_verifie(client, agent_a)


# The page --------------------------------------------------------------------------------------


def test_page_accessible_avec_categories_et_delais(client_a):
    response = client_a.get(URL)
    page = texte(response)
    assert response.status_code == 200
    assert "Carte Vitale" in page and "Complémentaire santé solidaire" in page
    assert "première réponse sous 2 jours ouvrés, sous 4 h ouvrées pour une demande" in page
    assert '<legend>Catégorie de la demande <span class="obligatoire">' in page
    assert 'enctype="multipart/form-data"' in page
    assert "multiple" in re.search(r'<input[^>]*name="pieces"[^>]*>', page).group(0)
    # A single structure: no choice to make.
    assert 'name="partenaire"' not in page


def test_categorie_preselectionnee_par_le_bouton_des_fiches(client_a):
    page = texte(client_a.get(URL + "?categorie=carte_vitale"))
    assert "checked" in balise(page, "categorie", "carte_vitale")
    assert "checked" not in balise(page, "categorie", "css")


def test_categorie_inconnue_ne_preselectionne_rien(client_a):
    page = texte(client_a.get(URL + "?categorie=n-existe-pas"))
    assert "checked" not in balise(page, "categorie", "css")


def test_demande_envoyee_et_redirigee_vers_sa_page(client_a, agent_a, structure_a, titulaire):
    response = client_a.post(URL, donnees(nir="1 85 07 37 261 042 " + NIR[-2:]))
    demande = Demande.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/demandes/{demande.reference}/"
    assert demande.nir == NIR
    assert (demande.auteur, demande.partenaire, demande.expert) == (agent_a, structure_a, titulaire)
    assert demande.consentement_par == agent_a and demande.partagee
    assert demande.messages.get().corps == "Dossier déposé il y a deux mois, aucune nouvelle."
    assert EntreeJournal.objects.filter(
        reference=demande.reference, utilisateur=agent_a, action=EntreeJournal.Action.CREATION
    ).exists()
    suite = texte(client_a.get(response["Location"]))
    assert f"Votre demande est envoyée sous la référence {demande.reference}" in suite
    assert "Elle est confiée à Claire Titulaire" in suite


def test_demande_non_partagee(client_a):
    client_a.post(URL, donnees(partagee=None))
    assert Demande.objects.get().partagee is False


# Insured person --------------------------------------------------------------------------------


@pytest.mark.parametrize("numero13", ["185072A004123", "285092B123456"])
def test_nir_corse_accepte(client_a, numero13):
    nir = nir_valide(numero13)
    assert client_a.post(URL, donnees(nir=nir.lower())).status_code == 302
    assert Demande.objects.get().nir == nir


def test_nir_mauvaise_cle_refuse(client_a):
    mauvais = NIR[:-2] + f"{(int(NIR[-2:]) + 1) % 97:02d}"
    response = client_a.post(URL, donnees(nir=mauvais))
    page = texte(response)
    assert response.status_code == 200
    assert "La clé du numéro de sécurité sociale (2 derniers chiffres) ne correspond pas" in page
    assert 'href="#id_nir"' in page  # the error summary links the field
    assert not Demande.objects.exists()


@pytest.mark.parametrize(
    "nir", ["2 69 05 49 588 157 80", "2 95 10 99 126 111 93", "253072B07300470"]
)
def test_nir_publies_acceptes(client_a, nir):
    assert client_a.post(URL, donnees(nir=nir)).status_code == 302
    assert Demande.objects.get().nir == nir.replace(" ", "")


@pytest.mark.parametrize(
    ("nir", "message"),
    [
        ("2 69 05 49 588 157 81", "La clé du numéro de sécurité sociale (2 derniers chiffres)"),
        ("2 69 05 49 588 157", "doit comporter 15 caractères, clé comprise (13 saisis)"),
        ("2 69 05 49 588 15A 80", "ne comporte que des chiffres, sauf 2A ou 2B"),
        ("1 84 13 76 451 089 " + stdnum_nir.calc_check_digits("1841376451089"), "(4e et 5e"),
        ("1 84 12 00 451 089 " + stdnum_nir.calc_check_digits("1841200451089"), "(6e et 7e"),
    ],
)
def test_nir_faux_explique_et_saisie_conservee(client_a, nir, message):
    response = client_a.post(URL, donnees(nir=nir, objet="Carte Vitale jamais reçue"))

    assert response.status_code == 200
    page = texte(response)
    assert message in page
    assert 'href="#id_nir"' in page
    assert f'value="{nir}"' in page
    assert 'value="Carte Vitale jamais reçue"' in page
    assert not Demande.objects.exists()


def test_nir_mal_forme_ou_absent(client_a):
    assert "doit comporter 15 caractères" in texte(client_a.post(URL, donnees(nir="12345")))
    assert "Indiquez le numéro de sécurité sociale de l'assuré, ou cochez" in texte(
        client_a.post(URL, donnees(nir=""))
    )
    assert not Demande.objects.exists()


def test_nir_inconnu_exige_nom_prenom_et_date_de_naissance(client_a):
    page = texte(client_a.post(URL, donnees(nir="", nir_inconnu="on")))
    assert "Indiquez le nom de l'assuré" in page
    assert "Indiquez le prénom de l'assuré" in page
    assert "Indiquez la date de naissance de l'assuré" in page
    assert not Demande.objects.exists()


def test_nir_inconnu_avec_identite(client_a):
    reponse = client_a.post(
        URL,
        donnees(
            nir="",
            nir_inconnu="on",
            nom="Martin",
            prenom="Léa",
            date_naissance="1985-07-14",
        ),
    )
    assert reponse.status_code == 302
    demande = Demande.objects.get()
    assert (demande.nir, demande.nom, demande.prenom) == ("", "Martin", "Léa")
    assert demande.date_naissance.isoformat() == "1985-07-14"


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2999-01-01", "ne peut pas être dans le futur"),
        ("1899-12-31", "ne peut pas être antérieure à 1900"),
        ("31/02/1985", "Saisissez une date valide"),
    ],
)
def test_date_de_naissance_controlee(client_a, date, message):
    champs = donnees(nir="", nir_inconnu="on", nom="Martin", prenom="Léa", date_naissance=date)
    assert message in texte(client_a.post(URL, champs))
    assert not Demande.objects.exists()


def test_date_de_naissance_au_format_francais(client_a):
    champs = donnees(
        nir="", nir_inconnu="on", nom="Martin", prenom="Léa", date_naissance="14/07/1985"
    )
    assert client_a.post(URL, champs).status_code == 302


# Category questions ----------------------------------------------------------------------------


def test_carte_vitale_exige_la_situation(client_a):
    page = texte(client_a.post(URL, donnees(categorie="carte_vitale")))
    assert "Précisez la situation de la carte Vitale." in page
    assert 'href="#id_situation_carte"' in page and 'id="id_situation_carte"' in page
    assert not Demande.objects.exists()

    client_a.post(URL, donnees(categorie="carte_vitale", situation_carte="volee"))
    assert Demande.objects.get().complements == {"situation_carte": "volee"}


def test_indemnites_type_de_revenu_et_date_d_arret(client_a):
    page = texte(client_a.post(URL, donnees(categorie="indemnites")))
    assert "Choisissez le type de revenu concerné." in page
    page = texte(client_a.post(URL, donnees(categorie="indemnites", type_revenu="ij_maladie")))
    assert "Indiquez la date de début de l'arrêt de travail ou du congé." in page
    assert not Demande.objects.exists()

    client_a.post(
        URL, donnees(categorie="indemnites", type_revenu="ij_maladie", date_arret="2026-03-02")
    )
    assert Demande.objects.get().complements == {
        "type_revenu": "ij_maladie",
        "date_arret": "2026-03-02",
    }


def test_questions_d_une_autre_categorie_ignorees(client_a):
    client_a.post(URL, donnees(categorie="css", situation_carte="perdue"))
    assert Demande.objects.get().complements == {}


# Urgency, consent, structure -------------------------------------------------------------------


def test_tres_urgent_affiche_le_telephone_et_n_envoie_rien(client_a, settings):
    settings.DEMANDES_TELEPHONE_TRES_URGENT = "02 47 00 00 00"
    response = client_a.post(
        URL, {**donnees(urgence="tres_urgente"), "pieces": [fichier()]}, format="multipart"
    )
    page = texte(response)
    assert response.status_code == 200
    assert "Situation très urgente : appelez la CPAM" in page
    assert "Aucune demande n'a été envoyée" in page and "02 47 00 00 00" in page
    assert not Demande.objects.exists()
    assert not PieceJointe.objects.exists()
    # What was typed stays, without error messages.
    assert 'value="Renouvellement CSS bloqué"' in page
    assert "checked" in balise(page, "urgence", "tres_urgente")
    assert "erreurs-resume" not in page


def test_tres_urgent_annonce_sur_la_page(client_a, settings):
    settings.DEMANDES_TELEPHONE_TRES_URGENT = "02 47 00 00 00"
    page = texte(client_a.get(URL))
    assert "appelez la ligne partenaires de la CPAM au 02 47 00 00 00" in page


def test_consentement_obligatoire(client_a):
    response = client_a.post(URL, donnees(consentement=None))
    page = texte(response)
    assert response.status_code == 200
    assert "Cochez la case pour attester l'accord de l'assuré" in page
    assert 'aria-invalid="true"' in page
    assert not Demande.objects.exists()


def test_structure_choisie_parmi_les_siennes(client, agent_a, structure_a, regle_generale):
    seconde = ConventionFactory().partenaire
    autre = ConventionFactory().partenaire
    rattacher(agent_a, seconde)
    connecter_verifie(client, agent_a)
    page = texte(client.get(URL))
    assert structure_a.nom in page and seconde.nom in page and autre.nom not in page

    page = texte(client.post(URL, donnees(partenaire=autre.pk)))
    assert "Choisissez l'une de vos structures." in page
    assert not Demande.objects.exists()

    assert "Choisissez la structure" in texte(client.post(URL, donnees()))
    assert not Demande.objects.exists()

    client.post(URL, donnees(partenaire=seconde.pk))
    assert Demande.objects.get().partenaire == seconde


def test_structure_sans_messagerie_non_proposee(client, agent_a, structure_a, regle_generale):
    sans_messagerie = ConventionFactory(ouvre_messagerie=False).partenaire
    rattacher(agent_a, sans_messagerie)
    connecter_verifie(client, agent_a)
    page = texte(client.get(URL))
    assert 'name="partenaire"' not in page
    client.post(URL, donnees(partenaire=sans_messagerie.pk))
    assert Demande.objects.get().partenaire == structure_a


def test_convention_sans_messagerie_page_403(client, agent_a, structure_a):
    Convention.objects.filter(partenaire=structure_a).update(ouvre_messagerie=False)
    connecter_verifie(client, agent_a)
    for adresse in ("/demandes/", URL):
        response = client.get(adresse)
        assert response.status_code == 403
        assert "Ce service n'est pas ouvert à votre structure" in texte(response)
    assert client.post(URL, donnees()).status_code == 403
    assert not Demande.objects.exists()


def test_sans_regle_de_routage_message_et_rien_d_ecrit(client, agent_a, settings, caplog):
    settings.DEMANDES_TELEPHONE_TRES_URGENT = "02 47 00 00 00"
    connecter_verifie(client, agent_a)
    response = client.post(URL, {**donnees(), "pieces": [fichier()]}, format="multipart")
    page = texte(response)
    assert response.status_code == 200
    assert "La messagerie n'est pas encore configurée pour votre territoire" in page
    assert "02 47 00 00 00" in page
    assert not Demande.objects.exists()
    assert not PieceJointe.objects.exists()
    assert NIR not in caplog.text


# Attachments -----------------------------------------------------------------------------------


def test_pieces_jointes_envoyees_avec_la_demande(client_a, agent_a):
    pieces = [fichier(), fichier("photo.png", PNG, "image/png"), fichier("scan.jpg", JPEG)]
    client_a.post(URL, {**donnees(), "pieces": pieces}, format="multipart")
    message = Demande.objects.get().messages.get()
    assert sorted(p.nom for p in message.pieces.all()) == [
        "justificatif.pdf",
        "photo.png",
        "scan.jpg",
    ]
    assert {p.deposee_par for p in message.pieces.all()} == {agent_a}


def test_faux_pdf_refuse_et_formulaire_conserve(client_a):
    faux = fichier("attestation.pdf", b"Ceci est un texte, pas un PDF.", "application/pdf")
    response = client_a.post(
        URL, {**donnees(objet="Carte perdue au guichet"), "pieces": [faux]}, format="multipart"
    )
    page = texte(response)
    assert response.status_code == 200
    assert "« attestation.pdf » n'est pas un fichier PDF, JPEG ou PNG" in page
    assert 'href="#id_pieces"' in page
    assert 'value="Carte perdue au guichet"' in page
    assert "Dossier déposé il y a deux mois, aucune nouvelle.</textarea>" in page
    assert "checked" in balise(page, "categorie", "css")
    assert not Demande.objects.exists()
    assert not PieceJointe.objects.exists()


def test_image_nommee_pdf_refusee(client_a):
    """The name must not claim another format than the content: a PNG named .pdf is refused."""
    page = texte(
        client_a.post(
            URL,
            {**donnees(), "pieces": [fichier("scan.pdf", PNG, "application/pdf")]},
            format="multipart",
        )
    )
    assert "« scan.pdf » est en réalité un fichier PNG, pas un fichier PDF" in page
    assert not Demande.objects.exists() and not PieceJointe.objects.exists()


def test_fichier_sans_extension_garde_avec_son_vrai_type(client_a):
    """A name that claims no format (a phone's "scan") takes the extension of its content."""
    client_a.post(
        URL,
        {**donnees(), "pieces": [fichier("scan", PNG, "application/octet-stream")]},
        format="multipart",
    )
    piece = PieceJointe.objects.get()
    assert (piece.type_mime, piece.nom) == ("image/png", "scan.png")


def test_fichier_trop_gros_refuse(client_a, settings):
    settings.DEMANDES_TAILLE_MAX_FICHIER = 1024
    gros = fichier("gros.pdf", PDF + b"0" * 2048)
    page = texte(client_a.post(URL, {**donnees(), "pieces": [gros]}, format="multipart"))
    assert "« gros.pdf » dépasse la taille maximale" in page
    assert not Demande.objects.exists() and not PieceJointe.objects.exists()


def test_six_fichiers_refuses_rien_enregistre(client_a):
    six = [fichier(f"piece{n}.pdf") for n in range(6)]
    page = texte(client_a.post(URL, {**donnees(), "pieces": six}, format="multipart"))
    assert "Vous avez choisi 6 fichiers : 5 fichiers au plus par message." in page
    assert "Aucun de ces fichiers n'a été enregistré" in page
    assert not Demande.objects.exists() and not PieceJointe.objects.exists()


def _deposer(client, nombre: int) -> list[str]:
    """Upload `nombre` valid files with a form refused for another reason; their uuids."""
    pieces = [fichier(f"piece{n}.pdf") for n in range(nombre)]
    client.post(URL, {**donnees(description=""), "pieces": pieces}, format="multipart")
    return [str(u) for u in PieceJointe.objects.values_list("uuid", flat=True)]


def test_fichiers_deja_joints_plus_nouveaux_au_dela_de_cinq(client_a):
    gardees = _deposer(client_a, 4)
    assert len(gardees) == 4
    nouveaux = [fichier("a.pdf"), fichier("b.pdf")]
    page = texte(
        client_a.post(
            URL,
            {**donnees(), "pieces_jointes": gardees, "pieces_connues": gardees, "pieces": nouveaux},
            format="multipart",
        )
    )
    assert "Vous avez choisi 2 fichiers en plus des 4 fichiers déjà joints" in page
    assert "choisissez-en un seul." in page
    assert PieceJointe.objects.count() == 4
    assert not Demande.objects.exists()


def test_fichier_valide_conserve_apres_un_refus_puis_envoye(client_a):
    response = client_a.post(
        URL, {**donnees(description=""), "pieces": [fichier("avis.pdf")]}, format="multipart"
    )
    page = texte(response)
    piece = PieceJointe.objects.get()
    assert "Décrivez la situation de l'assuré." in page
    assert "Fichiers déjà joints" in page and "avis.pdf" in page
    assert f'name="pieces_jointes" value="{piece.uuid}"' in page
    assert piece.message is None

    uuid = str(piece.uuid)
    response = client_a.post(URL, donnees(pieces_jointes=uuid, pieces_connues=uuid))
    assert response.status_code == 302
    piece.refresh_from_db()
    assert piece.message == Demande.objects.get().messages.get()


def test_fichier_deja_joint_retire_en_le_decochant(client_a):
    (uuid,) = _deposer(client_a, 1)
    client_a.post(URL, donnees(pieces_connues=uuid))
    demande = Demande.objects.get()
    assert not demande.messages.get().pieces.exists()
    assert not PieceJointe.objects.exists()


def test_fichier_en_attente_d_un_autre_agent_inutilisable(
    client, agent_a, agent_a2, regle_generale
):
    connecter_verifie(client, agent_a2)
    (uuid,) = _deposer(client, 1)
    client.logout()
    connecter_verifie(client, agent_a)
    client.post(URL, donnees(pieces_jointes=uuid, pieces_connues=uuid))
    assert not Demande.objects.get().messages.get().pieces.exists()
    piece = PieceJointe.objects.get()
    assert piece.message is None and piece.deposee_par == agent_a2


# Notifications ---------------------------------------------------------------------------------


def test_courriel_a_l_expert_sans_donnees_de_l_assure(
    client_a, titulaire, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(
            URL,
            donnees(
                nir="",
                nir_inconnu="on",
                nom="Dupont-Lajoie",
                prenom="Mireille",
                date_naissance="1952-03-08",
                objet="Droits fermés après déménagement",
                description="Madame vit chez sa fille depuis mars, droits fermés au 1er mai.",
            ),
        )
    demande = Demande.objects.get()
    courriels = [m for m in mail.outbox if titulaire.utilisateur.email in m.to]
    assert len(courriels) == 1
    contenu = courriels[0].subject + courriels[0].body
    assert demande.reference in contenu
    assert f"/admin/demandes/{demande.reference}/" in contenu
    for personnel in ("Dupont-Lajoie", "Mireille", "1952", "08/03", "déménagement", "sa fille"):
        assert personnel not in contenu


def test_courriel_sans_nir(client_a, titulaire, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(URL, donnees())
    contenu = "".join(m.subject + m.body for m in mail.outbox)
    assert Demande.objects.get().reference in contenu
    assert NIR not in contenu and NIR[:7] not in contenu


# The first-answer promise: once per form, from the settings (portail/promesses.py) ---------


@pytest.mark.django_db
def test_la_promesse_de_delai_une_seule_fois_par_formulaire(client_a):
    from demandes.models import Categorie

    assert Categorie.objects.filter(active=True).count() > 1
    page = texte(client_a.get(URL))
    assert page.count("première réponse sous") == 1
    assert (
        "Un expert vous fait une première réponse sous 2 jours ouvrés, sous 4 h ouvrées pour "
        "une demande urgente" in page
    )


@pytest.mark.django_db
def test_changer_le_reglage_change_la_promesse(client_a, settings):
    settings.DEMANDES_DELAI_URGENTE = 2 * MINUTES_PAR_JOUR
    settings.DEMANDES_DELAI_NORMALE = 3 * MINUTES_PAR_JOUR
    page = texte(client_a.get(URL))
    assert "première réponse sous 3 jours ouvrés, sous 2 jours ouvrés pour une demande" in page
    assert "4 h ouvrées" not in page


@pytest.mark.django_db
def test_une_categorie_a_delais_propres_le_dit_sur_sa_ligne(client_a):
    from demandes.models import Categorie

    categorie = Categorie.objects.filter(active=True).first()
    categorie.delai_urgente = 120
    categorie.save()
    page = texte(client_a.get(URL))
    assert page.count("Délais propres à cette catégorie") == 1
    assert (
        "Délais propres à cette catégorie : première réponse sous 2 jours ouvrés "
        "(demande urgente : 2 h ouvrées)." in page
    )
