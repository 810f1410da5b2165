"""StreamField blocks of reference sheets, shared by every page type that needs them."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

from demandes.models import Categorie
from demandes.selectors import categories_proposees


def categories_demande() -> list[tuple[str, str]]:
    """The demande categories a sheet's button may open, as the superviseurs keep them in the
    back-office (by identifier, which never changes once created). Retired ones stay listed,
    marked, so that a sheet naming one can still be saved (its button then opens the form
    without a category)."""
    return [
        (slug, libelle if active else _("%(libelle)s (retirée)") % {"libelle": libelle})
        for slug, libelle, active in Categorie.objects.order_by("-active", "libelle").values_list(
            "slug", "libelle", "active"
        )
    ]


TEXTE_RICHE = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class ARetenirBlock(blocks.StructBlock):
    titre = blocks.CharBlock(label=_("Titre"), default=_("À retenir"))
    texte = blocks.RichTextBlock(label=_("Texte"), features=TEXTE_RICHE)

    class Meta:
        icon = "warning"
        label = _("À retenir")
        template = "cms/blocks/a_retenir.html"


class EtapeBlock(blocks.StructBlock):
    titre = blocks.CharBlock(label=_("Étape"))
    texte = blocks.RichTextBlock(label=_("Détail"), features=TEXTE_RICHE, required=False)


class EtapesBlock(blocks.StructBlock):
    titre = blocks.CharBlock(label=_("Titre"), default=_("Les étapes"))
    etapes = blocks.ListBlock(EtapeBlock(), label=_("Étapes"))

    class Meta:
        icon = "list-ol"
        label = _("Étapes numérotées")
        template = "cms/blocks/etapes.html"


class PiecesBlock(blocks.StructBlock):
    titre = blocks.CharBlock(label=_("Titre"), default=_("Documents à fournir"))
    pieces = blocks.ListBlock(blocks.CharBlock(label=_("Document")), label=_("Documents"))

    class Meta:
        icon = "doc-full"
        label = _("Documents à fournir")
        template = "cms/blocks/pieces.html"


class PublicBlock(blocks.StructBlock):
    titre = blocks.CharBlock(label=_("Titre"), default=_("Qui est concerné ?"))
    texte = blocks.RichTextBlock(label=_("Conditions"), features=TEXTE_RICHE)

    class Meta:
        icon = "group"
        label = _("Qui est concerné")
        template = "cms/blocks/public.html"


class QuestionReponseBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"))
    reponse = blocks.RichTextBlock(label=_("Réponse"), features=TEXTE_RICHE)


class FAQBlock(blocks.StructBlock):
    titre = blocks.CharBlock(label=_("Titre"), default=_("Questions fréquentes"))
    questions = blocks.ListBlock(QuestionReponseBlock(), label=_("Questions"))

    class Meta:
        icon = "help"
        label = _("Questions fréquentes")
        template = "cms/blocks/faq.html"


class FormulaireBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Formulaire"))
    libelle = blocks.CharBlock(label=_("Libellé du lien"), required=False)

    class Meta:
        icon = "download"
        label = _("Lien vers un formulaire")
        template = "cms/blocks/formulaire.html"


class BoutonDemandeBlock(blocks.StructBlock):
    """Opens the demande form with its category chosen; a category no longer offered to
    partners (or removed) opens the form without one, never a dead link."""

    categorie = blocks.ChoiceBlock(choices=categories_demande, label=_("Catégorie de demande"))
    libelle = blocks.CharBlock(label=_("Libellé"), default=_("Faire une demande"))

    def get_context(self, value, parent_context=None):
        contexte = super().get_context(value, parent_context)
        slug = value.get("categorie")
        contexte["adresse"] = reverse("demandes:nouvelle") + (
            f"?{urlencode({'categorie': slug})}"
            if slug and categories_proposees().filter(slug=slug).exists()
            else ""
        )
        return contexte

    class Meta:
        icon = "mail"
        label = _("Bouton « Faire une demande »")
        template = "cms/blocks/bouton_demande.html"


class CorpsFicheBlock(blocks.StreamBlock):
    texte = blocks.RichTextBlock(label=_("Texte"), features=TEXTE_RICHE, icon="pilcrow")
    a_retenir = ARetenirBlock()
    etapes = EtapesBlock()
    pieces = PiecesBlock()
    public = PublicBlock()
    faq = FAQBlock()
    formulaire = FormulaireBlock()
    bouton_demande = BoutonDemandeBlock()


class CorpsSimpleBlock(blocks.StreamBlock):
    texte = blocks.RichTextBlock(label=_("Texte"), features=TEXTE_RICHE, icon="pilcrow")
    a_retenir = ARetenirBlock()
    formulaire = FormulaireBlock()
