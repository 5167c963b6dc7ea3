"""The page both billing PDFs share: the school's letterhead, a heading, facts, a table of lines,
totals and the "how to pay" block with its EPC QR code.

Text is real text in an embedded font (Roboto, reduced to Latin: see fonts/README.md): the
14 core PDF fonts know neither the euro sign of every language nor the narrow no-break space
Babel puts in French amounts, nor many a child's name. A character the font lacks is printed
without its accent when it has one (Nguyễn -> Nguyen), as `?` otherwise, never dropped.
"""

import functools
import unicodedata
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path

import segno
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from mailer.render import BABEL_LOCALES
from services.billing import pdf_format
from services.billing.documents import BillLine, SchoolDetails
from services.billing.epc import epc_qr
from services.billing.pdf_texts import Locale, text

FONTS = Path(__file__).parent / "fonts"
FAMILY = "roboto"
MARGIN = 18.0
QR_SIZE = 44.0  # mm, quiet zone included: about 0.9 mm a module, read by any phone
PAYMENT_HEIGHT = QR_SIZE + 30  # the code, its caption and a margin: never split by a page end
GREY = (90, 90, 90)
RULE = (190, 190, 190)
ROW_HEIGHT = 5.5
CELL_PADDING = 1.2
NUMBER_COLUMNS = ("quantity", "unit_price", "amount")


@functools.cache
def _covered() -> frozenset[int]:
    """The code points the embedded font draws (both styles hold the same set)."""
    return frozenset(TTFont(FONTS / "Roboto-Regular.ttf", lazy=True).getBestCmap())


def printable(value: str) -> str:
    """`value` with every character the font lacks replaced (see the module's header)."""
    value = unicodedata.normalize("NFC", value)
    covered = _covered()
    if all(ord(c) in covered for c in value):
        return value
    out = []
    for char in value:
        if ord(char) in covered:
            out.append(char)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if ord(c) in covered)
        out.append(base if base.strip() else "?")
    return "".join(out)


