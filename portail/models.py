"""Accounts, the security journal and the e-mail outbox."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dates import date_heure_courte, horodatage


class UtilisateurManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # E-mail addresses are compared without regard to case.
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Une adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class Utilisateur(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: partner agent or CPAM staff. Identified by e-mail."""

    email = models.EmailField(_("adresse e-mail"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    phone = models.CharField(_("téléphone professionnel"), max_length=30, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("date d'inscription"), default=timezone.now)

    objects = UtilisateurManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name"]
        permissions = [
            (
                "reinitialiser_double_authentification",
                _("Réinitialiser la double authentification"),
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name


class EvenementSecurite(models.Model):
    """A trace of every change to how a person logs in (who, what, when; never a secret)."""

    class Type(models.TextChoices):
        ENROLEMENT = "enrolement", _("Double authentification activée")
        CODES_REGENERES = "codes_regeneres", _("Codes de secours régénérés")
        CODE_SECOURS_UTILISE = "code_secours_utilise", _("Code de secours utilisé")
        APPAREIL_REMPLACE = "appareil_remplace", _("Application d'authentification remplacée")
        REINITIALISATION = "reinitialisation", _("Double authentification réinitialisée")
        MOT_DE_PASSE_REINITIALISE = "mot_de_passe_reinitialise", _("Mot de passe réinitialisé")
        MOT_DE_PASSE_MODIFIE = "mot_de_passe_modifie", _("Mot de passe modifié")
        REAUTHENTIFICATION_BLOQUEE = (
            "reauthentification_bloquee",
            _("Confirmation du mot de passe bloquée après trop d'échecs, session fermée"),
        )

    utilisateur = models.ForeignKey(
        Utilisateur,
        verbose_name=_("compte concerné"),
        on_delete=models.CASCADE,
        related_name="evenements_securite",
    )
    auteur = models.ForeignKey(
        Utilisateur,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    type = models.CharField(_("type"), max_length=40, choices=Type.choices)
    motif = models.CharField(_("motif"), max_length=300, blank=True)
    date = models.DateTimeField(_("date"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("événement de sécurité")
        verbose_name_plural = _("événements de sécurité")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.get_type_display()} — {date_heure_courte(self.date)}"


class Courriel(models.Model):
    """Outbox: an e-mail is recorded here first, then sent by a task (retried until sent).

    A broker outage therefore never loses a message nor fails the request that wanted it.
    """

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", _("En attente")
        ENVOYE = "envoye", _("Envoyé")
        ECHEC = "echec", _("Abandonné après plusieurs échecs")

    destinataire = models.EmailField(_("destinataire"))
    sujet = models.CharField(_("sujet"), max_length=200)
    corps = models.TextField(_("corps"))
    statut = models.CharField(
        _("statut"), max_length=20, choices=Statut.choices, default=Statut.EN_ATTENTE
    )
    tentatives = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    cree_le = models.DateTimeField(_("créé le"), default=timezone.now)
    envoye_le = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("courriel")
        verbose_name_plural = _("courriels")
        indexes = [models.Index(fields=["statut", "cree_le"])]

    def __str__(self):
        return self.sujet


class LienWeb(models.URLField):
    """A web address; typed without a scheme ("visio.example/abc") it is read as https://."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class TraceTransition(models.Model):
    """Base of the traces of a lifecycle (conventions, demandes, registrations): who (none when
    automatic), when, why. Each subclass adds its object and its `de` / `vers` states."""

    auteur = models.ForeignKey(
        Utilisateur,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    motif = models.CharField(_("motif"), max_length=500, blank=True)
    date = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["date", "pk"]


class JournalQuerySet(models.QuerySet):
    """The journal is append-only: bulk updates and deletes are refused too."""

    def update(self, **kwargs):
        raise PermissionError("Le journal des accès ne se modifie pas.")

    def delete(self):
        raise PermissionError("Le journal des accès ne se supprime que par la purge.")

    def purger_avant(self, limite) -> int:
        """The only removal: rows older than the retention period (JOURNAL_CONSERVATION_JOURS).
        On PostgreSQL a trigger refuses any other delete; the purge goes through the one
        database function it lets through (migrations 0005 and 0009)."""
        if connection.vendor == "postgresql":
            with connection.cursor() as curseur:
                curseur.execute("SELECT portail_journal_purger(%s)", [limite])
                return curseur.fetchone()[0]
        return models.QuerySet.delete(self.filter(horodatage__lt=limite))[0]


class EntreeJournal(models.Model):
    """Who did what on a demande, its files or personal data, and on accounts — when (UTC) and
    from where. Never a secret nor the text of a message. Append-only; kept
    JOURNAL_CONSERVATION_JOURS days."""

    class Action(models.TextChoices):
        CONSULTATION = "consultation", _("Consultation")
        ECRITURE = "ecriture", _("Écriture")
        CREATION = "creation", _("Création d'une demande")
        TELECHARGEMENT = "telechargement", _("Téléchargement d'un fichier")
        RECHERCHE = "recherche", _("Recherche de demandes")
        EXPORT = "export", _("Export")
        REFUS = "refus", _("Accès refusé")
        CONNEXION = "connexion", _("Connexion")
        CONNEXION_ECHOUEE = "connexion_echouee", _("Échec de connexion")
        DECONNEXION = "deconnexion", _("Déconnexion")
        DOUBLE_AUTHENTIFICATION = "double_authentification", _("Double authentification")
        ANONYMISATION = "anonymisation", _("Anonymisation")

    horodatage = models.DateTimeField(_("date (UTC)"), default=timezone.now, db_index=True)
    utilisateur = models.ForeignKey(
        Utilisateur,
        verbose_name=_("personne"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    vue = models.CharField(_("écran ou opération"), max_length=80, blank=True)
    reference = models.CharField(_("demande"), max_length=20, blank=True, db_index=True)
    adresse_ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    detail = models.CharField(_("précision"), max_length=200, blank=True)

    objects = JournalQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal des accès")
        verbose_name_plural = _("journal des accès")
        ordering = ["-horodatage", "-pk"]
        indexes = [models.Index(fields=["utilisateur", "horodatage"])]
        permissions = [
            ("consulter_journal", _("Consulter et exporter le journal des accès")),
        ]

    def __str__(self):
        return f"{horodatage(self.horodatage)} {self.action} {self.reference}"

    def save(self, *args, **kwargs):
        if self.pk is not None or kwargs.get("force_update"):
            raise PermissionError("Le journal des accès ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Le journal des accès ne se supprime que par la purge.")


#: What the "Données personnelles" page says until a superviseur edits it. Stored on first
#: display (not as field defaults, so that rewording them needs no migration).
REGISTRE_PAR_DEFAUT = {
    "finalites": (
        "Permettre aux structures partenaires ayant signé une convention avec la CPAM "
        "(France Services, CCAS et CIAS, associations, services sociaux) de consulter les "
        "contenus de référence et de transmettre à un expert de la CPAM des demandes urgentes "
        "d'accès aux droits pour les assurés qu'elles accompagnent, puis d'en suivre le "
        "traitement par messagerie sécurisée.\n\n"
        "Organiser les formations des agents partenaires (inscriptions, liste d'attente, "
        "présence).\n\n"
        "Sécuriser le portail : gestion des comptes, double authentification et journal des "
        "accès aux données personnelles.\n\n"
        "Produire des statistiques anonymes sur le partenariat (bilan annuel de la CPAM)."
    ),
    "donnees": (
        "Comptes des utilisateurs (agents partenaires et personnel de la CPAM) : nom, prénom, "
        "adresse e-mail et téléphone professionnels, structure de rattachement et rôle, "
        "événements de sécurité du compte.\n\n"
        "Demandes : pour l'assuré concerné, NIR, nom, prénom, date de naissance, situation "
        "utile au traitement, recueil de son consentement ; messages échangés et pièces "
        "jointes. Seules les informations nécessaires à la demande sont collectées.\n\n"
        "Inscriptions aux formations : session choisie, état de l'inscription, présence.\n\n"
        "Journal des accès : personne, date et heure, action, référence de la demande, "
        "adresse IP. Ni mot de passe ni contenu des messages."
    ),
    "destinataires": (
        "Les experts et superviseurs de la CPAM habilités, pour les demandes qui leur sont "
        "confiées.\n\n"
        "Les agents de la structure partenaire qui a transmis la demande, et son référent.\n\n"
        "Aucune donnée n'est transmise à des tiers ni utilisée à des fins commerciales."
    ),
    # The periods themselves are not text: the page shows them from the settings the purges
    # apply (portail/retention.py); this paragraph only completes them.
    "durees": (
        "Une demande n'est jamais conservée indéfiniment : restée sans message, elle est "
        "clôturée après un préavis adressé aux personnes qui la suivent, puis anonymisée comme "
        "toute demande clôturée. Les statistiques anonymes (catégorie, structure, dates, issue, "
        "délai de réponse ; effectifs des formations) sont conservées."
    ),
    "droits": (
        "Vous disposez d'un droit d'accès, de rectification, d'effacement, de limitation et "
        "d'opposition sur les données qui vous concernent. Depuis votre espace, vous pouvez "
        "télécharger les données que le portail détient sur vous (rubrique « Sécurité du "
        "compte »).\n\n"
        "Pour exercer vos droits, adressez-vous au délégué à la protection des données de la "
        "CPAM. Si vous estimez, après l'avoir contacté, que vos droits ne sont pas respectés, "
        "vous pouvez adresser une réclamation à la CNIL (www.cnil.fr)."
    ),
    "contact_dpo": (
        "Délégué à la protection des données de la CPAM — dpo@cpam-exemple.fr\n"
        "(adresse d'exemple, à remplacer par le contact réel du délégué)"
    ),
}


class RegistreTraitement(models.Model):
    """The processing register shown on the "Données personnelles" page: one row (pk 1),
    edited by superviseurs. Plain text; blank lines separate paragraphs."""

    finalites = models.TextField(_("finalités du traitement"))
    donnees = models.TextField(_("données traitées"))
    destinataires = models.TextField(_("destinataires"))
    durees = models.TextField(
        _("durées de conservation : précisions"),
        help_text=_(
            "Les durées appliquées s'affichent d'elles-mêmes, tirées des réglages du portail : "
            "ce texte les complète, sans chiffre à tenir à jour."
        ),
    )
    droits = models.TextField(_("vos droits"))
    contact_dpo = models.TextField(_("contact du délégué à la protection des données"))
    modifie_le = models.DateTimeField(_("modifié le"), null=True, blank=True, editable=False)
    modifie_par = models.ForeignKey(
        Utilisateur,
        verbose_name=_("modifié par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("registre des traitements")
        verbose_name_plural = _("registre des traitements")

    def __str__(self):
        return str(self._meta.verbose_name)

    def save(self, *args, **kwargs):
        self.pk = 1  # a single register
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Le registre des traitements ne se supprime pas.")


class VersionMenuAdmin(models.Model):
    """One number, raised by every change that can change someone's back-office menu (groups,
    permissions, page and collection rights, pages moved or deleted, profiles): part of the
    key of the cached sidebars (`portail.menu_admin`), read from the database so that every
    web process sees a change at once."""

    valeur = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("version du menu d'administration")
        verbose_name_plural = _("versions du menu d'administration")

    def __str__(self):
        return str(self.valeur)
