"""Stream the AWS Price List Bulk API offer files (CSV and JSON) one price at a time.

An offer file (``https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<OfferCode>/
current/[<region>/]index.{csv,json}``) lists products (a SKU and its attributes)
and their terms (``OnDemand``, ``Reserved``), each with price dimensions (a rate
code, a unit, a begin/end range for tiered prices and a price per unit in a
currency). The documented layouts
(https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/reading-an-offer.html):

* **CSV**: a preamble of ``"Key","Value"`` lines (``FormatVersion``,
  ``Disclaimer``, ``Publication Date``, ``Version``, ``OfferCode``), then a
  header row starting ``"SKU","OfferTermCode","RateCode","TermType",
  "PriceDescription","EffectiveDate","StartingRange","EndingRange","Unit",
  "PricePerUnit","Currency"`` followed by term columns (``LeaseContractLength``
  …) and product attribute columns (``Product Family``, ``Location``,
  ``Instance Type``, ``usageType``, ``operation`` …); one row per price dimension.
* **JSON**: ``{"formatVersion", "offerCode", "version", "publicationDate",
  "products": {sku: {"productFamily", "attributes": {…}}}, "terms": {"OnDemand":
  {sku: {offerTermCode: {"effectiveDate", "priceDimensions": {rateCode: {"unit",
  "beginRange", "endRange", "description", "pricePerUnit": {"USD": "…"}}}}}}}}``.

Both are read in bounded memory: the CSV row by row, the JSON with an
incremental decoder that holds one product or one SKU's terms at a time. As
products come before terms in a JSON file, only the products a ``keep``
predicate accepts are remembered until their terms arrive.

Attribute names are normalised to lower case without spaces or punctuation
(``Instance Type`` and ``instanceType`` both become ``instancetype``), so one
set of rules reads both formats; columns or attributes nobody asks for are
carried along and ignored.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from innovate_sim.errors import InnovateSimError

__all__ = ["OfferFile", "OfferFileError", "OfferRow", "normalise", "read_offer_file"]

_CHUNK = 1 << 20
_TERM_COLUMNS = {
    "sku",
    "offertermcode",
    "ratecode",
    "termtype",
    "pricedescription",
    "effectivedate",
    "startingrange",
    "endingrange",
    "unit",
    "priceperunit",
    "currency",
}
Keep = Callable[[Mapping[str, str]], bool]


class OfferFileError(InnovateSimError):
    """An offer file is not in a documented Price List format; the message says where."""


def normalise(name: str) -> str:
    """An attribute or column name in the form both formats share (``instancetype``)."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True, slots=True)
class OfferRow:
    """One price dimension of one product under one term.

    Attributes:
        sku: the product's SKU.
        offer_term_code: the term's code (``JRTCKXETXF`` is the on-demand term).
        rate_code: ``<sku>.<offer term>.<dimension>``.
        term_type: ``OnDemand`` or ``Reserved``.
        description: the price dimension's description.
        effective_date: the term's effective date (``YYYY-MM-DD``).
        begin_range, end_range: the tier's usage range (``inf`` for no end).
        unit: AWS's unit (``Hrs``, ``GB-Mo``, ``Quantity`` …).
        price: price per unit.
        currency: ``USD`` (or ``CNY`` in the China regions).
        attributes: product attributes by normalised name (``productfamily`` included).
    """

    sku: str
    offer_term_code: str
    rate_code: str
    term_type: str
    description: str
    effective_date: str
    begin_range: float
    end_range: float
    unit: str
    price: float
    currency: str
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass
class OfferFile:
    """Metadata of an offer file being read (filled in as the preamble is read).

    Attributes:
        path: the file.
        format: ``"csv"`` or ``"json"``.
        offer_code: e.g. ``AmazonEC2``.
        version: the publication's version string (``20260925174521``).
        publication_date: ISO timestamp of publication.
        rows: price dimensions read (all terms, all products kept).
    """

    path: str
    format: str = ""
    offer_code: str = ""
    version: str = ""
    publication_date: str = ""
    rows: int = 0


