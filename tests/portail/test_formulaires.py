"""Shared form pieces."""

from django import forms
from pytest_django.asserts import assertHTMLEqual

from portail.formulaires import SelectLeger

CHOIX = [
    ("", "Toutes"),
    ("12", "Maison France Services <Amboise> & co"),
    ("7", 'Centre social "Les Tilleuls"'),
    ("Groupe", [("a", "Option A"), ("b", "Option B")]),
]


def test_liste_legere_identique_a_celle_de_django():
    attrs = {"id": "id_structure", "aria-describedby": "aide"}
    for valeur in ("", "12", "b", "inconnue"):
        assertHTMLEqual(
            SelectLeger(choices=CHOIX).render("structure", valeur, attrs),
            forms.Select(choices=CHOIX).render("structure", valeur, attrs),
        )


def test_liste_legere_echappe_les_libelles():
    html = SelectLeger(choices=CHOIX).render("structure", "12")
    assert "&lt;Amboise&gt; &amp; co" in html
    assert "<Amboise>" not in html
    assert '<option value="12" selected>' in html


def test_liste_legere_identique_a_django_pour_les_cas_limites():
    """Lazy labels, a label already safe, an integer value, a value listed twice (only the
    first is selected), None as a value, several values selected (multiple)."""
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    choix = [
        (None, gettext_lazy("Toutes")),
        (3, mark_safe("<b>Gras</b>")),  # noqa: S308 (a test value)
        ("Équipe <Nord>", [("expert:1", "Anne"), ("3", "En double")]),
    ]
    for valeur in (None, "", 3, "3", "expert:1"):
        assertHTMLEqual(
            SelectLeger(choices=choix).render("cible", valeur),
            forms.Select(choices=choix).render("cible", valeur),
        )

    class Plusieurs(SelectLeger):
        allow_multiple_selected = True

    assertHTMLEqual(
        Plusieurs(choices=choix).render("cible", ["3", "expert:1"]),
        forms.SelectMultiple(choices=choix).render("cible", ["3", "expert:1"]),
    )
