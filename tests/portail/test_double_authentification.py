"""Enrolment, backup codes, device replacement and resets of the second factor."""

from base64 import b32encode
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portail.models import Courriel, EvenementSecurite
from tests.conftest import code_totp, connecter_avec_mot_de_passe, connecter_verifie, texte
from tests.factories import MOT_DE_PASSE, TOTPDeviceFactory, UtilisateurFactory, codes_secours

pytestmark = pytest.mark.django_db


def _appareil_en_attente(utilisateur):
    return TOTPDevice.objects.get(user=utilisateur, confirmed=False)


# First login: enrolment ------------------------------------------------------------------------


def test_premiere_connexion_impose_l_activation(client, agent):
    response = connecter_avec_mot_de_passe(client, agent)
    assert response["Location"] == "/connexion/activation/"
    assert client.get("/compte/securite/")["Location"] == "/connexion/activation/"
    assert client.get("/connexion/code/")["Location"] == "/connexion/activation/"


def test_la_page_d_activation_montre_un_qr_code_rendu_par_le_portail(client, agent):
    connecter_avec_mot_de_passe(client, agent)
    response = client.get("/connexion/activation/")

    contenu = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in contenu
    assert "http" not in contenu.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", ""
    )
    appareil = _appareil_en_attente(agent)
    assert not appareil.confirmed
    # Reloading keeps the same secret, so a scanned code stays valid.
    client.get("/connexion/activation/")
    assert TOTPDevice.objects.filter(user=agent).count() == 1


def test_l_appareil_n_est_confirme_que_par_un_code_valide(client, agent):
    connecter_avec_mot_de_passe(client, agent)
    client.get("/connexion/activation/")
    appareil = _appareil_en_attente(agent)

    response = client.post("/connexion/activation/", {"code": "000000"})
    assert response.status_code == 200
    assert "Ce code ne correspond pas" in response.content.decode()
    response = client.post("/connexion/activation/", {"code": "12ab"})
    assert "Le code doit comporter 6 chiffres" in response.content.decode()
    appareil.refresh_from_db()
    assert not appareil.confirmed
    assert client.get("/compte/securite/").status_code == 302

    # A failed attempt delays the next one (django-otp throttling): wait it out.
    with time_machine.travel(timezone.now() + timedelta(seconds=10)):
        response = client.post("/connexion/activation/", {"code": code_totp(appareil)})

    assert response["Location"] == "/compte/securite/codes/"
    appareil.refresh_from_db()
    assert appareil.confirmed
    assert EvenementSecurite.objects.filter(
        utilisateur=agent, type=EvenementSecurite.Type.ENROLEMENT
    ).exists()


def test_essais_successifs_ralentis(client, agent):
    with time_machine.travel(timezone.now(), tick=False):
        connecter_avec_mot_de_passe(client, agent)
        client.get("/connexion/activation/")
        appareil = _appareil_en_attente(agent)
        client.post("/connexion/activation/", {"code": "000000"})

        response = client.post("/connexion/activation/", {"code": code_totp(appareil)})

    assert "Trop d'essais successifs" in texte(response)
    appareil.refresh_from_db()
    assert not appareil.confirmed


def test_dix_codes_de_secours_montres_une_seule_fois(client, agent):
    connecter_avec_mot_de_passe(client, agent)
    client.get("/connexion/activation/")
    client.post("/connexion/activation/", {"code": code_totp(_appareil_en_attente(agent))})

    response = client.get("/compte/securite/codes/")

    codes = StaticToken.objects.filter(device__user=agent).values_list("token", flat=True)
    assert len(codes) == 10
    contenu = response.content.decode()
    assert all(code in contenu for code in codes)
    assert response["Cache-Control"] == "private, no-store"
    assert client.get("/compte/securite/codes/")["Location"] == "/compte/securite/"


def test_mot_de_passe_seul_ne_permet_pas_d_ajouter_un_appareil(client, agent, appareil):
    """Someone who knows only the password cannot enrol their own phone."""
    connecter_avec_mot_de_passe(client, agent)

    response = client.get("/connexion/activation/")

    assert response["Location"] == "/connexion/code/"
    assert TOTPDevice.objects.filter(user=agent).count() == 1


def test_activation_reservee_aux_personnes_connectees(client):
    response = client.get("/connexion/activation/")
    assert response["Location"].startswith("/connexion/?next=")


# Account security: re-confirmation (password and a fresh code) -------------------------------

