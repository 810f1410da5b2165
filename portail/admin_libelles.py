"""The back-office says each of the project's models in French with its gender.

Wagtail builds "Add %(model_name)s" and "New: %(model_name)s" from `verbose_name`, and its French
translation cannot know the gender: "Ajouter un(e) session", "Nouvel(le) : Session". The
project's catalog (locale/fr) turns those generic strings into neutral French for every screen;
the project's own viewsets go further with `LibellesGenres`: each names its add button and its
creation page ("Ajouter une session", "Nouvelle session").
"""

from wagtail.admin.views.generic.models import CreateView, IndexView


class LibellesGenres:
    """Mixin for a ModelViewSet or SnippetViewSet: `libelle_ajouter` is the index page's add
    button, `libelle_nouveau` the title and last breadcrumb of the creation page."""

    libelle_ajouter = None
    libelle_nouveau = None

    def construct_view(self, view_class, **kwargs):
        # The subclass keeps its parent's name and module: the permission matrix (and anyone
        # reading a traceback) still sees the view it was made from.
        meme_vue = {"__module__": view_class.__module__, "__qualname__": view_class.__qualname__}
        if self.libelle_ajouter and issubclass(view_class, IndexView):
            view_class = type(
                view_class.__name__,
                (view_class,),
                {**meme_vue, "add_item_label": self.libelle_ajouter},
            )
        elif self.libelle_nouveau and issubclass(view_class, CreateView):
            view_class = type(
                view_class.__name__,
                (_CreationNommee, view_class),
                {**meme_vue, "libelle_nouveau": self.libelle_nouveau},
            )
        return super().construct_view(view_class, **kwargs)


class _CreationNommee:
    libelle_nouveau = ""

    def get_page_title(self):
        return self.libelle_nouveau

    def get_page_subtitle(self):
        return ""

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        if items:
            items[-1] = {**items[-1], "label": self.libelle_nouveau}
        return items
