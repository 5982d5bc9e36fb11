"""Property: whatever the cells hold, the import never crashes and never writes part of a file."""

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreements.importing import COLUMNS, import_file
from agreements.models import Cluster, Commitment, Mou, MouParty, Party, Programme, Source

VALID = ["Example MoU", "2021-09", "GJ", "Amazon; Flipkart", "https://a.example.com/"]
HEADER = ["title", "signed_on", "states", "parties", "source_url"]

cell = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "2021-02-30", "GJ; XX", "Amazon", "=1+2", "<b>x</b>", "a;b;;c", "\\;"]),
)
rows = st.lists(st.lists(cell, min_size=4, max_size=6), min_size=1, max_size=6)
extra_columns = st.lists(st.sampled_from(COLUMNS), max_size=3)


def state():
    return [
        model.objects.count()
        for model in (Mou, MouParty, Party, Source, Commitment, Cluster, Programme)
    ]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows, extra=extra_columns, keep_valid=st.booleans())
def test_arbitrary_cells_never_crash_or_write_partially(
    gujarat, amazon, flipkart, rows, extra, keep_valid
):
    header = HEADER + extra
    body = ([VALID + [""] * len(extra)] if keep_valid else []) + rows
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(body)
    before = state()
    report = import_file(out.getvalue().encode("utf-8", "surrogatepass"))
    after = state()
    if report.errors:
        assert after == before, [str(e) for e in report.errors]
        assert not report.written
    else:
        assert after[0] == before[0] + report.count("new")
    # Whatever happened, a second run of the same file changes nothing more.
    again = import_file(out.getvalue().encode("utf-8", "surrogatepass"))
    assert state() == after
    if not report.errors:
        assert again.count("new") == again.count("update") == 0