REAUTHENTIFICATION = "/compte/securite/confirmer-mot-de-passe/"
BLOQUE = "Connexion temporairement bloquée"


def _reconfirmer(
    client, appareil, *, password=MOT_DE_PASSE, code=None, suivant="/compte/securite/"
):
    """Post the re-confirmation form; by default the right password and the code shown now."""
    code = code_totp(appareil) if code is None else code
    return client.post(REAUTHENTIFICATION, {"password": password, "code": code, "next": suivant})


def _reconfirme(client) -> bool:
    """Whether the session holds a recent re-confirmation (a sensitive change is let through)."""
    return client.post("/compte/securite/codes/regenerer/")["Location"] == "/compte/securite/codes/"


def test_regenerer_les_codes_demande_le_mot_de_passe_et_un_code(client, agent, appareil):
    ancien = codes_secours(agent)[0]
    connecter_verifie(client, agent)

    response = client.post("/compte/securite/codes/regenerer/")
    assert response["Location"].startswith(REAUTHENTIFICATION)
    assert StaticToken.objects.filter(token=ancien).exists()

    response = _reconfirmer(client, appareil, password="faux")
    assert "Mot de passe incorrect" in texte(response)
    response = _reconfirmer(client, appareil)
    assert response["Location"] == "/compte/securite/"
    response = client.post("/compte/securite/codes/regenerer/")

    assert response["Location"] == "/compte/securite/codes/"
    assert not StaticToken.objects.filter(token=ancien).exists()
    assert StaticToken.objects.filter(device__user=agent).count() == 10
    assert EvenementSecurite.objects.filter(
        utilisateur=agent, type=EvenementSecurite.Type.CODES_REGENERES
    ).exists()


def test_la_reauthentification_expire(client, agent, appareil):
    connecter_verifie(client, agent)
    _reconfirmer(client, appareil)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = client.post("/compte/securite/codes/regenerer/")
    assert response["Location"].startswith(REAUTHENTIFICATION)


def test_le_formulaire_demande_le_mot_de_passe_puis_le_code(client, agent, appareil):
    connecter_verifie(client, agent)

    response = client.get(REAUTHENTIFICATION)

    contenu = texte(response)
    assert contenu.index("Mot de passe actuel") < contenu.index("Code à usage unique")
    assert 'autocomplete="current-password"' in contenu
    assert 'autocomplete="one-time-code"' in contenu


def test_mot_de_passe_juste_sans_code_ou_code_faux_refuse(client, agent, appareil):
    connecter_verifie(client, agent)
    bon = code_totp(appareil)
    faux = f"{(int(bon) + 1) % 1_000_000:06d}"

    with time_machine.travel(timezone.now(), tick=False):
        sans_code = _reconfirmer(client, appareil, code="")
        code_faux = _reconfirmer(client, appareil, code=faux)
        # The failure starts django-otp's throttling, as on the login's code page.
        trop_tot = _reconfirmer(client, appareil, code=bon)

    assert sans_code.status_code == 200
    assert "Saisissez le code affiché par votre application" in texte(sans_code)
    assert code_faux.status_code == 200
    assert "Code incorrect ou expiré" in texte(code_faux)
    assert 'aria-invalid="true"' in texte(code_faux)
    assert "Trop d'essais successifs" in texte(trop_tot)
    assert not _reconfirme(client)
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        assert (
            _reconfirmer(client, appareil, code=code_totp(appareil, decalage=1)).status_code == 302
        )


def test_le_code_deja_utilise_a_la_connexion_est_refuse(client, agent, appareil):
    """The cookie thief may have seen the code typed at login: it is not accepted again."""
    code = code_totp(appareil)
    with time_machine.travel(timezone.now(), tick=False):
        connecter_avec_mot_de_passe(client, agent)
        assert client.post("/connexion/code/", {"code": code})["Location"] == "/"

        response = _reconfirmer(client, appareil, code=code)

    assert "Code incorrect ou expiré" in texte(response)
    assert not _reconfirme(client)


def test_un_code_de_secours_remplace_le_telephone_perdu(client, agent, appareil):
    codes = codes_secours(agent, nombre=2)
    connecter_verifie(client, agent)

    response = _reconfirmer(
        client, appareil, code=codes[0].upper(), suivant="/compte/securite/appareil/"
    )

    assert response["Location"] == "/compte/securite/appareil/"
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    assert EvenementSecurite.objects.filter(
        utilisateur=agent, type=EvenementSecurite.Type.CODE_SECOURS_UTILISE
    ).exists()
    suite = client.get("/compte/securite/appareil/")
    assert "Vous avez utilisé un code de secours" in texte(suite)
    assert "Il vous en reste 1." in texte(suite)


