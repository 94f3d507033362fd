"""DEMO / TEST FIXTURE: Tokoloka's pages: a JS shell that renders result tiles from a JSON call.

The browser sees: a bot check (a script sets a cookie and reloads; without it, a challenge
page), then a shell whose script fetches ``/marketplace/api/...`` and renders tiles, first as
lazy placeholders; search pages load more on scroll (infinite scroll), category pages link to
the next page. Class names look like build hashes on purpose: recipes must not rely on them.

:func:`render_listing_dom` produces, in Python, the DOM the script builds, so demo history for
past hours can be written without a browser; a real-Chromium test checks the two agree.
"""

from __future__ import annotations

import hashlib
import json
from html import escape

BOT_COOKIE = "tl_bc"
SHELL_TITLE = "Tokoloka (demo marketplace)"

CARD_SCRIPT = r"""
function esc(s) { return String(s).replace(/[&<>"']/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c])); }
function cardHtml(it) {
  let h = '<div class="css-bk6tzz e1nlzfl2" data-testid="master-product-card" data-product-id="' + esc(it.id) + '">';
  h += '<a class="css-gwkf0u" data-testid="lnkProductContainer" href="' + esc(it.url) + '">';
  h += '<div class="css-1sfvth5"><img class="css-1q90pod" data-testid="imgProduct" alt="' + esc(it.name) + '" src="' + esc(it.image) + '"></div>';
  h += '<div class="css-11s9vse">';
  if (it.is_ad) h += '<span class="css-1gqvb8g" data-testid="lblProductAd">Ad</span>';
  if (it.shop.official) h += '<span class="css-ik3rkm">Mall</span>';
  h += '<div class="css-3um8ox" data-testid="spnSRPProdName">' + esc(it.name) + '</div>';
  h += '<div class="css-h66vau" data-testid="spnSRPProdPrice">' + esc(it.price) + '</div>';
  if (it.slash_price) {
    h += '<div class="css-1lrbw2p"><span class="css-1u1z2kp" data-testid="lblProductSlashPrice">' + esc(it.slash_price) + '</span>';
    if (it.discount) h += '<span class="css-vdtzl5" data-testid="lblProductDiscount">' + esc(it.discount) + '</span>';
    h += '</div>';
  }
  if (it.promo) h += '<div class="css-1oz4p8a">' + esc(it.promo) + '</div>';
  if (it.rating || it.sold) {
    h += '<div class="css-1riykrk">';
    if (it.rating) h += '<span class="css-t70v7i">' + esc(it.rating) + '</span>';
    if (it.sold) h += '<span class="css-1duhs3e">' + esc(it.sold) + '</span>';
    h += '</div>';
  }
  h += '<div class="css-1rn0irl"><span class="css-1kdc32b">' + esc(it.shop.name) + '</span><span class="css-1kdc32b">' + esc(it.shop.city) + '</span></div>';
  if (it.sold_out) h += '<div class="css-1s4yx2y" data-testid="lblSoldOut">Stok habis</div>';
  h += '</div></a></div>';
  return h;
}
"""

SHELL_SCRIPT = r"""
const list = document.querySelector('[data-testid="divSRPContentProducts"]');
const cfg = JSON.parse(document.getElementById('page-config').textContent);
let page = cfg.page, loading = false, done = false;
function placeholders(n) {
  const nodes = [];
  for (let i = 0; i < n; i++) {
    const p = document.createElement('div');
    p.className = 'css-skel1x'; p.setAttribute('data-testid', 'lazy-placeholder');
    list.appendChild(p); nodes.push(p);
  }
  return nodes;
}
async function load() {
  if (loading || done) return;
  loading = true;
  const holders = placeholders(cfg.per_page);
  let response;
  while (true) {
    response = await fetch(cfg.api + (cfg.api.includes('?') ? '&' : '?') + 'page=' + page, {credentials: 'same-origin'});
    if (response.status !== 429) break;
    const wait = parseFloat(response.headers.get('Retry-After') || '1');
    await new Promise(r => setTimeout(r, wait * 1000));
  }
  const data = await response.json();
  await new Promise(r => setTimeout(r, 120 + Math.random() * 200));  // lazy tiles fill in a little later
  holders.slice(cfg.stuck || 0).forEach(h => h.remove());
  list.insertAdjacentHTML('beforeend', data.items.map(cardHtml).join(''));
  if (data.total === 0 && cfg.empty_state) {
    list.insertAdjacentHTML('afterend', '<div class="css-e1mpty" data-testid="empty-state">Oops, produk nggak ditemukan</div>');
  }
  if (!data.has_more) {
    done = true;
    if (data.total > 0 && cfg.mode === 'scroll') list.insertAdjacentHTML('afterend', '<div class="css-3nd0f" data-testid="end-of-results">Kamu sudah sampai di akhir hasil pencarian</div>');
  }
  if (cfg.mode === 'pages' && data.has_more) {
    document.getElementById('pager').innerHTML = '<a class="css-p4g3r" data-testid="btnShopProductPageNext" href="?page=' + (page + 1) + '">Berikutnya</a>';
  }
  page += 1;
  loading = false;
}
window.addEventListener('scroll', () => {
  if (cfg.mode === 'scroll' && window.innerHeight + window.scrollY >= document.body.scrollHeight - 300) load();
});
load();
"""


def bot_cookie_value(seed: int) -> str:
    return hashlib.sha256(f"tokoloka-{seed}".encode()).hexdigest()[:16]


