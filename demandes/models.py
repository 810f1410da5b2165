"""Demandes: requests from partner agents to CPAM experts, their thread, files and routing."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conventions.models import Partenaire, valider_departement
from portail.dates import date_courte
from portail.identifiants import nir_valider, telephone_normaliser
from portail.models import TraceTransition

from .calendrier import Territoire

#: The longest message (and answer draft) an expert may write.
LONGUEUR_MAX_MESSAGE = 10000


class Categorie(models.Model):
    """What a demande is about; partners pick one, routing rules and service levels key on it."""

    class Champs(models.TextChoices):
        """Extra questions some categories ask, defined in code (see forms.CHAMPS_SPECIFIQUES)."""

        AUCUN = "", _("Aucun")
        CARTE_VITALE = "carte_vitale", _("Carte Vitale : situation de la carte")
        INDEMNITES = "indemnites", _("Indemnités : type de revenu et date d'arrêt")

    slug = models.SlugField(
        _("identifiant"),
        max_length=40,
        unique=True,
        help_text=_("Utilisé par les boutons « Faire une demande » des fiches pratiques."),
    )
    libelle = models.CharField(_("libellé"), max_length=120)
    code = models.CharField(
        _("code court"),
        max_length=10,
        unique=True,
        help_text=_("Utilisé dans les codes des règles de routage, par exemple CSS."),
    )
    description = models.TextField(_("description"), blank=True)
    delai_urgente = models.PositiveIntegerField(
        _("délai de première réponse, demande urgente (minutes ouvrées)"),
        null=True,
        blank=True,
        help_text=_("Vide : le délai par défaut du portail (réglage DEMANDES_DELAI_URGENTE)."),
    )
    delai_normale = models.PositiveIntegerField(
        _("délai de première réponse, demande normale (minutes ouvrées)"),
        null=True,
        blank=True,
        help_text=_("Vide : le délai par défaut du portail (réglage DEMANDES_DELAI_NORMALE)."),
    )
    champs = models.CharField(
        _("questions complémentaires"),
        max_length=20,
        choices=Champs.choices,
        blank=True,
        default=Champs.AUCUN,
    )
    active = models.BooleanField(_("proposée aux partenaires"), default=True)
    ordre = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)

    class Meta:
        verbose_name = _("catégorie de demande")
        verbose_name_plural = _("catégories de demande")
        ordering = ["ordre", "libelle"]

    def __str__(self):
        return self.libelle

    def delai(self, urgence: str) -> int:
        """Business minutes allowed for the first answer."""
        if urgence == Demande.Urgence.URGENTE:
            return self.delai_urgente or settings.DEMANDES_DELAI_URGENTE
        return self.delai_normale or settings.DEMANDES_DELAI_NORMALE


def valider_telephone_tres_urgent(valeur: str) -> None:
    telephone_normaliser(valeur, numero_court=True)


class Equipe(models.Model):
    """A team of experts (a platform, a service); its superviseurs are told when it struggles."""

    nom = models.CharField(_("nom"), max_length=120, unique=True)
    superviseurs = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("superviseurs"),
        related_name="equipes_supervisees",
        blank=True,
    )
    email = models.EmailField(
        _("adresse de l'équipe"),
        blank=True,
        help_text=_("Prévenue lorsqu'une demande reste sans expert attribué."),
    )
    telephone_tres_urgent = models.CharField(
        _("ligne « très urgent » de l'équipe"),
        max_length=20,
        blank=True,
        validators=[valider_telephone_tres_urgent],
        help_text=_(
            "Numéro que les partenaires de son territoire appellent pour une situation très "
            "urgente. Vide : la ligne nationale des partenaires."
        ),
    )
    territoire = models.CharField(
        _("territoire"),
        max_length=20,
        choices=Territoire.choices,
        default=Territoire.METROPOLE,
        help_text=_(
            "Les délais de ses demandes sont comptés en jours ouvrés de ce territoire : ses "
            "jours fériés (Vendredi saint et 26 décembre en Alsace-Moselle, c'est-à-dire "
            "Bas-Rhin, Haut-Rhin et Moselle ; abolition de l'esclavage outre-mer…) et ses "
            "heures d'ouverture, à l'heure locale."
        ),
    )

    class Meta:
        verbose_name = _("équipe d'experts")
        verbose_name_plural = _("équipes d'experts")
        ordering = ["nom"]

    def __str__(self):
        return self.nom


class Expert(models.Model):
    utilisateur = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="expert",
        verbose_name=_("compte"),
    )
    equipe = models.ForeignKey(
        Equipe, on_delete=models.PROTECT, related_name="experts", verbose_name=_("équipe")
    )
    actif = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["utilisateur__last_name", "utilisateur__first_name"]

    def __str__(self):
        return self.utilisateur.get_full_name() or self.utilisateur.email


class Absence(models.Model):
    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="absences", verbose_name=_("expert")
    )
    debut = models.DateTimeField(_("début"))
    fin = models.DateTimeField(_("fin"))
    suppleant = models.ForeignKey(
        Expert,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suppleances",
        verbose_name=_("suppléant pendant l'absence"),
        help_text=_("Reçoit les demandes de l'expert absent, avant le suppléant de la règle."),
    )
    motif = models.CharField(_("motif (facultatif)"), max_length=200, blank=True)
    # When the expert took back the demandes handed over for this absence (once).
    reprise_le = models.DateTimeField(_("demandes reprises le"), null=True, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["-debut"]
        indexes = [models.Index(fields=["expert", "debut", "fin"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__gt=models.F("debut")), name="absence_fin_apres_debut"
            )
        ]

    def __str__(self):
        return f"{self.expert} ({date_courte(self.debut)} – {date_courte(self.fin)})"


class RegleRoutage(models.Model):
    """Category × territory → a named expert and a named substitute, or the team's least-loaded
    expert (mode).

    Territory is one structure, one département, or everywhere (both empty); a rule without
    category applies to every category. The most specific rule wins: structure, then
    département, then everywhere; at equal territory, the rule naming the category.
    """

    class Mode(models.TextChoices):
        EXPERT_NOMME = "expert_nomme", _("Expert nommé")
        EQUIPE_MOINS_CHARGE = "equipe_moins_charge", _("Équipe, le moins chargé")

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        blank=True,
        help_text=_("Vide : calculé, par exemple D37-CSS."),
    )
    mode = models.CharField(
        _("attribution"),
        max_length=20,
        choices=Mode.choices,
        default=Mode.EXPERT_NOMME,
        help_text=_(
            "Expert nommé : le titulaire, ou son suppléant s'il est absent. Équipe, le moins "
            "chargé : l'expert présent de l'équipe du titulaire qui a le moins de demandes "
            "ouvertes."
        ),
    )
    categorie = models.ForeignKey(
        Categorie,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="regles",
        verbose_name=_("catégorie"),
        help_text=_("Vide : toutes les catégories."),
    )
    partenaire = models.ForeignKey(
        Partenaire,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="regles_routage",
        verbose_name=_("structure"),
    )
    departement = models.CharField(
        _("département"), max_length=3, blank=True, validators=[valider_departement]
    )
    titulaire = models.ForeignKey(
        Expert,
        on_delete=models.PROTECT,
        related_name="regles_titulaire",
        verbose_name=_("titulaire"),
    )
    suppleant = models.ForeignKey(
        Expert,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="regles_suppleant",
        verbose_name=_("suppléant"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("règle de routage")
        verbose_name_plural = _("règles de routage")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["partenaire", "categorie"]),
            models.Index(fields=["departement", "categorie"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(partenaire__isnull=True) | Q(departement=""),
                name="regle_un_seul_territoire",
                violation_error_message=_(
                    "Choisissez une structure ou un département, pas les deux."
                ),
            ),
            models.UniqueConstraint(
                fields=["categorie", "partenaire"],
                condition=Q(partenaire__isnull=False, active=True),
                name="regle_unique_structure",
                violation_error_message=_(
                    "Une règle active existe déjà pour cette catégorie et cette structure."
                ),
            ),
            models.UniqueConstraint(
                fields=["categorie", "departement"],
                condition=Q(partenaire__isnull=True, active=True),
                name="regle_unique_departement",
                violation_error_message=_(
                    "Une règle active existe déjà pour cette catégorie et ce département."
                ),
            ),
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        if not self.code:
            # Suffixed when an older (inactive) rule already took the computed code.
            base = code = self.code_calcule()
            rang = 1
            while RegleRoutage.objects.filter(code=code).exclude(pk=self.pk).exists():
                rang += 1
                code = f"{base}-{rang}"
            self.code = code
        super().save(*args, **kwargs)

    def code_calcule(self) -> str:
        if self.partenaire_id:
            territoire = f"S{self.partenaire_id}"
        elif self.departement:
            territoire = f"D{self.departement}"
        else:
            territoire = "TOUS"
        return f"{territoire}-{self.categorie.code if self.categorie_id else 'TOUT'}"


class CompteurDemande(models.Model):
    """Last reference number given per year, locked while a demande takes the next one."""

    annee = models.PositiveSmallIntegerField(primary_key=True)
    dernier = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.annee} : {self.dernier}"


def cles_de_tri_boite() -> tuple:
    """The keys of the inbox order (see `selectors.trier_par_niveau_de_service`) that do not
    depend on the time of reading, so that an index can hold them: the place (clock running,
    answered, waiting for the partner, closed), the moment that orders a place (deadline, or
    start of the wait), urgent first at an equal moment. Plain status strings: the class body
    of Demande cannot reach its own choices."""
    horloge = Q(repondue_le__isnull=True, statut__in=["nouvelle", "en_cours"])
    rang = models.Case(
        models.When(horloge, then=models.Value(0)),
        models.When(statut__in=["nouvelle", "en_cours"], then=models.Value(1)),
        models.When(statut="en_attente", then=models.Value(2)),
        default=models.Value(3),
        output_field=models.IntegerField(),
    )
    moment = models.Case(
        models.When(statut="en_attente", then=models.F("en_attente_depuis")),
        models.When(statut__in=["nouvelle", "en_cours"], then=models.F("echeance")),
        default=models.Value(None),
        output_field=models.DateTimeField(),
    )
    urgence = models.Case(
        models.When(urgence="urgente", then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )
    return rang, moment, urgence


class Demande(models.Model):
    class Statut(models.TextChoices):
        NOUVELLE = "nouvelle", _("Nouvelle")
        EN_COURS = "en_cours", _("En cours")
        EN_ATTENTE = "en_attente", _("En attente du partenaire")
        RESOLUE = "resolue", _("Résolue")
        CLOTUREE = "cloturee", _("Clôturée")

    class Urgence(models.TextChoices):
        NORMALE = "normale", _("Normale")
        URGENTE = "urgente", _("Urgente")

    class Issue(models.TextChoices):
        DROITS_OUVERTS = "droits_ouverts", _("Droits ouverts")
        CARTE_COMMANDEE = "carte_commandee", _("Carte commandée")
        DOSSIER_REGULARISE = "dossier_regularise", _("Dossier régularisé")
        REORIENTEE = "reorientee", _("Réorientée")
        SANS_SUITE = "sans_suite", _("Sans suite")

    OUVERTES = [Statut.NOUVELLE, Statut.EN_COURS, Statut.EN_ATTENTE]

    reference = models.CharField(_("référence"), max_length=20, unique=True, editable=False)
    partenaire = models.ForeignKey(
        Partenaire, on_delete=models.PROTECT, related_name="demandes", verbose_name=_("structure")
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="demandes_envoyees",
        verbose_name=_("agent"),
    )
    partagee = models.BooleanField(
        _("partagée avec la structure"),
        default=True,
        help_text=_("Les autres agents de la structure peuvent la suivre et y répondre."),
    )
    categorie = models.ForeignKey(
        Categorie, on_delete=models.PROTECT, related_name="demandes", verbose_name=_("catégorie")
    )
    urgence = models.CharField(
        _("urgence"), max_length=10, choices=Urgence.choices, default=Urgence.NORMALE
    )
    complements = models.JSONField(_("précisions"), default=dict, blank=True)
    objet = models.CharField(_("objet"), max_length=150)

    # The insured person: the sensitive core (never in URLs, e-mails or logs).
    nir = models.CharField(
        _("numéro de sécurité sociale"), max_length=15, blank=True, validators=[nir_valider]
    )
    nom = models.CharField(_("nom de l'assuré"), max_length=100, blank=True)
    prenom = models.CharField(_("prénom de l'assuré"), max_length=100, blank=True)
    date_naissance = models.DateField(_("date de naissance"), null=True, blank=True)
    consentement_le = models.DateTimeField(_("accord de l'assuré recueilli le"))
    consentement_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("accord recueilli par"),
    )

    statut = models.CharField(
        _("statut"), max_length=12, choices=Statut.choices, default=Statut.NOUVELLE
    )
    issue = models.CharField(_("issue"), max_length=20, choices=Issue.choices, blank=True)
    equipe = models.ForeignKey(
        Equipe, on_delete=models.PROTECT, related_name="demandes", verbose_name=_("équipe")
    )
    expert = models.ForeignKey(
        Expert,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demandes",
        verbose_name=_("expert attribué"),
    )
    attribuee_le = models.DateTimeField(_("suivie par cet expert depuis le"), default=timezone.now)
    # Set while the demande is held by someone else during its expert's absence: the return
    # gives it back (see demandes.continuite).
    remise_pour = models.ForeignKey(
        Absence,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demandes_remises",
        verbose_name=_("confiée pendant l'absence"),
    )

    cree_le = models.DateTimeField(_("envoyée le"), default=timezone.now)
    modifiee_le = models.DateTimeField(_("dernière activité"), default=timezone.now)
    # Service level: deadline and 75 % threshold of the first answer, moved when the clock
    # pauses (waiting for the partner), so that the sweep and the inbox filter in the database.
    delai_accorde = models.PositiveIntegerField(_("délai accordé (minutes ouvrées)"))
    echeance = models.DateTimeField(_("réponse attendue avant"))
    seuil_alerte = models.DateTimeField(_("alerte à 75 % du délai"))
    repondue_le = models.DateTimeField(_("première réponse le"), null=True, blank=True)
    delai_reponse = models.PositiveIntegerField(
        _("délai de première réponse (minutes ouvrées, pauses déduites)"), null=True, blank=True
    )
    en_attente_depuis = models.DateTimeField(_("en attente depuis"), null=True, blank=True)
    relance_partenaire_a = models.DateTimeField(
        _("relance du partenaire prévue le"), null=True, blank=True
    )
    resolue_le = models.DateTimeField(_("résolue le"), null=True, blank=True)
    cloturee_le = models.DateTimeField(_("clôturée le"), null=True, blank=True)
    reouvertures = models.PositiveSmallIntegerField(_("réouvertures"), default=0)
    # Retention: the insured person's data is erased after the retention period.
    preavis_retention_le = models.DateTimeField(null=True, blank=True, editable=False)
    # Notice that an open demande without activity will be closed; void once the thread moves
    # again (older than `modifiee_le`).
    preavis_cloture_le = models.DateTimeField(null=True, blank=True, editable=False)
    anonymisee_le = models.DateTimeField(_("anonymisée le"), null=True, blank=True)
    # Each reminder is stamped when sent, so that it goes out once.
    alerte_envoyee_le = models.DateTimeField(null=True, blank=True, editable=False)
    escalade_le = models.DateTimeField(null=True, blank=True, editable=False)
    relance_envoyee_le = models.DateTimeField(null=True, blank=True, editable=False)

    # Read state, one flag per side.
    nouveau_pour_partenaire = models.BooleanField(default=False)
    nouveau_pour_cpam = models.BooleanField(default=True)
    # When the CPAM side last opened it: a partner message after that is news for the inbox.
    lue_cpam_le = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("demande")
        verbose_name_plural = _("demandes")
        ordering = ["-cree_le"]
        indexes = [
            models.Index(fields=["partenaire", "statut", "cree_le"]),
            models.Index(fields=["expert", "statut", "echeance"]),
            models.Index(fields=["equipe", "statut", "echeance"]),
            models.Index(fields=["statut", "echeance"]),
            models.Index(fields=["nir"]),
            # The inbox tabs read open demandes by deadline, 50 at a time: these partial indexes
            # give them in order (the statuses are those of OUVERTES, which the class body
            # cannot reach from here; a test checks they agree).
            models.Index(
                fields=["equipe", "echeance", "id"],
                condition=Q(statut__in=["nouvelle", "en_cours", "en_attente"]),
                name="demande_ouverte_equipe_idx",
            ),
            models.Index(
                fields=["expert", "echeance", "id"],
                condition=Q(statut__in=["nouvelle", "en_cours", "en_attente"]),
                name="demande_ouverte_expert_idx",
            ),
            # ... and in the service-level order (a team's tab, an expert's own tab).
            models.Index(
                "equipe",
                *cles_de_tri_boite(),
                "id",
                condition=Q(statut__in=["nouvelle", "en_cours", "en_attente"]),
                name="demande_tri_equipe_idx",
            ),
            models.Index(
                "expert",
                *cles_de_tri_boite(),
                "id",
                condition=Q(statut__in=["nouvelle", "en_cours", "en_attente"]),
                name="demande_tri_expert_idx",
            ),
            # ... and for every team at once: a superviseur's "Mon équipe" (all the teams they
            # supervise), "Non attribuées" and "En retard" read it in order and stop at the page.
            models.Index(
                *cles_de_tri_boite(),
                "id",
                condition=Q(statut__in=["nouvelle", "en_cours", "en_attente"]),
                name="demande_tri_idx",
            ),
            # The inbox's structure filter: the structures of a team, read from the index only.
            models.Index(fields=["equipe", "partenaire"], name="demande_equipe_structure_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(nir="")
                | (~Q(nom="") & ~Q(prenom="") & Q(date_naissance__isnull=False))
                | Q(anonymisee_le__isnull=False),
                name="demande_assure_identifie",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def ouverte(self) -> bool:
        return self.statut in self.OUVERTES

    @property
    def en_retard(self) -> bool:
        return (
            self.repondue_le is None
            and self.statut in (self.Statut.NOUVELLE, self.Statut.EN_COURS)
            and self.echeance <= timezone.now()
        )


class Message(models.Model):
    class Type(models.TextChoices):
        MESSAGE = "message", _("Message")
        NOTE = "note", _("Note interne")
        INFORMATION = "information", _("Demande d'information")
        RESOLUTION = "resolution", _("Résolution")
        EVENEMENT = "evenement", _("Événement")

    #: What the partner reads as an answer of the CPAM (not a note, not an automatic event).
    TYPES_REPONSE = (Type.MESSAGE, Type.INFORMATION, Type.RESOLUTION)

    class Cote(models.TextChoices):
        PARTENAIRE = "partenaire", _("Partenaire")
        CPAM = "cpam", _("CPAM")

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="messages")
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cote = models.CharField(max_length=10, choices=Cote.choices)
    type = models.CharField(max_length=12, choices=Type.choices, default=Type.MESSAGE)
    corps = models.TextField(_("message"))
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["cree_le", "pk"]
        indexes = [models.Index(fields=["demande", "cree_le"])]

    def __str__(self):
        return f"{self.demande} – {self.get_type_display()}"

    @property
    def visible_partenaire(self) -> bool:
        return self.type != self.Type.NOTE


def _chemin_piece(instance, _nom_envoye):
    # Server-generated name: nothing the user typed reaches the file system.
    return f"demandes/{timezone.now():%Y/%m}/{instance.uuid.hex}"


class PieceJointe(models.Model):
    """A file attached to a message. Uploaded first (kept if the rest of the form fails), then
    attached when the message is sent; never served by a public URL."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="pieces"
    )
    deposee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    fichier = models.FileField(upload_to=_chemin_piece, max_length=200)
    nom = models.CharField(_("nom du fichier"), max_length=150)
    type_mime = models.CharField(max_length=40)
    taille = models.PositiveIntegerField()
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["cree_le", "pk"]

    def __str__(self):
        return self.nom