def test_un_mot_de_passe_faux_ne_depense_pas_le_code_de_secours(client, agent, appareil):
    code = codes_secours(agent)[0]
    connecter_verifie(client, agent)

    response = _reconfirmer(client, appareil, password="faux", code=code)

    assert "Mot de passe incorrect" in texte(response)
    assert StaticToken.objects.filter(token=code).exists()


def test_dix_mots_de_passe_faux_puis_le_bon_restent_refuses(client, agent, appareil):
    connecter_verifie(client, agent)
    # Another stolen session of the same account, opened before (a login resets the count).
    autre_session = connecter_verifie(Client(), agent)

    reponses = [_reconfirmer(client, appareil, password=f"faux-{i}") for i in range(10)]
    dernier = _reconfirmer(client, appareil)

    assert [r.status_code for r in reponses[:4]] == [200] * 4
    assert reponses[4].status_code == 429
    assert BLOQUE in texte(reponses[4])
    assert "vous avez été déconnecté" in texte(reponses[4])
    # The session ended at the fifth failure: the next posts, the right one too, lead to login.
    assert all(r["Location"].startswith("/connexion/") for r in [*reponses[5:], dernier])
    assert client.get("/compte/securite/")["Location"].startswith("/connexion/")
    assert (
        EvenementSecurite.objects.filter(
            utilisateur=agent, type=EvenementSecurite.Type.REAUTHENTIFICATION_BLOQUEE
        ).count()
        == 1
    )
    # The other session, from the same address, with the right password and code: locked.
    response = _reconfirmer(autre_session, appareil, suivant="/compte/securite/appareil/")
    assert response.status_code == 429
    assert autre_session.get("/compte/securite/appareil/")["Location"].startswith("/connexion/")
    assert not TOTPDevice.objects.filter(user=agent, confirmed=False).exists()


def test_quatre_mots_de_passe_faux_ne_verrouillent_pas(client, agent, appareil):
    connecter_verifie(client, agent)
    for i in range(4):
        _reconfirmer(client, appareil, password=f"faux-{i}")

    assert _reconfirmer(client, appareil)["Location"] == "/compte/securite/"
    assert _reconfirme(client)


def test_le_verrouillage_de_la_connexion_bloque_la_reconfirmation(client, agent, appareil):
    connecter_verifie(client, agent)  # a session opened before (a login resets the count)
    for _ in range(5):
        Client().post("/connexion/", {"username": agent.email.upper(), "password": "faux"})

    response = _reconfirmer(client, appareil)

    assert response.status_code == 429
    assert BLOQUE in texte(response)
    assert client.get("/compte/securite/")["Location"].startswith("/connexion/")


def test_les_echecs_de_reconfirmation_et_de_connexion_s_additionnent(client, agent, appareil):
    connecter_verifie(client, agent)
    for i in range(3):
        _reconfirmer(client, appareil, password=f"faux-{i}")
    client.post("/deconnexion/")
    for _ in range(2):
        client.post("/connexion/", {"username": agent.email, "password": "faux"})

    response = connecter_avec_mot_de_passe(client, agent)

    assert response.status_code == 429
    assert BLOQUE in texte(response)


def test_le_verrouillage_ne_vaut_que_pour_ce_poste(client, agent, appareil):
    connecter_verifie(client, agent)
    for i in range(5):
        _reconfirmer(client, appareil, password=f"faux-{i}")

    response = connecter_avec_mot_de_passe(client, agent, REMOTE_ADDR="10.0.0.2")

    assert response["Location"] == "/connexion/code/"


def test_reconfirmation_reservee_aux_personnes_connectees(client, agent, appareil):
    response = _reconfirmer(client, appareil)
    assert response["Location"].startswith("/connexion/?next=")
    connecter_avec_mot_de_passe(client, agent)  # password only, no code yet
    response = _reconfirmer(client, appareil)
    assert response["Location"] == "/connexion/code/"


def test_regenerer_les_codes_refuse_en_get(client, agent, appareil):
    connecter_verifie(client, agent)
    assert client.get("/compte/securite/codes/regenerer/").status_code == 405


# Account security: device replacement ----------------------------------------------------------


