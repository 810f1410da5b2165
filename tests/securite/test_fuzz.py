"""Fuzzing of every public and partner form with Hypothesis: never a 500, never a row written
on invalid input.

Each field gets either a valid value or anything: unicode text with control characters and
NUL, very long strings, odd dates and numbers, injection-looking strings, random bytes as
files. After each POST:

- the status is below 500 (an exception raised by the view fails the example);
- the tables the form writes to gained rows only if the response is a success redirect;
- a redirect stays on the site (no open redirect through `next`);
- a new row holds no NUL character and no string longer than its column: SQLite, used by the
  tests, stores both, PostgreSQL in production refuses them with a 500.

Database isolation: pytest-django's `db` fixture opens one transaction per test function,
while Hypothesis runs many examples inside that one call. Each example therefore runs in a
savepoint (`transaction.atomic()`) that is always rolled back (`set_rollback(True)`), so that
every example starts from the same world; the session cookie is put back afterwards, since a
view may cycle the session (login, logout). `HealthCheck.function_scoped_fixture` is
suppressed because the fixtures (people, demande, session...) are shared by the examples on
purpose: they are read-only thanks to the rollback.
"""

import contextlib
import os

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, event, example, given
from hypothesis import settings as reglages
from hypothesis import strategies as st

from cms.models import PreferencesNotification
from conventions.models import Adhesion, DemandeAdhesion, Invitation
from demandes import services as demandes_services
from demandes.models import Categorie, Demande, Message, PieceJointe, TransitionDemande
from formations.models import EvenementInscription, Inscription
from portail.models import Courriel, EvenementSecurite, Utilisateur
from portail.views import CLE_REAUTHENTIFICATION
from tests.conftest import code_totp, connecter_verifie
from tests.demandes.conftest import NIR, PDF, PNG
from tests.factories import MOT_DE_PASSE

pytestmark = pytest.mark.django_db

FUZZ = reglages(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text as anyone can type or forge it: every code point a request can carry (surrogates cannot
# be encoded), NUL and control characters included, very long strings, odd dates and numbers.
BIZARRERIES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n\t\x0b\x0c",
    "\u202e\u200b\ufeff",
    "0",
    "-1",
    "1e309",
    "NaN",
    "9" * 40,
    "31/02/2026",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "1899-12-31",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "{{ 7*7 }}",
    "../../etc/passwd",
    "%00",
    "//exemple.org",
    "https://exemple.org/",
    "javascript:alert(1)",
    "💥" * 200,
]
texte = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=60),
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=4).map(lambda s: s * 5000),
    st.sampled_from(BIZARRERIES),
    st.integers().map(str),
    st.floats(allow_nan=True).map(str),
    st.dates().map(str),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
)


def ou(valide, autre=texte):
    """A valid value (three times out of four, so that whole valid forms come up too), or
    anything."""
    return st.one_of(st.just(valide), st.just(valide), st.just(valide), autre)


def fichiers():
    """Files: random bytes, or a real PDF / PNG header followed by random bytes."""
    contenu = st.one_of(
        st.binary(max_size=3000),
        st.binary(max_size=500).map(lambda b: PDF + b),
        st.binary(max_size=500).map(lambda b: PNG + b),
    )
    nom = st.one_of(st.text(st.characters(codec="utf-8"), max_size=300), st.just("piece.pdf"))
    # A name Django cannot even build an upload from ("/", "a/.."): the browser never sends one.
    nom = nom.map(lambda n: n if os.path.basename(n) not in ("", ".", "..") else "x")
    return st.lists(st.builds(lambda n, c: SimpleUploadedFile(n, c), nom, contenu), max_size=3)


# Checks ----------------------------------------------------------------------------------------


def _lignes(tables: dict) -> dict[str, set]:
    return {nom: set(qs.values_list("pk", flat=True)) for nom, qs in tables.items()}


def _defauts_postgresql(qs, pks) -> list[str]:
    """Values PostgreSQL would refuse: NUL in text, strings longer than their column."""
    defauts = []
    for objet in qs.model.objects.filter(pk__in=pks):
        for champ in objet._meta.concrete_fields:
            if not isinstance(champ, models.CharField | models.TextField):
                continue
            valeur = getattr(objet, champ.attname)
            if not isinstance(valeur, str):
                continue
            if "\x00" in valeur:
                defauts.append(f"{qs.model.__name__}.{champ.name} contient NUL")
            if isinstance(champ, models.CharField) and champ.max_length:
                if len(valeur) > champ.max_length:
                    defauts.append(
                        f"{qs.model.__name__}.{champ.name} : {len(valeur)} > {champ.max_length}"
                    )
    return defauts


