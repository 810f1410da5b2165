"""Wagtail pages of the reference content: home, themes and sheets, forms library, flash infos,
agenda, simple pages; the themes and forms snippets; flash info reading and notification state."""

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from conventions.models import Partenaire
from portail.models import LienWeb

from .blocks import CorpsFicheBlock, CorpsSimpleBlock

# A plenary room or a webinar; registration beyond is better handled by the organiser.
CAPACITE_MAX_RENCONTRE = 500


class Theme(index.Indexed, models.Model):
    """A subject of access to rights (CSS, carte Vitale…), shared by sheets, forms and news."""

    nom = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=50, unique=True)
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=0)

    panels = [FieldPanel("nom"), FieldPanel("slug"), FieldPanel("ordre")]
    search_fields = [index.SearchField("nom")]

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["ordre", "nom"]

    def __str__(self):
        return self.nom


# Home and simple pages -------------------------------------------------------------------------


class HomePage(Page):
    """Public for visitors (what the portal is, how to join); a personal home for partners."""

    intro = RichTextField(_("présentation pour les visiteurs"), features=["bold", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.ThematiquePage",
        "cms.FormulairesPage",
        "cms.FlashInfoIndexPage",
        "cms.AgendaPage",
        "cms.PageSimple",
        "cms.RecherchePage",
    ]
    max_count = 1
    page_publique = True

    class Meta:
        verbose_name = _("page d'accueil")

    def serve(self, request, *args, **kwargs):
        # Public for visitors; a verified partner whom the access rule turns away is told why.
        if request.user.is_authenticated and request.user.is_verified():
            from .acces import refus_contenu

            refus = refus_contenu(request)
            if refus is not None:
                return refus
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        contexte = super().get_context(request, *args, **kwargs)
        contexte.update(selectors.accueil(request))
        return contexte


class PageSimple(Page):
    """A plain page (legal notices, help); public when `publique` is set."""

    publique = models.BooleanField(
        _("visible sans connexion"),
        default=False,
        help_text=_("Pour les mentions légales, la politique de données, l'accessibilité."),
    )
    corps = StreamField(CorpsSimpleBlock(), verbose_name=_("contenu"))

    content_panels = [*Page.content_panels, FieldPanel("corps")]
    settings_panels = [*Page.settings_panels, FieldPanel("publique")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    search_fields = [*Page.search_fields, index.SearchField("corps")]

    class Meta:
        verbose_name = _("page simple")
        verbose_name_plural = _("pages simples")

    @property
    def page_publique(self):
        return self.publique


# Themes and reference sheets -------------------------------------------------------------------


class ThematiquePage(Page):
    theme = models.ForeignKey(
        Theme, verbose_name=_("thème"), on_delete=models.PROTECT, related_name="thematiques"
    )
    intro = models.TextField(_("introduction"), max_length=500, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("theme"), FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.FichePratiquePage"]

    class Meta:
        verbose_name = _("thématique")
        verbose_name_plural = _("thématiques")

    def get_context(self, request, *args, **kwargs):
        contexte = super().get_context(request, *args, **kwargs)
        contexte["fiches"] = (
            FichePratiquePage.objects.child_of(self).live().specific().order_by("title")
        )
        return contexte


class FichePratiquePage(Page):
    """A reference sheet: what to know and do for one situation, kept up to date by its owner."""

    resume = models.TextField(_("résumé"), max_length=400)
    corps = StreamField(CorpsFicheBlock(), verbose_name=_("contenu"))
    responsable = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsable de la fiche"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revisee_le = models.DateField(
        _("contenu vérifié le"),
        default=timezone.localdate,
        help_text=_(
            "Date de la dernière relecture complète ; au-delà de 12 mois, la fiche "
            "est signalée aux éditeurs."
        ),
    )

    content_panels = [*Page.content_panels, FieldPanel("resume"), FieldPanel("corps")]
    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel([FieldPanel("responsable"), FieldPanel("revisee_le")], heading=_("Suivi")),
    ]
    parent_page_types = ["cms.ThematiquePage"]
    subpage_types = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("resume"),
        index.SearchField("corps"),
    ]

    class Meta:
        verbose_name = _("fiche pratique")
        verbose_name_plural = _("fiches pratiques")

    @property
    def mise_a_jour(self):
        """The date shown as "mis à jour le": last publication or last review."""
        publiee = self.last_published_at and timezone.localdate(self.last_published_at)
        return max(filter(None, [publiee, self.revisee_le]))


