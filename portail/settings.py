"""Settings of the portal, read from the environment (see `.env.example`).

Development defaults need no service at all: a SQLite file, tasks run eagerly, e-mails printed on
the console. With `DEBUG` off the portal refuses to start without a real secret key and turns on
every transport and cookie protection that `manage.py check --deploy` looks for.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

# The key shipped for development only; production refuses it.
DEFAULT_SECRET_KEY = "developpement-uniquement-cle-non-secrete-a-remplacer-en-production"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", default=DEFAULT_SECRET_KEY)
if not DEBUG and (not SECRET_KEY or SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY doit être définie (50 caractères au moins, aléatoire) "
        "lorsque DEBUG est désactivé."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
PORTAIL_URL = env("PORTAIL_URL", default="http://127.0.0.1:8000").rstrip("/")
# The caisse that runs the portal: its documents, the header, the footer and the e-mails.
CAISSE_NOM = env("CAISSE_NOM", default="Caisse primaire d'assurance maladie")

INSTALLED_APPS = [
    "portail",
    "cms",
    "conventions",
    "demandes",
    "formations",
    # Wagtail: the single back-office of CPAM staff.
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Security.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "guardian",
    "axes",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # TRACE and other methods no view serves: 405 before anything else runs.
    "portail.middleware.MethodesHttpMiddleware",
    "portail.middleware.PolitiqueScriptsAdministrationMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every response to a logged-in person: Cache-Control: private, no-store.
    "portail.middleware.CacheControlPriveMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portail.middleware.DureeSessionMiddleware",
    "portail.middleware.DoubleAuthentificationMiddleware",
    # Every demande URL and every refusal is journalled (who, when, what, where from).
    "portail.journal.JournalMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A database locked by another writer: the French 503 page even with DEBUG on (demo).
    "portail.erreurs.BaseVerrouilleeMiddleware",
    # Axes last: it turns a lockout raised during authentication into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portail.urls"
WSGI_APPLICATION = "portail.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portail" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL (psycopg 3) through DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
#: Seconds a SQLite connection waits for another writer before "database is locked".
SQLITE_ATTENTE_VERROU = 20
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": SQLITE_ATTENTE_VERROU,
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two writers at once (the editor's autosave racing "Publier", two agents, a task): the WAL
    # journal lets readers go on while one writes; IMMEDIATE transactions take the write lock at
    # BEGIN, so a transaction that reads then writes waits its turn (busy timeout) instead of
    # failing at once with "database is locked" when another one wrote in between.
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts.
AUTH_USER_MODEL = "portail.Utilisateur"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portail:connexion"
# Partners land here; CPAM staff land on their workspace (portail.roles.espace_de).
LOGIN_REDIRECT_URL = "portail:accueil"
LOGOUT_REDIRECT_URL = "portail:accueil"
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour

# Two-factor authentication.
OTP_TOTP_ISSUER = "Solidaires et partenaires"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
DEUX_FACTEURS_CODES_SECOURS = 10
# A second factor is changed only within this delay after the password was typed again.
REAUTHENTIFICATION_DUREE = timedelta(minutes=10)

# Sessions: 30 minutes idle (the cookie is renewed at every request), 10 hours at most.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_DUREE_ABSOLUE = timedelta(hours=10)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login throttling: 5 failures for one account from one address lock that pair only.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "portail.backends.identifiant_axes"
# The key of the username in the credentials axes builds itself (its backend's check of a
# locked pair), as in those Django sends with a failure: both reach identifiant_axes alike.
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "portail/compte_verrouille.html"
AXES_RESET_ON_SUCCESS = True
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "portail.reseau.adresse_client"
AXES_VERBOSE = False

# Guardian: object permissions only for real users.
ANONYMOUS_USER_NAME = None
GUARDIAN_RENDER_403 = False
GUARDIAN_RAISE_403 = False

# Internationalisation.
LANGUAGE_CODE = "fr-fr"
# The portal's one time format, "9 h 00", also where Django and Wagtail format on their own.
FORMAT_MODULE_PATH = ["portail.formats"]
LANGUAGES = [("fr", _("Français"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# Static and media files. Media are never served by a public URL: views check permission first.
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail: console in development, SMTP (smtp+tls://user:password@host:587) in production.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH", str(BASE_DIR / "courriels"))
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL",
    default="Solidaires et partenaires <ne-pas-repondre@solidaires-partenaires.example>",
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis broker; none configured means tasks run eagerly in the web process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=env("REDIS_URL", default=""))
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request must never hang on an unreachable broker: fail fast, the outbox keeps the work.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "socket_connect_timeout": 2}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE = {
    # Wagtail's scheduled publishing (go-live and expiry dates of pages).
    "pages-programmees": {
        "task": "cms.tasks.pages_programmees_publier",
        "schedule": timedelta(minutes=5),
    },
    "courriels-en-attente": {
        "task": "portail.tasks.courriels_en_attente_envoyer",
        "schedule": timedelta(minutes=2),
    },
    # Just after midnight (Paris): conventions reaching their end date expire.
    "conventions-echues": {
        "task": "conventions.tasks.conventions_echues_expirer",
        "schedule": crontab(hour=0, minute=5),
    },
    "conventions-rappels": {
        "task": "conventions.tasks.conventions_rappels_envoyer",
        "schedule": crontab(hour=7, minute=30),
    },
    "journal-purge": {
        "task": "portail.tasks.journal_purger",
        "schedule": crontab(hour=3, minute=45),
    },
    # Retention of the personal data the register lists (see the *_CONSERVATION_* settings).
    "portail-retention": {
        "task": "portail.tasks.retention_appliquer",
        "schedule": crontab(hour=3, minute=50),
    },
    "conventions-retention": {
        "task": "conventions.tasks.retention_appliquer",
        "schedule": crontab(hour=3, minute=55),
    },
    "rencontres-retention": {
        "task": "cms.tasks.retention_appliquer",
        "schedule": crontab(hour=4, minute=5),
    },
    "formations-retention": {
        "task": "formations.tasks.retention_appliquer",
        "schedule": crontab(hour=4, minute=0),
    },
    "sessions-expirees": {
        "task": "portail.tasks.sessions_expirees_purger",
        "schedule": crontab(hour=3, minute=15),
    },
    # Service levels of demandes: warnings, escalations, partner reminders, closures.
    "demandes-delais": {
        "task": "demandes.tasks.delais_surveiller",
        "schedule": timedelta(minutes=5),
    },
    # Absences that start hand the expert's demandes over; those that end give them back.
    "demandes-absences": {
        "task": "demandes.tasks.absences_appliquer",
        "schedule": timedelta(minutes=5),
    },
    "demandes-retention": {
        "task": "demandes.tasks.retention_appliquer",
        "schedule": crontab(hour=2, minute=30),
    },
    "demandes-pieces-orphelines": {
        "task": "demandes.tasks.pieces_orphelines_purger",
        "schedule": crontab(hour=3, minute=30),
    },
    "flash-infos-resume": {
        "task": "cms.tasks.resume_quotidien_envoyer",
        "schedule": crontab(hour=7, minute=0),
    },
    # Training reminders 7 days and 1 day before, each sent once (stamped).
    "formations-rappels": {
        "task": "formations.tasks.rappels_envoyer",
        "schedule": crontab(minute=10),
    },
    "formations-sessions-terminees": {
        "task": "formations.tasks.sessions_terminees_realiser",
        "schedule": crontab(hour=0, minute=20),
    },
    # Rencontre reminders the day before, each sent once (stamped).
    "rencontres-rappels": {
        "task": "cms.tasks.rencontres_rappels_envoyer",
        "schedule": crontab(minute=15),
    },
}
# After the broker refused an e-mail, a process leaves the next ones to the outbox's sweep for
# this many seconds instead of paying the connection timeout again for each.
BROKER_PAUSE_APRES_PANNE = env.int("BROKER_PAUSE_APRES_PANNE", default=30)

# Cache: each web process's own memory, for figures that may be a few minutes old (dashboards).
# Deliberately not Redis: pages must keep working while the broker is down.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "portail",
    }
}
# Dashboards are recomputed at most this often (seconds; 0: at every display).
TABLEAUX_CACHE_SECONDES = env.int("TABLEAUX_CACHE_SECONDES", default=600)

# Business days the partnership service takes to answer a structure asking to join.
CONVENTIONS_DELAI_REPONSE_ADHESION_JOURS = 10

# Demandes: service levels in business minutes (Monday–Friday 8:30–17:30, 540 a day).
DEMANDES_DELAI_URGENTE = 4 * 60
DEMANDES_DELAI_NORMALE = 2 * 540
DEMANDES_RELANCE_PARTENAIRE = 5 * 540  # "en attente" for 5 business days: remind the partner
DEMANDES_JOURS_AVANT_CLOTURE = 15  # résolue → clôturée, and the partner's window to reopen
# Months a closed demande keeps the insured person's data before the nightly anonymisation.
DEMANDES_CONSERVATION_MOIS = env.int("DEMANDES_CONSERVATION_MOIS", default=12)
# No demande stays open forever (its insured person's data would never reach anonymisation).
# Calendar days, counted from the last message of the thread: a demande "en attente du
# partenaire" is closed "sans suite" after DEMANDES_CLOTURE_SANS_REPONSE_JOURS, a "nouvelle" or
# "en cours" one after DEMANDES_CLOTURE_INACTIVITE_JOURS; the people following it are told
# DEMANDES_PREAVIS_CLOTURE_JOURS before (e-mail and in-portal notice).
DEMANDES_CLOTURE_SANS_REPONSE_JOURS = env.int("DEMANDES_CLOTURE_SANS_REPONSE_JOURS", default=30)
DEMANDES_CLOTURE_INACTIVITE_JOURS = env.int("DEMANDES_CLOTURE_INACTIVITE_JOURS", default=180)
DEMANDES_PREAVIS_CLOTURE_JOURS = env.int("DEMANDES_PREAVIS_CLOTURE_JOURS", default=7)
# Files uploaded with a demande form that was never sent are deleted after this many hours.
DEMANDES_PIECES_ORPHELINES_HEURES = env.int("DEMANDES_PIECES_ORPHELINES_HEURES", default=24)
DEMANDES_TAILLE_MAX_FICHIER = 10 * 1024 * 1024

# Retention of the other personal data the register lists, each purged by a nightly task and
# shown on the "Données personnelles" page from these values (portail/retention.py).
# Access journal (CNIL: 6 months to 1 year for access traces).
JOURNAL_CONSERVATION_JOURS = env.int("JOURNAL_CONSERVATION_JOURS", default=365)
# Never shorter: on PostgreSQL the journal's trigger refuses to delete a younger row
# (portail/migrations/0009_journal_purge_bornee.py).
JOURNAL_CONSERVATION_MIN_JOURS = 180
if JOURNAL_CONSERVATION_JOURS < JOURNAL_CONSERVATION_MIN_JOURS:
    raise ImproperlyConfigured(
        f"JOURNAL_CONSERVATION_JOURS ne peut pas être inférieure à {JOURNAL_CONSERVATION_MIN_JOURS}"
        " jours (traces d'accès, recommandation de la CNIL)."
    )
# Security events of an account (second factor, password changes): same span as the journal.
EVENEMENTS_SECURITE_CONSERVATION_JOURS = env.int(
    "EVENEMENTS_SECURITE_CONSERVATION_JOURS", default=365
)
# Login attempts recorded by django-axes (address, identifier typed, browser): the lockout
# needs 15 minutes; a month leaves time to investigate an attack.
TENTATIVES_CONNEXION_CONSERVATION_JOURS = env.int(
    "TENTATIVES_CONNEXION_CONSERVATION_JOURS", default=30
)
# Outbox e-mails (recipient's address and first name), sent or not: long enough to answer
# "did I get the e-mail?", then deleted.
COURRIELS_CONSERVATION_JOURS = env.int("COURRIELS_CONSERVATION_JOURS", default=30)
# Invitations (invitee's e-mail address), deleted this many days after they expired or were used.
INVITATIONS_CONSERVATION_JOURS = env.int("INVITATIONS_CONSERVATION_JOURS", default=90)
# "Devenir partenaire" requests: the contact's details are erased this many months after the
# request was answered (or received, if never answered); the structure and outcome stay.
DEMANDES_ADHESION_CONSERVATION_MOIS = env.int("DEMANDES_ADHESION_CONSERVATION_MOIS", default=12)
# Training registrations: detached from the person this many months after the session ended
# (the "trained in the last 12 months" indicators and the yearly report need a year and more);
# counts per session, structure and state stay.
FORMATIONS_CONSERVATION_MOIS = env.int("FORMATIONS_CONSERVATION_MOIS", default=24)
DEMANDES_PIECES_PAR_MESSAGE = 5
# The inbox: at most this many demandes given to one expert in one go (a superviseur's
# selection on a page), and this many saved filters per person.
DEMANDES_ATTRIBUTION_GROUPEE_MAX = 100
DEMANDES_FILTRES_ENREGISTRES_MAX = 20
#: Longest absence declared at once (days); a longer one is declared in several parts.
DEMANDES_ABSENCE_DUREE_MAX_JOURS = env.int("DEMANDES_ABSENCE_DUREE_MAX_JOURS", default=366)
# The phone line partners call for very urgent situations (shown instead of the form).
DEMANDES_TELEPHONE_TRES_URGENT = env("DEMANDES_TELEPHONE_TRES_URGENT", default="36 46")
# Uploads: files above 2.5 MB go to a temporary file, the whole request is capped a bit above
# 5 files of 10 MB so that a refused file still gets a French message, not a 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024

# Where a vulnerability is reported (SECURITE.md, /.well-known/security.txt).
SECURITE_CONTACT = env("SECURITE_CONTACT", default="mailto:securite@solidaires-partenaires.example")
# Business days to acknowledge a reported security flaw (page "Sécurité").
SECURITE_DELAI_ACCUSE_RECEPTION_JOURS = 2

# Wagtail.
WAGTAIL_SITE_NAME = "Solidaires et partenaires"
WAGTAILADMIN_BASE_URL = PORTAIL_URL
WAGTAILADMIN_LOGIN_URL = "portail:connexion"
WAGTAIL_PASSWORD_RESET_ENABLED = False
# No password change form on the back-office account page: it checked the old password with
# no attempt limit, an oracle for someone holding a stolen session. A password is changed by
# the e-mail link of "Mot de passe oublié", for CPAM staff as for partners.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
# Nor an e-mail change: the address is the login and where password links go; changing it
# with a session alone would let a session thief take the account. Superviseurs change it.
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAIL_PRIVACY_PASSWORD_ENABLED = False
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # French stemming without accents, created by cms/migrations/0003_recherche_francaise.py.
    WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] = "francais"
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français")]
# One time zone for everybody: deadlines, e-mails and exports are written in Paris time, and a
# back-office screen must not show another hour than the partner's page (portail/dates.py).
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
WAGTAIL_USER_CUSTOM_FIELDS = ["phone"]
# No Gravatar: the admin must not call a third-party service with users' e-mail hashes.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Content Security Policy: every asset is served by the portal itself. No inline script runs;
# in the back-office only, Wagtail's own inline initialisers get the response's nonce
# (portail/scripts_admin.py, through PolitiqueScriptsAdministrationMiddleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Wagtail's admin sets style attributes from its scripts.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# HTTP hardening, always on; transport security only when DEBUG is off (behind a TLS proxy).
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies: Secure, no Domain, Path=/ — they cannot be set by a sibling host.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Logging: no personal data; the request line is enough and contains none (see DESIGN.md).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"simple": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "simple"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # Wagtail's index and reference updates, one line per saved object otherwise.
        "django_tasks": {"level": "WARNING"},
        # A refused PDF is explained to the person; pypdf's warnings on it are noise.
        "pypdf": {"level": "ERROR"},
    },
}
