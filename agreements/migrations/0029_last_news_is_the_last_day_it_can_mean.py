"""An MoU's ``last_news_on`` becomes the last day its latest news can mean (news known
only as "2022" counts as of 31 December 2022), as ``refresh_derived`` now derives it:
every MoU's value is computed again, in Python from its rows (a migration must not call
the app's code, which changes after it), and the data version moves on, so that the
downloads are built again. Backwards, the first days again.
"""

import calendar

from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Now


def period_end(day, precision):
    if precision == "year":
        return day.replace(month=12, day=31)
    if precision == "month":
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


def first_day(day, precision):
    return day


def recompute(end):
    """Set every MoU's last news to the latest of ``end`` of its dates."""

    def run(apps, schema_editor):
        Mou = apps.get_model("agreements", "Mou")
        FollowUp = apps.get_model("agreements", "FollowUp")
        NewsCheck = apps.get_model("agreements", "NewsCheck")
        dated = {}
        for pk, day, precision in Mou.objects.values_list("pk", "signed_on", "signed_on_precision"):
            dated[pk] = [end(day, precision)] if day else []
        follow_ups = FollowUp.objects.values_list("mou_id", "dated_on", "dated_on_precision")
        for mou_id, day, precision in follow_ups.iterator():
            dated[mou_id].append(end(day, precision))
        for mou_id, day in NewsCheck.objects.values_list("mou_id", "checked_on").iterator():
            dated[mou_id].append(day)
        changed = []
        for mou in Mou.objects.only("pk", "last_news_on").iterator():
            latest = max(dated[mou.pk], default=None)
            if mou.last_news_on != latest:
                mou.last_news_on = latest
                changed.append(mou)
        Mou.objects.bulk_update(changed, ["last_news_on"], batch_size=500)
        if changed:  # the downloads and cached pages show it: a new data version
            DataVersion = apps.get_model("agreements", "DataVersion")
            DataVersion.objects.filter(pk=1).update(number=F("number") + 1, changed_at=Now())

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0028_search_trigger_names_its_schema_postgres'),
    ]

    operations = [
        migrations.RunPython(recompute(period_end), recompute(first_day)),
        migrations.AlterField(
            model_name='mou',
            name='last_news_on',
            field=models.DateField(blank=True, editable=False, help_text="The last day that the latest of the date, the follow-ups and the checks for news can mean: news known only as '2022' counts as of 31 December 2022.", null=True),
        ),
    ]
