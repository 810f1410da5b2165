"""French as people read it: no "(e)", "(s)", "un(e)", "Nouvel(le)" on the pages each role sees,
nor in the project's own templates and translatable strings; Wagtail's English help menu is
replaced by the portal's guide; the back-office names each model with its gender."""

import ast
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from demandes import services
from demandes.back_office.affichage import duree_ouvree
from demandes.models import Message
from formations.models import Inscription, Session
from portail import roles
from portail.templatetags.portail import de
from tests.conftest import connecter_verifie, texte
from tests.demandes.conftest import (  # noqa: F401 - fixtures of the messaging module
    creer_demande,
    equipe,
    regle_generale,
    suppleant,
    titulaire,
)
from tests.factories import UtilisateurFactory
from tests.formations.factories import SessionFactory, agents_de, inscrire

pytestmark = pytest.mark.django_db

RACINE = Path(settings.BASE_DIR)
APPLICATIONS = ("portail", "demandes", "formations", "conventions", "cms")
# "inscrit(e)", "place(s)", "Nouvel(le)", "un(e)", "Le(la)": a word followed by a bracketed
# ending. "%(e)s" (a named placeholder) is not one.
PARENTHESES = re.compile(r"(?<!%)\b\w+\((?:e|s|es|le|la|x|trice|euse)\)", re.IGNORECASE)
# Wagtail's English chrome that the project replaced or must not show.
ANGLAIS = ("Editor Guide", "What's new in Wagtail", ">Help<", "Shortcuts", "Pages crées")


def fautes(page: str) -> list[str]:
    trouvees = PARENTHESES.findall(page)
    trouvees += [mot for mot in ANGLAIS if mot in page]
    return trouvees


# Statically: the project's templates and translatable strings ----------------------------------


def _gabarits():
    for application in APPLICATIONS:
        yield from (RACINE / application / "templates").rglob("*.html")
        yield from (RACINE / application / "templates").rglob("*.txt")


def test_gabarits_du_projet_sans_parentheses_de_genre_ni_de_pluriel():
    erreurs = {
        str(gabarit.relative_to(RACINE)): fautes(gabarit.read_text(encoding="utf-8"))
        for gabarit in _gabarits()
    }
    assert {nom: mots for nom, mots in erreurs.items() if mots} == {}


FONCTIONS_DE_TRADUCTION = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}


def _chaines_traduisibles(fichier: Path):
    for noeud in ast.walk(ast.parse(fichier.read_text(encoding="utf-8"))):
        if (
            isinstance(noeud, ast.Call)
            and isinstance(noeud.func, ast.Name)
            and noeud.func.id in FONCTIONS_DE_TRADUCTION
        ):
            for argument in noeud.args:
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    yield argument.value


def test_chaines_traduisibles_sans_parentheses():
    erreurs = {}
    for application in APPLICATIONS:
        for fichier in (RACINE / application).rglob("*.py"):
            if "migrations" in fichier.parts:
                continue
            mots = [m for chaine in _chaines_traduisibles(fichier) for m in fautes(chaine)]
            if mots:
                erreurs[str(fichier.relative_to(RACINE))] = mots
    assert erreurs == {}


def test_le_controle_reconnait_les_fautes():
    """The scan is not vacuous: it finds what it looks for."""
    for faute in ("4 inscrit(s)", "Ajouter un(e) session", "Nouvel(le) : Session", "prévenu(e)"):
        assert fautes(faute), faute
    for juste in ("%(e)s", "personnes inscrites", "Ajouter une session", "(Paris)"):
        assert not fautes(juste), juste


# Rendered: the pages each role sees -------------------------------------------------------------


@pytest.fixture
def donnees(structure_a, agent_a, referent_a, regle_generale, titulaire):  # noqa: F811 - fixtures imported above
    session = SessionFactory(capacite=20)
    inscrire(session, agent_a)
    for agent in agents_de(structure_a, 3):
        inscrire(session, agent)
    demande = creer_demande(agent_a, structure_a, slug="carte_vitale")
    demande.complements = {"situation_carte": "perdue"}
    demande.save(update_fields=["complements"])
    services.message_cpam_envoyer(
        demande=demande, auteur=titulaire.utilisateur, corps="Bien reçu.", type=Message.Type.MESSAGE
    )
    return {"session": session, "demande": demande}


def _verifier(client, adresses):
    for adresse in adresses:
        reponse = client.get(adresse)
        assert reponse.status_code == 200, adresse
        assert fautes(texte(reponse)) == [], adresse


def test_pages_partenaire(client, agent_a, referent_a, structure_a, donnees):
    session, demande = donnees["session"], donnees["demande"]
    connecter_verifie(client, agent_a)
    _verifier(
        client,
        [
            "/",
            "/demandes/",
            f"/demandes/{demande.reference}/",
            reverse("formations:sessions"),
            reverse("formations:session", args=[session.pk]),
            reverse("formations:mes_inscriptions"),
        ],
    )
    page = texte(client.get(reverse("formations:session", args=[session.pk])))
    assert "16 places restantes sur 20" in page
    connecter_verifie(client, referent_a)
    _verifier(client, ["/demandes/", reverse("formations:structure", args=[structure_a.pk])])


