"""What an uploaded file really is, and whether it may be passed on: one check for every upload.

`fichier_verifier` judges a file by its content, never by its name alone: the first bytes say
whether it is a PDF, a JPEG or a PNG; the name (or the type the browser sent) must say the same;
then the file is opened by a maintained parser, pypdf for PDF and Pillow for images, with bounded
work, because the file comes from outside and may be built to hurt:

- a PDF is refused when it does not parse, when it is encrypted with a password needed to open
  it (nobody at the CPAM could read it, and its content cannot be checked), when it is too
  complex to check within the limits below, and when it carries active content: JavaScript
  (document-level /Names, /OpenAction or /AA actions, annotations, form fields, bookmarks: the
  whole object graph is walked, so no place is forgotten), launch actions, embedded files (file
  attachment annotations, /EmbeddedFiles) or an XFA form (whose scripts the viewer runs);
  a PDF that is only protected against editing (empty user password, common for tax notices
  and bank statements) is decrypted and checked like any other;
- an image must be opened by Pillow as the format its first bytes announce, pass `verify()`,
  and stay under Pillow's decompression-bomb pixel limit; a JPEG is also decoded at 1/8 scale,
  since `verify()` reads nothing of a JPEG's data and would miss a truncated one.

Size limits stay with each caller (they differ between attachments and signed conventions).

Wagtail documents (the forms library) do not go through this check: they are uploaded by CPAM
editors (a staff role with two factors), not by partners, and are often official fillable
Cerfa forms, whose fields commonly use JavaScript to format what is typed; refusing JavaScript
there would empty the library of its fillable forms. Partners download them only after the
access check of `cms.wagtail_hooks`.
"""

import io
import time
from collections.abc import Collection
from pathlib import PurePath

import pypdf
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"

# MIME type → (first bytes, extension given to the stored file, name shown to people).
FORMATS = {
    PDF: (b"%PDF-", "pdf", "PDF"),
    JPEG: (b"\xff\xd8\xff", "jpg", "JPEG"),
    PNG: (b"\x89PNG\r\n\x1a\n", "png", "PNG"),
}
EXTENSIONS = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG}
# The `accept` attribute of file inputs: what the browser's file picker offers.
ACCEPT = ",".join([*EXTENSIONS, *FORMATS])
_PILLOW = {JPEG: "JPEG", PNG: "PNG"}

# Work allowed on one PDF. A page's content is never decoded, so size alone costs little (a
# one-page PDF of 10 MB: 4 ms of CPU); objects do (pypdf is pure Python): a 1,080-page text
# document (9 MB, 8,600 objects) takes 1.3 s of CPU. The deadline is wall-clock time, so it
# leaves room for a busy server; these limits only stop files built to keep a request busy.
PDF_OBJETS_MAX = 100_000
PDF_SECONDES_MAX = 5.0
_LIMITES_PYPDF = {
    # Only object and cross-reference streams are decoded (page contents are never read).
    "zlib_maximum_output_length": 20_000_000,
    "lzw_maximum_output_length": 20_000_000,
    "run_length_maximum_output_length": 20_000_000,
    "brotli_maximum_output_length": 20_000_000,
    "array_based_stream_maximum_output_length": 20_000_000,
    "stream_decoding_work_maximum_length": 50_000_000,
    "page_tree_maximum_entries": 20_000,
    "page_tree_maximum_page_entries": 200_000,
    "jbig2dec_binary": None,  # never run an external program on an uploaded file
}


def type_reel(debut: bytes) -> str | None:
    """The MIME type the first bytes of a file announce (PDF, JPEG or PNG), else None."""
    for type_mime, (signature, _extension, _libelle) in FORMATS.items():
        if debut.startswith(signature):
            return type_mime
    return None


def type_declare(fichier) -> str | None:
    """The type the name's extension says, else the one the browser sent, if one we know."""
    extension = PurePath(getattr(fichier, "name", "") or "").suffix.lower()
    if extension in EXTENSIONS:
        return EXTENSIONS[extension]
    envoye = (getattr(fichier, "content_type", "") or "").lower()
    return envoye if envoye in FORMATS else None