class DecisionRoutage(models.Model):
    """Who got a demande and why ("règle D37-CSS, titulaire absent → suppléant")."""

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="routages")
    regle = models.ForeignKey(
        RegleRoutage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    equipe = models.ForeignKey(Equipe, on_delete=models.PROTECT, related_name="+")
    expert = models.ForeignKey(
        Expert, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    motif = models.CharField(_("motif"), max_length=300)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Vide : décision automatique."),
    )
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("décision de routage")
        verbose_name_plural = _("décisions de routage")
        ordering = ["cree_le", "pk"]

    def __str__(self):
        return self.motif


class TransitionDemande(TraceTransition):
    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="transitions")
    de = models.CharField(_("ancien statut"), max_length=12, choices=Demande.Statut.choices)
    vers = models.CharField(_("nouveau statut"), max_length=12, choices=Demande.Statut.choices)

    class Meta(TraceTransition.Meta):
        verbose_name = _("changement de statut d'une demande")
        verbose_name_plural = _("changements de statut des demandes")

    def __str__(self):
        return f"{self.demande} : {self.de} → {self.vers}"


class ReponseType(models.Model):
    """A canned reply of a team; the expert edits it before sending."""

    equipe = models.ForeignKey(
        Equipe, on_delete=models.CASCADE, related_name="reponses_types", verbose_name=_("équipe")
    )
    titre = models.CharField(_("titre"), max_length=120)
    corps = models.TextField(_("texte"))
    categorie = models.ForeignKey(
        Categorie,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("catégorie"),
        help_text=_("Vide : proposée pour toutes les catégories."),
    )

    class Meta:
        verbose_name = _("réponse type")
        verbose_name_plural = _("réponses types")
        ordering = ["equipe", "titre"]

    def __str__(self):
        return self.titre


