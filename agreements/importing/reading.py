"""Reading a file: CSV (UTF-8) or XLSX bytes into a checked header and rows of text."""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from .cells import MOU_COLUMNS, key, short
from .report import ImportFileError, RowError


@dataclass(slots=True)
class Table:
    """A file's header (normalised column names) and rows (spreadsheet row number, cells)."""

    columns: list
    rows: list
    errors: list = field(default_factory=list)


def _xlsx_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data):
    import openpyxl

    try:
        # data_only=False: a formula cell is read as its formula ("=1+2"), stored as
        # text like any other cell, never as the value Excel last computed for it.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(
            f"The file looks like XLSX but cannot be read ({type(error).__name__})."
        ) from error
    try:
        sheet = workbook.worksheets[0]
        records = []
        for cells in sheet.iter_rows(values_only=True):
            record = [_xlsx_cell(value) for value in cells]
            while record and record[-1] == "":
                record.pop()  # spreadsheets pad rows with empty cells
            records.append(record)
    finally:
        workbook.close()
    return records, True


def _read_csv(data):
    if b"\x00" in data:  # also PostgreSQL refuses NUL in text
        raise ImportFileError("The file is not CSV or XLSX (it contains binary data).")
    try:
        data.decode("utf-8-sig")  # only to check: the reader below decodes line by line
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"The file is not UTF-8 text (byte {error.start + 1} cannot be read); "
            "save it as 'CSV UTF-8' or as XLSX."
        ) from error
    # Not StringIO(text), which holds the whole text at 4 bytes a character.
    lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    reader = csv.reader(lines, strict=True)
    try:
        records = list(reader)
    except csv.Error as error:
        raise ImportFileError(
            f"The file is not valid CSV (line {reader.line_num}: {error})."
        ) from error
    return records, False


def read_records(data):
    """The file's rows as lists of strings, and whether short rows are padding (XLSX)."""
    if not data or not data.strip():
        raise ImportFileError("The file is empty.")
    if data[:4] == b"PK\x03\x04" and zipfile.is_zipfile(io.BytesIO(data)):
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(
            "The file is an old Excel (.xls) workbook; save it as XLSX or CSV UTF-8."
        )
    return _read_csv(data)


def check_header(raw_header, column_set=MOU_COLUMNS):
    """Normalised column names, or ``ImportFileError`` listing every problem with them,
    checked against ``column_set`` (a ``cells.ColumnSet``: the MoU import's by default)."""
    known = column_set.names
    columns = [key(name) for name in raw_header]
    problems = []
    seen = {}
    for position, name in enumerate(columns, 1):
        if not name:
            problems.append(f"Column {position} of the header has no name.")
        elif name not in known:
            problems.append(
                f"Unknown column '{short(raw_header[position - 1])}'; "
                f"the columns are: {', '.join(known)}."
            )
        elif name in seen:
            problems.append(f"Column '{name}' appears twice (columns {seen[name]} and {position}).")
        else:
            seen[name] = position
    for name in column_set.required:
        if name not in seen:
            problems.append(f"Required column '{name}' is missing.")
    if not any(name in seen for name in column_set.one_of):
        either = " or a ".join(f"'{name}'" for name in column_set.one_of)
        problems.append(f"A {either} column is required.")
    if problems:
        raise ImportFileError(problems)
    return columns


def _blank(cells):
    return not any(cell.strip() for cell in cells)


def read_table(data, column_set=MOU_COLUMNS):
    """Read and check a whole file against ``column_set`` (the MoU import's by default):
    header problems raise, row shape problems are collected."""
    records, padded = read_records(data)
    while records and _blank(records[-1]):
        records.pop()
    first = 0
    while first < len(records) and _blank(records[first]):
        first += 1  # blank lines above the header
    if first == len(records):
        raise ImportFileError("The file is empty.")
    columns = check_header(records[first], column_set)
    rows, errors = [], []
    width = len(columns)
    for number, cells in enumerate(records[first + 1 :], first + 2):
        if _blank(cells):
            continue
        # XLSX drops empty cells at the end of a row; in CSV a short row is an error.
        if len(cells) > width or (len(cells) < width and not padded):
            errors.append(
                RowError(number, None, f"has {len(cells)} cells, but the header has {width}")
            )
            continue
        cells = cells + [""] * (width - len(cells))
        rows.append((number, dict(zip(columns, cells, strict=True))))
    if not rows and not errors:
        raise ImportFileError(f"The file has a header row but no {column_set.rows_are}.")
    return Table(columns, rows, errors)