def fichier_verifier(fichier, *, types: Collection[str] = (PDF, JPEG, PNG)) -> tuple[str, str]:
    """Check an uploaded file by its content; return (MIME type, extension) or raise a French
    ValidationError naming the file and saying what to do.

    The rule: the content is one of `types`, the name does not claim another format, and the
    parser of that format opens it and finds no active content (see the module docstring).
    The file is left at position 0.
    """
    nom = getattr(fichier, "name", "") or _("sans nom")
    fichier.seek(0)
    debut = fichier.read(16)
    fichier.seek(0)
    reel = type_reel(debut)
    if reel not in types:
        libelles = [FORMATS[t][2] for t in types]
        raise ValidationError(
            ngettext(
                "« %(nom)s » n'est pas un fichier %(formats)s : seul ce format est accepté "
                "(le contenu du fichier est vérifié, pas seulement son nom).",
                "« %(nom)s » n'est pas un fichier %(formats)s : seuls ces formats sont "
                "acceptés (le contenu du fichier est vérifié, pas seulement son nom).",
                len(libelles),
            )
            % {"nom": nom, "formats": _liste(libelles)},
            code="type",
        )
    declare = type_declare(fichier)
    if declare is not None and declare != reel:
        raise ValidationError(
            _(
                "Le fichier « %(nom)s » est en réalité un fichier %(reel)s, pas un fichier "
                "%(declare)s. Enregistrez-le au format %(declare)s (ou renommez-le en "
                ".%(extension)s), puis joignez le nouveau fichier."
            )
            % {
                "nom": nom,
                "reel": FORMATS[reel][2],
                "declare": FORMATS[declare][2],
                "extension": FORMATS[reel][1],
            },
            code="type_declare",
        )
    try:
        if reel == PDF:
            _pdf_verifier(fichier, nom)
        else:
            _image_verifier(fichier, nom, reel)
    finally:
        fichier.seek(0)
    return reel, FORMATS[reel][1]


def _liste(libelles: list[str]) -> str:
    if len(libelles) == 1:
        return libelles[0]
    return _("%(debut)s ou %(fin)s") % {"debut": ", ".join(libelles[:-1]), "fin": libelles[-1]}


# PDF -------------------------------------------------------------------------------------------


class _TropComplexe(Exception):
    pass


class _FluxMinute(io.BytesIO):
    """The file's bytes, which refuse to be read past a deadline.

    pypdf parses the cross-reference table before any object is walked, in Python, line by line
    (about 5 s for a 10 MB table of half a million entries); every read goes through here, so
    that parsing is bounded in time as well, without a parser of our own.
    """

    def __init__(self, contenu: bytes, fin: float):
        super().__init__(contenu)
        self.fin = fin
        self.lectures = 0
        self.expire = False

    def read(self, *args):
        # pypdf reads byte by byte: looking at the clock every 256 reads keeps the cost low.
        self.lectures += 1
        if not self.lectures % 256 and time.monotonic() > self.fin:
            self.expire = True
            raise _TropComplexe
        return super().read(*args)


def _refus_pdf(nom: str, quoi: str, code: str) -> ValidationError:
    return ValidationError(
        _(
            "Le fichier « %(nom)s » contient %(quoi)s et ne peut pas être transmis. "
            "Imprimez-le en PDF ou scannez le document, puis joignez le nouveau fichier."
        )
        % {"nom": nom, "quoi": quoi},
        code=code,
    )