@contextlib.contextmanager
def _exemple_isole(client):
    """One example in a savepoint always rolled back; the session cookie put back."""
    nom_cookie = settings.SESSION_COOKIE_NAME
    cookie = client.cookies.get(nom_cookie)
    valeur = cookie.value if cookie is not None else None
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        if valeur is not None:
            client.cookies[nom_cookie] = valeur


def soumettre(client, url: str, donnees: dict, tables: dict) -> None:
    """POST `donnees` to `url` and check the invariants of this module."""
    with _exemple_isole(client):
        avant = _lignes(tables)
        try:
            response = client.post(url, donnees)
        except Exception as erreur:  # noqa: BLE001 - the test client re-raises the view's error
            pytest.fail(f"500 sur {url} : {type(erreur).__name__}: {erreur}\n{donnees!r:.2000}")
        apres = _lignes(tables)
        nouvelles = {nom: apres[nom] - avant[nom] for nom in tables if apres[nom] - avant[nom]}
        defauts = [
            defaut
            for nom, pks in nouvelles.items()
            for defaut in _defauts_postgresql(tables[nom], pks)
        ]
    statut = response.status_code
    event(f"{statut}, lignes écrites : {sorted(nouvelles) or 'aucune'}")
    assert statut < 500, f"{statut} sur {url} : {donnees!r:.2000}"
    if nouvelles:
        assert statut == 302, f"lignes écrites ({sorted(nouvelles)}) sans succès ({statut})"
    if statut == 302:
        cible = response["Location"]
        assert cible.startswith("/") and not cible.startswith("//"), f"redirection vers {cible}"
    assert not defauts, f"refusé par PostgreSQL : {defauts} ; {donnees!r:.2000}"


# Public forms ----------------------------------------------------------------------------------


@FUZZ
@given(donnees=st.fixed_dictionaries({"username": texte, "password": texte, "next": texte}))
def test_connexion(client, agent_a, donnees):
    soumettre(client, "/connexion/", donnees, {"utilisateurs": Utilisateur.objects.all()})


@FUZZ
@given(email=ou("personne@exemple.fr"))
def test_mot_de_passe_oublie(client, agent_a, email):
    soumettre(
        client,
        "/mot-de-passe/oublie/",
        {"email": email},
        {"utilisateurs": Utilisateur.objects.all(), "courriels": Courriel.objects.all()},
    )


@FUZZ
@given(
    donnees=st.fixed_dictionaries(
        {
            "nom_structure": ou("Association des Tourangeaux"),
            "type": ou("association"),
            "siret": ou("73282932000074"),
            "code_postal": ou("37000"),
            "commune": ou("Tours"),
            "contact_nom": ou("Camille Contact"),
            "contact_fonction": texte,
            "contact_email": ou("contact@exemple.fr"),
            "contact_telephone": ou("02 47 00 00 00"),
            "message": texte,
            "consentement": ou("on"),
            "site_web": ou(""),
        }
    )
)
def test_devenir_partenaire(client, db, donnees):
    soumettre(client, "/devenir-partenaire/", donnees, {"demandes": DemandeAdhesion.objects.all()})


@FUZZ
@given(
    donnees=st.fixed_dictionaries(
        {
            "first_name": ou("Camille"),
            "last_name": ou("Martin"),
            "phone": ou("06 12 34 56 78"),
            "password1": ou("Un-mot-de-passe-solide-2026"),
            "password2": texte,
        }
    ),
    identiques=st.booleans(),
)
@example(  # the valid form, always tried: the success path is checked too
    donnees={
        "first_name": "Camille",
        "last_name": "Martin",
        "phone": "06 12 34 56 78",
        "password1": "Un-mot-de-passe-solide-2026",
        "password2": "",
    },
    identiques=True,
)
def test_acceptation_d_invitation(client, monde, donnees, identiques):
    if identiques:
        donnees["password2"] = donnees["password1"]
    soumettre(
        client,
        f"/invitation/{monde.a['jeton']}/",
        donnees,
        {"utilisateurs": Utilisateur.objects.all(), "adhesions": Adhesion.objects.all()},
    )


@FUZZ
@given(
    donnees=st.fixed_dictionaries(
        {"new_password1": ou("Un-mot-de-passe-solide-2026"), "new_password2": texte}
    ),
    identiques=st.booleans(),
)
def test_nouveau_mot_de_passe(client, agent_a, donnees, identiques):
    if identiques:
        donnees["new_password2"] = donnees["new_password1"]
    uid = urlsafe_base64_encode(force_bytes(agent_a.pk))
    jeton = default_token_generator.make_token(agent_a)
    # The link puts the token in the session and leads to the form's own address.
    formulaire = client.get(f"/mot-de-passe/nouveau/{uid}/{jeton}/")["Location"]
    soumettre(client, formulaire, donnees, {"evenements": EvenementSecurite.objects.all()})


