"""The partner's form for a new demande (HTTP only: the rules are in services and validators)."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conventions.models import Partenaire
from portail import promesses
from portail.identifiants import nir_valider

from .. import selectors
from ..models import Categorie, Demande
from .complements import CHAMPS_SPECIFIQUES, REVENUS_AVEC_ARRET, SITUATIONS_CARTE, TYPES_REVENU
from .pieces import champ_pieces

TRES_URGENTE = "tres_urgente"
NAISSANCE_AU_PLUS_TOT = datetime.date(1900, 1, 1)
LONGUEUR_MESSAGE = 5000
FORMATS_DATE = ["%Y-%m-%d", "%d/%m/%Y"]


class DemandeForm(forms.Form):
    """A demande for an insured person, as the agent next to them fills it in."""

    partenaire = forms.ModelChoiceField(
        label=_("Structure"),
        queryset=Partenaire.objects.none(),
        widget=forms.RadioSelect,
        help_text=_("La structure au nom de laquelle vous envoyez la demande."),
        error_messages={
            "required": _("Choisissez la structure au nom de laquelle vous écrivez."),
            "invalid_choice": _("Choisissez l'une de vos structures."),
        },
    )
    categorie = forms.ModelChoiceField(
        label=_("Catégorie de la demande"),
        queryset=Categorie.objects.none(),
        to_field_name="slug",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez ce que concerne la demande."),
            "invalid_choice": _("Choisissez l'une des catégories proposées."),
        },
    )
    situation_carte = forms.ChoiceField(
        label=_("Situation de la carte Vitale"),
        help_text=_("Obligatoire pour une demande « Carte Vitale »."),
        choices=SITUATIONS_CARTE,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Choisissez l'une des situations proposées.")},
    )
    type_revenu = forms.ChoiceField(
        label=_("Type de revenu"),
        help_text=_("Obligatoire pour une demande de cette catégorie."),
        choices=[("", _("Choisissez un type de revenu")), *TYPES_REVENU],
        required=False,
        error_messages={"invalid_choice": _("Choisissez un type de revenu dans la liste.")},
    )
    date_arret = forms.DateField(
        label=_("Début de l'arrêt de travail ou du congé"),
        help_text=_("Obligatoire pour des indemnités journalières. Format : jj/mm/aaaa."),
        required=False,
        input_formats=FORMATS_DATE,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Saisissez une date valide, par exemple 02/03/2026.")},
    )
    urgence = forms.ChoiceField(
        label=_("Urgence"),
        choices=[
            (Demande.Urgence.NORMALE, _("Normale")),
            (Demande.Urgence.URGENTE, _("Urgente")),
            (TRES_URGENTE, _("Très urgente")),
        ],
        initial=Demande.Urgence.NORMALE,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez le degré d'urgence."),
            "invalid_choice": _("Choisissez l'un des degrés d'urgence proposés."),
        },
    )
    nir = forms.CharField(
        label=_("Numéro de sécurité sociale de l'assuré"),
        help_text=_(
            "15 caractères, clé comprise, tels qu'ils figurent sur la carte Vitale ou "
            "l'attestation de droits ; les espaces sont acceptés. 2A ou 2B pour la Corse."
        ),
        max_length=25,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    nir_inconnu = forms.BooleanField(
        label=_("Je ne connais pas le numéro de sécurité sociale de l'assuré"),
        help_text=_("Indiquez alors son nom, son prénom et sa date de naissance."),
        required=False,
    )
    nom = forms.CharField(
        label=_("Nom de l'assuré"),
        help_text=_("Nom de naissance, puis nom d'usage s'il est différent."),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    prenom = forms.CharField(
        label=_("Prénom de l'assuré"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    date_naissance = forms.DateField(
        label=_("Date de naissance de l'assuré"),
        help_text=_("Format : jj/mm/aaaa."),
        required=False,
        input_formats=FORMATS_DATE,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "off"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Saisissez une date valide, par exemple 14/07/1985.")},
    )
    objet = forms.CharField(
        label=_("Objet"),
        help_text=_("En quelques mots, par exemple « Renouvellement CSS bloqué »."),
        max_length=150,
        error_messages={
            "required": _("Indiquez l'objet de la demande."),
            "max_length": _(
                "L'objet est limité à %(limit_value)d caractères (il en compte %(show_value)d)."
            ),
        },
    )
    description = forms.CharField(
        label=_("Description de la situation"),
        help_text=_(
            "Ce qui bloque, les démarches déjà faites, ce que l'assuré attend. "
            "%(n)s caractères au plus."
        )
        % {"n": LONGUEUR_MESSAGE},
        max_length=LONGUEUR_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Décrivez la situation de l'assuré."),
            "max_length": _(
                "La description est limitée à %(limit_value)d caractères "
                "(elle en compte %(show_value)d)."
            ),
        },
    )
    partagee = forms.BooleanField(
        label=_("Partager la demande avec la structure"),
        help_text=_(
            "Les autres agents de la structure pourront la suivre et y répondre en votre "
            "absence. Les référents de la structure voient toujours toutes ses demandes."
        ),
        required=False,
        initial=True,
    )
    pieces = champ_pieces()
    consentement = forms.BooleanField(
        label=_("L'assuré a donné son accord pour que je transmette cette demande à la CPAM"),
        help_text=_("Son accord est enregistré avec la date et votre nom."),
        error_messages={
            "required": _(
                "Cochez la case pour attester l'accord de l'assuré : sans son accord, la "
                "demande ne peut pas être transmise."
            )
        },
    )

    def __init__(self, *args, partenaires=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.partenaires = list(partenaires)
        if len(self.partenaires) > 1:
            self.fields["partenaire"].queryset = Partenaire.objects.filter(
                pk__in=[p.pk for p in self.partenaires]
            ).order_by("nom")
        else:
            del self.fields["partenaire"]
        self.fields["categorie"].queryset = selectors.categories_proposees()

    @property
    def tres_urgente(self) -> bool:
        """The agent chose "très urgente": nothing is sent, they are told to call."""
        return self.is_bound and self.data.get("urgence") == TRES_URGENTE

    def categories(self) -> list[dict]:
        """Category radios with what the template shows next to each: the description, and
        the delays only for a category whose delays differ from the portal's (the common
        promise is stated once, next to the urgency choice: `delais`)."""
        lignes = []
        for choix in self["categorie"]:
            categorie = choix.data["value"].instance
            propres = categorie.delai_normale or categorie.delai_urgente
            lignes.append(
                {
                    "choix": choix,
                    "categorie": categorie,
                    "delais_propres": bool(propres),
                    "delai_normale": promesses.delai_reponse(Demande.Urgence.NORMALE, categorie),
                    "delai_urgente": promesses.delai_reponse(Demande.Urgence.URGENTE, categorie),
                }
            )
        return lignes

    def delais(self) -> dict:
        """The first-answer promise of the portal, from the settings that compute deadlines."""
        return {
            "normale": promesses.delai_reponse(Demande.Urgence.NORMALE),
            "urgente": promesses.delai_reponse(Demande.Urgence.URGENTE),
        }

    def clean_date_naissance(self):
        date = self.cleaned_data.get("date_naissance")
        if date and date > timezone.localdate():
            raise ValidationError(_("La date de naissance ne peut pas être dans le futur."))
        if date and date < NAISSANCE_AU_PLUS_TOT:
            raise ValidationError(_("La date de naissance ne peut pas être antérieure à 1900."))
        return date

    def clean_date_arret(self):
        date = self.cleaned_data.get("date_arret")
        if date and date > timezone.localdate() + datetime.timedelta(days=31):
            raise ValidationError(_("La date de début de l'arrêt est trop lointaine."))
        if date and date < NAISSANCE_AU_PLUS_TOT:
            raise ValidationError(_("Saisissez une date valide, par exemple 02/03/2026."))
        return date

    def clean(self):
        donnees = super().clean()
        self._verifier_complements(donnees)
        self._verifier_assure(donnees)
        return donnees

    def _verifier_complements(self, donnees):
        categorie = donnees.get("categorie")
        champs = categorie.champs if categorie else ""
        if champs == Categorie.Champs.CARTE_VITALE and not donnees.get("situation_carte"):
            if "situation_carte" not in self.errors:
                self.add_error("situation_carte", _("Précisez la situation de la carte Vitale."))
        if champs == Categorie.Champs.INDEMNITES:
            type_revenu = donnees.get("type_revenu")
            if not type_revenu and "type_revenu" not in self.errors:
                self.add_error("type_revenu", _("Choisissez le type de revenu concerné."))
            if (
                type_revenu in REVENUS_AVEC_ARRET
                and not donnees.get("date_arret")
                and "date_arret" not in self.errors
            ):
                self.add_error(
                    "date_arret",
                    _("Indiquez la date de début de l'arrêt de travail ou du congé."),
                )

    def _verifier_assure(self, donnees):
        if donnees.get("nir_inconnu"):
            donnees["nir"] = ""
            manquants = {
                "nom": _(
                    "Indiquez le nom de l'assuré (son numéro de sécurité sociale est inconnu)."
                ),
                "prenom": _(
                    "Indiquez le prénom de l'assuré (son numéro de sécurité sociale est inconnu)."
                ),
                "date_naissance": _(
                    "Indiquez la date de naissance de l'assuré (son numéro de sécurité sociale "
                    "est inconnu)."
                ),
            }
            for champ, message in manquants.items():
                if not donnees.get(champ) and champ not in self.errors:
                    self.add_error(champ, message)
            return
        nir = donnees.get("nir", "")
        if not nir:
            self.add_error(
                "nir",
                _(
                    "Indiquez le numéro de sécurité sociale de l'assuré, ou cochez « Je ne "
                    "connais pas le numéro de sécurité sociale de l'assuré »."
                ),
            )
            return
        try:
            donnees["nir"] = nir_valider(nir)
        except ValidationError as erreur:
            self.add_error("nir", erreur)

    def territoire_saisi(self) -> tuple[list[Partenaire], Categorie | None]:
        """The structure(s) and the category chosen so far, read from what was typed even when
        the form is not valid: the structure chosen, else all of the agent's; None for a
        category not (validly) chosen."""

        def choisi(nom):
            if not self.is_bound or nom not in self.fields:
                return None
            try:
                return self.fields[nom].clean(self[nom].data)
            except ValidationError:
                return None

        partenaire = choisi("partenaire")
        return ([partenaire] if partenaire else self.partenaires), choisi("categorie")

    def partenaire_choisi(self) -> Partenaire:
        return self.cleaned_data.get("partenaire") or self.partenaires[0]

    def complements(self) -> dict:
        """The answers to the chosen category's extra questions, ready for JSON."""
        categorie = self.cleaned_data["categorie"]
        resultat = {}
        for champ in CHAMPS_SPECIFIQUES.get(categorie.champs, ()):
            valeur = self.cleaned_data.get(champ)
            if isinstance(valeur, datetime.date):
                valeur = valeur.isoformat()
            if valeur:
                resultat[champ] = valeur
        return resultat

    def valeurs_saisies(self) -> dict:
        """What was typed, as initial values of an unbound copy (shown without errors)."""
        return {
            nom: self[nom].value() for nom in self.fields if nom not in ("pieces", "consentement")
        }
