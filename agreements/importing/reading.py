"""Reading a file: CSV (UTF-8) or XLSX bytes into a checked header and rows of text, within
limits.

Every limit is checked while the file is read, never after: a file that claims or holds
more than a limit (a 5 KB XLSX declaring a million rows, a 400 MB string zipped into
0.4 MB, a CSV line of a million columns) is refused as soon as it has cost that much,
whatever it says about itself. ``Limits`` holds the bounds of one way in: the admin's
(``admin_limits()``, so that a page answers well within the server's timeout) and the
command line's (``COMMAND_LIMITS``, so that an import stays under 300 MB).

An XLSX is read by openpyxl in read-only mode, ignoring the dimension the sheet
declares, from an archive whose every part is counted and watched as openpyxl reads it
(``_WatchedArchive``): the bytes unzipped, and, through a second, streaming XML parser
fed the same bytes first, the rows, cells and characters each part holds, so that
openpyxl never builds a row, a cell or a string table bigger than the limits.
"""

import codecs
import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

from django.conf import settings

from .cells import MOU_COLUMNS, key, short
from .report import ImportFileError, RowError

# A registry format has 17 columns at most; a row wider than this is not one of its
# files, and refusing it while reading keeps a line of a million commas from becoming a
# million cells.
MAX_COLUMNS = 64
# The longest text a cell may hold. A summary or a list of commitments runs to a few
# thousand characters; a longer cell is a mistake or an attack, and refusing it bounds
# the memory one cell can take (four bytes a character at worst).
MAX_CELL_CHARS = 20_000
# The longest a row's text may be (a CSV record, however many lines its quoted cells
# span); checked as each line is read, so a line without an end is never held whole.
MAX_ROW_CHARS = 100_000
# Excel's last row: a row numbered beyond it is a damaged or forged sheet, and openpyxl
# would count up to it one empty row at a time.
EXCEL_MAX_ROW = 1_048_576
# A spreadsheet has a dozen parts; more is not a workbook, and listing a zip's parts
# costs memory for each before any of them is read.
MAX_XLSX_PARTS = 1_000
# Elements in one cell or one shared string (rich text is a few per run of formatting),
# and in a part that is neither a sheet nor the string table (the workbook, its styles),
# which openpyxl parses whole.
MAX_CELL_ELEMENTS = 256
MAX_PART_ELEMENTS = 200_000
# Cells a sheet may hold on average per data row, empty cells with formatting included
# (a registry row has 17 at most): bounds the work of a sheet whose rows are padded.
CELLS_PER_ROW = 32
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The most one import reads: ``rows`` (data rows, blank ones aside), ``file_bytes``
    (the file as uploaded), ``unzipped_bytes`` (the XML an XLSX unzips to, counted as
    openpyxl reads it, a part read twice counting twice), ``text_chars`` (all the text in
    its cells); ``command``: whether this is the command line, which has no bigger way in
    to point to. The per-cell and per-row bounds are the same everywhere."""

    rows: int
    file_bytes: int
    unzipped_bytes: int
    text_chars: int
    command: bool
    columns: int = MAX_COLUMNS
    cell_chars: int = MAX_CELL_CHARS
    row_chars: int = MAX_ROW_CHARS

    def refuse(self, refused, column_set):
        """The ``ImportFileError`` for a file over a limit, saying what to do instead: a
        file too big for the admin goes through the command, one too big for the command
        is split."""
        problem = refused.problem
        if not refused.too_big:
            return ImportFileError(f"{problem}.")
        if self.command:
            return ImportFileError(f"{problem}; split the file into smaller ones.")
        return ImportFileError(
            f"{problem}. The admin imports at most {self.rows:,} {column_set.rows_are} "
            f"({megabytes(self.file_bytes)}) at a time: import bigger files on the server "
            f"with {column_set.command_line}, or split them."
        )


# The command line's limits, which keep one run of ``import_mous`` under 300 MB: the
# import, not the reading, is most of it, about 11 KB a row and six times its text (the
# versions and search documents hold it again). Measured updating 10,000 MoUs from a
# 15 MB file: 256 MB on SQLite, 260 MB on PostgreSQL (README, "Limits").
COMMAND_LIMITS = Limits(
    rows=10_000,
    file_bytes=16 * MB,
    unzipped_bytes=128 * MB,
    text_chars=16_000_000,
    command=True,
)


def admin_limits():
    """The admin's limits, from the settings: ``IMPORT_ADMIN_MAX_ROWS`` rows, which it
    previews and imports well within the server's 30 s timeout, and
    ``IMPORT_MAX_UPLOAD_BYTES``; bigger files go through the command."""
    upload = settings.IMPORT_MAX_UPLOAD_BYTES
    return Limits(
        rows=settings.IMPORT_ADMIN_MAX_ROWS,
        file_bytes=upload,
        unzipped_bytes=max(10 * upload, 16 * MB),
        text_chars=max(2 * upload, 4_000_000),
        command=False,
    )


def megabytes(size):
    return f"{size / MB:.1f} MB"


@dataclass(slots=True)
class Table:
    """A file's header (normalised column names) and rows (spreadsheet row number, cells)."""

    columns: list
    rows: list
    errors: list = field(default_factory=list)