# Partner forms ---------------------------------------------------------------------------------


def _tables_messagerie():
    return {
        "demandes": Demande.objects.all(),
        "messages": Message.objects.all(),
        "pieces": PieceJointe.objects.filter(message__isnull=False),
        "transitions": TransitionDemande.objects.all(),
    }


@FUZZ
@given(
    donnees=st.fixed_dictionaries(
        {
            "partenaire": st.none(),  # filled with structure A, or fuzzed, below
            "categorie": ou("css"),
            "situation_carte": texte,
            "type_revenu": texte,
            "date_arret": texte,
            "urgence": ou("normale"),
            "nir": ou(NIR),
            "nir_inconnu": ou(""),
            "nom": texte,
            "prenom": texte,
            "date_naissance": ou("1985-07-03"),
            "objet": ou("Renouvellement CSS bloqué"),
            "description": ou("Dossier déposé il y a deux mois, aucune nouvelle."),
            "partagee": ou("on"),
            "consentement": ou("on"),
            "pieces": fichiers(),
            "pieces_jointes": st.lists(texte, max_size=2),
        }
    ),
    partenaire=st.one_of(st.none(), texte),
)
def test_nouvelle_demande(client, monde, donnees, partenaire):
    connecter_verifie(client, monde.acteurs["agent_a"])
    donnees["partenaire"] = monde.a["pk"] if partenaire is None else partenaire
    soumettre(client, "/demandes/nouvelle/", donnees, _tables_messagerie())


@FUZZ
@given(
    donnees=st.fixed_dictionaries(
        {
            "corps": ou("Voici l'attestation demandée."),
            "pieces": fichiers(),
            "pieces_jointes": st.lists(texte, max_size=2),
            "pieces_connues": st.lists(texte, max_size=2),
        }
    )
)
def test_reponse_sur_une_demande(client, monde, donnees):
    connecter_verifie(client, monde.acteurs["agent_a"])
    url = f"/demandes/{monde.a['reference']}/repondre/"
    soumettre(client, url, donnees, _tables_messagerie())


@FUZZ
@given(motif=ou("La carte n'est toujours pas arrivée."))
def test_reouverture_d_une_demande(client, monde, motif):
    demande = Demande.objects.get(reference=monde.a["reference"])
    if demande.statut != Demande.Statut.RESOLUE:  # the first example resolves it for all
        demandes_services.demande_resoudre(
            demande=demande,
            auteur=monde.acteurs["expert"],
            issue=Demande.Issue.DROITS_OUVERTS,
            corps="Droits ouverts.",
        )
    connecter_verifie(client, monde.acteurs["agent_a"])
    url = f"/demandes/{monde.a['reference']}/rouvrir/"
    soumettre(client, url, {"motif": motif}, _tables_messagerie())


@FUZZ
@given(donnees=st.fixed_dictionaries({"email": ou("nouvelle@exemple.fr"), "role": ou("agent")}))
def test_invitation_par_le_referent(client, monde, donnees):
    connecter_verifie(client, monde.acteurs["referent_a"])
    url = f"/structure/{monde.a['pk']}/inviter/"
    soumettre(client, url, donnees, {"invitations": Invitation.objects.all()})


@FUZZ
@given(role=ou("referent"))
def test_changement_de_role_par_le_referent(client, monde, role):
    connecter_verifie(client, monde.acteurs["referent_a"])
    url = f"/structure/{monde.a['pk']}/rattachements/{monde.a['adhesion_pk']}/role/"
    soumettre(client, url, {"role": role}, {"adhesions": Adhesion.objects.all()})


def _tables_formations():
    return {
        "inscriptions": Inscription.objects.all(),
        "evenements": EvenementInscription.objects.all(),
    }


@FUZZ
@given(agent=st.one_of(st.none(), texte), session=st.one_of(st.none(), texte))
def test_inscription_d_un_agent_par_le_referent(client, monde, agent, session):
    connecter_verifie(client, monde.acteurs["referent_a"])
    agent_a2 = Adhesion.objects.get(pk=monde.a["adhesion_pk"]).utilisateur_id
    donnees = {
        "agent": agent_a2 if agent is None else agent,
        "session": monde.a["session"] if session is None else session,
    }
    url = f"/formations/structure/{monde.a['pk']}/inscrire/"
    soumettre(client, url, donnees, _tables_formations())