# Forms library ---------------------------------------------------------------------------------


class Formulaire(index.Indexed, models.Model):
    """A Cerfa or CPAM form: a Wagtail document from the private collection, with its
    reference and version; a superseded version stays listed, marked as such."""

    titre = models.CharField(_("titre"), max_length=200)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    theme = models.ForeignKey(
        Theme, verbose_name=_("thème"), on_delete=models.PROTECT, related_name="formulaires"
    )
    reference = models.CharField(
        _("référence"), max_length=50, help_text=_("Par exemple : Cerfa n° 12504*05.")
    )
    version = models.CharField(_("version"), max_length=30, blank=True)
    date_version = models.DateField(_("date de la version"))
    remplace_par = models.ForeignKey(
        "self",
        verbose_name=_("remplacé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="versions_precedentes",
        help_text=_(
            "À renseigner quand une nouvelle version paraît : celle-ci reste "
            "consultable, marquée comme remplacée."
        ),
    )

    panels = [
        FieldPanel("titre"),
        FieldPanel("theme"),
        FieldPanel("document"),
        FieldPanel("reference"),
        FieldPanel("version"),
        FieldPanel("date_version"),
        FieldPanel("remplace_par"),
    ]
    search_fields = [
        index.SearchField("titre", boost=2),
        index.SearchField("reference"),
        index.FilterField("remplace_par_id"),
    ]

    class Meta:
        verbose_name = _("formulaire")
        verbose_name_plural = _("formulaires")
        ordering = ["theme__ordre", "titre", "-date_version"]

    def __str__(self):
        return f"{self.titre} ({self.reference})"

    @property
    def remplace(self) -> bool:
        return self.remplace_par_id is not None


class FormulairesPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("bibliothèque de formulaires")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        contexte = super().get_context(request, *args, **kwargs)
        contexte["themes"] = selectors.formulaires_par_theme()
        return contexte


# Flash infos -----------------------------------------------------------------------------------


class FlashInfoIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.FlashInfoPage"]
    max_count = 1

    class Meta:
        verbose_name = _("actualité en continu")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        contexte = super().get_context(request, *args, **kwargs)
        contexte.update(selectors.flash_infos_index(request, self))
        return contexte


class CiblageForm(WagtailAdminPageForm):
    """The audience of a page (flash info, rencontre): types of structures and départements,
    both empty meaning everyone."""

    types_partenaires = forms.MultipleChoiceField(
        label=_("Types de structures visées"),
        choices=Partenaire.Type.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune case cochée : tous les types."),
    )
    departements = forms.CharField(
        label=_("Départements visés"),
        required=False,
        help_text=_("Numéros séparés par des virgules, par exemple « 37, 41 ». Vide : tous."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model holds a list; the field shows it as "37, 41" (and an empty list as nothing,
        # never as "[]", which the validation below would then refuse).
        self.initial["departements"] = ", ".join(getattr(self.instance, "departements", None) or [])

    def clean_departements(self):
        valeurs = [v.strip().upper() for v in self.cleaned_data["departements"].split(",")]
        valeurs = [v for v in valeurs if v]
        invalides = [
            v for v in valeurs if not (v.isdigit() and len(v) in (2, 3)) and v not in ("2A", "2B")
        ]
        if invalides:
            raise forms.ValidationError(
                _("Département inconnu : %(valeurs)s. Indiquez des numéros, par exemple 37.")
                % {"valeurs": ", ".join(invalides)}
            )
        return sorted(set(valeurs))


FlashInfoForm = CiblageForm


def vise(types_partenaires: list, departements: list, partenaire: Partenaire) -> bool:
    """Whether an audience (empty lists mean everyone) includes a structure: the one rule of
    flash infos and rencontres."""
    return (not types_partenaires or partenaire.type in types_partenaires) and (
        not departements or partenaire.departement in departements
    )


class FlashInfoPage(Page):
    class Importance(models.TextChoices):
        NORMALE = "normale", _("Normale")
        IMPORTANTE = "importante", _("Importante")

    date = models.DateField(_("date"), default=timezone.localdate)
    resume = models.TextField(_("résumé"), max_length=400)
    corps = StreamField(CorpsSimpleBlock(), verbose_name=_("contenu"))
    themes = ParentalManyToManyField(Theme, verbose_name=_("thèmes"), blank=True)
    importance = models.CharField(
        _("importance"),
        max_length=12,
        choices=Importance.choices,
        default=Importance.NORMALE,
        help_text=_(
            "Une flash info importante est épinglée en tête jusqu'à sa lecture et "
            "envoyée aussitôt par e-mail."
        ),
    )
    types_partenaires = models.JSONField(_("types de structures visées"), default=list, blank=True)
    departements = models.JSONField(_("départements visés"), default=list, blank=True)

    base_form_class = FlashInfoForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("resume"),
        FieldPanel("corps"),
        MultiFieldPanel(
            [
                FieldPanel("importance"),
                FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
                FieldPanel("types_partenaires"),
                FieldPanel("departements"),
            ],
            heading=_("Diffusion"),
        ),
    ]
    parent_page_types = ["cms.FlashInfoIndexPage"]
    subpage_types = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("resume"),
        index.SearchField("corps"),
        index.FilterField("date"),
    ]

    class Meta:
        verbose_name = _("flash info")
        verbose_name_plural = _("flash infos")

    @property
    def importante(self) -> bool:
        return self.importance == self.Importance.IMPORTANTE

    def vise(self, partenaire: Partenaire) -> bool:
        """Whether this news targets a structure (empty lists mean everyone)."""
        return vise(self.types_partenaires, self.departements, partenaire)

    def serve(self, request, *args, **kwargs):
        # The access hook already ran: the person is verified and under a convention in force.
        # A partner sees only the news aimed at one of their structures; opening an important
        # one unpins it.
        from django.http import Http404

        from conventions.models import Service
        from conventions.selectors import acces_requete

        from .selectors import flash_info_visible
        from .services import flash_info_marquer_lue  # services import the models

        if request.user.is_authenticated:
            acces = acces_requete(request, Service.CONTENUS)
            if acces.autorise and not flash_info_visible(self, acces):
                raise Http404
        reponse = super().serve(request, *args, **kwargs)
        if (
            request.user.is_authenticated
            and self.importante
            and self.pk
            and not getattr(request, "is_preview", False)
            and reponse.status_code == 200
        ):
            flash_info_marquer_lue(utilisateur=request.user, flash_info=self)
        return reponse


class LectureFlashInfo(models.Model):
    """An important flash info stays pinned for a person until they have opened it."""

    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    flash_info = models.ForeignKey(FlashInfoPage, on_delete=models.CASCADE, related_name="+")
    lu_le = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["utilisateur", "flash_info"], name="lecture_unique")
        ]

    def __str__(self):
        return f"{self.utilisateur_id} a lu {self.flash_info_id}"