class _Refused(Exception):
    """A limit reached while reading (inside openpyxl's reading too, which lets it through
    as it is); ``too_big``: the file is too big as a whole (rows, size, text), rather than
    one of its cells or rows too wide or too long."""

    def __init__(self, problem, *, too_big=False):
        super().__init__(problem)
        self.problem, self.too_big = problem, too_big


# --- XLSX --------------------------------------------------------------------------------


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


def _column_number(reference):
    """The column of a cell reference (``B7`` -> 2), or None if it names none."""
    number = 0
    for letter in reference.rstrip("0123456789").upper():
        if not "A" <= letter <= "Z":
            return None
        number = number * 26 + ord(letter) - 64
    return number or None


class _XmlWatch:
    """One part's XML, parsed as a stream by expat from the bytes openpyxl is about to
    parse, refusing (``_Refused``) what would make openpyxl build too much: a sheet's
    rows, cells per row, columns and characters per cell; the string table's strings and
    their characters; any other part's elements. What the part is comes from its root
    element, never from its name, which the file chooses."""

    def __init__(self, archive, name):
        self.archive, self.name, self.limits = archive, name, archive.limits
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.characters
        self.kind = None
        self.depth = 0
        self.unit = None  # the depth of the row (sheet) or string (table) being read
        self.units = self.cells = self.unit_cells = self.elements = self.chars = 0
        self.row_chars = 0
        self.where = ""

    def feed(self, data, final=False):
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as error:
            raise ImportFileError(
                f"The XLSX file is damaged: its part {short(self.name)} is not valid XML "
                f"({expat.ErrorString(error.code)}, line {error.lineno})."
            ) from None

    def start(self, name, attributes):
        local = name.rpartition(":")[2]
        self.depth += 1
        if self.kind is None:
            self.kind = local
        elif self.kind == "worksheet":
            self._sheet_element(local, attributes)
        elif self.kind == "sst":
            self._string_element(local)
        else:
            self.elements += 1
            if self.elements > MAX_PART_ELEMENTS:
                raise _Refused(
                    f"The XLSX file's part {short(self.name)} has more than "
                    f"{MAX_PART_ELEMENTS:,} elements"
                )

    def _sheet_element(self, local, attributes):
        limits = self.limits
        if self.unit is None:
            if local != "row":
                return
            self.unit, self.unit_cells, self.elements, self.row_chars = self.depth, 0, 0, 0
            self.units += 1
            number = attributes.get("r", "")
            self.where = f"row {number}" if number else f"the sheet's row {self.units}"
            if self.units > 2 * limits.rows + 100:
                raise _Refused(
                    f"The sheet has more than {2 * limits.rows + 100:,} rows (counting empty "
                    "ones with formatting)",
                    too_big=True,
                )
            if number and (not number.isdigit() or int(number) > EXCEL_MAX_ROW):
                raise ImportFileError(
                    f"The XLSX file is damaged: a row is numbered {short(number)}."
                )
            return
        self.elements += 1
        if self.elements > limits.columns * MAX_CELL_ELEMENTS:
            raise _Refused(f"The XLSX file's {self.where} has too many elements")
        if local == "c" and self.depth == self.unit + 1:
            self.chars = 0
            self.unit_cells += 1
            self.cells += 1
            reference = attributes.get("r", "")
            self.where = f"cell {short(reference)}" if reference else self.where
            column = _column_number(reference) if reference else self.unit_cells
            if column is None or column > limits.columns or self.unit_cells > limits.columns:
                raise _Refused(
                    f"The sheet has a cell beyond column {limits.columns} "
                    f"({short(reference) or self.where}); delete the columns after the last "
                    "one the import reads"
                )
            if self.cells > CELLS_PER_ROW * limits.rows + limits.columns:
                raise _Refused(
                    f"The sheet holds more than {CELLS_PER_ROW * limits.rows:,} cells "
                    "(counting empty cells with formatting)",
                    too_big=True,
                )

    def _string_element(self, local):
        if self.unit is None:
            if local != "si":
                return
            self.unit, self.elements, self.chars = self.depth, 0, 0
            self.units += 1
            self.where = f"shared string {self.units}"
            if self.units > CELLS_PER_ROW * self.limits.rows + self.limits.columns:
                raise _Refused(
                    f"The XLSX file's string table has more than "
                    f"{CELLS_PER_ROW * self.limits.rows:,} strings",
                    too_big=True,
                )
            return
        self.elements += 1
        if self.elements > MAX_CELL_ELEMENTS:
            raise _Refused(f"The XLSX file's {self.where} has too many elements")

    def end(self, name):
        if self.depth == self.unit:
            self.unit = None
        self.depth -= 1

    def characters(self, text):
        if self.unit is None:
            return
        self.chars += len(text)
        self.row_chars += len(text)
        self.archive.spend_text(len(text))
        if self.chars > self.limits.cell_chars:
            raise _Refused(
                f"The XLSX file's {self.where} holds more than {self.limits.cell_chars:,} "
                "characters, the most a cell may hold"
            )
        if self.kind == "worksheet" and self.row_chars > self.limits.row_chars:
            raise _Refused(
                f"The sheet's {self.where} is in a row of more than "
                f"{self.limits.row_chars:,} characters"
            )


