"""Installing Attune as an app: the web app manifest, its icons, and the page head that points at them."""

import json
import re
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import resolve, reverse

from config import manifest
from tests.conftest import ensure_static_collected

pytestmark = pytest.mark.django_db

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The maskable and home-screen icons are filled to the edge with the favicon's teal (static/favicon.svg).
ICON_TEAL = (0x2F, 0x5D, 0x62)
HASHED = re.compile(r"\.[0-9a-f]{12}\.(png|svg)$")


@pytest.fixture(autouse=True)
def _collected_static():
    ensure_static_collected()


def get_manifest(client):
    response = client.get(reverse("web_manifest"))
    assert response.status_code == 200
    return response, json.loads(response.content)


def collected_file(url: str) -> Path:
    """The collected static file a static URL serves (a missing one fails the test)."""
    assert url.startswith(settings.STATIC_URL), url
    path = Path(settings.STATIC_ROOT) / url.removeprefix(settings.STATIC_URL)
    assert path.is_file(), f"{url} is not a collected static file"
    return path


def png_header(data: bytes) -> tuple[int, int, int]:
    """Width, height and colour type from a PNG's IHDR chunk, which always comes first."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height, _depth, colour_type = struct.unpack(">IIBB", data[16:26])
    return width, height, colour_type


def png_first_pixel(data: bytes) -> tuple[int, ...]:
    """The top-left pixel of an 8-bit PNG: whatever the row's filter, the first pixel is stored as it is."""
    chunks, offset = [], 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if kind == b"IDAT":
            chunks.append(data[offset + 8 : offset + 8 + length])
        offset += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    channels = {2: 3, 6: 4}[png_header(data)[2]]
    return tuple(raw[1 : 1 + channels])  # raw[0] is the row's filter byte


