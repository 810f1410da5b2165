"""The CPAM inbox: tabs, filters (GET), search by reference or NIR (POST), in the service-level
order of `selectors.trier_par_niveau_de_service`."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from conventions.back_office.communs import ajouter_erreurs
from portail import menu_admin
from portail.identifiants import nir_normaliser

from .. import selectors, services
from .affichage import horloge
from .forms import AttributionGroupeeForm, FiltreEnregistreForm, FiltresBoiteForm, RechercheForm
from .lignes_boite import LignesBoite


def fil_d_ariane(*elements: dict) -> list[dict]:
    """The back-office breadcrumb: "Espace CPAM" (the admin home), then the given items."""
    return [{"url": reverse("wagtailadmin_home"), "label": _("Espace CPAM")}, *elements]


def _avec_requete(request, nom: str) -> str:
    """An inbox address keeping the page's tab and filters (its query string only)."""
    requete = request.GET.urlencode()
    return reverse(nom) + (f"?{requete}" if requete else "")


def _boite(request) -> str:
    """Back to the inbox with the same tab and filters (never a redirect elsewhere)."""
    return _avec_requete(request, "demandes_admin:boite")


class AccesMessagerieMixin:
    """Experts and superviseurs only; the demandes each one sees come from the selectors.
    Their screens keep the back-office sidebar per person (`portail.menu_admin`)."""

    def dispatch(self, request, *args, **kwargs):
        if not selectors.acces_messagerie_cpam(request.user):
            raise PermissionDenied
        menu_admin.garder_le_menu_en_cache(request)
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

    def get_page_subtitle(self):
        return selectors.ONGLETS.get(self.onglet(), "")

    def get_header_title(self):
        sous_titre = self.get_page_subtitle()
        if sous_titre:
            return f"{self.get_page_title()} – {sous_titre}"
        return str(self.get_page_title())

    def get_breadcrumbs_items(self):
        return fil_d_ariane({"url": "", "label": _("Demandes")})

    def onglet(self) -> str:
        onglet = self.request.GET.get("onglet", "")
        if onglet in selectors.ONGLETS:
            return onglet
        return "miennes" if selectors.expert_de(self.request.user) else "equipe"

    def get_context_data(self, attribution_form=None, filtre_form=None, **kwargs):
        utilisateur = self.request.user
        onglet = self.onglet()
        filtres_form = FiltresBoiteForm(self.request.GET, utilisateur=utilisateur)
        filtres = filtres_form.filtres()
        filtres.pop("onglet", None)
        recherche_form = RechercheForm(self.request.POST if "q" in self.request.POST else None)
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
        attribution_groupee = self.attribution_groupee(attribution_form)
        expert_equipe_id = self.equipe_de_l_expert()
        lignes = LignesBoite(
            self.request,
            attribution_groupee=attribution_groupee,
            expert_equipe_id=expert_equipe_id,
        ).html(page)
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
            attribution_groupee=attribution_groupee,
            lignes=lignes,
            filtres_enregistres=selectors.filtres_enregistres(utilisateur),
            filtre_form=filtre_form or FiltreEnregistreForm(),
            url_filtre_enregistrer=_avec_requete(self.request, "demandes_admin:filtre_enregistrer"),
            **kwargs,
        )

    def equipe_de_l_expert(self) -> int | None:
        """The team whose unassigned demandes this person may take ("M'attribuer")."""
        expert = selectors.expert_de(self.request.user)
        return expert.equipe_id if expert and expert.actif else None

    def attribution_groupee(self, formulaire=None) -> dict | None:
        """The superviseur's bulk assignment under the list (nobody else gets the checkboxes)."""
        if not selectors.voit_toutes_les_demandes(self.request.user):
            return None
        formulaire = formulaire or AttributionGroupeeForm(utilisateur=self.request.user)
        return {
            "form": formulaire,
            "action": _avec_requete(self.request, "demandes_admin:attribuer"),
            "cochees": set(formulaire.data.getlist("demandes")) if formulaire.is_bound else set(),
        }


class AttributionGroupeeView(BoiteView):
    """POST only, superviseurs only: the ticked demandes go to one expert or queue, through
    the same service as a single reassignment, all or none; back to the same tab and filters."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if not selectors.voit_toutes_les_demandes(request.user):
            raise Http404  # not a wagtail "no permission" redirect: the address does not exist
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        formulaire = AttributionGroupeeForm(request.POST, utilisateur=request.user)
        if formulaire.is_valid():
            cible = formulaire.cleaned_data["cible"]
            try:
                faites = services.demandes_reattribuer(
                    demandes=formulaire.cleaned_data["demandes"],
                    auteur=request.user,
                    motif=formulaire.cleaned_data["motif"],
                    **cible,
                )
            except ValidationError as erreur:
                ajouter_erreurs(formulaire, erreur)
            else:
                qui = cible.get("expert") or _("la file %(equipe)s") % {"equipe": cible["equipe"]}
                messages.success(
                    request,
                    ngettext(
                        "%(n)s demande réattribuée à %(qui)s.",
                        "%(n)s demandes réattribuées à %(qui)s.",
                        len(faites),
                    )
                    % {"n": len(faites), "qui": qui},
                )
                return redirect(_boite(request))
        return self.render_to_response(self.get_context_data(attribution_form=formulaire))


class PrendreView(AccesMessagerieMixin, View):
    """POST only: an expert takes an unassigned demande of their team from the inbox."""

    http_method_names = ["post"]

    def post(self, request, reference):
        demande = selectors.demande_pour_ecran_cpam(request.user, reference)
        if demande is None:
            raise Http404
        try:
            services.demande_prendre(demande=demande, utilisateur=request.user)
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(
                request,
                _("La demande %(reference)s vous est attribuée.") % {"reference": reference},
            )
        return redirect(_boite(request))


class FiltreEnregistrerView(BoiteView):
    """POST only: save the page's tab and filters (its query string) under a name; a refused
    name re-renders the inbox with the name as typed."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        formulaire = FiltreEnregistreForm(request.POST)
        if formulaire.is_valid():
            filtres = FiltresBoiteForm(request.GET, utilisateur=request.user).filtres()
            try:
                filtre = services.filtre_enregistrer(
                    utilisateur=request.user,
                    nom=formulaire.cleaned_data["nom"],
                    parametres={**filtres, "onglet": self.onglet()},
                )
            except ValidationError as erreur:
                ajouter_erreurs(formulaire, erreur)
            else:
                messages.success(
                    request, _("Le filtre « %(nom)s » est enregistré.") % {"nom": filtre.nom}
                )
                return redirect(_boite(request))
        return self.render_to_response(self.get_context_data(filtre_form=formulaire))


class FiltreSupprimerView(AccesMessagerieMixin, View):
    """POST only: delete one of one's own saved filters (anybody else's: 404)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        filtre = selectors.filtre_de(request.user, pk)
        if filtre is None:
            raise Http404
        services.filtre_supprimer(filtre=filtre)
        messages.success(request, _("Le filtre « %(nom)s » est supprimé.") % {"nom": filtre.nom})
        return redirect(_boite(request))