class _WatchedPart:
    """A part of the archive as openpyxl reads it: each read counted against what the
    file may unzip to, and watched (``_XmlWatch``) before openpyxl gets it."""

    def __init__(self, member, archive, name):
        self.member, self.archive = member, archive
        self.watch = _XmlWatch(archive, name)

    def read(self, size=-1):
        data = self.member.read(size)
        self.archive.spend_bytes(len(data))
        self.watch.feed(data, final=not data)
        return data

    def readable(self):
        return True

    def close(self):
        self.member.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


class _WatchedArchive(zipfile.ZipFile):
    """The XLSX's zip, refusing one that says it unzips to more than the limit, and
    handing out its parts watched (``_WatchedPart``): a zip's sizes are its own word, so
    the bytes are counted again as they come."""

    def __init__(self, data, limits):
        self.limits = limits
        self.unzipped = self.text = 0
        super().__init__(io.BytesIO(data))
        declared = sum(info.file_size for info in self.infolist())
        if declared > limits.unzipped_bytes:
            self.close()
            raise _Refused(
                f"The XLSX file unzips to {megabytes(declared)}, more than the "
                f"{megabytes(limits.unzipped_bytes)} the import reads",
                too_big=True,
            )

    def open(self, name, mode="r", pwd=None, *, force_zip64=False):
        member = super().open(name, mode, pwd, force_zip64=force_zip64)
        if mode != "r":
            return member
        return _WatchedPart(member, self, getattr(name, "filename", name))

    def spend_bytes(self, count):
        self.unzipped += count
        if self.unzipped > self.limits.unzipped_bytes:
            raise _Refused(
                f"The XLSX file unzips to more than the {megabytes(self.limits.unzipped_bytes)} "
                "the import reads",
                too_big=True,
            )

    def spend_text(self, count):
        self.text += count
        if self.text > self.limits.text_chars:
            raise _Refused(
                f"The file holds more than {self.limits.text_chars:,} characters of text",
                too_big=True,
            )


def _damaged(error, where=""):
    detail = short(str(error).splitlines()[0]) if str(error) else ""
    return ImportFileError(
        f"The XLSX file is damaged and cannot be read{where} ({type(error).__name__}"
        f"{': ' + detail if detail else ''}); open it in a spreadsheet program and save it "
        "again."
    )


def _open_sheet(data, limits):
    """The workbook's first sheet, in openpyxl's read-only mode, its parts read from a
    watched archive."""
    from openpyxl.reader.excel import ExcelReader

    # Counted before zipfile lists the parts, which costs memory for each.
    if data.count(b"PK\x01\x02") > MAX_XLSX_PARTS:
        raise _Refused(f"The XLSX file has more than {MAX_XLSX_PARTS:,} parts")
    try:
        archive = _WatchedArchive(data, limits)
    except (_Refused, MemoryError):
        raise
    except Exception as error:  # not a zip after all, or a damaged one
        raise _damaged(error) from error
    try:
        # data_only=False: a formula cell is read as its formula ("=1+2"), stored as text
        # like any other cell, never as the value Excel last computed for it.
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=False)
        reader.archive.close()
        reader.archive = archive  # every part openpyxl reads from here on is watched
        reader.read()
        if not reader.wb.worksheets:
            raise ImportFileError("The XLSX file has no sheet.")
        sheet = reader.wb.worksheets[0]
    except (_Refused, ImportFileError, MemoryError):
        archive.close()
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        archive.close()
        raise _damaged(error) from error
    # The dimension a sheet declares (A1:XFD1048576) is its own word: openpyxl would pad
    # every row to it, and stop early at a smaller one. Read the rows there are.
    sheet.reset_dimensions()
    return sheet, archive


