from django.urls import path

from .views import devenir_partenaire, documents, invitations, structure

app_name = "conventions"

urlpatterns = [
    path("structure/", structure.mes_structures, name="mes_structures"),
    path("structure/<int:pk>/", structure.structure_detail, name="structure"),
    path("structure/<int:pk>/inviter/", structure.inviter, name="inviter"),
    path(
        "structure/<int:pk>/rattachements/<int:adhesion_pk>/desactiver/",
        structure.desactiver,
        name="desactiver",
    ),
    path(
        "structure/<int:pk>/rattachements/<int:adhesion_pk>/role/",
        structure.changer_role,
        name="changer_role",
    ),
    path("invitation/<str:jeton>/", invitations.accepter, name="invitation"),
    path("devenir-partenaire/", devenir_partenaire.demande, name="devenir_partenaire"),
    path("devenir-partenaire/merci/", devenir_partenaire.merci, name="devenir_partenaire_merci"),
    path("conventions/<int:pk>/document/", documents.document_signe, name="document_signe"),
]
