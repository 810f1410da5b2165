"""The partner follows demandes: the list (filters, news, constant queries), one demande's page
and thread, replying, reopening within 15 days and confirming the closure."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from demandes import services
from demandes.models import Avis, Demande, Message, PieceJointe
from tests.conftest import connecter_verifie, texte
from tests.demandes.conftest import NIR, creer_demande, fichier

pytestmark = pytest.mark.django_db
Statut = Demande.Statut


def url(demande, action=""):
    return f"/demandes/{demande.reference}/{action + '/' if action else ''}"


def recharger(demande):
    return Demande.objects.get(pk=demande.pk)


@pytest.fixture
def client_a(client, agent_a):
    return connecter_verifie(client, agent_a)


def demander_information(demande, titulaire, corps="Merci de joindre l'avis d'imposition."):
    return services.message_cpam_envoyer(
        demande=demande,
        auteur=titulaire.utilisateur,
        corps=corps,
        type=Message.Type.INFORMATION,
    )


def resoudre(demande, titulaire):
    return services.demande_resoudre(
        demande=demande,
        auteur=titulaire.utilisateur,
        issue=Demande.Issue.DROITS_OUVERTS,
        corps="Les droits sont rouverts jusqu'au 31 décembre.",
    )


# The demande's page ----------------------------------------------------------------------------


def test_page_de_la_demande(client_a, demande_a, titulaire):
    page = texte(client_a.get(url(demande_a)))
    assert f"Demande {demande_a.reference}" in page
    assert "Renouvellement CSS bloqué" in page
    assert "Envoyée, pas encore ouverte par la CPAM" in page
    assert "Première réponse attendue avant le" in page
    assert "Claire Titulaire" in page
    assert "Complémentaire santé solidaire" in page
    assert f"{NIR[0]} {NIR[1:3]} {NIR[3:5]}" in page  # full NIR on the demande's own page
    assert "Recueilli le" in page
    assert "Dossier déposé il y a deux mois, aucune nouvelle." in page
    assert 'action="/demandes/' + demande_a.reference + '/repondre/"' in page


def test_fil_sans_note_interne(client_a, demande_a, titulaire):
    services.message_cpam_envoyer(
        demande=demande_a,
        auteur=titulaire.utilisateur,
        corps="Note : dossier déjà vu en mars, prudence.",
        type=Message.Type.NOTE,
    )
    services.message_cpam_envoyer(
        demande=demande_a, auteur=titulaire.utilisateur, corps="Nous regardons le dossier."
    )
    page = texte(client_a.get(url(demande_a)))
    assert "Nous regardons le dossier." in page
    assert "CPAM — Claire Titulaire" in page
    assert "dossier déjà vu en mars" not in page


def test_ouvrir_la_page_efface_le_nouveau_et_les_avis(client_a, agent_a, demande_a, titulaire):
    demander_information(demande_a, titulaire)
    assert recharger(demande_a).nouveau_pour_partenaire
    assert Avis.objects.filter(destinataire=agent_a, lu_le__isnull=True).exists()
    page = texte(client_a.get(url(demande_a)))
    assert "En attente de votre réponse" in page
    assert "Le délai de traitement est suspendu" in page
    assert "Demande d'information" in page
    assert not recharger(demande_a).nouveau_pour_partenaire
    assert not Avis.objects.filter(destinataire=agent_a, lu_le__isnull=True).exists()


def test_reference_inconnue_404(client_a, demande_a):
    assert client_a.get("/demandes/D-2026-999999/").status_code == 404


def test_infos_de_l_assure_sans_nir_et_precisions(client_a, agent_a, structure_a, regle_generale):
    demande = creer_demande(
        agent_a,
        structure_a,
        slug="carte_vitale",
        nir="",
        nom="Martin",
        prenom="Léa",
        date_naissance=timezone.now().date().replace(year=1985),
        complements={"situation_carte": "jamais_recue"},
    )
    page = texte(client_a.get(url(demande)))
    assert "Martin" in page and "Léa" in page and "/1985" in page
    assert "Situation de la carte Vitale" in page and "Jamais reçue" in page


# Replying --------------------------------------------------------------------------------------


def test_reponse_du_partenaire_remet_en_cours(client_a, demande_a, titulaire):
    demander_information(demande_a, titulaire)
    assert recharger(demande_a).statut == Statut.EN_ATTENTE
    response = client_a.post(
        url(demande_a, "repondre"),
        {"corps": "Voici l'avis d'imposition.", "pieces": [fichier("avis.pdf")]},
        format="multipart",
    )
    assert response.status_code == 302 and response["Location"] == url(demande_a)
    demande = recharger(demande_a)
    assert demande.statut == Statut.EN_COURS and demande.nouveau_pour_cpam
    message = demande.messages.order_by("-pk").first()
    assert message.corps == "Voici l'avis d'imposition."
    assert [p.nom for p in message.pieces.all()] == ["avis.pdf"]
    assert "Votre message est envoyé à la CPAM." in texte(client_a.get(url(demande_a)))


def test_reponse_vide_refusee_fichier_conserve(client_a, demande_a):
    response = client_a.post(
        url(demande_a, "repondre"), {"corps": "", "pieces": [fichier("avis.pdf")]}
    )
    page = texte(response)
    assert response.status_code == 200
    assert "Écrivez votre message." in page
    assert "Fichiers déjà joints" in page and "avis.pdf" in page
    assert demande_a.messages.count() == 1
    assert PieceJointe.objects.get().message is None


def test_reponse_faux_pdf_refusee(client_a, demande_a):
    faux = fichier("releve.pdf", b"GIF89a pas un pdf")
    page = texte(
        client_a.post(url(demande_a, "repondre"), {"corps": "Le relevé.", "pieces": [faux]})
    )
    assert "« releve.pdf » n'est pas un fichier PDF, JPEG ou PNG" in page
    assert "Le relevé.</textarea>" in page
    assert demande_a.messages.count() == 1
    assert not PieceJointe.objects.exists()


def test_reponse_sur_demande_resolue_refusee_sans_erreur_500(client_a, demande_a, titulaire):
    resoudre(demande_a, titulaire)
    response = client_a.post(url(demande_a, "repondre"), {"corps": "Encore une question."})
    page = texte(response)
    assert response.status_code == 200
    assert "Cette demande est close : rouvrez-la ou envoyez une nouvelle demande." in page
    assert "Encore une question.</textarea>" in page
    assert not demande_a.messages.filter(corps="Encore une question.").exists()


def test_ecriture_en_get_refusee(client_a, demande_a):
    for action in ("repondre", "rouvrir", "cloturer"):
        assert client_a.get(url(demande_a, action)).status_code == 405


# Reopening and closing -------------------------------------------------------------------------


def test_rouvrir_dans_les_15_jours(client_a, agent_a, demande_a, titulaire):
    resoudre(demande_a, titulaire)
    page = texte(client_a.get(url(demande_a)))
    assert "Résolue" in page and "Droits ouverts" in page
    assert "Vous pouvez rouvrir la demande jusqu'au" in page
    with time_machine.travel(timezone.now() + timedelta(days=14), tick=False):
        connecter_verifie(client_a, agent_a)  # a session lasts 10 hours at most
        response = client_a.post(
            url(demande_a, "rouvrir"), {"motif": "La carte n'est toujours pas arrivée."}
        )
    assert response.status_code == 302
    demande = recharger(demande_a)
    assert demande.statut == Statut.EN_COURS and demande.reouvertures == 1
    assert demande.messages.filter(corps="La carte n'est toujours pas arrivée.").exists()


def test_rouvrir_exige_un_motif(client_a, demande_a, titulaire):
    resoudre(demande_a, titulaire)
    response = client_a.post(url(demande_a, "rouvrir"), {"motif": ""})
    assert response.status_code == 200
    assert "Indiquez pourquoi vous rouvrez la demande." in texte(response)
    assert recharger(demande_a).statut == Statut.RESOLUE


def test_rouvrir_apres_15_jours_refuse(client_a, agent_a, demande_a, titulaire):
    resoudre(demande_a, titulaire)
    with time_machine.travel(timezone.now() + timedelta(days=16), tick=False):
        connecter_verifie(client_a, agent_a)
        page = texte(client_a.get(url(demande_a)))
        assert "Rouvrir la demande" not in page
        response = client_a.post(url(demande_a, "rouvrir"), {"motif": "Toujours rien."})
        assert response.status_code == 302
        assert "ne peut plus être rouverte" in texte(client_a.get(url(demande_a)))
    assert recharger(demande_a).statut == Statut.RESOLUE


def test_confirmer_la_cloture(client_a, demande_a, titulaire):
    resoudre(demande_a, titulaire)
    assert "Confirmer la clôture" in texte(client_a.get(url(demande_a)))
    response = client_a.post(url(demande_a, "cloturer"))
    assert response.status_code == 302
    demande = recharger(demande_a)
    assert demande.statut == Statut.CLOTUREE and demande.cloturee_le is not None
    page = texte(client_a.get(url(demande_a)))
    assert f"Merci : la demande {demande.reference} est clôturée." in page
    assert "Cette demande est close" in page
    assert 'action="/demandes/' + demande.reference + '/repondre/"' not in page


def test_cloturer_une_demande_en_cours_refuse(client_a, demande_a):
    response = client_a.post(url(demande_a, "cloturer"))
    assert response.status_code == 302
    assert "ne peut pas passer à « Clôturée »" in texte(client_a.get(url(demande_a)))
    assert recharger(demande_a).statut == Statut.NOUVELLE


# The list --------------------------------------------------------------------------------------


def test_liste_avec_nouveau_et_nir_masque(client_a, agent_a, demande_a, titulaire):
    demander_information(demande_a, titulaire)
    page = texte(client_a.get("/demandes/"))
    assert demande_a.reference in page
    assert "Nouvelle réponse" in page
    assert "1 demande attend votre réponse" in page
    assert NIR not in page
    assert f"{NIR[0]} {NIR[1:3]} ••" in page


def test_liste_filtres(client_a, agent_a, agent_a2, structure_a, demande_a, titulaire):
    partagee = creer_demande(agent_a2, structure_a, objet="Demande d'une collègue")
    demander_information(demande_a, titulaire)

    page = texte(client_a.get("/demandes/?statut=en_attente"))
    assert demande_a.reference in page and partagee.reference not in page

    page = texte(client_a.get("/demandes/?portee=miennes"))
    assert demande_a.reference in page and partagee.reference not in page

    page = texte(client_a.get("/demandes/"))
    assert demande_a.reference in page and partagee.reference in page

    page = texte(client_a.get("/demandes/?statut=cloturee"))
    assert "Aucune demande ne correspond à ces filtres." in page

    # Anything unexpected in the address is ignored, with a French message.
    page = texte(client_a.get("/demandes/?statut=n-importe&portee=quoi"))
    assert demande_a.reference in page and partagee.reference in page
    assert "Ce statut n'existe pas : choisissez-en un dans la liste." in page


def test_liste_paginee_par_25(client_a, agent_a, structure_a, regle_generale):
    for _ in range(27):
        creer_demande(agent_a, structure_a)
    premiere = texte(client_a.get("/demandes/?portee=miennes"))
    assert premiere.count("/demandes/D-") == 25
    assert "Page 1 sur 2" in premiere
    assert (
        'href="?portee=miennes&amp;page=2"'
        in client_a.get("/demandes/?portee=miennes").content.decode()
    )
    assert texte(client_a.get("/demandes/?portee=miennes&page=2")).count("/demandes/D-") == 2


def test_liste_en_requetes_constantes(client_a, agent_a, agent_a2, structure_a, regle_generale):
    def compter():
        with CaptureQueriesContext(connection) as requetes:
            assert client_a.get("/demandes/").status_code == 200
        return len(requetes)

    for n in range(5):
        creer_demande(agent_a if n % 2 else agent_a2, structure_a)
    client_a.get("/demandes/")
    avec_cinq = compter()
    for n in range(25):
        creer_demande(agent_a if n % 2 else agent_a2, structure_a)
    assert compter() == avec_cinq


def test_lien_mes_demandes_dans_l_entete(client_a, demande_a):
    page = client_a.get("/demandes/").content.decode()
    assert 'href="/demandes/" aria-current="page">Mes demandes</a>' in page


def test_pas_de_lien_mes_demandes_pour_la_cpam(client, superviseur):
    connecter_verifie(client, superviseur)
    assert ">Mes demandes</a>" not in client.get("/compte/securite/").content.decode()
