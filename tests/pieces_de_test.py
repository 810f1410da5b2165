"""Real files for upload tests, built here rather than stored: clean PDFs and images, and PDFs
carrying each kind of active content the upload check must refuse.

PDFs are written by pypdf (the library the check reads them with is not asked whether they are
well formed: the writer and the objects put in them are); images by Pillow.
"""

import io

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject


def _nom(valeur: str) -> NameObject:
    return NameObject(valeur)


def _ecrire(document: PdfWriter) -> bytes:
    sortie = io.BytesIO()
    document.write(sortie)
    return sortie.getvalue()


def _document(pages: int) -> PdfWriter:
    document = PdfWriter()
    for _ in range(pages):
        document.add_blank_page(width=595, height=842)
    return document


def _action_javascript(code: str = "app.alert('Bonjour');") -> DictionaryObject:
    return DictionaryObject({_nom("/S"): _nom("/JavaScript"), _nom("/JS"): TextStringObject(code)})


def pdf_propre(pages: int = 1) -> bytes:
    return _ecrire(_document(pages))


def pdf_openaction_javascript() -> bytes:
    """JavaScript run when the document opens (the case found from outside)."""
    document = _document(2)
    document._root_object[_nom("/OpenAction")] = _action_javascript()
    return _ecrire(document)


def pdf_names_javascript() -> bytes:
    """Document-level JavaScript in the catalog's name tree (/Names /JavaScript)."""
    document = _document(1)
    script = document._add_object(_action_javascript())
    document._root_object[_nom("/Names")] = DictionaryObject(
        {
            _nom("/JavaScript"): DictionaryObject(
                {_nom("/Names"): ArrayObject([TextStringObject("ouverture"), script])}
            )
        }
    )
    return _ecrire(document)


def pdf_annotation_javascript() -> bytes:
    """JavaScript in the action of a link annotation on the third page."""
    document = _document(3)
    lien = DictionaryObject(
        {
            _nom("/Type"): _nom("/Annot"),
            _nom("/Subtype"): _nom("/Link"),
            _nom("/Rect"): ArrayObject([]),
            _nom("/A"): _action_javascript(),
        }
    )
    document.pages[2][_nom("/Annots")] = ArrayObject([document._add_object(lien)])
    return _ecrire(document)


def pdf_champ_de_formulaire_javascript() -> bytes:
    """A form field whose additional actions (/AA, on keystroke) run JavaScript."""
    document = _document(1)
    champ = document._add_object(
        DictionaryObject(
            {
                _nom("/FT"): _nom("/Tx"),
                _nom("/T"): TextStringObject("revenus"),
                _nom("/AA"): DictionaryObject({_nom("/K"): _action_javascript()}),
            }
        )
    )
    document._root_object[_nom("/AcroForm")] = DictionaryObject(
        {_nom("/Fields"): ArrayObject([champ])}
    )
    return _ecrire(document)


def pdf_xfa() -> bytes:
    """An XFA form: its scripts (JavaScript or FormCalc) live in XML packets."""
    document = _document(1)
    paquet = document._add_object(DictionaryObject())
    document._root_object[_nom("/AcroForm")] = DictionaryObject(
        {_nom("/Fields"): ArrayObject([]), _nom("/XFA"): paquet}
    )
    return _ecrire(document)


def pdf_annotation_fichier_joint() -> bytes:
    """A file attachment annotation (a paper clip on the page), with no /EmbeddedFiles."""
    document = _document(1)
    trombone = DictionaryObject(
        {
            _nom("/Type"): _nom("/Annot"),
            _nom("/Subtype"): _nom("/FileAttachment"),
            _nom("/Rect"): ArrayObject([]),
            _nom("/FS"): TextStringObject("facture.exe"),
        }
    )
    document.pages[0][_nom("/Annots")] = ArrayObject([document._add_object(trombone)])
    return _ecrire(document)


def pdf_lancement() -> bytes:
    """A launch action: opens a program on the reader's computer."""
    document = _document(1)
    document._root_object[_nom("/OpenAction")] = DictionaryObject(
        {_nom("/S"): _nom("/Launch"), _nom("/F"): TextStringObject("cmd.exe")}
    )
    return _ecrire(document)


def pdf_fichier_integre() -> bytes:
    """An embedded file (/EmbeddedFiles), as pypdf's add_attachment writes it."""
    document = _document(1)
    document.add_attachment("facture.exe", b"MZ\x90\x00")
    return _ecrire(document)


def pdf_protege_par_mot_de_passe() -> bytes:
    document = _document(1)
    document.encrypt(user_password="secret", owner_password="proprietaire", algorithm="AES-256")
    return _ecrire(document)


def pdf_protege_contre_la_modification() -> bytes:
    """Opens without a password (tax notices and bank statements often are like this)."""
    document = _document(1)
    document.encrypt(user_password="", owner_password="proprietaire", algorithm="AES-128")
    return _ecrire(document)


def _image(format_pillow: str) -> bytes:
    sortie = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(sortie, format_pillow)
    return sortie.getvalue()


def png() -> bytes:
    return _image("PNG")


def jpeg() -> bytes:
    return _image("JPEG")