def test_pages_back_office(client, superviseur, titulaire, donnees):  # noqa: F811 - fixtures imported above
    session, demande = donnees["session"], donnees["demande"]
    formateur = UtilisateurFactory(roles=[roles.FORMATEUR])
    editeur = UtilisateurFactory(roles=[roles.EDITEUR])
    connecter_verifie(client, formateur)
    _verifier(
        client,
        [
            "/admin/",
            reverse("formations_sessions:index"),
            reverse("formations_sessions:add"),
            reverse("formations_sessions:inscriptions", args=[session.pk]),
            reverse("formations_campagnes:add"),
            reverse("guide_back_office"),
        ],
    )
    index = texte(client.get(reverse("formations_sessions:index")))
    assert "Ajouter une session" in index
    creation = texte(client.get(reverse("formations_sessions:add")))
    assert "Nouvelle session" in creation
    inscriptions = texte(client.get(reverse("formations_sessions:inscriptions", args=[session.pk])))
    assert "4 personnes inscrites sur 20 places" in inscriptions

    connecter_verifie(client, superviseur)
    _verifier(
        client,
        [
            "/admin/",
            reverse("demandes_admin:boite"),
            f"/admin/demandes/{demande.reference}/",
            reverse("partenaires_structures:add"),
            reverse("guide_back_office"),
        ],
    )
    ecran = texte(client.get(f"/admin/demandes/{demande.reference}/"))
    assert "<dd>Perdue</dd>" in ecran

    connecter_verifie(client, editeur)
    _verifier(client, ["/admin/", reverse("guide_back_office")])


def test_menu_guide_a_la_place_de_l_aide_wagtail(client, superviseur):
    connecter_verifie(client, superviseur)
    accueil = client.get("/admin/").content.decode()
    assert "Guide du back-office" in accueil
    assert "Editor Guide" not in accueil and '"name": "help"' not in accueil
    guide = texte(client.get(reverse("guide_back_office")))
    assert "Superviseur : organiser l'équipe et suivre les délais" in guide
    # A supervisor is not shown the trainers' part.
    assert "Formateur : préparer et animer les sessions" not in guide


def test_guide_refuse_hors_back_office(client, agent_a):
    connecter_verifie(client, agent_a)
    assert client.get(reverse("guide_back_office")).status_code in (302, 403)


# Small helpers --------------------------------------------------------------------------------


def test_elision_devant_un_prenom():
    assert de("Aurélie") == "d'Aurélie"
    assert de("Hugo") == "d'Hugo"
    assert de("Paul") == "de Paul"
    assert de("") == ""


def test_durees_ouvrees_au_singulier_et_au_pluriel():
    assert duree_ouvree(0) == "moins d'une minute ouvrée"
    assert duree_ouvree(1) == "1 min ouvrée"
    assert duree_ouvree(45) == "45 min ouvrées"


def test_presence_avec_elision(client, donnees):
    session = donnees["session"]
    inscription = Inscription.objects.filter(session=session).select_related("agent").first()
    inscription.agent.first_name, inscription.agent.last_name = "Aurélie", "Martin"
    inscription.agent.save()
    formateur = UtilisateurFactory(roles=[roles.FORMATEUR])
    connecter_verifie(client, formateur)
    # The attendance form shows once the session has started.
    debut = timezone.now() - timedelta(hours=1)
    Session.objects.filter(pk=session.pk).update(debut=debut, fin=debut + timedelta(hours=3))
    page = texte(client.get(reverse("formations_sessions:inscriptions", args=[session.pk])))
    assert "Présence d'Aurélie Martin" in page
    assert "Présence de Aurélie" not in page


def test_catalogue_compile_a_jour(tmp_path):
    """locale/fr/LC_MESSAGES/django.mo is the compiled django.po (recompile after an edit)."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (gettext) absent")
    dossier = RACINE / "locale" / "fr" / "LC_MESSAGES"
    compile_ = tmp_path / "django.mo"
    subprocess.run(  # noqa: S603 - fixed arguments
        [msgfmt, "--check-format", "-o", str(compile_), str(dossier / "django.po")], check=True
    )
    assert compile_.read_bytes() == (dossier / "django.mo").read_bytes()


# Words of Wagtail's English interface that the project's own texts must not take over.
MOTS_ANGLAIS = re.compile(
    r"\b(?:Add|Edit|Delete|Save|Cancel|Search|Help|Dashboard|Settings|Reports|Snippets|"
    r"Previous|Next|Page \d+ of|Sort by|Filter|Shortcuts)\b"
)
TRADUCTIONS = re.compile(
    r"{%\s*translate\s+[\"'](.*?)[\"']|{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate",
    re.S,
)


def test_textes_des_gabarits_en_francais():
    erreurs = {}
    for gabarit in _gabarits():
        for simple, bloc in TRADUCTIONS.findall(gabarit.read_text(encoding="utf-8")):
            mots = MOTS_ANGLAIS.findall(simple or bloc)
            if mots:
                erreurs.setdefault(str(gabarit.relative_to(RACINE)), []).extend(mots)
    assert erreurs == {}


def test_le_controle_des_mots_anglais_les_trouve():
    gabarit = '{% translate "Add" %} {% blocktranslate %}Page 2 of {{ n }}{% endblocktranslate %}'
    trouves = [MOTS_ANGLAIS.findall(s or b) for s, b in TRADUCTIONS.findall(gabarit)]
    assert trouves == [["Add"], ["Page 2 of"]]
    assert not MOTS_ANGLAIS.findall("Ajouter une session — Guide du back-office")
