"""Uploaded files are opened before they are kept: PDFs with active content (JavaScript, launch
actions, embedded files), PDFs that do not parse or need a password, images that Pillow cannot
read and files whose name claims another format are refused, through every upload form (the
partner's new demande, the partner's reply, the expert's reply), in French, naming the file,
keeping the rest of the form, storing nothing."""

import time
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from demandes.models import Demande, Message, PieceJointe
from portail import fichiers
from portail.fichiers import fichier_verifier
from tests import pieces_de_test
from tests.conftest import connecter_verifie, texte
from tests.demandes.conftest import NIR, fichier

pytestmark = pytest.mark.django_db

CONSIGNE = "Imprimez-le en PDF ou scannez le document, puis joignez le nouveau fichier."
PROPRE = pieces_de_test.pdf_propre(pages=3)
PNG = pieces_de_test.png()
JPEG = pieces_de_test.jpeg()

# (name, content, MIME type sent by the browser, what the message must say)
REFUSES = {
    "openaction_javascript": (
        "releve.pdf",
        pieces_de_test.pdf_openaction_javascript(),
        "application/pdf",
        "Le fichier « releve.pdf » contient du contenu actif (JavaScript) et ne peut pas être "
        "transmis. " + CONSIGNE,
    ),
    "names_javascript": (
        "releve.pdf",
        pieces_de_test.pdf_names_javascript(),
        "application/pdf",
        "Le fichier « releve.pdf » contient du contenu actif (JavaScript)",
    ),
    "annotation_javascript": (
        "releve.pdf",
        pieces_de_test.pdf_annotation_javascript(),
        "application/pdf",
        "Le fichier « releve.pdf » contient du contenu actif (JavaScript)",
    ),
    "lancement": (
        "releve.pdf",
        pieces_de_test.pdf_lancement(),
        "application/pdf",
        "Le fichier « releve.pdf » contient du contenu actif (lancement d'un programme) et ne "
        "peut pas être transmis. " + CONSIGNE,
    ),
    "fichier_integre": (
        "releve.pdf",
        pieces_de_test.pdf_fichier_integre(),
        "application/pdf",
        "Le fichier « releve.pdf » contient un fichier intégré (pièce jointe) et ne peut pas "
        "être transmis. " + CONSIGNE,
    ),
    "pdf_tronque": (
        "releve.pdf",
        PROPRE[: len(PROPRE) // 2],
        "application/pdf",
        "Le fichier « releve.pdf » est endommagé ou n'est pas un PDF lisible.",
    ),
    "pdf_n_importe_quoi": (
        "releve.pdf",
        b"%PDF-1.7\n" + bytes(range(256)) * 40,
        "application/pdf",
        "Le fichier « releve.pdf » est endommagé ou n'est pas un PDF lisible.",
    ),
    "pdf_mot_de_passe": (
        "releve.pdf",
        pieces_de_test.pdf_protege_par_mot_de_passe(),
        "application/pdf",
        "Le fichier « releve.pdf » est protégé par un mot de passe",
    ),
    "png_qui_est_un_pdf": (
        "photo.png",
        PROPRE,
        "image/png",
        "Le fichier « photo.png » est en réalité un fichier PDF, pas un fichier PNG.",
    ),
    "png_tronque": (
        "photo.png",
        PNG[: len(PNG) // 2],
        "image/png",
        "Le fichier « photo.png » est une image endommagée",
    ),
    "jpeg_tronque": (
        "photo.jpg",
        JPEG[: len(JPEG) // 2],
        "image/jpeg",
        "Le fichier « photo.jpg » est une image endommagée",
    ),
}

ACCEPTES = {
    "pdf_une_page": ("attestation.pdf", pieces_de_test.pdf_propre(), "application/pdf"),
    "pdf_plusieurs_pages": ("attestation.pdf", PROPRE, "application/pdf"),
    "pdf_protege_contre_la_modification": (
        "avis-impot.pdf",
        pieces_de_test.pdf_protege_contre_la_modification(),
        "application/pdf",
    ),
    "jpeg": ("photo.jpg", JPEG, "image/jpeg"),
    "png": ("capture.png", PNG, "image/png"),
}


def fichiers_stockes(settings) -> set[Path]:
    """Every file under MEDIA_ROOT (the test's own temporary one)."""
    return {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


@pytest.fixture
def client_a(client, agent_a):
    return connecter_verifie(client, agent_a)


@pytest.fixture
def client_titulaire(client, titulaire):
    return connecter_verifie(client, titulaire.utilisateur)


def _demande_nouvelle(client_a, piece, objet="Relevé de la CAF illisible"):
    return client_a.post(
        "/demandes/nouvelle/",
        {
            "categorie": "css",
            "urgence": "normale",
            "nir": NIR,
            "objet": objet,
            "description": "Le relevé joint montre les ressources.",
            "partagee": "on",
            "consentement": "on",
            "pieces": [piece],
        },
        format="multipart",
    )


# The partner's new demande ---------------------------------------------------------------------


@pytest.mark.parametrize("cas", REFUSES)
def test_nouvelle_demande_refuse_le_fichier_et_garde_le_formulaire(
    client_a, regle_generale, settings, cas
):
    nom, contenu, type_mime, message = REFUSES[cas]
    avant = fichiers_stockes(settings)
    response = _demande_nouvelle(client_a, fichier(nom, contenu, type_mime))
    page = texte(response)
    assert response.status_code == 200
    assert message in page
    assert 'value="Relevé de la CAF illisible"' in page
    assert "Le relevé joint montre les ressources.</textarea>" in page
    assert not Demande.objects.exists()
    assert not PieceJointe.objects.exists()
    assert fichiers_stockes(settings) == avant


@pytest.mark.parametrize("cas", ACCEPTES)
def test_nouvelle_demande_accepte_les_fichiers_propres(client_a, regle_generale, settings, cas):
    nom, contenu, type_mime = ACCEPTES[cas]
    response = _demande_nouvelle(client_a, fichier(nom, contenu, type_mime))
    assert response.status_code == 302
    piece = Demande.objects.get().messages.get().pieces.get()
    assert (piece.nom, piece.type_mime) == (nom, type_mime)
    with piece.fichier.open("rb") as stocke:
        assert stocke.read() == contenu


# The partner's reply in the thread -------------------------------------------------------------


@pytest.mark.parametrize("cas", ["openaction_javascript", "fichier_integre", "png_tronque"])
def test_reponse_du_partenaire_refuse_le_fichier_et_garde_le_texte(
    client_a, demande_a, settings, cas
):
    nom, contenu, type_mime, message = REFUSES[cas]
    avant = fichiers_stockes(settings)
    response = client_a.post(
        f"/demandes/{demande_a.reference}/repondre/",
        {"corps": "Voici le relevé demandé.", "pieces": [fichier(nom, contenu, type_mime)]},
    )
    page = texte(response)
    assert response.status_code == 200
    assert message in page
    assert "Voici le relevé demandé.</textarea>" in page
    assert demande_a.messages.count() == 1
    assert not PieceJointe.objects.exists()
    assert fichiers_stockes(settings) == avant


# The expert's reply in the back-office ---------------------------------------------------------


def _reponse_expert(client_titulaire, demande, piece):
    return client_titulaire.post(
        f"/admin/demandes/{demande.reference}/repondre/",
        {"repondre-corps": "Voici l'attestation de droits.", "repondre-fichiers": [piece]},
    )


@pytest.mark.parametrize("cas", REFUSES)
def test_reponse_de_l_expert_refuse_le_fichier_et_garde_le_texte(
    client_titulaire, demande_a, settings, cas
):
    nom, contenu, type_mime, message = REFUSES[cas]
    avant = fichiers_stockes(settings)
    response = _reponse_expert(client_titulaire, demande_a, fichier(nom, contenu, type_mime))
    page = texte(response)
    assert response.status_code == 200
    assert message in page
    assert "Voici l'attestation de droits." in page
    assert not demande_a.messages.filter(cote=Message.Cote.CPAM).exists()
    assert not PieceJointe.objects.exists()
    assert fichiers_stockes(settings) == avant


@pytest.mark.parametrize("cas", ACCEPTES)
def test_reponse_de_l_expert_accepte_les_fichiers_propres(client_titulaire, demande_a, cas):
    nom, contenu, type_mime = ACCEPTES[cas]
    response = _reponse_expert(client_titulaire, demande_a, fichier(nom, contenu, type_mime))
    assert response.status_code == 302
    piece = demande_a.messages.get(cote=Message.Cote.CPAM).pieces.get()
    assert (piece.nom, piece.type_mime) == (nom, type_mime)


# The check itself: hostile files stay bounded --------------------------------------------------


def _pdf_brut(objets: list[bytes]) -> bytes:
    """A PDF written byte by byte (for shapes no writer would produce): these objects, numbered
    from 1 (object 1 is the catalogue), with their cross-reference table and trailer."""
    document = bytearray(b"%PDF-1.7\n")
    positions = []
    for numero, objet in enumerate(objets, start=1):
        positions.append(len(document))
        document += b"%d 0 obj\n" % numero + objet + b"\nendobj\n"
    xref = len(document)
    document += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objets) + 1)
    document += b"".join(b"%010d 00000 n \n" % position for position in positions)
    document += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objets) + 1,
        xref,
    )
    return bytes(document)


