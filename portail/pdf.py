"""The PDF documents the portal writes for people (attendance sheets, certificates, demo files),
with ReportLab: as many pages as the content needs, every script that DejaVu Sans covers (the
font ships with the portal, in `polices/`), and the caisse's identity on every page.

Text handed to these functions is plain text: it is escaped here, never read as markup.
"""

import functools
import io
import re
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

POLICE = "DejaVuSans"
POLICE_GRAS = "DejaVuSans-Bold"
POLICES = Path(__file__).resolve().parent / "polices"

# The Assurance Maladie blue, and the grey of secondary text (both AA on white).
BLEU = colors.HexColor("#0C419A")
GRIS = colors.HexColor("#4A4A4A")
MARGE = 1.8 * cm


@functools.cache
def _polices() -> None:
    pdfmetrics.registerFont(TTFont(POLICE, POLICES / "DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(POLICE_GRAS, POLICES / "DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFontFamily(POLICE, normal=POLICE, bold=POLICE_GRAS)


@functools.cache
def styles() -> dict[str, ParagraphStyle]:
    """The few paragraph styles of every document: one type scale."""
    _polices()
    texte = ParagraphStyle("texte", fontName=POLICE, fontSize=10.5, leading=15)
    return {
        "texte": texte,
        "titre": ParagraphStyle(
            "titre",
            parent=texte,
            fontName=POLICE_GRAS,
            fontSize=18,
            leading=24,
            textColor=BLEU,
            spaceAfter=10,
        ),
        "intertitre": ParagraphStyle(
            "intertitre",
            parent=texte,
            fontName=POLICE_GRAS,
            fontSize=12,
            leading=17,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "centre": ParagraphStyle("centre", parent=texte, alignment=TA_CENTER),
        "cellule": ParagraphStyle("cellule", parent=texte, fontSize=9.5, leading=12),
        "entete": ParagraphStyle(
            "entete",
            parent=texte,
            fontName=POLICE_GRAS,
            fontSize=9.5,
            leading=12,
            textColor=colors.white,
        ),
        "petit": ParagraphStyle("petit", parent=texte, fontSize=8.5, leading=11, textColor=GRIS),
    }


def paragraphe(texte: str, style: str = "texte", *, gras: bool = False) -> Paragraph:
    """A paragraph of plain text (escaped: a name holding « < » or « & » prints as typed)."""
    contenu = escape(texte)
    return Paragraph(f"<b>{contenu}</b>" if gras else contenu, styles()[style])


def cellule(texte: str, largeur: float) -> Paragraph:
    """A table cell of plain text, `largeur` points wide: a long compound name breaks after
    one of its hyphens (« MONTMORENCY- / LAVAL ») rather than mid-word, as ReportLab would."""
    style = styles()["cellule"]
    lignes, ligne = [], ""
    for mot in re.findall(r"[^\s-]*-|[^\s-]+\s*|\s+", texte):
        essai = ligne + mot
        if ligne and stringWidth(essai.rstrip(), style.fontName, style.fontSize) > largeur:
            lignes.append(ligne.rstrip())
            ligne = mot.lstrip()
        else:
            ligne = essai
    lignes.append(ligne.rstrip())
    return Paragraph("<br/>".join(escape(ligne) for ligne in lignes), style)


def _numerotees(titre: str):
    """A canvas that writes the identity on top of every page and « page n sur N » at the foot,
    once the number of pages is known (every page is kept until the document is saved)."""

    class Pages(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for numero, etat in enumerate(self._pages, start=1):
                self.__dict__.update(etat)
                self._habiller(numero, total)
                super().showPage()
            super().save()

        def _habiller(self, numero: int, total: int) -> None:
            largeur, hauteur = self._pagesize
            self.saveState()
            self.setFillColor(BLEU)
            self.rect(MARGE, hauteur - 1.45 * cm, 0.18 * cm, 0.75 * cm, stroke=0, fill=1)
            self.setFont(POLICE_GRAS, 10)
            self.drawString(MARGE + 0.4 * cm, hauteur - 1.0 * cm, "l'Assurance Maladie")
            self.setFont(POLICE, 9)
            self.setFillColor(GRIS)
            self.drawString(MARGE + 0.4 * cm, hauteur - 1.4 * cm, settings.CAISSE_NOM)
            self.drawRightString(largeur - MARGE, hauteur - 1.0 * cm, "Solidaires et partenaires")
            self.setStrokeColor(colors.HexColor("#DDDDDD"))
            self.line(MARGE, hauteur - 1.7 * cm, largeur - MARGE, hauteur - 1.7 * cm)
            self.setFont(POLICE, 8)
            self.drawString(MARGE, 1.0 * cm, titre)
            self.drawRightString(largeur - MARGE, 1.0 * cm, f"Page {numero} sur {total}")
            self.restoreState()

    return Pages


def document_pdf(contenu: list[Flowable], *, titre: str, taille=A4) -> bytes:
    """An A4 document of these flowables, on as many pages as needed, with the caisse's
    identity at the top and the title and page number at the foot of every page."""
    _polices()
    tampon = io.BytesIO()
    document = SimpleDocTemplate(
        tampon,
        pagesize=taille,
        leftMargin=MARGE,
        rightMargin=MARGE,
        topMargin=2.5 * cm,
        bottomMargin=1.8 * cm,
        title=titre,
        author=settings.CAISSE_NOM,
        creator="Solidaires et partenaires",
        lang="fr-FR",
    )
    document.build(contenu, canvasmaker=_numerotees(titre))
    return tampon.getvalue()


def pdf_simple(lignes: list[str], *, titre: str = "Document") -> bytes:
    """A plain document, one paragraph per line (demo files, the benchmark's uploads)."""
    return document_pdf(
        [paragraphe(ligne) if ligne else Spacer(1, 8) for ligne in lignes], titre=titre
    )