def test_ouvrir_la_page_de_remplacement_ne_cree_aucun_appareil(client, agent, appareil):
    connecter_verifie(client, agent)
    _reconfirmer(client, appareil)

    response = client.get("/compte/securite/appareil/")

    assert response.status_code == 200
    assert "Générer une nouvelle clé" in texte(response)
    assert "<svg" not in texte(response)
    assert list(TOTPDevice.objects.filter(user=agent)) == [appareil]


def test_la_nouvelle_cle_est_creee_par_un_post_et_conservee(client, agent, appareil):
    connecter_verifie(client, agent)
    _reconfirmer(client, appareil)

    response = client.post("/compte/securite/appareil/", {"generer": "1"})

    assert response["Location"] == "/compte/securite/appareil/"
    nouveau = _appareil_en_attente(agent)
    premiere = texte(client.get("/compte/securite/appareil/"))
    assert "<svg" in premiere
    # Reloading, or pressing the button again, keeps the key already scanned.
    assert texte(client.get("/compte/securite/appareil/")).count("<svg") == 1
    client.post("/compte/securite/appareil/", {"generer": "1"})
    assert _appareil_en_attente(agent) == nouveau
    secret = b32encode(nouveau.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in premiere
    assert TOTPDevice.objects.filter(pk=appareil.pk, confirmed=True).exists()


def test_un_code_sans_nouvelle_cle_est_refuse_en_francais(client, agent, appareil):
    connecter_verifie(client, agent)
    _reconfirmer(client, appareil)

    response = client.post("/compte/securite/appareil/", {"code": code_totp(appareil, decalage=1)})

    assert response.status_code == 200
    assert "Générez d'abord une nouvelle clé" in texte(response)
    assert 'role="alert"' in texte(response)
    assert list(TOTPDevice.objects.filter(user=agent)) == [appareil]


def test_sans_reconfirmation_aucune_cle_n_est_creee(client, agent, appareil):
    response = client.post("/compte/securite/appareil/", {"generer": "1"})
    assert response["Location"].startswith("/connexion/?next=")
    connecter_verifie(client, agent)

    response = client.post("/compte/securite/appareil/", {"generer": "1"})

    assert response["Location"].startswith(REAUTHENTIFICATION)
    assert list(TOTPDevice.objects.filter(user=agent)) == [appareil]


def test_remplacer_l_appareil(client, agent, appareil):
    connecter_verifie(client, agent)
    assert client.get("/compte/securite/appareil/")["Location"].startswith(REAUTHENTIFICATION)
    response = _reconfirmer(client, appareil, suivant="/compte/securite/appareil/")
    assert response["Location"] == "/compte/securite/appareil/"
    client.post("/compte/securite/appareil/", {"generer": "1"})
    response = client.get("/compte/securite/appareil/")
    assert "<svg" in response.content.decode()
    nouveau = _appareil_en_attente(agent)

    response = client.post("/compte/securite/appareil/", {"code": "000000"})
    assert "Ce code ne correspond pas" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=appareil.pk, confirmed=True).exists()

    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        response = client.post("/compte/securite/appareil/", {"code": code_totp(nouveau)})

    assert response["Location"] == "/compte/securite/codes/"
    assert list(TOTPDevice.objects.filter(user=agent).values_list("pk", flat=True)) == [nouveau.pk]
    assert EvenementSecurite.objects.filter(
        utilisateur=agent, type=EvenementSecurite.Type.APPAREIL_REMPLACE
    ).exists()
    assert StaticToken.objects.filter(device__user=agent).count() == 10
    assert "<code>" in texte(client.get("/compte/securite/codes/"))


def test_la_page_securite_montre_les_codes_restants(client, agent, appareil):
    codes_secours(agent, nombre=3)
    connecter_verifie(client, agent)
    response = client.get("/compte/securite/")
    assert "Il vous reste 3 codes de secours" in response.content.decode()


# Reset by a superviseur ------------------------------------------------------------------------


def test_un_superviseur_reinitialise_la_double_authentification(
    client, superviseur, agent, django_capture_on_commit_callbacks
):
    TOTPDeviceFactory(user=agent)
    codes_secours(agent)
    connecter_verifie(client, superviseur)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/securite-comptes/{agent.pk}/reinitialiser/",
            {"motif": "Téléphone perdu, appel du 25/11"},
        )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=agent).exists()
    assert not StaticDevice.objects.filter(user=agent).exists()
    evenement = EvenementSecurite.objects.get(
        utilisateur=agent, type=EvenementSecurite.Type.REINITIALISATION
    )
    assert evenement.auteur == superviseur
    assert evenement.motif == "Téléphone perdu, appel du 25/11"
    assert Courriel.objects.get(destinataire=agent.email).statut == Courriel.Statut.ENVOYE
    assert len(mail.outbox) == 1
    assert "réinitialisé" in mail.outbox[0].body