class HeadTags(HTMLParser):
    """The <link> and <meta> tags and script sources of a page's <head>."""

    def __init__(self):
        super().__init__()
        self.links, self.metas, self.scripts, self.in_head = [], [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif self.in_head and tag == "link":
            self.links.append(attrs)
        elif self.in_head and tag == "meta":
            self.metas.append(attrs)
        elif self.in_head and tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def head_of(html: str) -> HeadTags:
    parser = HeadTags()
    parser.feed(html)
    return parser


def test_the_manifest_has_its_own_address():
    assert reverse("web_manifest") == "/manifest.webmanifest"
    assert resolve("/manifest.webmanifest").func is manifest.web_manifest


def test_the_manifest_answers_anyone_as_a_manifest_browsers_may_keep(client):
    response, _ = get_manifest(client)
    assert response["Content-Type"] == "application/manifest+json"
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", f"max-age={manifest.MAX_AGE_SECONDS}"} <= cache_control
    assert manifest.MAX_AGE_SECONDS >= 3600
    again = client.get(reverse("web_manifest"), headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304
    assert client.post(reverse("web_manifest")).status_code == 405


def test_the_manifest_has_every_field_an_install_needs(client):
    _, data = get_manifest(client)
    assert data["name"] == "Attune"
    assert data["short_name"] == "Attune"
    assert "needs" in data["description"]
    assert data["id"] == "/"
    assert data["start_url"] == "/"
    assert data["scope"] == "/"
    assert data["display"] == "standalone"
    assert data["lang"] == "en"
    assert data["dir"] == "ltr"
    assert data["categories"] and all(isinstance(c, str) for c in data["categories"])
    for colour in ("background_color", "theme_color"):
        assert re.fullmatch(r"#[0-9a-f]{6}", data[colour]), colour
    png = {(icon["sizes"], icon["purpose"]) for icon in data["icons"] if icon["type"] == "image/png"}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= png
    assert any(icon["type"] == "image/svg+xml" and icon["sizes"] == "any" for icon in data["icons"])


def test_every_icon_is_a_hashed_collected_file_of_the_size_it_declares(client):
    _, data = get_manifest(client)
    icons = data["icons"] + [icon for shortcut in data["shortcuts"] for icon in shortcut["icons"]]
    assert len(icons) == 6
    for icon in icons:
        assert HASHED.search(icon["src"]), (
            f"{icon['src']} is not a hashed static URL: browsers could not keep it"
        )
        content = collected_file(icon["src"]).read_bytes()
        if icon["type"] == "image/svg+xml":
            assert icon["sizes"] == "any"
            assert b"<svg" in content[:200]
            continue
        assert icon["type"] == "image/png"
        width, height, _ = png_header(content)
        assert icon["sizes"] == f"{width}x{height}", icon["src"]


def test_the_maskable_icon_fills_its_square_so_no_corner_shows_through(client):
    _, data = get_manifest(client)
    (maskable,) = [icon for icon in data["icons"] if "maskable" in icon["purpose"].split()]
    content = collected_file(maskable["src"]).read_bytes()
    assert png_header(content) == (512, 512, 2)  # colour type 2: RGB, no transparency at all
    assert png_first_pixel(content) == ICON_TEAL
    for icon in data["icons"]:
        if icon is not maskable:
            assert "maskable" not in icon["purpose"], "an icon drawn to the edge of its circle would be cut"


def test_shortcuts_open_the_check_in_and_a_new_reflection(client, alice):
    _, data = get_manifest(client)
    targets = {shortcut["short_name"]: resolve(shortcut["url"]).view_name for shortcut in data["shortcuts"]}
    assert targets == {"Check in": "needs:checkin", "Write": "journal:reflection_create"}
    client.force_login(alice)
    for shortcut in data["shortcuts"]:
        assert shortcut["name"] and shortcut["description"]
        assert client.get(shortcut["url"]).status_code == 200


def test_the_manifest_sets_no_cookie_and_is_the_same_for_a_signed_in_person(client, alice):
    anonymous = client.get(reverse("web_manifest"))
    assert not anonymous.cookies
    client.force_login(alice)
    signed_in = client.get(reverse("web_manifest"))
    assert signed_in.status_code == 200
    assert not signed_in.cookies
    assert signed_in.content == anonymous.content
    assert alice.email.encode() not in signed_in.content
    assert alice.username.encode() not in signed_in.content
    # The never-cache rule for signed-in pages leaves this one public file alone.
    assert "public" in signed_in["Cache-Control"] and "no-store" not in signed_in["Cache-Control"]


def assert_head_points_at_the_app(html: str, theme_color: str) -> None:
    head = head_of(html)
    manifests = [link["href"] for link in head.links if link.get("rel") == "manifest"]
    assert manifests == [reverse("web_manifest")]
    colours = {meta.get("media"): meta["content"] for meta in head.metas if meta.get("name") == "theme-color"}
    assert set(colours) == {"(prefers-color-scheme: light)", "(prefers-color-scheme: dark)"}
    assert colours["(prefers-color-scheme: light)"] == theme_color
    assert colours["(prefers-color-scheme: dark)"] != theme_color
    (touch,) = [link for link in head.links if link.get("rel") == "apple-touch-icon"]
    touch_icon = collected_file(touch["href"]).read_bytes()
    assert png_header(touch_icon) == (180, 180, 2)  # iOS turns transparent corners black
    assert png_first_pixel(touch_icon) == ICON_TEAL
    names = {meta.get("name"): meta.get("content") for meta in head.metas}
    assert names["apple-mobile-web-app-title"] == "Attune"
    assert names["mobile-web-app-capable"] == "yes"
    scripts = [re.sub(r"\.[0-9a-f]{12}\.js$", ".js", src) for src in head.scripts]
    app = scripts.index(settings.STATIC_URL + "js/app.js")
    assert scripts[app + 1] == settings.STATIC_URL + "js/offline.js"


def test_pages_for_visitors_and_signed_in_people_point_at_the_manifest(client, alice):
    _, data = get_manifest(client)
    for path, status in (("/", 200), (reverse("privacy"), 200), ("/no-such-page/", 404)):
        response = client.get(path)
        assert response.status_code == status
        assert_head_points_at_the_app(response.content.decode(), data["theme_color"])
    client.force_login(alice)
    for path in ("/", reverse("needs:checkin")):
        response = client.get(path)
        assert response.status_code == 200
        assert_head_points_at_the_app(response.content.decode(), data["theme_color"])