def read_offer_file(
    path: str | Path, keep: Keep | None = None
) -> tuple[OfferFile, Iterator[OfferRow]]:
    """Open an offer file and stream its price dimensions.

    Args:
        path: a CSV or JSON offer file (the format is told from the first character).
        keep: products to read (by normalised attributes); all when None. For a
            JSON file this bounds memory: rejected products are forgotten at once.

    Returns:
        The file's metadata (complete once the iterator is exhausted) and the rows.

    Raises:
        OfferFileError: while iterating, when the file breaks the documented layout.
    """
    path = Path(path)
    meta = OfferFile(path=str(path))
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise OfferFileError(f"{path}: cannot read ({exc.strerror})") from None
    first = handle.read(1)
    while first.isspace():
        first = handle.read(1)
    handle.seek(0)
    if first == "{":
        meta.format = "json"
        rows = _JsonOffer(handle, meta, keep or _everything).rows()
    elif first == '"' or first.isalpha():
        meta.format = "csv"
        rows = _csv_rows(handle, meta, keep or _everything)
    else:
        handle.close()
        raise OfferFileError(f"{path}: neither a CSV nor a JSON offer file (starts {first!r})")
    return meta, _closing(handle, rows)


def _everything(_: Mapping[str, str]) -> bool:
    return True


def _closing(handle: IO[str], rows: Iterator[OfferRow]) -> Iterator[OfferRow]:
    with handle:
        yield from rows


def _number(text: str, where: str) -> float:
    text = text.strip()
    if text in ("", "Inf", "inf"):
        return math.inf
    try:
        return float(text)
    except ValueError:
        raise OfferFileError(f"{where}: {text!r} is not a number") from None


# -- CSV -------------------------------------------------------------------------------------


def _csv_rows(handle: IO[str], meta: OfferFile, keep: Keep) -> Iterator[OfferRow]:
    reader = csv.reader(handle)
    header: list[str] | None = None
    for record in reader:
        if record and record[0] == "SKU":
            header = [normalise(name) for name in record]
            break
        if len(record) >= 2:
            _preamble(meta, record[0], record[1])
    if header is None:
        raise OfferFileError(f'{meta.path}: no header row starting with "SKU" after the preamble')
    missing = sorted(_TERM_COLUMNS - set(header))
    if missing:
        hint = (
            f"; {meta.offer_code} is a Savings Plans offer (discounted rates, no list "
            "prices): give the service offer files (AmazonEC2, AmazonRDS …)"
            if "discountedrate" in header
            else ""
        )
        raise OfferFileError(f"{meta.path}:{reader.line_num}: header lacks columns {missing}{hint}")
    for record in reader:
        if not record:
            continue
        where = f"{meta.path}:{reader.line_num}"
        if len(record) != len(header):
            raise OfferFileError(f"{where}: {len(record)} fields, the header has {len(header)}")
        row = dict(zip(header, record, strict=True))
        attributes = {k: v for k, v in row.items() if k not in _TERM_COLUMNS and v}
        if not keep(attributes):
            continue
        meta.rows += 1
        yield OfferRow(
            sku=row["sku"],
            offer_term_code=row["offertermcode"],
            rate_code=row["ratecode"],
            term_type=row["termtype"],
            description=row["pricedescription"],
            effective_date=row["effectivedate"][:10],
            begin_range=_number(row["startingrange"] or "0", where),
            end_range=_number(row["endingrange"], where),
            unit=row["unit"],
            price=_number(row["priceperunit"], where),
            currency=row["currency"],
            attributes=attributes,
        )


def _preamble(meta: OfferFile, key: str, value: str) -> None:
    name = normalise(key)
    if name == "offercode":
        meta.offer_code = value
    elif name == "version":
        meta.version = value
    elif name == "publicationdate":
        meta.publication_date = value


# -- JSON ------------------------------------------------------------------------------------