# Agenda ----------------------------------------------------------------------------------------


class AgendaPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.RencontrePage"]
    max_count = 1

    class Meta:
        verbose_name = _("agenda")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        contexte = super().get_context(request, *args, **kwargs)
        contexte.update(selectors.agenda(request, self))
        return contexte


class RencontrePage(Page):
    """A partner meeting or webinar."""

    debut = models.DateTimeField(_("début"))
    fin = models.DateTimeField(_("fin"), null=True, blank=True)
    lieu = models.CharField(_("lieu"), max_length=250, blank=True)
    lien = LienWeb(_("lien de connexion (webinaire)"), blank=True)
    public = models.CharField(
        _("public"), max_length=250, help_text=_("Par exemple : agents France Services du 37.")
    )
    description = RichTextField(_("description"), features=["bold", "italic", "ul", "link"])
    capacite = models.PositiveSmallIntegerField(
        _("nombre de places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(CAPACITE_MAX_RENCONTRE)],
        help_text=_(
            "Les agents des structures visées s'inscrivent sur le portail dans cette limite "
            "(500 au plus). Vide : pas d'inscription sur le portail."
        ),
    )
    types_partenaires = models.JSONField(_("types de structures visées"), default=list, blank=True)
    departements = models.JSONField(_("départements visés"), default=list, blank=True)

    base_form_class = CiblageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("debut"),
        FieldPanel("fin"),
        FieldPanel("lieu"),
        FieldPanel("lien"),
        FieldPanel("public"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("capacite"),
                FieldPanel("types_partenaires"),
                FieldPanel("departements"),
            ],
            heading=_("Inscriptions et public visé"),
        ),
    ]
    parent_page_types = ["cms.AgendaPage"]
    subpage_types = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("public"),
        index.SearchField("lieu"),
        index.SearchField("description"),
    ]

    class Meta:
        verbose_name = _("rencontre")
        verbose_name_plural = _("rencontres")

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if self.fin and self.debut and self.fin <= self.debut:
            raise ValidationError({"fin": _("La fin doit suivre le début.")})
        if not self.lieu and not self.lien:
            raise ValidationError(_("Indiquez un lieu ou un lien de connexion."))

    def vise(self, partenaire: Partenaire) -> bool:
        return vise(self.types_partenaires, self.departements, partenaire)

    @property
    def fin_ou_debut(self):
        return self.fin or self.debut

    @property
    def places_restantes(self) -> int | None:
        """Needs the `nombre_inscrits` annotation (see selectors.rencontres_avec_places)."""
        if self.capacite is None:
            return None
        return max(self.capacite - self.nombre_inscrits, 0)

    def serve(self, request, *args, **kwargs):
        # The access hook already ran. A partner sees only a rencontre aimed at one of their
        # structures (as with flash infos): any other is 404, as if it did not exist.
        from django.http import Http404

        from conventions.models import Service
        from conventions.selectors import acces_requete

        from .selectors import rencontre_visible

        if request.user.is_authenticated:
            acces = acces_requete(request, Service.CONTENUS)
            if acces.autorise and not rencontre_visible(self, acces):
                raise Http404
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        contexte = super().get_context(request, *args, **kwargs)
        contexte.update(selectors.rencontre_detail(request, self))
        return contexte