def _xlsx_records(data, limits):
    sheet, archive = _open_sheet(data, limits)
    number = 0  # the row being read, for a message
    try:
        for values in sheet.iter_rows(values_only=True):
            number += 1
            record = [_xlsx_cell(value) for value in values]
            while record and record[-1] == "":
                record.pop()  # spreadsheets pad rows with empty cells
            yield record
    except (_Refused, ImportFileError, MemoryError):
        raise
    except Exception as error:  # a string index out of range, broken XML in a row, ...
        raise _damaged(error, f" at row {number + 1}") from error
    finally:
        archive.close()


# --- CSV ---------------------------------------------------------------------------------


def _check_utf8(data):
    """Refuse bytes that are not UTF-8, naming the first bad byte, a megabyte at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    step = MB
    for start in range(0, len(data), step):
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(view[start : start + step], final=start + step >= len(data))
        except UnicodeDecodeError as error:
            raise ImportFileError(
                f"The file is not UTF-8 text (byte {start - pending + error.start + 1} cannot "
                "be read); save it as 'CSV UTF-8' or as XLSX."
            ) from error


class _Lines:
    """A text's lines for ``csv.reader``, each read with a bound (``readline(size)``), so
    that a record (however many lines its quoted cells span) longer than ``limit``
    characters is refused before it is held whole. ``record_read()`` starts the count
    again after each record."""

    def __init__(self, stream, limit):
        self.stream, self.limit, self.chars = stream, limit, 0

    def __iter__(self):
        return self

    def __next__(self):
        line = self.stream.readline(self.limit - self.chars + 1)
        if not line:
            raise StopIteration
        self.chars += len(line)
        if self.chars > self.limit:
            raise _Refused(f"A row of the file is longer than {self.limit:,} characters")
        return line

    def record_read(self):
        self.chars = 0


def _csv_records(data, limits):
    if b"\x00" in data:  # also PostgreSQL refuses NUL in text
        raise ImportFileError("The file is not CSV or XLSX (it contains binary data).")
    _check_utf8(data)
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    lines = _Lines(stream, limits.row_chars)
    reader = csv.reader(lines, strict=True)
    try:
        for record in reader:
            lines.record_read()
            yield record
    except csv.Error as error:
        raise ImportFileError(
            f"The file is not valid CSV (line {reader.line_num}: {error})."
        ) from error


# --- Both --------------------------------------------------------------------------------


def read_records(data, limits=COMMAND_LIMITS):
    """The file's rows as lists of strings, read as they are asked for, and whether short
    rows are padding (XLSX)."""
    if not data or not data.strip():
        raise ImportFileError("The file is empty.")
    if data[:4] == b"PK\x03\x04":
        return _xlsx_records(data, limits), True
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(
            "The file is an old Excel (.xls) workbook; save it as XLSX or CSV UTF-8."
        )
    return _csv_records(data, limits), False


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


def _check_size(number, cells, limits):
    if len(cells) > limits.columns:
        raise _Refused(f"Row {number} has more than {limits.columns} cells")
    for position, cell in enumerate(cells, 1):
        if len(cell) > limits.cell_chars:
            raise _Refused(
                f"Row {number}, column {position} holds more than {limits.cell_chars:,} "
                "characters, the most a cell may hold"
            )


def read_table(data, column_set=MOU_COLUMNS, limits=COMMAND_LIMITS):
    """Read and check a whole file against ``column_set`` (the MoU import's by default),
    within ``limits`` (the command line's by default): header problems and a file over a
    limit raise, row shape problems are collected."""
    if len(data) > limits.file_bytes:
        size = _Refused(f"The file is {megabytes(len(data))}", too_big=True)
        raise limits.refuse(size, column_set)
    try:
        return _read_table(data, column_set, limits)
    except _Refused as refused:
        raise limits.refuse(refused, column_set) from None


def _read_table(data, column_set, limits):
    records, padded = read_records(data, limits)
    header = None
    rows, errors = [], []
    width = 0
    for number, cells in enumerate(records, 1):
        if _blank(cells):
            continue  # blank lines above the header, between rows and below them
        _check_size(number, cells, limits)
        if header is None:
            header = check_header(cells, column_set)
            width = len(header)
            continue
        if len(rows) + len(errors) == limits.rows:
            raise _Refused(
                f"The file has more than {limits.rows:,} {column_set.rows_are}", too_big=True
            )
        # XLSX drops empty cells at the end of a row; in CSV a short row is an error.
        if len(cells) > width or (len(cells) < width and not padded):
            errors.append(
                RowError(number, None, f"has {len(cells)} cells, but the header has {width}")
            )
            continue
        cells = cells + [""] * (width - len(cells))
        rows.append((number, dict(zip(header, cells, strict=True))))
    if header is None:
        raise ImportFileError("The file is empty.")
    if not rows and not errors:
        raise ImportFileError(f"The file has a header row but no {column_set.rows_are}.")
    return Table(header, rows, errors)
