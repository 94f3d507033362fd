"""One identity per product, whatever URL shape reaches it (shapes from each platform's public
pages and share links; ids and slugs are our own)."""

import pytest

from orchestration.formats.normalize import NotAProductURL, ProductIdentity, canonical_product

SHOPEE = "https://shopee.co.id/product/123456789/9876543210"
TOKOPEDIA = "https://www.tokopedia.com/glowlab/serum-niacinamide-10-30ml"
LAZADA = "https://www.lazada.co.id/products/i160040421.html"
TIKTOK = "https://shop.tiktok.com/view/product/1729384756102938475"
AMAZON = "https://www.amazon.com/dp/B08N5WRWNW"

SAME_PRODUCT = [
    # Shopee: slug URLs and /product/<shop>/<item>, any host prefix, share and affiliate parameters
    (SHOPEE, "shopee:123456789.9876543210", None, [
        "https://shopee.co.id/Serum-Niacinamide-10-i.123456789.9876543210",
        "https://shopee.co.id/serum-niacinamide-10%-30ml-i.123456789.9876543210?sp_atk=ab12&xptdk=cd34",
        "https://shopee.co.id/product/123456789/9876543210",
        "https://shopee.co.id/product/123456789/9876543210/",
        "https://www.shopee.co.id/product/123456789/9876543210?smtt=0.0.9",
        "https://m.shopee.co.id/Serum-i.123456789.9876543210?utm_source=an_123&utm_medium=affiliates",
        "https://shopee.co.id/Serum-i.123456789.9876543210?af_siteid=an_1&pid=affiliates&af_click_lookback=7d",
        "HTTPS://SHOPEE.CO.ID/product/123456789/9876543210#reviews",
    ]),
    ("https://shopee.sg/product/11/22", "shopee:11.22", None, [
        "https://shopee.sg/Serum-i.11.22", "https://shopee.sg/any-slug-at-all-i.11.22?position=3",
    ]),
    # Tokopedia: m., bare and www. hosts, trailing slashes, the extParam family
    (TOKOPEDIA, "tokopedia:glowlab/serum-niacinamide-10-30ml", None, [
        "https://tokopedia.com/glowlab/serum-niacinamide-10-30ml",
        "https://m.tokopedia.com/glowlab/serum-niacinamide-10-30ml",
        "https://www.tokopedia.com/glowlab/serum-niacinamide-10-30ml/",
        "https://www.tokopedia.com/GlowLab/serum-niacinamide-10-30ml",
        "https://www.tokopedia.com/glowlab/serum-niacinamide-10-30ml?extParam=ivf%3Dfalse%26src%3Dsearch",
        "https://www.tokopedia.com/glowlab/serum-niacinamide-10-30ml?extParam=whid%3D1234&src=topads&t_id=1",
        "https://www.tokopedia.com/glowlab/serum-niacinamide-10-30ml?trkid=f%3DCa0000L000P0W0S0Sh%2CCo0Po0Fr0Cb0",
        "https://www.tokopedia.com/glowlab/serum-niacinamide-10-30ml?whid=0&utm_source=google",
    ]),
    # Lazada: any slug, with or without -s<sku> (the SKU is the variant)
    (LAZADA, "lazada:160040421", None, [
        "https://www.lazada.co.id/products/i160040421.html",
        "https://www.lazada.co.id/products/serum-niacinamide-10-i160040421.html",
        "https://lazada.co.id/products/serum-niacinamide-10-i160040421.html?spm=a2o4j.searchlist.list.1",
        "https://www.lazada.co.id/products/serum-i160040421.html?clickTrackInfo=abc&search=1&mp=1",
        "https://m.lazada.co.id/products/serum-i160040421.html?laz_trackid=2:mm_1&laz_share_info=x",
    ]),
    # TikTok Shop product ids on every host that serves them
    (TIKTOK, "tiktokshop:1729384756102938475", None, [
        "https://shop.tiktok.com/view/product/1729384756102938475?region=ID&locale=id-ID",
        "https://www.tiktok.com/view/product/1729384756102938475?_svg=1&checksum=abc&u_code=x",
        "https://www.tiktok.com/shop/pdp/serum-niacinamide-10/1729384756102938475",
        "https://shop-id.tokopedia.com/view/product/1729384756102938475",
        "https://m.tiktok.com/view/product/1729384756102938475/",
    ]),
    # Amazon: /dp/, /gp/product/, slugs before /dp/, ref paths and affiliate tags
    (AMAZON, "amazon:amazon.com:B08N5WRWNW", None, [
        "https://www.amazon.com/dp/B08N5WRWNW",
        "https://www.amazon.com/Echo-Dot-4th-Gen/dp/B08N5WRWNW/ref=sr_1_1?keywords=echo&qid=1&sr=8-1",
        "https://amazon.com/gp/product/B08N5WRWNW?tag=affiliate-20&linkCode=ll1",
        "https://www.amazon.com/gp/product/B08N5WRWNW/ref=ppx_yo_dt_b_asin_title_o00",
        "https://smile.amazon.com/dp/b08n5wrwnw",
        "https://www.amazon.com/gp/aw/d/B08N5WRWNW",
        "https://www.amazon.com/dp/B08N5WRWNW?th=1&psc=1&pd_rd_w=abc&pf_rd_p=def",
    ]),
]
VARIANTS = [
    # Shopify: the collection scope is dropped and ?variant= goes to its own field
    ("https://glow.example/products/serum?variant=44111", "https://glow.example/products/serum", "44111"),
    ("https://glow.example/collections/serums/products/serum?variant=44111", "https://glow.example/products/serum", "44111"),
    ("https://glow.example/collections/all/products/serum", "https://glow.example/products/serum", None),
    ("https://glow.example/products/serum?utm_source=ig&variant=7", "https://glow.example/products/serum", "7"),
    ("https://www.lazada.co.id/products/serum-i160040421-s200123456.html", LAZADA, "200123456"),
    ("https://www.lazada.co.id/products/i160040421-s200123457.html?spm=x", LAZADA, "200123457"),
]
NOT_PRODUCTS = [
    "https://shopee.co.id/glowlab.official", "https://shopee.co.id/shop/123456789", "https://shopee.co.id/search?keyword=serum",
    "https://shopee.co.id/Kecantikan-cat.11043145", "https://www.tokopedia.com/glowlab",
    "https://www.tokopedia.com/glowlab/etalase/serum", "https://www.tokopedia.com/glowlab/review",
    "https://www.tokopedia.com/p/kecantikan/perawatan-wajah", "https://www.tokopedia.com/search?q=serum",
    "https://www.tokopedia.com/discovery/kejar-diskon", "https://www.lazada.co.id/shop/glowlab/",
    "https://www.lazada.co.id/catalog/?q=serum", "https://www.lazada.co.id/perawatan-kulit/",
    "https://www.tiktok.com/@glowlab", "https://www.tiktok.com/@glowlab/video/7290000000000000000",
    "https://www.amazon.com/s?k=serum", "https://www.amazon.com/stores/GlowLab/page/ABC",
    "https://www.amazon.com/b?node=11060451", "https://glow.example/collections/serums",
    "https://glow.example/collections",
]
GENERIC = [
    ("https://shop.example.com/item.php?pid=42&utm_campaign=x", "https://shop.example.com/item.php?pid=42"),
    ("https://SHOP.example.com:443/p/serum?c=3&gclid=abc", "https://shop.example.com/p/serum?c=3"),
    ("https://shop.example.com/p/serum?fbclid=1#top", "https://shop.example.com/p/serum"),
]


@pytest.mark.parametrize(("canonical", "key", "variant", "url"),
                         [(canonical, key, variant, url) for canonical, key, variant, urls in SAME_PRODUCT for url in urls],
                         ids=lambda value: value if isinstance(value, str) and value.startswith("http") else None)
def test_every_shape_of_a_platform_url_is_one_product(canonical, key, variant, url):
    assert canonical_product(url) == ProductIdentity(canonical, key, variant)


@pytest.mark.parametrize(("url", "canonical", "variant"), VARIANTS)
def test_the_variant_is_kept_apart_from_the_product_url(url, canonical, variant):
    identity = canonical_product(url)
    assert (identity.url, identity.variant_id) == (canonical, variant)


@pytest.mark.parametrize("url", NOT_PRODUCTS)
def test_shops_categories_and_searches_never_become_products(url):
    with pytest.raises(NotAProductURL, match="not a"):
        canonical_product(url)


@pytest.mark.parametrize(("url", "canonical"), GENERIC)
def test_other_sites_are_normalized_and_keep_parameters_that_may_name_the_product(url, canonical):
    assert canonical_product(url) == ProductIdentity(canonical, f"url:{canonical}")
