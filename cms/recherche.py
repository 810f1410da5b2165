"""The portal's one search box: sheets, forms, flash infos and meetings, grouped by type.

Wagtail's database search backend does the matching: PostgreSQL full-text search with the
`francais` configuration (French stemming, accents ignored; see
cms/migrations/0003_recherche_francaise.py), SQLite FTS5 otherwise (accents ignored, no stemming).

Results come in groups, always in the same order: reference sheets, current forms, flash infos,
agenda; inside a group, the backend's relevance. A superseded form is never mixed with the
current ones: it is left out unless the person asks for superseded versions, and then comes in a
last group of its own, marked "Version remplacée". Each result carries its theme (the sheet's
thématique, the form's theme, the flash info's themes), linked to the thématique page.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.models import CollectionViewRestriction
from wagtail.search.backends import get_search_backend

from conventions.models import Service
from conventions.selectors import acces_requete

from .models import (
    FichePratiquePage,
    FlashInfoPage,
    Formulaire,
    FormulairesPage,
    RencontrePage,
    ThematiquePage,
    vise,
)
from .selectors import hors_restrictions

LONGUEUR_MAX_REQUETE = 100
RESULTATS_PAR_PAGE = 10
# On the overview, each group shows its first few results and links to all of them.
RESULTATS_PAR_GROUPE = 5


@dataclass(frozen=True)
class Theme:
    nom: str
    url: str = ""


@dataclass(frozen=True)
class Resultat:
    type: str
    titre: str
    resume: str
    url: str
    date: datetime.date | datetime.datetime | None = None
    remplace: bool = False
    themes: tuple[Theme, ...] = ()


@dataclass
class Groupe:
    """One type of result: its name, how many match, and the results to show."""

    cle: str
    titre: str
    nombre: int
    libelle_tous: str = ""
    resultats: list[Resultat] = field(default_factory=list)


def ressemble_a_un_nir(texte: str) -> bool:
    """A social security number typed in the search box (13 or 15 digits, spaces and dots
    allowed): it is not searched and not shown again."""
    return any(
        len(re.sub(r"\D", "", morceau)) in (13, 15)
        for morceau in re.findall(r"\d[\d .]{11,}\d", texte)
    )


def nettoyer_requete(texte: str) -> str:
    """The query as both backends can take it: 100 characters at most, words only.

    FTS5 reads `"`, `*`, `(` or `:` as syntax and fails on them; a Cerfa reference such as
    "12504*05" must still be found, and both backends split words on punctuation anyway.
    """
    return " ".join(re.sub(r"\W+", " ", texte[:LONGUEUR_MAX_REQUETE]).split())


class Recherche:
    """A search for one person: what they may see, grouped by type.

    The search page is served only after the access hook let the request in (partner under a
    convention in force, or CPAM staff); a partner gets only the flash infos aimed at one of
    their structures, as on the news page. What must never leak is a page that is not meant to
    be seen: only live pages are searched (a draft, an unpublished or an expired page never
    appears, not even its title), and pages or documents under a Wagtail view restriction the
    person does not pass are left out as well, so a restriction an editor adds in the admin
    also holds in search results.

    Queries do not grow with the number of results: per group one count and one page of items,
    plus one query for the thématiques and one for the flash infos' themes.
    """

    def __init__(self, request, requete: str, *, remplacees: bool = False):
        self.request = request
        self.requete = requete
        self.remplacees = remplacees
        self._thematiques = None
        self._collections_refusees = None
        sources = [
            _Source("fiches", _("Fiches pratiques"), self._pages(FichePratiquePage), self._fiches),
            _Source("formulaires", _("Formulaires"), self._formulaires(), self._formulaires_en),
            _Source("flash-infos", _("Flash infos"), self._visees(FlashInfoPage), self._flashs_en),
            _Source(
                "agenda", _("Agenda et rencontres"), self._visees(RencontrePage), self._rencontres
            ),
        ]
        remplacees_qs = self._formulaires(remplacees=True)
        self._source_remplacees = _Source(
            "versions-remplacees",
            _("Versions remplacées de formulaires"),
            remplacees_qs,
            self._formulaires_en,
        )
        if remplacees:
            sources.append(self._source_remplacees)
        self.sources = (
            {source.cle: source.chercher(requete) for source in sources} if requete else {}
        )

    # What is searched ---------------------------------------------------------------------------

    def _hors_restrictions(self, pages):
        return hors_restrictions(self.request, pages)

    def _pages(self, modele):
        pages = modele.objects.live()
        if hasattr(modele, "corps"):
            pages = pages.defer_streamfields()
        return self._hors_restrictions(pages)

    def _visees(self, modele):
        """Live flash infos or rencontres, and for a partner only those aimed at one of their
        structures (as the news page, the agenda and the pages themselves, which answer 404 to
        the others): one audience rule, `cms.models.vise`."""
        pages = self._pages(modele)
        acces = acces_requete(self.request, Service.CONTENUS)
        if not acces.personnel_cpam:
            # Targeting lives in two JSON lists, read once in Python (a single query on two
            # small columns, as plain values: no page objects for hundreds of pages); the
            # search then leaves out the pages aimed elsewhere.
            cibles = modele.objects.live().values_list("pk", "types_partenaires", "departements")
            non_visees = [
                pk
                for pk, types, departements in cibles
                if not (
                    acces.autorise and any(vise(types, departements, p) for p in acces.partenaires)
                )
            ]
            if non_visees:
                pages = pages.exclude(pk__in=non_visees)
        return pages

    def _formulaires(self, *, remplacees: bool = False):
        formulaires = Formulaire.objects.select_related("document", "theme").filter(
            remplace_par__isnull=not remplacees
        )
        if self._collections_refusees is None:
            self._collections_refusees = [
                restriction.collection.path
                for restriction in CollectionViewRestriction.objects.select_related("collection")
                if not restriction.accept_request(self.request)
            ]
        for chemin in self._collections_refusees:
            formulaires = formulaires.exclude(document__collection__path__startswith=chemin)
        return formulaires

    # Results ------------------------------------------------------------------------------------

    @property
    def nombre(self) -> int:
        return sum(recherche.count() for recherche in self.sources.values())

    @property
    def remplacees_masquees(self) -> int:
        """Superseded forms matching the query while they are left out (one count query)."""
        if self.remplacees or not self.requete:
            return 0
        return self._source_remplacees.chercher(self.requete).count()

    def groupes(self, par_groupe: int = RESULTATS_PAR_GROUPE) -> list[Groupe]:
        """The overview: each group that has results, with its first few."""
        groupes = []
        for recherche in self.sources.values():
            nombre = recherche.count()
            if nombre:
                groupe = Groupe(
                    recherche.cle, recherche.titre, nombre, _tous(recherche.cle, nombre)
                )
                groupe.resultats = recherche[0:par_groupe]
                groupes.append(groupe)
        return groupes

    def groupe(self, cle: str):
        """All the results of one group, for Django's Paginator; None for an unknown type."""
        return self.sources.get(cle)

    # Themes -------------------------------------------------------------------------------------

    def thematiques(self) -> list[ThematiquePage]:
        """The live thématiques the person may open (a few dozen at most: read once)."""
        if self._thematiques is None:
            self._thematiques = list(
                self._hors_restrictions(ThematiquePage.objects.live())
                .select_related("theme")
                .order_by("theme__ordre", "title")
            )
        return self._thematiques

    def page_formulaires(self):
        return FormulairesPage.objects.live().only("url_path").first()

    def _theme_de_page(self, parent_path: str) -> tuple[Theme, ...]:
        for thematique in self.thematiques():
            if thematique.path == parent_path:
                return (Theme(thematique.theme.nom, thematique.get_url(self.request)),)
        return ()

    def _theme(self, theme) -> Theme:
        for thematique in self.thematiques():
            if thematique.theme_id == theme.pk:
                return Theme(theme.nom, thematique.get_url(self.request))
        return Theme(theme.nom)

    def _fiches(self, fiches) -> list[Resultat]:
        return [
            Resultat(
                _("Fiche pratique"),
                fiche.title,
                fiche.resume,
                fiche.get_url(self.request),
                themes=self._theme_de_page(fiche.path[: -FichePratiquePage.steplen]),
            )
            for fiche in fiches
        ]

    def _formulaires_en(self, formulaires) -> list[Resultat]:
        resultats = []
        for formulaire in formulaires:
            resume = formulaire.reference
            if formulaire.version:
                resume = f"{resume}, version {formulaire.version}"
            resultats.append(
                Resultat(
                    _("Formulaire"),
                    formulaire.titre,
                    resume,
                    formulaire.document.url,
                    date=formulaire.date_version,
                    remplace=formulaire.remplace,
                    themes=(self._theme(formulaire.theme),),
                )
            )
        return resultats

    def _flashs_en(self, flashs) -> list[Resultat]:
        from django.db.models import prefetch_related_objects

        prefetch_related_objects(flashs, "themes")
        return [
            Resultat(
                _("Flash info"),
                flash.title,
                flash.resume,
                flash.get_url(self.request),
                date=flash.date,
                themes=tuple(self._theme(theme) for theme in flash.themes.all()),
            )
            for flash in flashs
        ]

    def _rencontres(self, rencontres) -> list[Resultat]:
        return [
            Resultat(
                _("Rencontre"),
                rencontre.title,
                ", ".join(filter(None, [rencontre.public, rencontre.lieu])),
                rencontre.get_url(self.request),
                date=rencontre.debut,
            )
            for rencontre in rencontres
        ]


