"""Training campaigns, programmes, sessions, registrations with their waiting list, and the
private calendar feed of each person."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conventions.models import Partenaire
from portail import roles
from portail.dates import date_courte
from portail.models import LienWeb, TraceTransition

# Registration to a session closes this long before it starts: the list is then stable.
DELAI_CLOTURE = timedelta(hours=24)
# A session room or a video meeting rarely takes more; the attendance sheet fits on one page.
CAPACITE_MAX = 40


class Campagne(models.Model):
    """The training campaign of a half-year, with its registration window."""

    class Semestre(models.IntegerChoices):
        PREMIER = 1, _("1er semestre")
        SECOND = 2, _("2e semestre")

    annee = models.PositiveSmallIntegerField(
        _("année"), validators=[MinValueValidator(2020), MaxValueValidator(2100)]
    )
    semestre = models.PositiveSmallIntegerField(_("semestre"), choices=Semestre.choices)
    ouverture_inscriptions = models.DateField(_("ouverture des inscriptions"))
    cloture_inscriptions = models.DateField(
        _("clôture des inscriptions"),
        help_text=_(
            "Dernier jour d'inscription. Les inscriptions à une session ferment de toute façon "
            "24 heures avant son début."
        ),
    )
    cree_le = models.DateTimeField(_("créée le"), default=timezone.now)

    class Meta:
        verbose_name = _("campagne")
        verbose_name_plural = _("campagnes")
        ordering = ["-annee", "-semestre"]
        constraints = [
            models.UniqueConstraint(
                fields=["annee", "semestre"],
                name="campagne_une_par_semestre",
                violation_error_message=_("Une campagne existe déjà pour ce semestre."),
            ),
            models.CheckConstraint(
                condition=Q(cloture_inscriptions__gte=models.F("ouverture_inscriptions")),
                name="campagne_cloture_apres_ouverture",
                violation_error_message=_(
                    "La clôture des inscriptions ne peut pas précéder leur ouverture."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.annee} – {self.get_semestre_display()}"

    def clean(self):
        if (
            self.ouverture_inscriptions
            and self.cloture_inscriptions
            and self.cloture_inscriptions < self.ouverture_inscriptions
        ):
            raise ValidationError(
                {
                    "cloture_inscriptions": _(
                        "La clôture des inscriptions ne peut pas précéder leur ouverture."
                    )
                }
            )

    def inscriptions_ouvertes(self, aujourdhui=None) -> bool:
        aujourdhui = aujourdhui or timezone.localdate()
        return self.ouverture_inscriptions <= aujourdhui <= self.cloture_inscriptions


class Programme(models.Model):
    """The content of a training, shared by every session that teaches it."""

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_(
            "Identique pour toutes les sessions au même contenu, par exemple css-instruction. "
            "Un agent ne peut suivre qu'une session d'un programme par campagne."
        ),
    )
    intitule = models.CharField(_("intitulé"), max_length=200)
    objectifs = models.TextField(_("objectifs et contenu"), max_length=4000, blank=True)
    cree_le = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["intitule"]

    def __str__(self):
        return self.intitule


class Session(models.Model):
    class Mode(models.TextChoices):
        PRESENTIEL = "presentiel", _("En présentiel")
        DISTANCIEL = "distanciel", _("À distance")

    class Statut(models.TextChoices):
        PLANIFIEE = "planifiee", _("Planifiée")
        OUVERTE = "ouverte", _("Ouverte")
        COMPLETE = "complete", _("Complète")
        ANNULEE = "annulee", _("Annulée")
        REALISEE = "realisee", _("Réalisée")

    campagne = models.ForeignKey(
        Campagne, verbose_name=_("campagne"), on_delete=models.PROTECT, related_name="sessions"
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="sessions"
    )
    titre = models.CharField(_("titre"), max_length=200)
    formateurs = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("formateurs"),
        related_name="sessions_animees",
        limit_choices_to={"groups__name": roles.FORMATEUR},
        blank=True,
    )
    debut = models.DateTimeField(_("début"), db_index=True)
    fin = models.DateTimeField(_("fin"))
    mode = models.CharField(
        _("modalité"), max_length=12, choices=Mode.choices, default=Mode.PRESENTIEL
    )
    lieu = models.CharField(
        _("lieu"),
        max_length=250,
        blank=True,
        help_text=_("Adresse complète de la salle, pour une session en présentiel."),
    )
    lien_visio = LienWeb(
        _("lien de la visioconférence"),
        max_length=500,
        blank=True,
        help_text=_("Pour une session à distance ; communiqué aux seules personnes inscrites."),
    )
    capacite = models.PositiveSmallIntegerField(
        _("nombre de places"),
        validators=[MinValueValidator(1), MaxValueValidator(CAPACITE_MAX)],
        help_text=_("Au-delà, les demandes vont en liste d'attente (40 places au plus)."),
    )
    statut = models.CharField(
        _("statut"), max_length=12, choices=Statut.choices, default=Statut.PLANIFIEE, db_index=True
    )
    motif_annulation = models.CharField(_("motif de l'annulation"), max_length=500, blank=True)
    annulee_le = models.DateTimeField(_("annulée le"), null=True, blank=True)
    annulee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("annulée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cree_le = models.DateTimeField(_("créée le"), default=timezone.now)
    modifiee_le = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["debut", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__gt=models.F("debut")),
                name="session_fin_apres_debut",
                violation_error_message=_("La fin de la session doit suivre son début."),
            ),
            models.CheckConstraint(
                condition=Q(capacite__gte=1),
                name="session_au_moins_une_place",
                violation_error_message=_("Une session compte au moins une place."),
            ),
        ]

    def __str__(self):
        return f"{self.titre} — {date_courte(self.debut)}"

    def clean(self):
        erreurs = {}
        if self.debut and self.fin and self.fin <= self.debut:
            erreurs["fin"] = _("La fin de la session doit suivre son début.")
        if self.mode == self.Mode.PRESENTIEL and not self.lieu.strip():
            erreurs["lieu"] = _("Indiquez l'adresse de la salle d'une session en présentiel.")
        if self.mode == self.Mode.DISTANCIEL and not self.lien_visio:
            erreurs["lien_visio"] = _(
                "Indiquez le lien de la visioconférence d'une session à distance."
            )
        if erreurs:
            raise ValidationError(erreurs)

    @property
    def cloture_le(self):
        """When registration closes: 24 hours before the start."""
        return self.debut - DELAI_CLOTURE

    @property
    def a_distance(self) -> bool:
        return self.mode == self.Mode.DISTANCIEL

    @property
    def places_restantes(self) -> int:
        """Needs the `nombre_inscrits` annotation (see selectors.avec_compteurs)."""
        return max(self.capacite - self.nombre_inscrits, 0)


class PublicSession(models.Model):
    """One type of partner structure whose agents a session is meant for."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="publics")
    type = models.CharField(_("type de structure"), max_length=20, choices=Partenaire.Type.choices)

    class Meta:
        verbose_name = _("public de la session")
        verbose_name_plural = _("publics de la session")
        constraints = [
            models.UniqueConstraint(fields=["session", "type"], name="public_session_unique")
        ]

    def __str__(self):
        return self.get_type_display()