CATALOGUE = [
    b"<< /Type /Catalog /Pages 2 0 R /Suite 4 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
]


@pytest.mark.parametrize(
    ("contenu", "code"),
    [
        (pieces_de_test.pdf_champ_de_formulaire_javascript(), "pdf_javascript"),
        (pieces_de_test.pdf_xfa(), "pdf_xfa"),
        (pieces_de_test.pdf_annotation_fichier_joint(), "pdf_fichier_integre"),
    ],
    ids=["champ_de_formulaire_javascript", "xfa", "annotation_fichier_joint"],
)
def test_autres_contenus_actifs_refuses(contenu, code):
    with pytest.raises(ValidationError) as erreur:
        fichier_verifier(fichier("formulaire.pdf", contenu))
    assert erreur.value.code == code
    assert erreur.value.messages[0].startswith("Le fichier « formulaire.pdf » contient ")
    assert erreur.value.messages[0].endswith(CONSIGNE)


def test_nom_code_en_hexadecimal_reconnu():
    """/J#61vaScript is /JavaScript for a reader: a search of the raw bytes would miss it."""
    contenu = _pdf_brut(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
            *CATALOGUE[1:],
            b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>",
        ]
    )
    assert b"/JavaScript" not in contenu and b"/JS" not in contenu
    with pytest.raises(ValidationError) as erreur:
        fichier_verifier(fichier("releve.pdf", contenu))
    assert erreur.value.code == "pdf_javascript"


