"""Reference data of the messaging service in the back-office: categories, teams, experts,
absences, routing rules and canned replies (Wagtail ModelViewSets, see wagtail_hooks.py)."""

from decimal import Decimal

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.views import generic

from conventions.back_office.communs import ErreursServiceMixin, filtre_departement
from conventions.back_office.communs import InspectView as InspectViewBase
from conventions.models import Partenaire, valider_departement
from portail.identifiants import telephone_normaliser

from .. import continuite, selectors
from ..calendrier import MINUTES_PAR_JOUR, jours_ouvres
from ..models import Absence, Categorie, Equipe, Expert, RegleRoutage, ReponseType

HEURES_PAR_JOUR = MINUTES_PAR_JOUR // 60


# Categories --------------------------------------------------------------------------------------


def delai_affiche(categorie: Categorie, urgence: str) -> str:
    """A category's first-answer delay in business time, "(par défaut)" when not overridden."""
    propre = categorie.delai_urgente if urgence == "urgente" else categorie.delai_normale
    texte = jours_ouvres(categorie.delai(urgence))
    return texte if propre else _("%(delai)s (par défaut)") % {"delai": texte}


def _champ_delai(libelle, defaut_minutes):
    return forms.DecimalField(
        label=libelle,
        required=False,
        min_value=Decimal("0.25"),
        max_value=Decimal(HEURES_PAR_JOUR * 60),
        max_digits=6,
        decimal_places=2,
        help_text=gettext_lazy(
            "En heures ouvrées (une journée ouvrée compte %(h)s heures, de 8 h 30 à 17 h 30). "
            "Vide : délai par défaut, %(defaut)s."
        )
        % {"h": HEURES_PAR_JOUR, "defaut": jours_ouvres(defaut_minutes)},
    )