def _pdf_verifier(fichier, nom: str) -> None:
    fin = time.monotonic() + PDF_SECONDES_MAX
    flux = _FluxMinute(fichier.read(), fin)
    trop_complexe = ValidationError(
        _(
            "Le fichier « %(nom)s » est trop complexe pour être vérifié. Imprimez-le en PDF "
            "ou scannez le document, puis joignez le nouveau fichier."
        )
        % {"nom": nom},
        code="pdf_complexe",
    )
    try:
        with pypdf.apply_configuration(**_LIMITES_PYPDF):
            lecteur = pypdf.PdfReader(flux, strict=False)
            if lecteur.is_encrypted and not lecteur.decrypt(""):
                raise ValidationError(
                    _(
                        "Le fichier « %(nom)s » est protégé par un mot de passe : son contenu "
                        "ne peut pas être vérifié ni lu par la CPAM. Enregistrez-le sans mot de "
                        "passe ou imprimez-le en PDF, puis joignez le nouveau fichier."
                    )
                    % {"nom": nom},
                    code="pdf_protege",
                )
            trouve = _pdf_contenu_actif(lecteur, fin)
            pages = len(lecteur.pages)
    except ValidationError:
        raise
    except (_TropComplexe, LimitReachedError, RecursionError, MemoryError):
        raise trop_complexe from None
    except Exception:  # pypdf raises many kinds of errors on a broken file: all mean the same
        if flux.expire:  # the deadline, caught and re-raised by pypdf as a read error
            raise trop_complexe from None
        trouve, pages = None, 0
    if trouve == "javascript":
        raise _refus_pdf(nom, _("du contenu actif (JavaScript)"), "pdf_javascript")
    if trouve == "lancement":
        raise _refus_pdf(nom, _("du contenu actif (lancement d'un programme)"), "pdf_lancement")
    if trouve == "xfa":
        raise _refus_pdf(nom, _("un formulaire dynamique (XFA)"), "pdf_xfa")
    if trouve == "fichier_integre":
        raise _refus_pdf(nom, _("un fichier intégré (pièce jointe)"), "pdf_fichier_integre")
    if pages < 1:
        raise ValidationError(
            _(
                "Le fichier « %(nom)s » est endommagé ou n'est pas un PDF lisible. Ouvrez-le "
                "pour vérifier, enregistrez-le de nouveau en PDF ou scannez le document, puis "
                "joignez le nouveau fichier."
            )
            % {"nom": nom},
            code="pdf_illisible",
        )


def _pdf_contenu_actif(lecteur: pypdf.PdfReader, fin: float) -> str | None:
    """Walk every object reachable from the trailer; name the first active content found.

    Iterative (a deeply nested file cannot exhaust the stack), each indirect object once (a
    reference loop cannot make it spin), bounded in objects and in time.
    """
    a_voir: list = [lecteur.trailer]
    vus: set[tuple[int, int]] = set()
    while a_voir:
        objet = a_voir.pop()
        if isinstance(objet, IndirectObject):
            cle = (objet.idnum, objet.generation)
            if cle in vus:
                continue
            vus.add(cle)
            if len(vus) > PDF_OBJETS_MAX or time.monotonic() > fin:
                raise _TropComplexe
            objet = objet.get_object()
        if isinstance(objet, DictionaryObject):  # streams included: their dictionary only
            if trouve := _action_ou_fichier(objet):
                return trouve
            enfants = objet.values()
        elif isinstance(objet, ArrayObject):
            enfants = objet
        else:
            continue
        a_voir.extend(
            enfant
            for enfant in enfants
            if isinstance(enfant, IndirectObject | DictionaryObject | ArrayObject)
        )
    return None


def _action_ou_fichier(dictionnaire: DictionaryObject) -> str | None:
    # Keys and names are compared after pypdf decoded them (/J#61vaScript is /JavaScript).
    action = dictionnaire.get("/S")
    if "/JS" in dictionnaire or "/JavaScript" in dictionnaire or action == "/JavaScript":
        return "javascript"
    if action == "/Launch":
        return "lancement"
    if "/XFA" in dictionnaire:
        return "xfa"
    if (
        "/EmbeddedFiles" in dictionnaire
        or "/EF" in dictionnaire
        or dictionnaire.get("/Type") == "/EmbeddedFile"
        or dictionnaire.get("/Subtype") == "/FileAttachment"
    ):
        return "fichier_integre"
    return None


# Images ----------------------------------------------------------------------------------------


def _image_verifier(fichier, nom: str, type_mime: str) -> None:
    format_pillow = _PILLOW[type_mime]
    refus = ValidationError(
        _(
            "Le fichier « %(nom)s » est une image endommagée ou trop grande pour être "
            "vérifiée. Enregistrez-la de nouveau (ou reprenez la photo, ou scannez le "
            "document en PDF), puis joignez le nouveau fichier."
        )
        % {"nom": nom},
        code="image_illisible",
    )
    try:
        with Image.open(fichier, formats=[format_pillow]) as image:
            largeur, hauteur = image.size
            if largeur * hauteur > Image.MAX_IMAGE_PIXELS:
                raise refus
            image.verify()
        if format_pillow == "JPEG":
            fichier.seek(0)
            with Image.open(fichier, formats=[format_pillow]) as image:
                image.draft("RGB", (max(largeur // 8, 1), max(hauteur // 8, 1)))
                image.load()
    except ValidationError:
        raise
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError... on a broken image
        raise refus from None
