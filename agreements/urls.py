from django.urls import path

from . import views
from .feeds import ChangesFeed, CommitmentFeed, MouChangesFeed, MouFeed

app_name = "agreements"

# Downloads and the feed end in an extension, which a <slug> cannot match, so no MoU
# slug can ever shadow them.
urlpatterns: list = [
    path("", views.home, name="home"),
    path("mous/", views.mou_list, name="mou_list"),
    path("mous/export.csv", views.mou_csv, name="mou_csv"),
    path("mous/export.json", views.mou_json, name="mou_json"),
    path("mous/feed.atom", MouFeed(), name="mou_feed"),
    path("mous/<slug:slug>/", views.mou_detail, name="mou_detail"),
    path("mous/<slug:slug>/history/", views.mou_history, name="mou_history"),
    path("mous/<slug:slug>/v/<int:number>/", views.mou_version, name="mou_version"),
    path("mous/<slug:slug>/report/", views.report_error, name="mou_report"),
    path("mous/<slug:slug>/report/sent/", views.report_sent, name="mou_report_sent"),
    path("mous/<slug:slug>/changes.atom", MouChangesFeed(), name="mou_changes_feed"),
    path("changes/", views.recent_changes, name="changes"),
    path("changes/feed.atom", ChangesFeed(), name="changes_feed"),
    path("commitments/", views.commitment_list, name="commitment_list"),
    path("commitments/export.csv", views.commitment_csv, name="commitment_csv"),
    path("commitments/export.json", views.commitment_json, name="commitment_json"),
    path("commitments/feed.atom", CommitmentFeed(), name="commitment_feed"),
    path("states/", views.state_list, name="state_list"),
    path("states/<slug:slug>/", views.state_detail, name="state_detail"),
    path("parties/", views.party_list, name="party_list"),
    path("parties/<slug:slug>/", views.party_detail, name="party_detail"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme_detail"),
    path("clusters/", views.cluster_list, name="cluster_list"),
    path("clusters/<slug:slug>/", views.cluster_detail, name="cluster_detail"),
    path("sectors/", views.sector_list, name="sector_list"),
    path("sectors/<slug:slug>/", views.sector_detail, name="sector_detail"),
    path("about/", views.about, name="about"),
    path("about/data/", views.data_dictionary, name="data_dictionary"),
    path("data/", views.dataset_page, name="dataset"),
    path("data/mou-registry.zip", views.dataset_file, {"kind": "zip"}, name="dataset_zip"),
    path("data/mou-registry.json", views.dataset_file, {"kind": "json"}, name="dataset_json"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/<int:pk>/", views.source_detail, name="source_detail"),
]