class CategorieForm(WagtailAdminModelForm):
    """Delays typed in business hours, stored in business minutes."""

    delai_urgente_heures = _champ_delai(
        gettext_lazy("Délai de première réponse, demande urgente"),
        settings.DEMANDES_DELAI_URGENTE,
    )
    delai_normale_heures = _champ_delai(
        gettext_lazy("Délai de première réponse, demande normale"),
        settings.DEMANDES_DELAI_NORMALE,
    )

    class Meta:
        model = Categorie
        fields = ["libelle", "slug", "code", "description", "champs", "active", "ordre"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for champ in ("delai_urgente", "delai_normale"):
            minutes = getattr(self.instance, champ)
            if minutes:
                heures = (Decimal(minutes) / 60).quantize(Decimal("0.01"))
                if heures == heures.to_integral_value():
                    heures = heures.quantize(Decimal(1))
                self.initial[f"{champ}_heures"] = heures

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip().upper()

    def clean(self):
        donnees = super().clean()
        for champ in ("delai_urgente", "delai_normale"):
            heures = donnees.get(f"{champ}_heures")
            setattr(self.instance, champ, round(heures * 60) if heures else None)
        return donnees


class CategorieModificationForm(CategorieForm):
    # The identifier is used by the "Faire une demande" buttons of the reference sheets.
    class Meta(CategorieForm.Meta):
        fields = [champ for champ in CategorieForm.Meta.fields if champ != "slug"]


class InspectView(InspectViewBase):
    """Yes/no for booleans, delays in business time."""

    def get_field_display_value(self, field_name, field):
        if field_name in ("delai_urgente", "delai_normale"):
            return delai_affiche(self.object, field_name.removeprefix("delai_"))
        return super().get_field_display_value(field_name, field)


class CategorieIndexView(generic.IndexView):
    def get_base_queryset(self):
        return selectors.categories_pour_back_office()


# Teams -------------------------------------------------------------------------------------------


class EquipeForm(WagtailAdminModelForm):
    class Meta:
        model = Equipe
        fields = ["nom", "email", "telephone_tres_urgent", "territoire", "superviseurs"]
        widgets = {"superviseurs": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["superviseurs"].queryset = selectors.comptes_superviseurs()
        self.fields["superviseurs"].help_text = _(
            "Comptes ayant le rôle Superviseur CPAM. Ils sont prévenus des demandes non "
            "attribuées et des dépassements de délai de l'équipe."
        )

    def clean_telephone_tres_urgent(self):
        valeur = self.cleaned_data["telephone_tres_urgent"]
        return telephone_normaliser(valeur, numero_court=True) if valeur else ""


class EquipeIndexView(generic.IndexView):
    def get_base_queryset(self):
        return selectors.equipes_pour_back_office()


def superviseurs_affiches(equipe: Equipe) -> str:
    noms = [p.get_full_name() or p.email for p in equipe.superviseurs.all()]
    return ", ".join(noms) or "—"


# Experts -----------------------------------------------------------------------------------------


class ExpertForm(WagtailAdminModelForm):
    class Meta:
        model = Expert
        fields = ["utilisateur", "equipe", "actif"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "utilisateur" in self.fields:
            self.fields["utilisateur"].queryset = selectors.comptes_experts_disponibles()
            self.fields["utilisateur"].help_text = _(
                "Comptes ayant le rôle Expert CPAM qui ne sont pas encore experts d'une équipe."
            )
        self.fields["actif"].help_text = _(
            "Un expert inactif ne reçoit plus de demandes et ne voit plus celles de son équipe."
        )


class ExpertModificationForm(ExpertForm):
    class Meta(ExpertForm.Meta):
        fields = ["equipe", "actif"]


class ExpertIndexView(generic.IndexView):
    def get_base_queryset(self):
        return selectors.experts_pour_back_office()


class ExpertFilterSet(WagtailFilterSet):
    class Meta:
        model = Expert
        fields = ["equipe", "actif"]


# Absences ----------------------------------------------------------------------------------------


class AbsenceForm(WagtailAdminModelForm):
    """Superviseurs declare the absences of their teams' experts; the rules are those of
    `continuite.absence_valider`, and the hand-over is done by the create view's service."""

    class Meta:
        model = Absence
        fields = ["expert", "debut", "fin", "suppleant", "motif"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        experts = (
            continuite.experts_geres_par(for_user) if for_user else selectors.experts_pour_choix()
        )
        self.fields["expert"].queryset = experts
        self.fields["suppleant"].queryset = selectors.experts_pour_choix().filter(actif=True)

    def clean(self):
        donnees = super().clean()
        expert = donnees.get("expert")
        if expert is not None:
            try:
                continuite.absence_valider(
                    expert=expert,
                    debut=donnees.get("debut"),
                    fin=donnees.get("fin"),
                    suppleant=donnees.get("suppleant"),
                )
            except ValidationError as erreur:
                for champ, messages in erreur.message_dict.items():
                    for message in messages:
                        self.add_error(champ, message)
        return donnees


class AbsenceCreateView(ErreursServiceMixin, generic.CreateView):
    """Through the service: an absence that has started hands the demandes over at once."""

    def save_instance(self):
        donnees = self.form.cleaned_data
        return continuite.absence_declarer(
            auteur=self.request.user,
            expert=donnees["expert"],
            debut=donnees["debut"],
            fin=donnees["fin"],
            suppleant=donnees.get("suppleant"),
            motif=donnees.get("motif", ""),
        )


class AbsenceIndexView(generic.IndexView):
    def get_base_queryset(self):
        return selectors.absences_pour_back_office()


class AbsenceFilterSet(WagtailFilterSet):
    PERIODES = [
        ("en_cours", gettext_lazy("En cours")),
        ("a_venir", gettext_lazy("À venir")),
        ("passees", gettext_lazy("Passées")),
    ]
    periode = django_filters.ChoiceFilter(
        label=gettext_lazy("Période"),
        choices=PERIODES,
        method="filtrer_periode",
        empty_label=gettext_lazy("Toutes"),
    )
    equipe = django_filters.ModelChoiceFilter(
        field_name="expert__equipe",
        label=gettext_lazy("Équipe"),
        queryset=Equipe.objects.all(),
        empty_label=gettext_lazy("Toutes"),
    )

    class Meta:
        model = Absence
        fields = ["periode", "equipe"]

    def filtrer_periode(self, queryset, name, value):
        maintenant = timezone.now()
        if value == "en_cours":
            return queryset.filter(debut__lte=maintenant, fin__gt=maintenant)
        if value == "a_venir":
            return queryset.filter(debut__gt=maintenant)
        return queryset.filter(fin__lte=maintenant)


def periode_absence(absence: Absence) -> str:
    maintenant = timezone.now()
    if absence.fin <= maintenant:
        return _("Passée")
    return _("En cours") if absence.debut <= maintenant else _("À venir")


# Routing rules -----------------------------------------------------------------------------------


class RegleRoutageForm(WagtailAdminModelForm):
    """Territory: one structure, one département, or everywhere; one active rule per category
    and territory (checked here too, because two "toutes catégories" rules escape the database
    constraint: NULLs are distinct)."""

    class Meta:
        model = RegleRoutage
        fields = [
            "code",
            "categorie",
            "partenaire",
            "departement",
            "titulaire",
            "suppleant",
            "mode",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categorie"].empty_label = _("Toutes les catégories")
        self.fields["partenaire"].queryset = Partenaire.objects.filter(actif=True).only("pk", "nom")
        self.fields["partenaire"].empty_label = _("Aucune (département ou partout)")
        self.fields["partenaire"].help_text = _(
            "Une structure, ou un département, ou ni l'un ni l'autre pour une règle valable "
            "partout."
        )
        self.fields["departement"].help_text = _("Deux ou trois caractères, par exemple 37.")
        experts = selectors.experts_pour_choix()
        self.fields["titulaire"].queryset = experts
        self.fields["suppleant"].queryset = experts
        self.fields["mode"].required = False

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip().upper()

    def clean_mode(self):
        # Left out (an older form, an API client): the present behaviour, the named expert.
        return self.cleaned_data.get("mode") or RegleRoutage.Mode.EXPERT_NOMME

    def _get_validation_exclusions(self):
        # Territory and uniqueness are checked in clean() with the people's words; the model's
        # constraints would repeat them as "La contrainte « regle_unique_departement »...".
        return {*super()._get_validation_exclusions(), "categorie", "partenaire", "departement"}

    def clean_departement(self):
        departement = (self.cleaned_data.get("departement") or "").strip().upper()
        if departement:
            valider_departement(departement)
        return departement

    def clean(self):
        donnees = super().clean()
        partenaire, departement = donnees.get("partenaire"), donnees.get("departement")
        if partenaire and departement:
            raise ValidationError(
                _(
                    "Choisissez une structure ou un département, pas les deux : une règle porte "
                    "sur un seul territoire."
                ),
                code="territoire",
            )
        titulaire, suppleant = donnees.get("titulaire"), donnees.get("suppleant")
        if titulaire and suppleant and titulaire.pk == suppleant.pk:
            self.add_error(
                "suppleant", _("Le suppléant doit être un autre expert que le titulaire.")
            )
        if (
            donnees.get("mode") == RegleRoutage.Mode.EQUIPE_MOINS_CHARGE
            and titulaire
            and not titulaire.equipe.experts.filter(actif=True).exists()
        ):
            self.add_error(
                "mode",
                _("L'équipe du titulaire n'a aucun expert actif entre qui répartir les demandes."),
            )
        if donnees.get("active") and not self.has_error("departement"):
            conflit = selectors.regle_active_en_conflit(
                categorie=donnees.get("categorie"),
                partenaire=partenaire,
                departement=departement,
                exclure_pk=self.instance.pk,
            )
            if conflit is not None:
                raise ValidationError(
                    _(
                        "La règle active %(code)s couvre déjà cette catégorie sur ce territoire : "
                        "modifiez-la, ou désactivez-la avant d'en créer une autre."
                    )
                    % {"code": conflit.code},
                    code="doublon",
                )
        if not donnees.get("code") and not self.errors:
            donnees["code"] = self._code_libre(donnees)
        return donnees

    def _code_libre(self, donnees) -> str:
        """The computed code (D37-CSS), suffixed when an older rule already bears it."""
        regle = RegleRoutage(
            categorie=donnees.get("categorie"),
            partenaire=donnees.get("partenaire"),
            departement=donnees.get("departement") or "",
        )
        base = code = regle.code_calcule()
        autres = RegleRoutage.objects.exclude(pk=self.instance.pk)
        rang = 2
        while autres.filter(code=code).exists():
            code = f"{base}-{rang}"
            rang += 1
        return code


class SauvegardeRegleMixin(ErreursServiceMixin):
    """A concurrent save may still hit the database constraints: a form error, not a 500."""

    def save_instance(self):
        try:
            with transaction.atomic():
                return super().save_instance()
        except IntegrityError as erreur:
            raise ValidationError(
                _(
                    "Une règle active existe déjà pour cette catégorie et ce territoire, ou ce "
                    "code est déjà utilisé : vérifiez les règles existantes."
                )
            ) from erreur


class RegleCreateView(SauvegardeRegleMixin, generic.CreateView):
    pass


class RegleEditView(SauvegardeRegleMixin, generic.EditView):
    pass


class RegleIndexView(generic.IndexView):
    def get_base_queryset(self):
        return selectors.regles_pour_back_office()


class RegleFilterSet(WagtailFilterSet):
    departement = filtre_departement("departement", gettext_lazy("Département"))

    class Meta:
        model = RegleRoutage
        fields = ["categorie", "departement", "active"]


def territoire_affiche(regle: RegleRoutage) -> str:
    if regle.partenaire_id:
        return regle.partenaire.nom
    if regle.departement:
        return _("Département %(d)s") % {"d": regle.departement}
    return _("Partout")


# Canned replies ----------------------------------------------------------------------------------


class ReponseTypeForm(WagtailAdminModelForm):
    class Meta:
        model = ReponseType
        fields = ["equipe", "titre", "corps", "categorie"]
        widgets = {"corps": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categorie"].empty_label = _("Toutes les catégories")
        self.fields["corps"].help_text = _(
            "L'expert relit et adapte ce texte avant de l'envoyer. N'y mettez aucune donnée "
            "personnelle."
        )


class ReponseTypeIndexView(generic.IndexView):
    def get_base_queryset(self):
        return selectors.reponses_types_pour_back_office()