def _tous(cle: str, nombre: int) -> str:
    """The link from the overview to all the results of a group."""
    modeles = {
        "fiches": ngettext(
            "Voir la fiche pratique", "Voir les %(nombre)s fiches pratiques", nombre
        ),
        "formulaires": ngettext("Voir le formulaire", "Voir les %(nombre)s formulaires", nombre),
        "flash-infos": ngettext("Voir la flash info", "Voir les %(nombre)s flash infos", nombre),
        "agenda": ngettext("Voir la rencontre", "Voir les %(nombre)s rencontres", nombre),
        "versions-remplacees": ngettext(
            "Voir la version remplacée", "Voir les %(nombre)s versions remplacées", nombre
        ),
    }
    return modeles[cle] % {"nombre": nombre}


class _Source:
    def __init__(self, cle, titre, queryset, en_resultats):
        self.cle = cle
        self.titre = titre
        self.queryset = queryset
        self.en_resultats = en_resultats

    def chercher(self, requete: str) -> "_Resultats":
        # Through the backend: the forms snippet's plain queryset has no `.search()`.
        return _Resultats(self, get_search_backend().search(requete, self.queryset))


class _Resultats:
    """One group's matches, best first, read by slices (for Django's Paginator)."""

    def __init__(self, source: _Source, resultats):
        self.cle = source.cle
        self.titre = source.titre
        self.en_resultats = source.en_resultats
        self.resultats = resultats
        self._nombre = None

    def count(self) -> int:
        if self._nombre is None:
            self._nombre = self.resultats.count()
        return self._nombre

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, tranche):
        if not isinstance(tranche, slice) or tranche.step not in (None, 1):
            raise TypeError("Les résultats se lisent par tranches : resultats[debut:fin].")
        return self.en_resultats(list(self.resultats[tranche]))
