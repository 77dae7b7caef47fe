"""Amounts of money as people read them: the currency's symbol, thousands separators, its decimals.

Every amount CareDesk shows (pages, emails, the admin) goes through `format_money`, in the one currency
of the installation, settings.CURRENCY (an ISO 4217 code, checked when the settings load).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

# ISO 4217 codes of the currencies in circulation (funds, precious metals, bond units and the
# testing/no-currency codes left out: nobody is paid back in them). ANG and SLL stay while
# their replacements (XCG, SLE) take over.
CURRENCY_CODES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
    CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP
    GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD
    KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN
    NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP
    SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED
    VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    """.split()  # noqa: SIM905 - the codes as ISO lists them, easier to check than 160 quoted strings
)

# Symbols that read unambiguously in English text; any other currency is shown by its code.
SYMBOLS = {
    "EUR": "€",
    "GBP": "£",
    "USD": "$",
    "JPY": "¥",
    "CNY": "CN¥",
    "INR": "₹",
    "KRW": "₩",
    "ILS": "₪",
    "VND": "₫",
    "PHP": "₱",
    "NGN": "₦",
    "UAH": "₴",
    "AUD": "A$",
    "CAD": "CA$",
    "NZD": "NZ$",
    "HKD": "HK$",
    "SGD": "S$",
    "MXN": "MX$",
    "BRL": "R$",
    "TWD": "NT$",
    "XCD": "EC$",
}

# Digits after the decimal point where ISO 4217 says other than two.
_NO_DECIMALS = ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF")
MINOR_UNITS = {
    **dict.fromkeys((*_NO_DECIMALS, "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}

# Between a currency code and the amount, so "CHF 75.50" never wraps apart.
NO_BREAK_SPACE = "\u00a0"


def is_currency_code(code: str) -> bool:
    """Return True when `code` is the ISO 4217 code of a currency in circulation (upper case)."""
    return code in CURRENCY_CODES


def currency_code() -> str:
    """Return the installation's currency (settings.CURRENCY)."""
    return str(settings.CURRENCY)


def currency_symbol(code: str | None = None) -> str:
    """Return the symbol people know the currency by, or its code when it has no unambiguous one."""
    code = code or currency_code()
    return SYMBOLS.get(code, code)


def format_money(amount: Decimal | float | int | None, code: str | None = None) -> str:
    """Return `amount` as "£3,770.00" (or "CHF 75.50"); "" for no amount.

    Rounded half up to the currency's decimals; the thousands are grouped with commas, as every other
    number on CareDesk's pages is.
    """
    if amount is None:
        return ""
    code = code or currency_code()
    places = MINOR_UNITS.get(code, 2)
    value = Decimal(str(amount)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    digits = f"{abs(value):,.{places}f}"
    symbol = SYMBOLS.get(code)
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{code}{NO_BREAK_SPACE}{digits}"