class Inscription(models.Model):
    """An agent's registration to a session: a place, or a rank on the waiting list."""

    class Etat(models.TextChoices):
        INSCRIT = "inscrit", _("Inscrit")
        LISTE_ATTENTE = "liste_attente", _("Liste d'attente")
        ANNULE = "annule", _("Annulé")
        PRESENT = "present", _("Présent")
        ABSENT = "absent", _("Absent")

    # States that take one of the session's places.
    OCCUPE_UNE_PLACE = (Etat.INSCRIT, Etat.PRESENT, Etat.ABSENT)
    # States that count for the "one session per programme and campaign" rule.
    ACTIVES = (Etat.INSCRIT, Etat.LISTE_ATTENTE, Etat.PRESENT)

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="inscriptions"
    )
    # Empty once the retention detached the registration from its person (the counts stay).
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        null=True,
        related_name="inscriptions_formation",
    )
    partenaire = models.ForeignKey(
        Partenaire,
        verbose_name=_("structure"),
        on_delete=models.PROTECT,
        related_name="inscriptions_formation",
    )
    # Copied from the session so that the database itself refuses a second active
    # registration to the same programme in the same campaign (see the constraint below).
    campagne = models.ForeignKey(
        Campagne, on_delete=models.PROTECT, related_name="+", editable=False
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="+", editable=False
    )
    etat = models.CharField(_("état"), max_length=15, choices=Etat.choices, db_index=True)
    inscrit_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inscrit par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    demandee_le = models.DateTimeField(_("demandée le"), default=timezone.now)
    inscrit_le = models.DateTimeField(_("place obtenue le"), null=True, blank=True)
    annulee_le = models.DateTimeField(_("annulée le"), null=True, blank=True)
    presence_le = models.DateTimeField(_("présence relevée le"), null=True, blank=True)
    rappel_j7_le = models.DateTimeField(_("rappel à 7 jours envoyé le"), null=True, blank=True)
    rappel_j1_le = models.DateTimeField(_("rappel la veille envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["demandee_le", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "agent"],
                name="inscription_une_par_session",
                violation_error_message=_("Cette personne a déjà une inscription à la session."),
            ),
            models.UniqueConstraint(
                fields=["agent", "campagne", "programme"],
                condition=Q(etat__in=["inscrit", "liste_attente", "present"]),
                name="inscription_un_programme_par_campagne",
                violation_error_message=_(
                    "Cette personne est déjà inscrite à une session de ce programme pendant la "
                    "campagne."
                ),
            ),
        ]
        indexes = [models.Index(fields=["session", "etat"], name="inscription_session_etat")]

    def __str__(self):
        return f"{self.agent} — {self.session} ({self.get_etat_display()})"

    @property
    def par_referent(self) -> bool:
        return self.inscrit_par_id is not None and self.inscrit_par_id != self.agent_id


class EvenementInscription(TraceTransition):
    """Trace of every change of a registration: who (none when automatic), when, why."""

    inscription = models.ForeignKey(
        Inscription, on_delete=models.CASCADE, related_name="evenements"
    )
    de = models.CharField(
        _("ancien état"), max_length=15, choices=Inscription.Etat.choices, blank=True
    )
    vers = models.CharField(_("nouvel état"), max_length=15, choices=Inscription.Etat.choices)

    class Meta:
        verbose_name = _("changement d'une inscription")
        verbose_name_plural = _("changements des inscriptions")
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.inscription_id} : {self.de or '—'} → {self.vers}"


class JetonCalendrier(models.Model):
    """The private address of a person's calendar feed; only a hash of the token is stored."""

    utilisateur = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jeton_calendrier"
    )
    empreinte = models.CharField(max_length=64, unique=True, editable=False)
    cree_le = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("adresse d'agenda")
        verbose_name_plural = _("adresses d'agenda")

    def __str__(self):
        return f"Agenda de {self.utilisateur}"
