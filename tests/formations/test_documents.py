"""The documents of a session, read back from the PDF: every name on the attendance sheet over
as many pages as needed (any script), the header row on every page, the certificate with the
caisse's identity."""

import io
import re

import pypdf
import pytest
from django.test import override_settings

from formations.documents import attestation_pdf, feuille_emargement_pdf
from formations.models import Inscription
from portail.models import Utilisateur
from tests.formations.factories import SessionFactory

pytestmark = pytest.mark.django_db

NOMS = [
    ("Łukasz", "Wąsowski"),
    ("Şükrü", "Öztürk"),
    ("Hồng", "Nguyễn Thị"),
    ("Дмитрий", "Иванов"),
    ("Σοφία", "Παπαδοπούλου"),
    ("Zoë", "Đorđević"),
    ("Ōta", "Čapek"),
    ("Ægir", "Ødegård"),
    ("Anne-Marie", "O'Neil & <Fils>"),
]


def lire(pdf: bytes) -> tuple[int, str]:
    lecteur = pypdf.PdfReader(io.BytesIO(pdf))
    return len(lecteur.pages), "\n".join(page.extract_text() for page in lecteur.pages)


def aplatir(texte: str) -> str:
    """One line of text; a compound name broken after its hyphen is joined again."""
    return re.sub(r"\s+", " ", texte).replace("- ", "-")


def cent_vingt_inscriptions(structure) -> list[Inscription]:
    """120 people (the nine names above, then ordinary ones), unsaved: the sheet only reads
    their names and structure."""
    noms = NOMS + [(f"Prénom{n:03d}", f"Nom{n:03d}") for n in range(120 - len(NOMS))]
    return [
        Inscription(agent=Utilisateur(first_name=prenom, last_name=nom), partenaire=structure)
        for prenom, nom in noms
    ]


def test_feuille_de_120_noms_sur_plusieurs_pages_sans_en_perdre(structure_a):
    session = SessionFactory(titre="Complémentaire santé solidaire : les nouveautés")
    inscriptions = cent_vingt_inscriptions(structure_a)

    pdf = feuille_emargement_pdf(session, inscriptions)

    pages = [aplatir(page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) >= 5
    plat = " ".join(pages)
    for inscription in inscriptions:
        assert f"{inscription.agent.last_name.upper()} {inscription.agent.first_name}" in plat
    # The header row, with its two signature columns, comes again on every page with rows.
    avec_lignes = [page for page in pages if "NOM0" in page or "WĄSOWSKI" in page]
    assert len(avec_lignes) >= len(pages) - 1
    for page in avec_lignes:
        assert "Nom et prénom Structure Signature du matin Signature de l'après-midi" in page
    assert f"Page 1 sur {len(pages)}" in plat and f"Page {len(pages)} sur {len(pages)}" in plat
    assert "120 personnes attendues." in plat
    assert "Complémentaire santé solidaire : les nouveautés" in plat
    assert "Indre-et-Loire" in plat  # the place


def test_un_nom_tres_long_passe_a_la_ligne_sans_etre_coupe(structure_a):
    session = SessionFactory()
    long_nom = "De La Tour d'Auvergne-Lauraguais-Montmorency-Laval"
    inscription = Inscription(
        agent=Utilisateur(first_name="Marie-Amélie-Bérengère", last_name=long_nom),
        partenaire=structure_a,
    )

    _pages, texte = lire(feuille_emargement_pdf(session, [inscription]))

    plat = aplatir(texte)
    for morceau in long_nom.upper().split("-"):
        assert morceau in plat
    assert "1 personne attendue." in plat
    assert "…" not in texte


def test_feuille_sans_inscription(structure_a):
    _pages, texte = lire(feuille_emargement_pdf(SessionFactory(), []))
    assert "Aucune inscription à cette session." in texte


@override_settings(CAISSE_NOM="CPAM de la Moselle")
def test_attestation_porte_l_identite_de_la_caisse(structure_a):
    session = SessionFactory()
    inscription = Inscription(
        session=session,
        agent=Utilisateur(first_name="Łukasz", last_name="Wąsowski"),
        partenaire=structure_a,
    )

    pages, texte = lire(attestation_pdf(inscription))

    assert pages == 1
    plat = aplatir(texte)
    assert "Attestation de présence" in plat
    assert "CPAM de la Moselle atteste que" in plat
    assert "Łukasz Wąsowski" in plat
    assert session.titre in plat
    assert "Durée 3 h 00" in plat
    assert "l'Assurance Maladie" in plat  # the identity at the top of the page
    assert structure_a.nom in plat
