"""The certificate of attendance of a person marked present: one PDF, the same whether the
trainer downloads it from the back-office or the person (or their référent) from the portal."""

from django.utils.translation import gettext as _

from portail.dates import aujourdhui, date_en_lettres, jour_de_paris
from portail.pdf import pdf_simple

from .models import Inscription
from .services.courriels import quand


def court(texte: str, longueur: int) -> str:
    return texte if len(texte) <= longueur else texte[: longueur - 1] + "…"


def attestation_pdf(inscription: Inscription) -> bytes:
    """Needs the registration's agent, structure, session and programme loaded."""
    session = inscription.session
    duree = session.fin - session.debut
    heures, reste = divmod(int(duree.total_seconds()) // 60, 60)
    lignes = [
        _("Attestation de présence"),
        "",
        _("La caisse primaire d'assurance maladie atteste que"),
        f"{inscription.agent.first_name} {inscription.agent.last_name}",
        _("de la structure %(structure)s (%(commune)s)")
        % {
            "structure": court(inscription.partenaire.nom, 60),
            "commune": inscription.partenaire.commune,
        },
        _("a suivi la session de formation « %(titre)s »") % {"titre": court(session.titre, 60)},
        _("programme : %(intitule)s") % {"intitule": court(session.programme.intitule, 70)},
        quand(session) + f" ({heures} h {reste:02d})",
        court(session.lieu, 90) if not session.a_distance else _("à distance"),
        "",
        _("Fait le %(date)s, pour servir et valoir ce que de droit.")
        % {"date": date_en_lettres(aujourdhui())},
        _("Solidaires et partenaires — service formation des partenaires de la CPAM"),
    ]
    return pdf_simple(lignes)


def nom_fichier(inscription: Inscription) -> str:
    """No name in it: the registration's number and the session's day."""
    return f"attestation-{inscription.pk}-{jour_de_paris(inscription.session.debut):%Y%m%d}.pdf"
