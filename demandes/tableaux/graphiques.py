"""Bar charts drawn by the server as SVG: no script, nothing to download, printable.

Each chart is one image for assistive technologies (role="img", named by its <title> and
described by its <desc>, which sums the values up), prints every value as text beside its bar
so that nothing rests on length or colour alone, and is shown next to a data table with the
same figures. Colours: bars #1f4e8c on white (contrast 8.3:1, WCAG asks 3:1 for graphics),
text #1e1e1e (16:1), axis #595959 (7:1).
"""

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

COULEUR_BARRE = "#1f4e8c"
COULEUR_TEXTE = "#1e1e1e"
COULEUR_AXE = "#595959"
LARGEUR = 720
POLICE = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
# Beyond this number of columns, labels no longer fit under them: horizontal bars instead.
COLONNES_MAX = 24


@dataclass(frozen=True)
class Barre:
    libelle: str
    valeur: int | float
    # Short label under a column, on one or two lines (months: "janv." / "2026").
    etiquette: tuple[str, ...] = ()


def valeur_affichee(valeur: int | float, unite: str = "") -> str:
    if isinstance(valeur, float):
        texte = number_format(valeur, 1, force_grouping=True)
    else:
        texte = number_format(valeur, force_grouping=True)
    return f"{texte}\u00a0{unite}" if unite else texte


def _tronquer(texte: str, longueur: int) -> str:
    return texte if len(texte) <= longueur else texte[: longueur - 1].rstrip() + "…"


def _texte(x, y, contenu: str, *, ancre: str = "start", taille: int = 13, gras=False) -> str:
    poids = ' font-weight="700"' if gras else ""
    return (
        f'<text x="{x:g}" y="{y:g}" text-anchor="{ancre}" font-size="{taille}"{poids} '
        f'fill="{COULEUR_TEXTE}">{escape(contenu)}</text>'
    )


def _resume(barres: list[Barre], unite: str) -> str:
    if not barres:
        return _("Aucune donnée.")
    haute = max(barres, key=lambda barre: barre.valeur)
    return _("%(n)s valeurs ; la plus élevée : %(libelle)s, %(valeur)s.") % {
        "n": len(barres),
        "libelle": haute.libelle,
        "valeur": valeur_affichee(haute.valeur, unite),
    }


def _svg(identifiant: str, titre: str, description: str, hauteur: float, corps: list[str]):
    return mark_safe(  # noqa: S308 (every text inside went through escape())
        f'<svg class="graphique" id="{escape(identifiant)}" role="img" '
        f'aria-labelledby="{escape(identifiant)}-titre {escape(identifiant)}-desc" '
        f'viewBox="0 0 {LARGEUR} {hauteur:g}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" font-family="{POLICE}" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(identifiant)}-titre">{escape(titre)}</title>'
        f'<desc id="{escape(identifiant)}-desc">{escape(description)}</desc>'
        + "".join(corps)
        + "</svg>"
    )


def graphique_barres(
    *, identifiant: str, titre: str, barres: list[Barre], unite: str = "", description: str = ""
) -> SafeString:
    """Horizontal bars, one per line, label on the left and value at the end of the bar."""
    hauteur_barre, espace, marge = 22, 10, 8
    debut = 270  # left edge of the bars, after labels of 32 characters at most
    zone = LARGEUR - debut - 90  # room left for the value at the end of the longest bar
    maximum = max((barre.valeur for barre in barres), default=0) or 1
    hauteur = 2 * marge + max(len(barres), 1) * (hauteur_barre + espace)
    corps = []
    for rang, barre in enumerate(barres):
        y = marge + rang * (hauteur_barre + espace)
        longueur = round(max(barre.valeur, 0) / maximum * zone, 1)
        milieu = y + hauteur_barre / 2 + 4.5
        corps.append(_texte(debut - 8, milieu, _tronquer(barre.libelle, 32), ancre="end"))
        corps.append(
            f'<rect x="{debut}" y="{y}" width="{longueur:g}" height="{hauteur_barre}" '
            f'fill="{COULEUR_BARRE}"/>'
        )
        corps.append(
            _texte(debut + longueur + 6, milieu, valeur_affichee(barre.valeur, unite), gras=True)
        )
    corps.append(
        f'<line x1="{debut}" y1="{marge / 2:g}" x2="{debut}" y2="{hauteur - marge / 2:g}" '
        f'stroke="{COULEUR_AXE}" stroke-width="1"/>'
    )
    if not barres:
        corps.append(_texte(debut + 8, marge + 16, _("Aucune donnée sur la période.")))
    texte = f"{description} {_resume(barres, unite)}".strip()
    return _svg(identifiant, titre, texte, hauteur, corps)


def graphique_colonnes(
    *, identifiant: str, titre: str, barres: list[Barre], unite: str = "", description: str = ""
) -> SafeString:
    """Vertical columns in order (months), value above each column, label below; horizontal
    bars when there are too many columns for their labels."""
    if len(barres) > COLONNES_MAX or not barres:
        return graphique_barres(
            identifiant=identifiant,
            titre=titre,
            barres=barres,
            unite=unite,
            description=description,
        )
    haut, base, hauteur = 28, 200, 250
    pas = (LARGEUR - 20) / len(barres)
    largeur = min(pas * 0.64, 60)
    maximum = max(barre.valeur for barre in barres) or 1
    corps = []
    for rang, barre in enumerate(barres):
        centre = 10 + pas * (rang + 0.5)
        hauteur_barre = round(max(barre.valeur, 0) / maximum * (base - haut), 1)
        corps.append(
            f'<rect x="{centre - largeur / 2:g}" y="{base - hauteur_barre:g}" '
            f'width="{largeur:g}" height="{hauteur_barre:g}" fill="{COULEUR_BARRE}"/>'
        )
        corps.append(
            _texte(
                centre,
                base - hauteur_barre - 6,
                valeur_affichee(barre.valeur, unite),
                ancre="middle",
                taille=12,
                gras=True,
            )
        )
        for ligne, etiquette in enumerate(barre.etiquette or (barre.libelle,)):
            corps.append(
                _texte(centre, base + 18 + 15 * ligne, _tronquer(etiquette, 10), ancre="middle")
            )
    corps.append(
        f'<line x1="10" y1="{base}" x2="{LARGEUR - 10}" y2="{base}" '
        f'stroke="{COULEUR_AXE}" stroke-width="1"/>'
    )
    texte = f"{description} {_resume(barres, unite)}".strip()
    return _svg(identifiant, titre, texte, hauteur, corps)