class InscriptionRencontre(models.Model):
    """An agent's place at a rencontre. No waiting list: when it is full, it is full.

    Places are counted under a lock of the rencontre's row (see services.rencontre_inscrire),
    as for training sessions; the database refuses a second row for the same person.
    """

    class Etat(models.TextChoices):
        INSCRIT = "inscrit", _("Inscrit")
        ANNULE = "annule", _("Annulé")

    rencontre = models.ForeignKey(
        RencontrePage,
        verbose_name=_("rencontre"),
        on_delete=models.CASCADE,
        related_name="inscriptions",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="inscriptions_rencontre",
    )
    partenaire = models.ForeignKey(
        Partenaire,
        verbose_name=_("structure"),
        on_delete=models.PROTECT,
        related_name="inscriptions_rencontre",
    )
    etat = models.CharField(_("état"), max_length=10, choices=Etat.choices, db_index=True)
    inscrit_le = models.DateTimeField(_("inscrit le"), default=timezone.now)
    annulee_le = models.DateTimeField(_("annulée le"), null=True, blank=True)
    rappel_le = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("inscription à une rencontre")
        verbose_name_plural = _("inscriptions aux rencontres")
        ordering = ["inscrit_le", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rencontre", "agent"],
                name="inscription_rencontre_unique",
                violation_error_message=_("Cette personne est déjà inscrite à la rencontre."),
            ),
        ]
        indexes = [models.Index(fields=["rencontre", "etat"], name="inscription_rencontre_etat")]

    def __str__(self):
        return f"{self.agent_id} — {self.rencontre_id} ({self.get_etat_display()})"


class RecherchePage(Page):
    """Where the search box leads (one per site)."""

    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("page de recherche")

    def serve(self, request, *args, **kwargs):
        from .views import recherche

        return recherche(request, self)


# Notifications ---------------------------------------------------------------------------------


class PreferencesNotification(models.Model):
    class FlashInfos(models.TextChoices):
        TOUTES = "toutes", _("Importantes aussitôt, les autres dans un résumé quotidien")
        IMPORTANTES = "importantes", _("Seulement les importantes, aussitôt")
        AUCUNE = "aucune", _("Aucun e-mail")

    utilisateur = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences"
    )
    flash_infos = models.CharField(
        _("flash infos par e-mail"),
        max_length=12,
        choices=FlashInfos.choices,
        default=FlashInfos.TOUTES,
    )

    class Meta:
        verbose_name = _("préférences de notification")
        verbose_name_plural = _("préférences de notification")

    def __str__(self):
        return f"{self.utilisateur_id} : {self.flash_infos}"


class EnvoiFlashInfo(models.Model):
    """One row per person and flash info: sending twice is impossible by construction."""

    class Mode(models.TextChoices):
        IMMEDIAT = "immediat", _("Immédiat")
        RESUME = "resume", _("Résumé quotidien")

    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    flash_info = models.ForeignKey(FlashInfoPage, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(max_length=10, choices=Mode.choices)
    cree_le = models.DateTimeField(default=timezone.now)
    envoye_le = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["utilisateur", "flash_info"], name="envoi_unique")
        ]

    def __str__(self):
        return f"{self.flash_info_id} → {self.utilisateur_id} ({self.mode})"
