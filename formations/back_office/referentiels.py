"""Campaigns and programmes in the back-office (plain model forms: no rule beyond the model's)."""

from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.views import generic

from .. import selectors
from ..models import Campagne, Programme


class CampagneForm(WagtailAdminModelForm):
    class Meta:
        model = Campagne
        fields = ["annee", "semestre", "ouverture_inscriptions", "cloture_inscriptions"]


class CampagneIndexView(generic.IndexView):
    def get_base_queryset(self):
        return selectors.campagnes_pour_back_office()


class ProgrammeForm(WagtailAdminModelForm):
    class Meta:
        model = Programme
        fields = ["code", "intitule", "objectifs"]


class ProgrammeIndexView(generic.IndexView):
    def get_base_queryset(self):
        return selectors.programmes_pour_back_office()