class _JsonOffer:
    """An incremental reader of the JSON layout: one product or SKU's terms in memory at a time."""

    def __init__(self, handle: IO[str], meta: OfferFile, keep: Keep) -> None:
        self.handle = handle
        self.meta = meta
        self.keep = keep
        self.buffer = ""
        self.pos = 0
        self.consumed_lines = 0
        self.eof = False
        self.decoder = json.JSONDecoder()
        self.products: dict[str, dict[str, str]] = {}
        self.seen_products = False

    # -- low level

    def _fill(self) -> bool:
        if self.eof:
            return False
        self.consumed_lines += self.buffer.count("\n", 0, self.pos)
        chunk = self.handle.read(_CHUNK)
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        self.eof = not chunk
        return bool(chunk)

    def _where(self) -> str:
        return (
            f"{self.meta.path}:{self.consumed_lines + self.buffer.count(chr(10), 0, self.pos) + 1}"
        )

    def _peek(self) -> str:
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._fill():
                raise OfferFileError(f"{self._where()}: the JSON ends too early")

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            raise OfferFileError(f"{self._where()}: expected {char!r}, found {self._peek()!r}")
        self.pos += 1

    def _value(self) -> Any:
        self._peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as exc:
                if self._fill():
                    continue
                raise OfferFileError(f"{self._where()}: not valid JSON ({exc.msg})") from None
            if end == len(self.buffer) and self._fill():
                continue  # a number cut by the chunk boundary: read on
            self.pos = end
            return value

    def _members(self) -> Iterator[str]:
        """Keys of the object at the cursor; the caller reads each value."""
        self._expect("{")
        if self._peek() == "}":
            self.pos += 1
            return
        while True:
            key = self._value()
            if not isinstance(key, str):
                raise OfferFileError(f"{self._where()}: an object key must be a string")
            self._expect(":")
            yield key
            if self._peek() == ",":
                self.pos += 1
                continue
            self._expect("}")
            return

    # -- layout

    def rows(self) -> Iterator[OfferRow]:
        for key in self._members():
            if key == "products":
                self._read_products()
            elif key == "terms":
                yield from self._read_terms()
            else:
                value = self._value()
                if isinstance(value, str):
                    _preamble(self.meta, key, value)

    def _read_products(self) -> None:
        self.seen_products = True
        for sku in self._members():
            product = self._value()
            if not isinstance(product, dict):
                raise OfferFileError(f"{self._where()}: product {sku} is not an object")
            attributes = {
                normalise(k): str(v) for k, v in (product.get("attributes") or {}).items()
            }
            if product.get("productFamily"):
                attributes["productfamily"] = str(product["productFamily"])
            if self.keep(attributes):
                self.products[sku] = attributes

    def _read_terms(self) -> Iterator[OfferRow]:
        if not self.seen_products:
            raise OfferFileError(
                f"{self._where()}: 'terms' before 'products'; not the published layout"
            )
        for term_type in self._members():
            for sku in self._members():
                offers = self._value()
                attributes = self.products.get(sku)
                if attributes is None or not isinstance(offers, dict):
                    continue
                for term in offers.values():
                    yield from self._dimensions(term_type, sku, term, attributes)

    def _dimensions(
        self, term_type: str, sku: str, term: Mapping[str, Any], attributes: Mapping[str, str]
    ) -> Iterator[OfferRow]:
        where = self._where()
        for rate_code, dimension in (term.get("priceDimensions") or {}).items():
            for currency, price in (dimension.get("pricePerUnit") or {}).items():
                self.meta.rows += 1
                yield OfferRow(
                    sku=sku,
                    offer_term_code=str(term.get("offerTermCode", "")),
                    rate_code=str(rate_code),
                    term_type=term_type,
                    description=str(dimension.get("description", "")),
                    effective_date=str(term.get("effectiveDate", ""))[:10],
                    begin_range=_number(str(dimension.get("beginRange", "0")), where),
                    end_range=_number(str(dimension.get("endRange", "Inf")), where),
                    unit=str(dimension.get("unit", "")),
                    price=_number(str(price), where),
                    currency=str(currency),
                    attributes=attributes,
                )
