"""The documents of a session, as PDF: the attendance sheet to sign (every person holding a
place, over as many pages as needed, with a column per half-day) and the certificate of
attendance of one person marked present. Whoever may have them is decided by the views."""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from portail.dates import aujourdhui, date_en_lettres, jour_de_paris
from portail.pdf import BLEU, cellule, document_pdf, paragraphe

from .models import Inscription, Session
from .services.courriels import quand

# A signature needs room: the height of a row of the sheet.
HAUTEUR_SIGNATURE = 1.3 * cm
# N°, name, structure, morning, afternoon; a cell's text sits inside ReportLab's default
# padding (6 points on each side).
COLONNES = [1.0 * cm, 4.6 * cm, 4.6 * cm, 3.2 * cm, 3.2 * cm]
REMPLISSAGE = 12


def nom_complet(utilisateur) -> str:
    """« DUPONT Marie »: the family name first, as on an attendance sheet."""
    return f"{utilisateur.last_name.upper()} {utilisateur.first_name}".strip() or utilisateur.email


def _lieu(session: Session) -> str:
    return _("À distance") if session.a_distance else session.lieu


def _fiche(lignes: list[tuple[str, str]]) -> Table:
    """Label and value pairs, the labels in bold."""
    tableau = Table(
        [
            [paragraphe(etiquette, "cellule", gras=True), paragraphe(valeur, "cellule")]
            for etiquette, valeur in lignes
        ],
        colWidths=[3.4 * cm, None],
        hAlign="LEFT",
    )
    tableau.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return tableau


def feuille_emargement_pdf(session: Session, inscriptions: list[Inscription]) -> bytes:
    """The sheet the people present sign, morning and afternoon. The table's header row comes
    again on every page; long names and structures wrap, nothing is cut."""
    formateurs = ", ".join(f.get_full_name() for f in session.formateurs.all()) or "—"
    contenu = [
        paragraphe(_("Feuille d'émargement"), "titre"),
        _fiche(
            [
                (_("Session"), session.titre),
                (_("Programme"), session.programme.intitule),
                (_("Date"), quand(session)),
                (_("Lieu"), _lieu(session)),
                (_("Formation animée par"), formateurs),
            ]
        ),
        Spacer(1, 10),
    ]
    if not inscriptions:
        contenu.append(paragraphe(_("Aucune inscription à cette session.")))
        return document_pdf(
            contenu, titre=_("Feuille d'émargement — %(titre)s") % {"titre": session.titre}
        )
    entete = [
        paragraphe(texte, "entete")
        for texte in (
            _("N°"),
            _("Nom et prénom"),
            _("Structure"),
            _("Signature du matin"),
            _("Signature de l'après-midi"),
        )
    ]
    lignes = [
        [
            paragraphe(str(rang), "cellule"),
            cellule(nom_complet(inscription.agent), COLONNES[1] - REMPLISSAGE),
            cellule(inscription.partenaire.nom, COLONNES[2] - REMPLISSAGE),
            # Room to sign, however short the name; a long one makes the row taller.
            Spacer(1, HAUTEUR_SIGNATURE - REMPLISSAGE),
            "",
        ]
        for rang, inscription in enumerate(inscriptions, start=1)
    ]
    tableau = Table(
        [entete, *lignes],
        colWidths=COLONNES,
        repeatRows=1,
        hAlign="LEFT",
    )
    tableau.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), BLEU),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#9A9A9A")),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F4F6FA")]),
            ]
        )
    )
    contenu.append(tableau)
    contenu.append(Spacer(1, 12))
    attendues = ngettext(
        "%(nombre)s personne attendue.", "%(nombre)s personnes attendues.", len(inscriptions)
    ) % {"nombre": len(inscriptions)}
    contenu.append(
        KeepTogether(
            [
                paragraphe(attendues),
                paragraphe(_("Signature de la personne qui anime la formation :")),
                Spacer(1, 2 * cm),
            ]
        )
    )
    return document_pdf(
        contenu, titre=_("Feuille d'émargement — %(titre)s") % {"titre": session.titre}
    )


def attestation_pdf(inscription: Inscription) -> bytes:
    """The certificate of attendance of one person marked present (checked by the caller)."""
    session = inscription.session
    heures, minutes = divmod(int((session.fin - session.debut).total_seconds()) // 60, 60)
    partenaire = inscription.partenaire
    contenu = [
        Spacer(1, 30),
        paragraphe(_("Attestation de présence"), "titre"),
        Spacer(1, 16),
        paragraphe(_("%(caisse)s atteste que") % {"caisse": settings.CAISSE_NOM}),
        Spacer(1, 8),
        paragraphe(
            f"{inscription.agent.first_name} {inscription.agent.last_name}".strip(), "intertitre"
        ),
        paragraphe(
            _("de la structure %(structure)s (%(commune)s)")
            % {"structure": partenaire.nom, "commune": partenaire.commune}
        ),
        Spacer(1, 8),
        paragraphe(_("a suivi la session de formation :")),
        Spacer(1, 4),
        _fiche(
            [
                (_("Session"), session.titre),
                (_("Programme"), session.programme.intitule),
                (_("Date"), quand(session)),
                (_("Durée"), f"{heures} h {minutes:02d}"),
                (_("Lieu"), _lieu(session)),
            ]
        ),
        Spacer(1, 24),
        KeepTogether(
            [
                paragraphe(
                    _("Fait le %(date)s, pour servir et valoir ce que de droit.")
                    % {"date": date_en_lettres(aujourdhui())}
                ),
                Spacer(1, 8),
                paragraphe(
                    _("Le service formation des partenaires — %(caisse)s")
                    % {"caisse": settings.CAISSE_NOM},
                    "petit",
                ),
            ]
        ),
    ]
    return document_pdf(contenu, titre=_("Attestation de présence"))


def nom_fichier_attestation(inscription: Inscription) -> str:
    """No name in it: the registration's number and the session's day."""
    return f"attestation-{inscription.pk}-{jour_de_paris(inscription.session.debut):%Y%m%d}.pdf"
