"""Partner structures, their usage conventions, memberships, invitations and join requests."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from portail.identifiants import siret_valider
from portail.models import TraceTransition

valider_code_postal = RegexValidator(
    r"^\d{5}$", _("Le code postal comporte 5 chiffres, par exemple 37000.")
)
valider_departement = RegexValidator(
    r"^(\d{2}|2[AB]|97\d)$", _("Indiquez le numéro du département, par exemple 37.")
)


class Service(models.TextChoices):
    """What a convention opens to the agents of the structure."""

    CONTENUS = "contenus", _("Contenus et formulaires")
    MESSAGERIE = "messagerie", _("Messagerie sécurisée")
    FORMATIONS = "formations", _("Formations")


class Partenaire(models.Model):
    class Type(models.TextChoices):
        FRANCE_SERVICES = "france_services", _("France Services")
        CCAS_CIAS = "ccas_cias", _("CCAS / CIAS")
        ASSOCIATION = "association", _("Association")
        SERVICE_SOCIAL_DEPARTEMENTAL = "ssd", _("Service social départemental")
        SERVICE_SOCIAL_HOSPITALIER = "ssh", _("Service social hospitalier")
        MISSION_LOCALE = "mission_locale", _("Mission locale")
        AUTRE = "autre", _("Autre")

    nom = models.CharField(_("nom de la structure"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        unique=True,
        validators=[siret_valider],
        help_text=_("14 chiffres, sans espace."),
    )
    adresse = models.CharField(_("adresse"), max_length=250)
    code_postal = models.CharField(_("code postal"), max_length=5, validators=[valider_code_postal])
    commune = models.CharField(_("commune"), max_length=120)
    departement = models.CharField(
        _("département"), max_length=3, validators=[valider_departement], db_index=True
    )
    numero_label_france_services = models.CharField(
        _("numéro de labellisation France Services"),
        max_length=30,
        blank=True,
        help_text=_("Obligatoire pour une structure France Services."),
    )
    itinerant = models.BooleanField(
        _("itinérante"), default=False, help_text=_("France Services itinérante (bus).")
    )
    telephone = models.CharField(_("téléphone (contact public)"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail (contact public)"), blank=True)
    actif = models.BooleanField(_("active"), default=True)
    cree_le = models.DateTimeField(_("créée le"), default=timezone.now)

    class Meta:
        verbose_name = _("structure partenaire")
        verbose_name_plural = _("structures partenaires")
        ordering = ["nom"]
        permissions = [("gerer_agents", _("Gérer les agents de la structure"))]

    def __str__(self):
        return f"{self.nom} ({self.commune})"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.type == self.Type.FRANCE_SERVICES and not self.numero_label_france_services:
            raise ValidationError(
                {
                    "numero_label_france_services": _(
                        "Indiquez le numéro de labellisation d'une structure France Services."
                    )
                }
            )
        if self.itinerant and self.type != self.Type.FRANCE_SERVICES:
            raise ValidationError(
                {"itinerant": _("Seule une structure France Services peut être itinérante.")}
            )


class PartenaireUtilisateurPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Partenaire, on_delete=models.CASCADE)


class PartenaireGroupePermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Partenaire, on_delete=models.CASCADE)


class Convention(models.Model):
    class Statut(models.TextChoices):
        BROUILLON = "brouillon", _("Brouillon")
        EN_SIGNATURE = "en_signature", _("En signature")
        EN_VIGUEUR = "en_vigueur", _("En vigueur")
        SUSPENDUE = "suspendue", _("Suspendue")
        RESILIEE = "resiliee", _("Résiliée")
        EXPIREE = "expiree", _("Expirée")

    numero = models.CharField(_("numéro"), max_length=20, unique=True, editable=False)
    partenaire = models.ForeignKey(
        Partenaire,
        verbose_name=_("structure"),
        on_delete=models.PROTECT,
        related_name="conventions",
    )
    statut = models.CharField(
        _("statut"),
        max_length=20,
        choices=Statut.choices,
        default=Statut.BROUILLON,
        editable=False,
        db_index=True,
    )
    date_effet = models.DateField(_("date d'effet"))
    date_fin = models.DateField(
        _("date de fin"), help_text=_("L'accès cesse ce jour-là : la convention devient expirée.")
    )
    signataire_partenaire = models.CharField(
        _("signataire pour la structure"), max_length=200, blank=True
    )
    signataire_cpam = models.CharField(_("signataire pour la CPAM"), max_length=200, blank=True)
    document_signe = models.FileField(
        _("convention signée (PDF)"), upload_to="conventions/%Y/", blank=True
    )
    ouvre_contenus = models.BooleanField(_("ouvre les contenus et formulaires"), default=True)
    ouvre_messagerie = models.BooleanField(_("ouvre la messagerie sécurisée"), default=True)
    ouvre_formations = models.BooleanField(_("ouvre les formations"), default=True)
    rappel_j60_le = models.DateTimeField(_("rappel à 60 jours envoyé le"), null=True, blank=True)
    rappel_j30_le = models.DateTimeField(_("rappel à 30 jours envoyé le"), null=True, blank=True)
    cree_le = models.DateTimeField(_("créée le"), default=timezone.now)

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ["-date_effet", "-numero"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__gt=models.F("date_effet")),
                name="convention_fin_apres_effet",
                violation_error_message=_("La date de fin doit suivre la date d'effet."),
            ),
            # At most one convention in force (or suspended) per structure.
            models.UniqueConstraint(
                fields=["partenaire"],
                condition=Q(statut__in=["en_vigueur", "suspendue"]),
                name="convention_une_seule_active_par_partenaire",
                violation_error_message=_(
                    "Cette structure a déjà une convention en vigueur ou suspendue."
                ),
            ),
        ]

    def __str__(self):
        return self.numero

    def ouvre(self, service: str) -> bool:
        return getattr(self, f"ouvre_{service}")


class TransitionConvention(TraceTransition):
    """Trace of every status change: who (none for the automatic expiry), when, why."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="transitions")
    de = models.CharField(
        _("ancien statut"), max_length=20, choices=Convention.Statut.choices, blank=True
    )
    vers = models.CharField(_("nouveau statut"), max_length=20, choices=Convention.Statut.choices)

    class Meta:
        verbose_name = _("changement de statut")
        verbose_name_plural = _("changements de statut")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.convention} : {self.get_de_display()} → {self.get_vers_display()}"


