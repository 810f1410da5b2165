"""The editor's journey on the embedded default (a SQLite file), as on `make demo` (issue 13,
defect 7): Wagtail's autosave requests racing the "Publier" click saved the same page at the
same moment and the editor got "database is locked".

The live server here is not pytest-django's (which shares the in-memory test database through
one connection): it serves a file copy of the test database, one connection per request thread,
as `runserver` does with db.sqlite3.
"""

import re

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test.testcases import LiveServerThread

from cms.models import FlashInfoIndexPage, FlashInfoPage, HomePage
from portail import roles
from tests.conftest import code_totp
from tests.factories import MOT_DE_PASSE, TOTPDeviceFactory, UtilisateurFactory
from tests.parcours.conftest import capturer, nouveau_contexte, page_de

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]

#: Autosave-like requests sent at the moment of the click (Wagtail's own autosave sends one
#: 500 ms after the last change; several at once make the race certain rather than likely).
SAUVEGARDES_SIMULTANEES = 4

# Sent as Wagtail's autosave controller sends them; `keepalive` so that the navigation of the
# "Publier" click does not cancel them in the browser.
SAUVEGARDES = """(nombre) => {
  const formulaire = document.querySelector("form[data-controller~='w-autosave']");
  const jeton = formulaire.querySelector("[name=csrfmiddlewaretoken]").value;
  for (let i = 0; i < nombre; i++) {
    fetch(formulaire.action, {
      method: "POST",
      body: new FormData(formulaire),
      headers: { Accept: "application/json", "X-CSRFToken": jeton },
      keepalive: true,
    });
  }
}"""


@pytest.fixture
def serveur_sqlite(base_sqlite_fichier):
    """A live server on the SQLite file, each request thread with its own connection."""
    fil = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override={}, port=0)
    fil.daemon = True
    fil.start()
    fil.is_ready.wait()
    if fil.error:
        raise fil.error
    yield type("Serveur", (), {"url": f"http://127.0.0.1:{fil.port}"})
    fil.terminate()
    fil.join(timeout=30)


def test_editeur_publie_pendant_les_sauvegardes_automatiques(
    navigateur, serveur_sqlite, horloge_en_debut_de_pas
):
    accueil = HomePage.objects.get()
    index = accueil.add_child(instance=FlashInfoIndexPage(title="Actualités", slug="actualites"))
    flash = index.add_child(
        instance=FlashInfoPage(
            title="Fermeture de l'accueil de Tours",
            slug="fermeture-tours",
            resume="Brouillon.",
            corps=[{"type": "texte", "value": "<p>Accueil fermé le 2 décembre.</p>"}],
        )
    )
    editeur = UtilisateurFactory(roles=[roles.EDITEUR])
    # Already published: the editor corrects it. (On a page never published, Wagtail's edit
    # view saves the page row itself at each autosave, so an autosave checked before the click
    # and written after it would set it back to "not live": Wagtail's own race, whatever the
    # database.)
    flash.save_revision(user=editeur).publish(user=editeur)
    appareil = TOTPDeviceFactory(user=editeur)

    contexte = nouveau_contexte(navigateur, serveur_sqlite)
    cms = page_de(contexte)
    reponses = []
    contexte.on("response", lambda r: reponses.append((r.request.method, r.url, r.status)))

    # Password, then the code of the authenticator app.
    cms.goto("/connexion/")
    cms.get_by_label("Adresse e-mail").fill(editeur.email)
    cms.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    cms.get_by_role("button", name="Continuer").click()
    expect(cms).to_have_url(re.compile(r"/connexion/code/$"))
    cms.get_by_label("Code à usage unique").fill(code_totp(appareil))
    cms.get_by_role("button", name="Valider").click()
    expect(cms).not_to_have_url(re.compile(r"/connexion/"))

    # The editor changes the summary: Wagtail's autosave saves a revision 500 ms later...
    cms.goto(f"/admin/pages/{flash.pk}/edit/")
    resume = "L'accueil de Tours est fermé le 2 décembre ; orientez vers Joué-lès-Tours."
    cms.locator("#id_resume").fill(resume)
    # ...while more autosaves of the same page leave at the moment "Publier" is clicked.
    cms.evaluate(SAUVEGARDES, SAUVEGARDES_SIMULTANEES)
    cms.locator(".w-dropdown--dropdown-button [data-w-dropdown-target=toggle]").click()
    cms.locator("button[name=action-publish]").click()

    expect(cms.get_by_text(re.compile(r"Fermeture de l'accueil de Tours.*publiée"))).to_be_visible()
    capturer(cms, "sqlite-flash-info-publiee-pendant-les-sauvegardes")
    edition = f"{serveur_sqlite.url}/admin/pages/{flash.pk}/edit/"
    envois = [statut for methode, url, statut in reponses if methode == "POST" and url == edition]
    # The autosaves and the publication; an autosave may be told that the page changed
    # meanwhile (Wagtail's 400 "invalid_revision"), never a server error.
    assert len(envois) >= SAUVEGARDES_SIMULTANEES + 1
    assert [statut for statut in envois if statut >= 500] == []
    assert [(url, statut) for _, url, statut in reponses if statut >= 500] == []
    expect(cms.get_by_text("momentanément indisponible")).to_have_count(0)

    flash.refresh_from_db()
    assert flash.live and flash.resume == resume
    assert flash.live_revision.as_object().resume == resume
    assert flash.live_revision.created_at > flash.first_published_at
    contexte.close()
