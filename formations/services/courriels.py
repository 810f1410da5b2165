"""The e-mails of trainings, all through the outbox (`courriel_programmer`).

They name nobody but their recipient: no colleague, no référent, no other agent.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portail.dates import date_longue, heure, jour_de_paris
from portail.liens import adresse_absolue
from portail.services import courriel_programmer

from ..models import Inscription, Session


def url(nom: str, *args) -> str:
    return adresse_absolue(nom, *args)


def quand(session: Session) -> str:
    """« mardi 9 mars 2027, de 09:30 à 12:30 » in Paris time and in French, whatever the active
    zone and language."""
    debut, fin = session.debut, session.fin
    with translation.override(settings.LANGUAGE_CODE):
        if jour_de_paris(debut) != jour_de_paris(fin):
            return _("du %(debut)s au %(fin)s") % {
                "debut": f"{date_longue(debut)} {heure(debut)}",
                "fin": f"{date_longue(fin)} {heure(fin)}",
            }
        return _("%(jour)s, de %(debut)s à %(fin)s") % {
            "jour": date_longue(debut),
            "debut": heure(debut),
            "fin": heure(fin),
        }


def ou(session: Session, *, avec_lien: bool) -> str:
    if session.mode == Session.Mode.PRESENTIEL:
        return _("Lieu : %(lieu)s") % {"lieu": session.lieu}
    if avec_lien:
        return _("À distance. Lien de la visioconférence : %(lien)s") % {"lien": session.lien_visio}
    return _("À distance (le lien est communiqué aux personnes inscrites).")


def _bonjour(agent) -> str:
    return _("Bonjour %(prenom)s,") % {"prenom": agent.first_name} if agent.first_name else ""


def _envoyer(inscription: Inscription, sujet: str, paragraphes: list[str]) -> None:
    agent = inscription.agent
    corps = "\n\n".join(p for p in [_bonjour(agent), *paragraphes] if p)
    courriel_programmer(destinataire=agent.email, sujet=sujet, corps=corps + "\n")


def _detail(session: Session, *, avec_lien: bool) -> str:
    return "\n".join(
        [
            f"« {session.titre} » ({session.programme.intitule})",
            quand(session),
            ou(session, avec_lien=avec_lien),
        ]
    )


def _liens(session: Session) -> str:
    return _(
        "Le détail de la session et le fichier pour votre agenda :\n%(session)s\n\n"
        "Vos inscriptions : %(mes)s"
    ) % {
        "session": url("formations:session", session.pk),
        "mes": url("formations:mes_inscriptions"),
    }


def inscription_confirmee(inscription: Inscription, *, par_referent: bool) -> None:
    session = inscription.session
    introduction = (
        _(
            "Le référent de votre structure a enregistré votre inscription à la session de "
            "formation :"
        )
        if par_referent
        else _("Votre inscription à la session de formation est confirmée :")
    )
    _envoyer(
        inscription,
        _("Inscription confirmée : %(titre)s") % {"titre": session.titre},
        [
            introduction,
            _detail(session, avec_lien=True),
            _(
                "Si vous ne pouvez plus venir, annulez votre inscription au plus tôt : votre "
                "place ira à la première personne de la liste d'attente."
            ),
            _liens(session),
        ],
    )


def liste_attente(inscription: Inscription, *, rang: int, par_referent: bool) -> None:
    session = inscription.session
    introduction = (
        _(
            "Le référent de votre structure a enregistré votre inscription en liste d'attente "
            "de la session :"
        )
        if par_referent
        else _("La session est complète : votre inscription est en liste d'attente.")
    )
    _envoyer(
        inscription,
        _("Liste d'attente : %(titre)s") % {"titre": session.titre},
        [
            introduction,
            _detail(session, avec_lien=False),
            _("Votre rang dans la liste d'attente : %(rang)s.") % {"rang": rang},
            _(
                "Si une place se libère avant la clôture des inscriptions (24 heures avant le "
                "début), elle vous est attribuée automatiquement et un e-mail vous en avertit."
            ),
            _liens(session),
        ],
    )


def place_attribuee(inscription: Inscription) -> None:
    session = inscription.session
    _envoyer(
        inscription,
        _("Une place s'est libérée : %(titre)s") % {"titre": session.titre},
        [
            _(
                "Une place s'est libérée à la session de formation pour laquelle vous étiez en "
                "liste d'attente : votre inscription est maintenant confirmée."
            ),
            _detail(session, avec_lien=True),
            _("Si vous ne pouvez pas venir, annulez votre inscription pour libérer la place."),
            _liens(session),
        ],
    )


def inscription_annulee(inscription: Inscription, *, par: str) -> None:
    """par: "agent" (themselves), "referent" or "cpam"."""
    session = inscription.session
    introduction = {
        "referent": _("Le référent de votre structure a annulé votre inscription à la session :"),
        "cpam": _("La CPAM a annulé votre inscription à la session :"),
    }.get(par, _("Votre inscription à la session est annulée :"))
    _envoyer(
        inscription,
        _("Inscription annulée : %(titre)s") % {"titre": session.titre},
        [
            introduction,
            _detail(session, avec_lien=False),
            _("Les autres sessions ouvertes : %(url)s") % {"url": url("formations:sessions")},
        ],
    )


def session_annulee(inscription: Inscription, *, autres: list[Session]) -> None:
    session = inscription.session
    if autres:
        proposition = "\n".join(
            [
                _("Autres sessions de la campagne %(campagne)s ouvertes aux inscriptions :")
                % {"campagne": session.campagne},
                *(f"- {_ligne_session(autre)}" for autre in autres),
                "",
                _("Pour vous inscrire : %(url)s") % {"url": url("formations:sessions")},
            ]
        )
    else:
        proposition = _(
            "Aucune autre session de la campagne n'est ouverte à votre structure pour le moment. "
            "Les prochaines sessions seront publiées sur le portail : %(url)s"
        ) % {"url": url("formations:sessions")}
    _envoyer(
        inscription,
        _("Session annulée : %(titre)s") % {"titre": session.titre},
        [
            _("La session de formation suivante est annulée :"),
            _detail(session, avec_lien=False),
            _("Motif : %(motif)s") % {"motif": session.motif_annulation},
            _("Votre inscription est donc annulée."),
            proposition,
        ],
    )


def _ligne_session(session: Session) -> str:
    restantes = session.capacite - session.nombre_inscrits
    disponibilite = (
        ngettext("%(n)s place restante", "%(n)s places restantes", restantes) % {"n": restantes}
        if restantes > 0
        else _("complète, liste d'attente possible")
    )
    modalite = session.lieu if session.mode == Session.Mode.PRESENTIEL else _("à distance")
    return f"« {session.titre} », {quand(session)}, {modalite} : {disponibilite}"


def session_modifiee(inscription: Inscription) -> None:
    session = inscription.session
    avec_lien = inscription.etat == Inscription.Etat.INSCRIT
    _envoyer(
        inscription,
        _("Changement d'horaire ou de lieu : %(titre)s") % {"titre": session.titre},
        [
            _("La session de formation de votre inscription a changé :"),
            _detail(session, avec_lien=avec_lien),
            _(
                "Si ce changement ne vous convient pas, annulez votre inscription pour libérer "
                "votre place."
            ),
            _liens(session),
        ],
    )


def rappel(inscription: Inscription, *, jours: int) -> None:
    session = inscription.session
    if jours == 1:
        sujet = _("Rappel : formation « %(titre)s » demain") % {"titre": session.titre}
        introduction = _("Votre formation a lieu demain :")
    else:
        sujet = _("Rappel : formation « %(titre)s » dans %(jours)s jours") % {
            "titre": session.titre,
            "jours": jours,
        }
        introduction = _("Votre formation a lieu dans %(jours)s jours :") % {"jours": jours}
    _envoyer(
        inscription,
        sujet,
        [
            introduction,
            _detail(session, avec_lien=True),
            _("Si vous ne pouvez plus venir, annulez votre inscription pour libérer votre place."),
            _liens(session),
        ],
    )