@FUZZ
@given(donnees=st.fixed_dictionaries({"confirmer": ou("oui"), "motif": texte}))
def test_annulation_d_une_inscription(client, monde, donnees):
    connecter_verifie(client, monde.acteurs["agent_a"])
    url = f"/formations/inscriptions/{monde.a['inscription']}/annuler/"
    soumettre(client, url, donnees, _tables_formations())


@FUZZ
@given(donnees=st.fixed_dictionaries({"confirmer": ou("oui"), "motif": texte}))
def test_inscription_de_soi(client, monde, donnees):
    connecter_verifie(client, monde.acteurs["agent_a"])
    Inscription.objects.filter(pk=monde.a["inscription"]).delete()
    url = f"/formations/sessions/{monde.a['session']}/inscription/"
    soumettre(client, url, donnees, _tables_formations())


# Account forms ---------------------------------------------------------------------------------


@FUZZ
@given(flash_infos=ou("importantes"))
def test_preferences_de_notification(client, monde, flash_infos):
    connecter_verifie(client, monde.acteurs["agent_a"])
    soumettre(
        client,
        "/compte/notifications/",
        {"flash_infos": flash_infos},
        {"preferences": PreferencesNotification.objects.all()},
    )


@FUZZ
@given(
    donnees=st.fixed_dictionaries(
        {"password": ou(MOT_DE_PASSE), "code": ou("code-valide"), "next": texte}
    )
)
# Found by this test: a `next` that is not a path ("0") was read by redirect() as a view name.
@example(donnees={"password": MOT_DE_PASSE, "code": "code-valide", "next": "0"})
def test_reauthentification(client, monde, donnees):
    agent = monde.acteurs["agent_a"]
    connecter_verifie(client, agent)
    if donnees["code"] == "code-valide":
        donnees = {**donnees, "code": code_totp(TOTPDevice.objects.get(user=agent))}
    soumettre(
        client,
        "/compte/securite/confirmer-mot-de-passe/",
        donnees,
        {
            "utilisateurs": Utilisateur.objects.all(),
            "evenements": EvenementSecurite.objects.all(),
        },
    )


@FUZZ
@given(donnees=st.fixed_dictionaries({"code": ou("123456")}, optional={"generer": texte}))
def test_remplacement_de_l_appareil(client, monde, donnees):
    connecter_verifie(client, monde.acteurs["agent_a"])
    session = client.session
    session[CLE_REAUTHENTIFICATION] = timezone.now().isoformat()
    session.save()
    soumettre(
        client,
        "/compte/securite/appareil/",
        donnees,
        {"appareils": TOTPDevice.objects.all()},
    )


@FUZZ
@given(code=ou("123456"))
def test_code_de_connexion(client, agent_a, code):
    from tests.conftest import connecter_avec_mot_de_passe
    from tests.factories import TOTPDeviceFactory

    TOTPDeviceFactory(user=agent_a)
    connecter_avec_mot_de_passe(client, agent_a)
    soumettre(client, "/connexion/code/", {"code": code}, {"demandes": Demande.objects.all()})


@FUZZ
@given(code=ou("123456"))
def test_activation_de_la_double_authentification(client, agent_a, code):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.conftest import connecter_avec_mot_de_passe

    connecter_avec_mot_de_passe(client, agent_a)
    client.get("/connexion/activation/")  # the unconfirmed device and its QR code
    soumettre(
        client,
        "/connexion/activation/",
        {"code": code},
        {"appareils_confirmes": TOTPDevice.objects.filter(confirmed=True)},
    )


# Query strings of the lists (filters, periods) -------------------------------------------------


CLES_FILTRES = ["statut", "portee", "page", "disponibles", "date_debut", "date_fin", "departement"]


@FUZZ
@given(parametres=st.dictionaries(st.sampled_from(CLES_FILTRES), texte))
def test_filtres_des_listes(client, monde, parametres):
    connecter_verifie(client, monde.acteurs["referent_a"])
    for url in (
        "/demandes/",
        "/formations/",
        "/formations/mes-inscriptions/",
        f"/structure/{monde.a['pk']}/tableau-de-bord/",
        f"/structure/{monde.a['pk']}/tableau-de-bord/export.csv",
        f"/formations/structure/{monde.a['pk']}/",
    ):
        try:
            response = client.get(url, parametres)
        except Exception as erreur:  # noqa: BLE001
            pytest.fail(f"500 sur {url} : {type(erreur).__name__}: {erreur} {parametres!r:.500}")
        assert response.status_code < 500, (url, parametres)


def test_les_categories_existent(db):
    """The fuzzed demandes use the category `css`, created by migration."""
    assert Categorie.objects.filter(slug="css").exists()