class CompteurConvention(models.Model):
    """Last number given per year, locked while a new convention takes the next one."""

    annee = models.PositiveSmallIntegerField(primary_key=True)
    dernier = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.annee} : {self.dernier}"


class Adhesion(models.Model):
    """A person's membership in a structure, as agent or référent."""

    class Role(models.TextChoices):
        AGENT = "agent", _("Agent")
        REFERENT = "referent", _("Référent")

    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="adhesions"
    )
    partenaire = models.ForeignKey(Partenaire, on_delete=models.CASCADE, related_name="adhesions")
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.AGENT)
    date_debut = models.DateField(_("début"), default=timezone.localdate)
    date_fin = models.DateField(_("fin"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    desactivee_le = models.DateTimeField(_("désactivée le"), null=True, blank=True)
    desactivee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rattachement")
        verbose_name_plural = _("rattachements")
        ordering = ["partenaire__nom", "utilisateur__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["utilisateur", "partenaire"],
                condition=Q(active=True),
                name="adhesion_une_active_par_structure",
                violation_error_message=_("Cette personne est déjà rattachée à la structure."),
            )
        ]

    def __str__(self):
        return f"{self.utilisateur} — {self.partenaire} ({self.get_role_display()})"


class Invitation(models.Model):
    """A single-use invitation link, valid 72 hours; only a hash of the token is stored."""

    partenaire = models.ForeignKey(Partenaire, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(
        _("rôle"), max_length=10, choices=Adhesion.Role.choices, default=Adhesion.Role.AGENT
    )
    empreinte = models.CharField(max_length=64, unique=True, editable=False)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cree_le = models.DateTimeField(default=timezone.now)
    expire_le = models.DateTimeField()
    utilisee_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-cree_le"]

    def __str__(self):
        return f"Invitation {self.partenaire} ({self.get_role_display()})"


class DemandeAdhesion(models.Model):
    """A structure asking to become a partner, from the public page."""

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", _("En attente")
        ACCEPTEE = "acceptee", _("Acceptée")
        REFUSEE = "refusee", _("Refusée")

    nom_structure = models.CharField(_("nom de la structure"), max_length=200)
    type = models.CharField(_("type de structure"), max_length=20, choices=Partenaire.Type.choices)
    siret = models.CharField(_("SIRET"), max_length=14, validators=[siret_valider])
    code_postal = models.CharField(_("code postal"), max_length=5, validators=[valider_code_postal])
    commune = models.CharField(_("commune"), max_length=120)
    contact_nom = models.CharField(_("nom et prénom du contact"), max_length=200)
    contact_fonction = models.CharField(_("fonction du contact"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail du contact"))
    contact_telephone = models.CharField(_("téléphone du contact"), max_length=30)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    statut = models.CharField(
        _("statut"),
        max_length=20,
        choices=Statut.choices,
        default=Statut.EN_ATTENTE,
        db_index=True,
    )
    empreinte_origine = models.CharField(max_length=64, editable=False, db_index=True)
    cree_le = models.DateTimeField(_("reçue le"), default=timezone.now, db_index=True)
    traitee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("traitée par"),
    )
    traitee_le = models.DateTimeField(_("traitée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande pour devenir partenaire")
        verbose_name_plural = _("demandes pour devenir partenaire")
        ordering = ["-cree_le"]

    def __str__(self):
        return f"{self.nom_structure} ({self.commune})"