def test_javascript_cache_au_bout_d_une_chaine_de_references():
    """The whole object graph is walked: an action behind many indirections is found."""
    chaine = [b"[%d 0 R]" % (numero + 1) for numero in range(4, 300)]
    contenu = _pdf_brut([*CATALOGUE, *chaine, b"<< /S /JavaScript /JS (x) >>"])
    with pytest.raises(ValidationError) as erreur:
        fichier_verifier(fichier("releve.pdf", contenu))
    assert erreur.value.code == "pdf_javascript"


def test_boucle_de_references_terminee():
    contenu = _pdf_brut([*CATALOGUE, b"[5 0 R]", b"[4 0 R]"])
    assert fichier_verifier(fichier("boucle.pdf", contenu)) == ("application/pdf", "pdf")


def test_imbrication_profonde_refusee_sans_erreur():
    contenu = _pdf_brut([*CATALOGUE, b"[" * 100_000 + b"]" * 100_000])
    with pytest.raises(ValidationError) as erreur:
        fichier_verifier(fichier("profond.pdf", contenu))
    assert erreur.value.code in {"pdf_complexe", "pdf_illisible"}
    assert "« profond.pdf »" in erreur.value.messages[0]


def test_trop_d_objets_refuse(monkeypatch):
    monkeypatch.setattr(fichiers, "PDF_OBJETS_MAX", 50)
    chaine = [b"[%d 0 R]" % (numero + 1) for numero in range(4, 100)]
    contenu = _pdf_brut([*CATALOGUE, *chaine, b"null"])
    with pytest.raises(ValidationError) as erreur:
        fichier_verifier(fichier("touffu.pdf", contenu))
    assert erreur.value.code == "pdf_complexe"
    assert (
        "Le fichier « touffu.pdf » est trop complexe pour être vérifié."
        in (erreur.value.messages[0])
    )


def test_analyse_bornee_dans_le_temps(monkeypatch):
    """Past the deadline, even pypdf's own reading of the file stops (here: at once)."""
    monkeypatch.setattr(fichiers, "PDF_SECONDES_MAX", -1.0)
    debut = time.monotonic()
    with pytest.raises(ValidationError) as erreur:
        fichier_verifier(fichier("lent.pdf", PROPRE))
    assert erreur.value.code == "pdf_complexe"
    assert time.monotonic() - debut < 1


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_bombe_de_pixels_refusee():
    """A PNG announcing more pixels than Pillow's bomb limit is refused before decoding."""
    largeur, hauteur = Image.MAX_IMAGE_PIXELS + 1, 1
    # Signature and IHDR length and type (16 bytes), then IHDR: width, height, 5 bytes, CRC.
    ihdr = largeur.to_bytes(4, "big") + hauteur.to_bytes(4, "big") + PNG[24:29]
    crc = zlib.crc32(b"IHDR" + ihdr).to_bytes(4, "big")
    contenu = PNG[:16] + ihdr + crc + PNG[33:]
    with pytest.raises(ValidationError) as erreur:
        fichier_verifier(fichier("immense.png", contenu, "image/png"))
    assert erreur.value.code == "image_illisible"