def test_apres_reinitialisation_la_personne_doit_se_reenroler(client, superviseur, agent):
    TOTPDeviceFactory(user=agent)
    from portail.services import double_authentification_reinitialiser

    double_authentification_reinitialiser(utilisateur=agent, auteur=superviseur, motif="Perte")

    response = connecter_avec_mot_de_passe(client, agent)
    assert response["Location"] == "/connexion/activation/"


def test_une_session_ouverte_perd_son_acces_a_la_reinitialisation(client, superviseur, agent):
    connecter_verifie(client, agent)
    assert client.get("/compte/securite/").status_code == 200
    from portail.services import double_authentification_reinitialiser

    double_authentification_reinitialiser(utilisateur=agent, auteur=superviseur, motif="Perte")

    assert client.get("/compte/securite/")["Location"] == "/connexion/activation/"


def test_motif_obligatoire_rien_n_est_supprime(client, superviseur, agent):
    TOTPDeviceFactory(user=agent)
    connecter_verifie(client, superviseur)

    response = client.post(f"/admin/securite-comptes/{agent.pk}/reinitialiser/", {"motif": " "})

    assert response.status_code == 200
    assert "Indiquez le motif" in response.content.decode()
    assert TOTPDevice.objects.filter(user=agent).exists()
    assert not EvenementSecurite.objects.filter(utilisateur=agent).exists()


@pytest.mark.parametrize("role", ["agent", "expert"])
def test_les_autres_roles_ne_peuvent_pas_reinitialiser(client, request, role, agent):
    acteur = request.getfixturevalue(role)
    victime = UtilisateurFactory()
    TOTPDeviceFactory(user=victime)
    connecter_verifie(client, acteur)

    for url in ("/admin/securite-comptes/", f"/admin/securite-comptes/{victime.pk}/reinitialiser/"):
        response = client.post(url, {"motif": "tentative"})
        assert response.status_code in (302, 403)
        assert not response.get("Location", "").startswith("/admin/securite-comptes/")
    assert TOTPDevice.objects.filter(user=victime).exists()


def test_un_superviseur_non_verifie_ne_peut_pas_reinitialiser(client, superviseur, agent):
    TOTPDeviceFactory(user=superviseur)
    TOTPDeviceFactory(user=agent)
    connecter_avec_mot_de_passe(client, superviseur)

    response = client.post(f"/admin/securite-comptes/{agent.pk}/reinitialiser/", {"motif": "x"})

    assert response["Location"] == "/connexion/code/"
    assert TOTPDevice.objects.filter(user=agent).exists()


def test_un_superviseur_ne_reinitialise_ni_lui_meme_ni_un_administrateur(client, superviseur):
    administrateur = UtilisateurFactory(is_superuser=True)
    TOTPDeviceFactory(user=administrateur)
    connecter_verifie(client, superviseur)

    for compte in (superviseur, administrateur):
        response = client.post(
            f"/admin/securite-comptes/{compte.pk}/reinitialiser/", {"motif": "essai"}
        )
        assert response.status_code == 200
        assert TOTPDevice.objects.filter(user=compte).exists()


def test_liste_des_comptes_en_nombre_constant_de_requetes(client, superviseur):
    connecter_verifie(client, superviseur)
    client.get("/admin/securite-comptes/")  # warm caches (site root, content types)

    def compter():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as requetes:
            response = client.get("/admin/securite-comptes/")
        assert response.status_code == 200
        return len(requetes)

    avec_un = compter()
    for _ in range(50):
        TOTPDeviceFactory(user=UtilisateurFactory())
    avec_cinquante = compter()

    assert avec_un == avec_cinquante
    contenu = client.get("/admin/securite-comptes/").content.decode()
    # 51 accounts, 50 a page: every listed account but the superviseur's own has its button.
    assert contenu.count("/reinitialiser/") >= 49


def test_recherche_d_un_compte_par_post(client, superviseur):
    cible = UtilisateurFactory(last_name="Zanzibar")
    UtilisateurFactory(last_name="Dupont")
    connecter_verifie(client, superviseur)

    response = client.post("/admin/securite-comptes/", {"q": "zanzi"})

    contenu = response.content.decode()
    assert cible.email in contenu
    assert "Dupont" not in contenu
