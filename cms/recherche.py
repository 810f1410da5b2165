"""The portal's one search box: reference sheets, flash infos and forms in one ranked list.

Wagtail's database search backend does the matching: PostgreSQL full-text search with the
`francais` configuration (French stemming, accents ignored; see
cms/migrations/0003_recherche_francaise.py), SQLite FTS5 otherwise (accents ignored, no stemming).
"""

import datetime
import re
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext_lazy as _
from wagtail.models import CollectionViewRestriction, PageViewRestriction
from wagtail.search.backends import get_search_backend

from conventions.models import Service
from conventions.selectors import acces_requete

from .models import FichePratiquePage, FlashInfoPage, Formulaire
from .selectors import CibleFlashInfo, flash_info_visible

LONGUEUR_MAX_REQUETE = 100
RESULTATS_PAR_PAGE = 10


@dataclass(frozen=True)
class Resultat:
    type: str
    titre: str
    resume: str
    url: str
    date: datetime.date | None = None
    remplace: bool = False


def nettoyer_requete(texte: str) -> str:
    """The query as both backends can take it: 100 characters at most, words only.

    FTS5 reads `"`, `*`, `(` or `:` as syntax and fails on them; a Cerfa reference such as
    "12504*05" must still be found, and both backends split words on punctuation anyway.
    """
    return " ".join(re.sub(r"\W+", " ", texte[:LONGUEUR_MAX_REQUETE]).split())


def resultats_recherche(request, requete: str) -> "ResultatsFusionnes":
    """Live sheets, live flash infos and forms matching the query, best first.

    The search page is served only after the access hook let the request in (partner under a
    convention in force, or CPAM staff); a partner gets only the flash infos aimed at one of
    their structures, as on the news page. What must never leak is a page that is not meant to
    be seen: only live pages are searched (a draft, an unpublished or an expired page never
    appears, not even its title), and pages or documents under a Wagtail view restriction the
    person does not pass are left out as well, so a restriction an editor adds in the admin
    also holds in search results.
    """
    sources = [
        _Source(_fiches(request), _resultat_fiche),
        _Source(_flash_infos(request), _resultat_flash_info),
        _Source(_formulaires(request), _resultat_formulaire),
    ]
    return ResultatsFusionnes([source.chercher(requete) for source in sources], request)


def _restrictions_refusees(modele, request):
    return [r for r in modele.objects.all() if not r.accept_request(request)]


def _hors_restrictions(pages, request):
    for restriction in _restrictions_refusees(PageViewRestriction, request):
        pages = pages.not_descendant_of(restriction.page, inclusive=True)
    return pages


def _fiches(request):
    return _hors_restrictions(FichePratiquePage.objects.live().defer_streamfields(), request)


def _flash_infos(request):
    """Live flash infos, and for a partner only those aimed at one of their structures (as the
    news page and the flash info itself, which answers 404 to the others)."""
    flashs = _hors_restrictions(FlashInfoPage.objects.live().defer_streamfields(), request)
    acces = acces_requete(request, Service.CONTENUS)
    if not acces.personnel_cpam:
        # Targeting lives in two JSON lists, read once in Python (a single query on two
        # small columns, as plain values: no page objects for hundreds of flash infos); the
        # search then leaves out the flash infos aimed elsewhere.
        cibles = FlashInfoPage.objects.live().values_list("pk", "types_partenaires", "departements")
        non_visees = [
            pk
            for pk, types, departements in cibles
            if not (
                acces.autorise and flash_info_visible(CibleFlashInfo(types, departements), acces)
            )
        ]
        if non_visees:
            flashs = flashs.exclude(pk__in=non_visees)
    return flashs


def _formulaires(request):
    formulaires = Formulaire.objects.select_related("document")
    for restriction in _restrictions_refusees(CollectionViewRestriction, request):
        formulaires = formulaires.exclude(
            document__collection__path__startswith=restriction.collection.path
        )
    return formulaires


def _resultat_fiche(fiche, request) -> Resultat:
    return Resultat(_("Fiche pratique"), fiche.title, fiche.resume, fiche.get_url(request))


def _resultat_flash_info(flash, request) -> Resultat:
    return Resultat(
        _("Flash info"), flash.title, flash.resume, flash.get_url(request), date=flash.date
    )


def _resultat_formulaire(formulaire, request) -> Resultat:
    resume = formulaire.reference
    if formulaire.version:
        resume = f"{resume}, version {formulaire.version}"
    return Resultat(
        _("Formulaire"),
        formulaire.titre,
        resume,
        formulaire.document.url,
        date=formulaire.date_version,
        remplace=formulaire.remplace,
    )


class _Source:
    def __init__(self, queryset, en_resultat):
        self.queryset = queryset
        self.en_resultat = en_resultat

    def chercher(self, requete: str) -> "_Recherche":
        # Through the backend: the forms snippet's plain queryset has no `.search()`.
        resultats = get_search_backend().search(requete, self.queryset)
        return _Recherche(resultats.annotate_score("_score"), self.en_resultat)


class _Recherche:
    def __init__(self, resultats, en_resultat):
        self.resultats = resultats
        self.en_resultat = en_resultat

    def premiers(self, nombre: int) -> list:
        return list(self.resultats[:nombre])

    def count(self) -> int:
        return self.resultats.count()


class ResultatsFusionnes:
    """Several ranked searches read as one list, for Django's Paginator.

    The first n items of the merged list are among the first n of each search, so a page costs
    one query per search for its items (plus one per search for the count), whatever the volume.
    Scores come from the same backend for every search, so they compare; SQLite's bm25 is better
    when lower, PostgreSQL's ts_rank when higher.
    """

    def __init__(self, recherches: list[_Recherche], request):
        self.recherches = recherches
        self.request = request
        self._nombre = None

    def count(self) -> int:
        if self._nombre is None:
            self._nombre = sum(recherche.count() for recherche in self.recherches)
        return self._nombre

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, tranche):
        if not isinstance(tranche, slice) or tranche.step not in (None, 1):
            raise TypeError("ResultatsFusionnes se lit par tranches : resultats[debut:fin].")
        debut, fin = tranche.start or 0, tranche.stop
        if fin is None:
            fin = self.count()
        sens = -1 if connection.vendor == "sqlite" else 1
        candidats = []
        for rang_source, recherche in enumerate(self.recherches):
            for rang, objet in enumerate(recherche.premiers(fin)):
                score = getattr(objet, "_score", None) or 0.0
                candidats.append(((-sens * score, rang_source, rang), recherche, objet))
        candidats.sort(key=lambda candidat: candidat[0])
        return [
            recherche.en_resultat(objet, self.request)
            for _cle, recherche, objet in candidats[debut:fin]
        ]