def card_html(item: dict) -> str:
    """The tile the page script builds from one API item (kept in step with CARD_SCRIPT)."""
    e = escape
    html = [f'<div class="css-bk6tzz e1nlzfl2" data-testid="master-product-card" data-product-id="{e(item["id"])}">',
            f'<a class="css-gwkf0u" data-testid="lnkProductContainer" href="{e(item["url"])}">',
            f'<div class="css-1sfvth5"><img class="css-1q90pod" data-testid="imgProduct" alt="{e(item["name"])}" src="{e(item["image"])}"></div>',
            '<div class="css-11s9vse">']
    if item["is_ad"]:
        html.append('<span class="css-1gqvb8g" data-testid="lblProductAd">Ad</span>')
    if item["shop"]["official"]:
        html.append('<span class="css-ik3rkm">Mall</span>')
    html.append(f'<div class="css-3um8ox" data-testid="spnSRPProdName">{e(item["name"])}</div>')
    html.append(f'<div class="css-h66vau" data-testid="spnSRPProdPrice">{e(item["price"])}</div>')
    if item["slash_price"]:
        html.append(f'<div class="css-1lrbw2p"><span class="css-1u1z2kp" data-testid="lblProductSlashPrice">{e(item["slash_price"])}</span>')
        if item["discount"]:
            html.append(f'<span class="css-vdtzl5" data-testid="lblProductDiscount">{e(item["discount"])}</span>')
        html.append("</div>")
    if item["promo"]:
        html.append(f'<div class="css-1oz4p8a">{e(item["promo"])}</div>')
    if item["rating"] or item["sold"]:
        html.append('<div class="css-1riykrk">')
        if item["rating"]:
            html.append(f'<span class="css-t70v7i">{e(item["rating"])}</span>')
        if item["sold"]:
            html.append(f'<span class="css-1duhs3e">{e(item["sold"])}</span>')
        html.append("</div>")
    html.append(f'<div class="css-1rn0irl"><span class="css-1kdc32b">{e(item["shop"]["name"])}</span>'
                f'<span class="css-1kdc32b">{e(item["shop"]["city"])}</span></div>')
    if item["sold_out"]:
        html.append('<div class="css-1s4yx2y" data-testid="lblSoldOut">Stok habis</div>')
    html.append("</div></a></div>")
    return "".join(html)


def _document(title: str, body: str, head: str = "") -> bytes:
    return (
        f'<!doctype html><html lang="id"><head><meta charset="utf-8"><title>{escape(title)}</title>{head}</head>'
        f'<body><header class="css-h34d3r"><b>{SHELL_TITLE}</b> <small>demo data, not a real marketplace</small></header>'
        f"{body}</body></html>"
    ).encode()


def render_shell(api_url: str, page: int, per_page: int, mode: str, heading: str, stuck_placeholders: int = 0) -> bytes:
    """The page the server sends: no tiles yet, a script that fetches and renders them
    (``stuck_placeholders`` lazy tiles of each load never fill, as ad slots that never load)."""
    config = json.dumps({"api": api_url, "page": page, "per_page": per_page, "mode": mode, "empty_state": True,
                         "stuck": stuck_placeholders})
    body = (
        f'<main class="css-m41n"><h1 class="css-t1tl3">{escape(heading)}</h1>'
        '<div class="css-rjanld" data-testid="divSRPContentProducts"></div><nav id="pager" class="css-p4g3"></nav></main>'
        f'<script type="application/json" id="page-config">{config}</script>'
        f"<script>{CARD_SCRIPT}{SHELL_SCRIPT}</script>"
    )
    return _document(f"{heading} | {SHELL_TITLE}", body)


def render_listing_dom(items: list[dict], heading: str, next_page: int | None, end_of_results: bool) -> bytes:
    """The rendered page as a browser holds it after the script ran (for demo history)."""
    tiles = "".join(card_html(item) for item in items)
    pager = f'<a class="css-p4g3r" data-testid="btnShopProductPageNext" href="?page={next_page}">Berikutnya</a>' if next_page else ""
    end = '<div class="css-3nd0f" data-testid="end-of-results">Kamu sudah sampai di akhir hasil pencarian</div>' if end_of_results else ""
    body = (
        f'<main class="css-m41n"><h1 class="css-t1tl3">{escape(heading)}</h1>'
        f'<div class="css-rjanld" data-testid="divSRPContentProducts">{tiles}</div>{end}'
        f'<nav id="pager" class="css-p4g3">{pager}</nav></main>'
    )
    return _document(f"{heading} | {SHELL_TITLE}", body)


def render_bot_check(cookie_value: str) -> bytes:
    """A light JS check: the script sets the cookie and reloads; a client without JS stays here."""
    script = (
        f'<script>setTimeout(function() {{ document.cookie = "{BOT_COOKIE}={cookie_value}; path=/; SameSite=Lax"; '
        "location.reload(); }, 300);</script>"
    )
    body = ('<div id="challenge-running" class="css-ch4l" data-testid="bot-check">'
            "Memeriksa browser kamu sebelum melanjutkan...</div>")
    return _document("Just a moment...", body + script)


def render_captcha() -> bytes:
    """A captcha that never passes by itself: a scraper must stop, not record an empty listing."""
    body = ('<div class="css-c4pt" data-testid="captcha-box"><h2>Verifikasi bahwa kamu bukan robot</h2>'
            '<div class="g-recaptcha" data-sitekey="demo"></div></div>')
    return _document("Verifikasi keamanan", body)


def render_image(product_id: str) -> bytes:
    hue = int(product_id) % 360
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><rect width="200" height="200" '
            f'fill="hsl({hue},45%,80%)"/><text x="100" y="105" text-anchor="middle" font-size="14">demo</text></svg>').encode()
