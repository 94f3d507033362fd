"""Selector recipes load with precise errors; the brand dictionary matches words, never guesses."""

import pytest

from orchestration.formats.normalize import BrandDictionary
from orchestration.formats.recipes import RecipeError, load_recipe


def test_the_bundled_demo_recipe_loads():
    recipe = load_recipe("tokoloka-demo")
    assert (recipe.locale, recipe.timezone) == ("id-ID", "Asia/Jakarta")
    assert recipe.search_page_url("https://m.example/", "serum wajah") == "https://m.example/search?q=serum+wajah"
    assert len(recipe.user_agents) >= 3
    # Selection by data attributes, never by the build-hashed classes.
    assert all("css-" not in rule.selector for rule in recipe.fields.values())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("site: x\ndescription: y\ncard: '.c'\nfields: {title: {selector: a}, price: {selector: b}}\n",
         "missing required card field(s) link"),
        ("site: x\ndescription: y\ncard: '.c'\nfields: {link: {selector: a}, title: {selector: a}, price: {selector: b}, "
         "colour: {selector: c}}\n", "unknown card field(s) colour"),
        ("site: x\ndescription: y\ncard: '.c'\nfields: {link: {selector: a}, title: {selector: a}, price: {selector: b}}\n"
         "reading_order: [{field: rating, pattern: '(['}]\n", "reading_order.0.pattern: a valid regular expression"),
        ("site: [unclosed\n", "not valid YAML"),
    ],
)
def test_invalid_recipes_name_the_file_and_the_problem(tmp_path, body, message):
    path = tmp_path / "broken.yaml"
    path.write_text(body)
    with pytest.raises(RecipeError) as error:
        load_recipe(str(path))
    assert str(path) in str(error.value) and message in str(error.value)


def test_an_unknown_recipe_lists_the_bundled_ones():
    with pytest.raises(RecipeError, match="bundled recipes: tokoloka-demo"):
        load_recipe("lazada")


BRANDS = BrandDictionary({"Verdant Skin": ["verdant"], "Lumière": ["lumiere"], "SK-II": [], "Kaya Botanics": ["kaya"]})


@pytest.mark.parametrize(
    ("title", "shop", "brand"),
    [
        ("Verdant Skin Serum 30ml", None, "Verdant Skin"),
        ("serum VERDANT   skin 30ml", None, "Verdant Skin"),  # case and spacing
        ("LUMIÈRE Daily Serum", None, "Lumière"),  # accents folded
        ("Lumiere daily serum", None, "Lumière"),
        ("SK-II Facial Treatment Essence", None, "SK-II"),
        ("Daily Serum", "Kaya Botanics Official Store", "Kaya Botanics"),  # shop name after the title
        ("Kaya serum", "Verdant Skin Official", "Kaya Botanics"),  # the title wins
        ("Verdantly green serum", None, None),  # whole words only
        ("Kayaking bottle", "Toko Kayak", None),
        ("Serum tanpa merek", "Toko Cantik 88", None),  # unmatched stays null
        (None, None, None),
    ],
)
def test_brand_dictionary(title, shop, brand):
    assert BRANDS.match(title, shop) == brand


def test_the_earliest_alias_in_a_title_wins():
    assert BRANDS.match("Lumiere x Verdant Skin collab") == "Lumière"
    assert not BrandDictionary({}) and BrandDictionary({}).match("anything") is None