class BillingPdf:
    """One A4 document drawn top to bottom; `output()` gives its bytes."""

    def __init__(self, locale: Locale, title: str, author: str, created_on: date) -> None:
        self.locale = locale
        pdf = FPDF(format="A4", unit="mm")
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(True, margin=MARGIN)
        pdf.add_font(FAMILY, "", FONTS / "Roboto-Regular.ttf")
        pdf.add_font(FAMILY, "B", FONTS / "Roboto-Bold.ttf")
        pdf.set_lang(BABEL_LOCALES[locale].replace("_", "-"))
        pdf.set_title(title)  # metadata is Unicode text: no font involved
        pdf.set_author(author)
        # A fixed date: the same data always renders the same bytes.
        pdf.set_creation_date(datetime.combine(created_on, time(), UTC))
        pdf.add_page()
        self.pdf = pdf

    @property
    def width(self) -> float:
        return float(self.pdf.epw)

    def t(self, key: str, **values: str) -> str:
        return text(self.locale, key, **values)

    def money(self, cents: int) -> str:
        return pdf_format.money(cents, self.locale)

    def long_date(self, day: date) -> str:
        return pdf_format.long_date(day, self.locale)

    def _font(self, size: float, bold: bool = False) -> None:
        self.pdf.set_font(FAMILY, "B" if bold else "", size)

    def _fits(self, value: str, width: float) -> bool:
        return bool(self.pdf.get_string_width(value) <= width - 2 * self.pdf.c_margin)

    def _text(self, width: float, height: float, value: str, align: Align = Align.L) -> None:
        """`value` from the current position, wrapped within `width` (0: up to the right
        margin); then the next line, at the left margin. One line is a plain cell: breaking
        lines costs more than the rest of the page."""
        value = printable(value)
        if not width:
            width = self.pdf.l_margin + self.width - self.pdf.x
        if self._fits(value, width):
            self.pdf.cell(width, height, value, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            self.pdf.multi_cell(
                width, height, value, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )

    def _line(self, value: str, size: float, bold: bool = False, height: float = 5.5) -> None:
        self._font(size, bold)
        self._text(0, height, value)

    def letterhead(self, school: SchoolDetails) -> None:
        self._line(school.name, 14, bold=True, height=7)
        self.pdf.set_text_color(*GREY)
        for address_line in school.address:
            self._line(address_line, 10, height=4.8)
        self.pdf.set_text_color(0)
        self.pdf.ln(8)

    def heading(self, heading: str, subtitle: str) -> None:
        self._line(heading, 18, bold=True, height=9)
        self._line(subtitle, 12, height=6.5)
        self.pdf.ln(4)

    def facts(self, pairs: Sequence[tuple[str, str]], label_width: float = 42) -> None:
        """Label and value side by side, one pair a line."""
        for label, value in pairs:
            self._font(10)
            self.pdf.set_text_color(*GREY)
            self.pdf.cell(label_width, 5.5, printable(label))
            self.pdf.set_text_color(0)
            self._font(10, bold=True)
            self._text(0, 5.5, value)
        self.pdf.ln(5)

    def lines_table(self, lines: Sequence[BillLine], label_key: str) -> None:
        """Label, quantity, unit price, amount; a long label wraps, a row never splits, and
        the column headings repeat on a new page."""
        heading = [self.t(f"billing.pdf.column.{key}") for key in (label_key, *NUMBER_COLUMNS)]
        self._table_row(heading, header=True)
        for line in lines:
            row = [
                line.label,
                pdf_format.quantity(line.quantity, self.locale),
                self.money(line.unit_price_cents),
                self.money(line.amount_cents),
            ]
            if self.pdf.y + self._row_height(row[0]) > self.pdf.page_break_trigger:
                self.pdf.add_page()
                self._table_row(heading, header=True)
            self._table_row(row)
        self.pdf.ln(3)

    def _columns(self) -> tuple[float, float]:
        number = self.width * 0.16
        return self.width - 3 * number, number

    def _row_height(self, label: str) -> float:
        self._font(10)
        label_width, _ = self._columns()
        label = printable(label)
        if self._fits(label, label_width - 2 * CELL_PADDING):
            return ROW_HEIGHT + 2 * CELL_PADDING
        lines = self.pdf.multi_cell(
            label_width - 2 * CELL_PADDING,
            ROW_HEIGHT,
            label,
            dry_run=True,
            output=MethodReturnValue.LINES,
        )
        assert isinstance(lines, list)
        return len(lines) * ROW_HEIGHT + 2 * CELL_PADDING

    def _table_row(self, cells: Sequence[str], header: bool = False) -> None:
        label_width, number_width = self._columns()
        left, top = self.pdf.l_margin, self.pdf.y
        self._font(9 if header else 10, bold=header)
        if header:
            self.pdf.set_text_color(*GREY)
        self.pdf.set_xy(left + CELL_PADDING, top + CELL_PADDING)
        self._text(label_width - 2 * CELL_PADDING, ROW_HEIGHT, cells[0])
        bottom = self.pdf.y + CELL_PADDING
        x = left + label_width
        for value in cells[1:]:
            self.pdf.set_xy(x, top + CELL_PADDING)
            self.pdf.cell(number_width - CELL_PADDING, ROW_HEIGHT, value, align=Align.R)
            x += number_width
        self.pdf.set_text_color(0)
        self.pdf.set_draw_color(*(GREY if header else RULE))
        self.pdf.set_line_width(0.3 if header else 0.1)
        self.pdf.line(left, bottom, left + self.width, bottom)
        self.pdf.set_xy(left, bottom)

    def totals(self, rows: Sequence[tuple[str, int]]) -> None:
        """Right-aligned under the table's amount column; the last row stands out."""
        value_width = self.width * 0.16
        label_width = self.width * 0.32
        for index, (label, cents) in enumerate(rows):
            last = index == len(rows) - 1
            self._font(11 if last else 10, bold=last)
            self.pdf.set_x(self.pdf.l_margin + self.width - label_width - value_width)
            self.pdf.cell(label_width, 6.5, printable(label), align=Align.R)
            self.pdf.cell(
                value_width,
                6.5,
                self.money(cents),
                align=Align.R,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
        self.pdf.ln(8)

    def payment(
        self, school: SchoolDetails, amount_cents: int, due_on: date, communication: str
    ) -> None:
        """How to pay `amount_cents` by transfer, the QR code beside; kept on one page."""
        if amount_cents <= 0:
            self._line(self.t("billing.pdf.pay.nothing_due"), 11, bold=True)
            return
        if self.pdf.y + PAYMENT_HEIGHT > self.pdf.page_break_trigger:
            self.pdf.add_page()
        top = self.pdf.y
        text_width = self.width - QR_SIZE - 6
        self._line(self.t("billing.pdf.pay.heading"), 13, bold=True, height=7)
        self._font(10)
        intro = self.t(
            "billing.pdf.pay.intro",
            amount=self.money(amount_cents),
            due_date=self.long_date(due_on),
        )
        self._text(text_width, 5, intro)
        self.pdf.ln(3)
        pairs = [
            ("billing.pdf.pay.beneficiary", school.account_holder),
            ("billing.pdf.pay.iban", school.iban_display),
            ("billing.pdf.pay.bic", school.bic_compact),
            ("billing.pdf.pay.communication", communication),
        ]
        for key, value in pairs:
            self._font(10)
            self.pdf.set_text_color(*GREY)
            self.pdf.cell(32, 6, self.t(key))
            self.pdf.set_text_color(0)
            self._font(11, bold=True)
            self._text(text_width - 32, 6, value)
        below_text = self.pdf.y
        qr_left = self.pdf.l_margin + self.width - QR_SIZE
        self._qr(epc_qr(school, amount_cents, communication), qr_left, top)
        self.pdf.set_xy(qr_left, top + QR_SIZE)
        self._font(8)
        self.pdf.set_text_color(*GREY)
        self._text(QR_SIZE, 3.8, self.t("billing.pdf.pay.scan"), align=Align.C)
        self.pdf.set_text_color(0)
        self.pdf.set_xy(self.pdf.l_margin, max(below_text, self.pdf.y))

    def _qr(self, qr: segno.QRCode, left: float, top: float, border: int = 4) -> None:
        """Vector modules (one filled rectangle per run of dark modules in a row): sharp at
        any zoom and on paper."""
        size = qr.symbol_size(scale=1, border=border)[0]
        module = QR_SIZE / size
        self.pdf.set_fill_color(0)
        for row_index, row in enumerate(qr.matrix):
            y = top + (row_index + border) * module
            column = 0
            while column < len(row):
                if not row[column]:
                    column += 1
                    continue
                start = column
                while column < len(row) and row[column]:
                    column += 1
                x = left + (start + border) * module
                # A hair taller than a module, so rows touch without a seam when rasterised.
                self.pdf.rect(x, y, (column - start) * module, module * 1.02, style="F")

    def output(self) -> bytes:
        return bytes(self.pdf.output())
