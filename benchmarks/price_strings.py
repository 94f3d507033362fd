"""Price-string accuracy: parse_price against price-parser alone, on the same strings.

    python benchmarks/price_strings.py                          # our corpus (tests/unit/test_price_corpus.py)
    python benchmarks/price_strings.py --price-parser-tests F   # also price-parser's own test strings

For the second corpus, F is ``tests/test_price_parsing.py`` from a checkout of
https://github.com/scrapinghub/price-parser (not shipped in its wheel or sdist). Its example lists
are read in place; the known-failure lists (``*_XFAIL*``) are left out. Reports, per corpus:
strings, how many amounts each parser gets right, strings price-parser reads right that
parse_price reads wrong (must be 0), and amounts 10 times off or more (must be 0).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from price_parser import Price  # noqa: E402

from orchestration.formats.normalize import parse_price  # noqa: E402

PRICE_PARSER_LISTS = ("PRICE_PARSING_EXAMPLES_BUGS_CAUGHT", "PRICE_PARSING_EXAMPLES_NEW", "PRICE_PARSING_EXAMPLES",
                      "PRICE_PARSING_EXAMPLES_2", "PRICE_PARSING_EXAMPLES_3", "PRICE_PARSING_EXAMPLES_NO_PRICE",
                      "PRICE_PARSING_EXAMPLES_NO_CURRENCY")


def our_corpus() -> list[tuple[str, str | None, Decimal | None]]:
    from tests.unit.test_price_corpus import CORPUS

    return [(text, hint, None if amount is None else Decimal(amount)) for text, hint, amount, _ in CORPUS]


def price_parser_corpus(path: Path) -> list[tuple[str, str | None, Decimal | None]]:
    spec = importlib.util.spec_from_file_location("price_parser_examples", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    examples = [getattr(item, "values", [item])[0] for name in PRICE_PARSER_LISTS for item in getattr(module, name)]
    return [(example.price_raw, None, example.amount) for example in examples if example.price_raw is not None]


def compare(corpus: list[tuple[str, str | None, Decimal | None]]) -> dict:
    ours = library = 0
    broken, far_off = [], []
    for text, hint, truth in corpus:
        parsed = parse_price(text, currency_hint=hint).amount
        alone = Price.fromstring(text).amount
        ours += parsed == truth
        library += alone == truth
        if alone == truth and parsed != truth:
            broken.append([text, str(truth), str(parsed)])
        if parsed is not None and truth and not Decimal("0.1") < parsed / truth < 10:
            far_off.append([text, str(truth), str(parsed)])
    return {"strings": len(corpus), "parse_price_right": ours, "price_parser_right": library,
            "broken_by_overrides": broken, "ten_times_off": far_off}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--price-parser-tests", type=Path, help="price-parser's tests/test_price_parsing.py")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args(argv)
    results = {"ours": compare(our_corpus())}
    if args.price_parser_tests:
        results["price-parser tests"] = compare(price_parser_corpus(args.price_parser_tests))
    if args.json:
        print(json.dumps(results))
    else:
        print("| corpus | strings | parse_price right | price-parser alone right | broken by overrides | 10x off |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, result in results.items():
            count = result["strings"]
            print(f"| {name} | {count:,} | {result['parse_price_right']:,} ({result['parse_price_right'] / count:.1%}) "
                  f"| {result['price_parser_right']:,} ({result['price_parser_right'] / count:.1%}) "
                  f"| {len(result['broken_by_overrides'])} | {len(result['ten_times_off'])} |")
            for text, truth, parsed in result["broken_by_overrides"][:10] + result["ten_times_off"][:10]:
                print(f"  {text!r}: expected {truth}, parse_price gave {parsed}")
    failed = any(result["broken_by_overrides"] or result["ten_times_off"] for result in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