class Avis(models.Model):
    """An in-portal notice: what happened on a demande, for one person, until they open it."""

    destinataire = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="avis_demandes"
    )
    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="avis")
    texte = models.CharField(max_length=200)
    cree_le = models.DateTimeField(default=timezone.now)
    lu_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("avis")
        verbose_name_plural = _("avis")
        ordering = ["-cree_le"]
        indexes = [models.Index(fields=["destinataire", "lu_le"])]

    def __str__(self):
        return self.texte


class BrouillonReponse(models.Model):
    """The answer an expert is writing on a demande, kept when they leave the screen; theirs
    alone, deleted once the answer is sent and when the demande is closed."""

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="brouillons")
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="brouillons_reponse"
    )
    corps = models.TextField(_("texte"), max_length=LONGUEUR_MAX_MESSAGE)
    modifie_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("brouillon de réponse")
        verbose_name_plural = _("brouillons de réponse")
        constraints = [
            models.UniqueConstraint(
                fields=["demande", "auteur"], name="brouillon_unique_par_expert_et_demande"
            )
        ]

    def __str__(self):
        return _("Brouillon de réponse")


class FiltreEnregistre(models.Model):
    """A person's named set of inbox filters (a tab and its filters, never a search: a NIR
    must not be stored with them), re-applied in one click."""

    NOM_LONGUEUR_MAX = 60

    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="filtres_boite"
    )
    nom = models.CharField(_("nom du filtre"), max_length=NOM_LONGUEUR_MAX)
    parametres = models.JSONField(default=dict)
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("filtre enregistré")
        verbose_name_plural = _("filtres enregistrés")
        ordering = ["nom", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["utilisateur", "nom"], name="filtre_nom_unique")
        ]

    def __str__(self):
        return self.nom
