"""Fallback of the dependency audit when pip-audit cannot reach its vulnerability service.

For every package installed in the virtualenv, compare its version with the newest release of
the same major.minor series on PyPI (the project's JSON page, which this machine can reach even
when the per-version page pip-audit needs cannot be). Security fixes ship as patch releases: a
package behind its series is listed. Prints a warning, never fails: it proves less than an
audit, and a new upstream release must not turn an unchanged CI red overnight.
"""

import importlib.metadata
import json
import sys
import urllib.error
import urllib.request

from packaging.version import InvalidVersion, Version


def derniere_de_la_serie(nom: str, version: Version) -> Version | None:
    adresse = f"https://pypi.org/pypi/{nom}/json"
    with urllib.request.urlopen(adresse, timeout=10) as reponse:  # noqa: S310 (fixed https URL)
        publiees = json.load(reponse)["releases"]
    serie = []
    for texte, fichiers in publiees.items():
        try:
            candidate = Version(texte)
        except InvalidVersion:
            continue
        if (
            fichiers
            and not candidate.is_prerelease
            and candidate.release[:2] == version.release[:2]
        ):
            serie.append(candidate)
    return max(serie) if serie else None


def main() -> int:
    noms = sorted({d.metadata["Name"] for d in importlib.metadata.distributions()})
    en_retard, injoignables, absents = [], [], []
    for nom in noms:
        version = Version(importlib.metadata.version(nom))
        try:
            derniere = derniere_de_la_serie(nom, version)
        except urllib.error.HTTPError as erreur:
            if erreur.code == 404:  # not published on PyPI: this project itself
                absents.append(nom)
            else:
                injoignables.append(nom)
            continue
        except (OSError, ValueError, KeyError):
            injoignables.append(nom)
            continue
        if derniere is not None and derniere > version:
            en_retard.append(f"{nom} {version} (dernière de la série : {derniere})")
    verifies = len(noms) - len(injoignables) - len(absents)
    print(f"Versions : {verifies} paquets comparés à la dernière version de leur série sur PyPI")
    if absents:
        print(f"Absents de PyPI (non comparés) : {', '.join(absents)}")
    if en_retard:
        print("AVERTISSEMENT : paquets en retard sur leur série (correctifs possibles) :")
        print("\n".join(f"  {ligne}" for ligne in en_retard))
    if injoignables:
        print(f"AVERTISSEMENT : {len(injoignables)} paquets non vérifiés (PyPI injoignable ?)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
