"""The CPAM inbox: tabs, filters (GET), search by reference or NIR (POST), sorted by deadline."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from portail.identifiants import nir_normaliser

from .. import selectors
from .affichage import horloge
from .forms import FiltresBoiteForm, RechercheForm


class AccesMessagerieMixin:
    """Experts and superviseurs only; the demandes each one sees come from the selectors."""

    def dispatch(self, request, *args, **kwargs):
        if not selectors.acces_messagerie_cpam(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class BoiteView(AccesMessagerieMixin, WagtailAdminTemplateMixin, TemplateView):
    """The search is posted, never put in the query string: a NIR must stay out of URLs,
    browser history and access logs. Filters and tabs stay in the query string."""

    page_title = gettext_lazy("Demandes")
    header_icon = "mail"
    template_name = "demandes/admin/boite.html"
    par_page = 25

    def post(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)

    def onglet(self) -> str:
        onglet = self.request.GET.get("onglet", "")
        if onglet in selectors.ONGLETS:
            return onglet
        return "miennes" if selectors.expert_de(self.request.user) else "equipe"

    def get_context_data(self, **kwargs):
        utilisateur = self.request.user
        onglet = self.onglet()
        filtres_form = FiltresBoiteForm(self.request.GET, utilisateur=utilisateur)
        filtres = filtres_form.filtres()
        filtres.pop("onglet", None)
        recherche_form = RechercheForm(self.request.POST or None)
        recherche = ""
        if recherche_form.is_bound and recherche_form.is_valid():
            recherche = recherche_form.cleaned_data["q"].strip()
            if not recherche.upper().startswith("D-"):
                recherche = nir_normaliser(recherche)  # typed with spaces, dots or dashes
        if recherche:
            # A search looks at every demande this person sees, whatever the tab and filters.
            onglet_liste, filtres = "", {"q": recherche, "statut": "toutes"}
        else:
            onglet_liste = onglet
        demandes = selectors.boite_cpam(utilisateur, onglet_liste, filtres)
        page = Paginator(demandes, self.par_page).get_page(self.request.GET.get("p"))
        maintenant = timezone.now()
        for demande in page:
            demande.horloge = horloge(demande, maintenant)
        compteurs = selectors.compteurs_cpam(utilisateur)
        parametres = {k: v for k, v in self.request.GET.items() if k not in ("onglet", "p")}
        onglets = [
            {
                "cle": cle,
                "libelle": libelle,
                "nombre": compteurs.get(cle, 0),
                "actif": cle == onglet and not recherche,
                "url": "?" + urlencode({**parametres, "onglet": cle}),
            }
            for cle, libelle in selectors.ONGLETS.items()
        ]
        return super().get_context_data(
            page=page,
            elided_page_range=page.paginator.get_elided_page_range(page.number),
            onglets=onglets,
            onglet=onglet,
            compteurs=compteurs,
            filtres_form=filtres_form,
            filtres_actifs=bool(filtres) and not recherche,
            recherche_form=recherche_form,
            recherche=recherche,
            sans_equipe=selectors.expert_de(utilisateur) is None
            and not selectors.voit_toutes_les_demandes(utilisateur),
            url_boite=reverse("demandes_admin:boite"),
            **kwargs,
        )
