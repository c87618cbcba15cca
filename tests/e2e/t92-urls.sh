# One URL table (generator/site/urls.h): plugins read it as loa.urls (read
# only) and join base_url by one rule with loa.absolute_url / loa.rel_url;
# the pages' permalinks, the sitemap and the shipped plugins' permalinks
# follow that rule, also under a sub-path and a base_url with extra '/'s.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cat > "$R/site.yaml" <<'YAML'
title: "Trang thử"
base_url: "https://example.vn/sub//"
page_size: 1
YAML
write "$R/plugins/probe.lua" <<'LUA'
loa.on("before_render", function()
  local ok, err = pcall(function() loa.urls.news = "/x/" end)
  local p = loa.pages{ kind = "news" }[1]
  local out = {
    "news=" .. loa.urls.news,
    "search=" .. loa.urls.search,
    "calendar=" .. loa.urls.plans_calendar,
    "page_word=" .. loa.urls.page_word,
    "abs=" .. loa.absolute_url(loa.urls.news),
    "abs_rel=" .. loa.absolute_url("a/b.jpg"),
    "abs_scheme=" .. loa.absolute_url("https://other.vn/x"),
    "rel=" .. loa.rel_url("/a/"),
    "write=" .. tostring(ok) .. " " .. tostring(err),
    "still=" .. loa.urls.news,
    "permalink_rule=" .. tostring(p.permalink == loa.absolute_url(p.url)),
  }
  loa.add_file{ url = "/probe.txt", content = table.concat(out, "\n") .. "\n" }
  loa.add_page{ url = "/thu-urls/", layout = "urls.html", page = { title = "urls" } }
end)
LUA
# templates read the same table as site.urls
write "$R/themes/default/layouts/urls.html" <<'HTML'
news={{ site.urls.news }} word={{ site.urls.page_word }} rel={{ site.urls.search | rel_url }}
HTML
commit "$R" "2023-03-06T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "probe"
cd "$R"
"$LOA" build --out public --now 2023-10-01 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "the site builds" [ "$st" -eq 0 ]
P=public/probe.txt
check "loa.urls names the table's URLs" contains $P "news=/tin-tuc/"
check "loa.urls.search" contains $P "search=/tim-kiem/"
check "loa.urls.plans_calendar" contains $P "calendar=/ke-hoach/lich.ics"
check "loa.urls.page_word is the pagination word" contains $P "page_word=trang"
check "loa.absolute_url joins base_url without its trailing slashes" \
	contains $P "abs=https://example.vn/sub/tin-tuc/"
check "loa.absolute_url puts one '/' before a relative path" contains $P "abs_rel=https://example.vn/sub/a/b.jpg"
check "loa.absolute_url keeps a URL with a scheme" contains $P "abs_scheme=https://other.vn/x"
check "loa.rel_url adds base_url's sub-path" contains $P "rel=/sub/a/"
check "loa.urls refuses writes" contains $P "write=false"
check "the refusal names the URL table" contains $P "read-only"
check "loa.urls is unchanged after the refused write" contains $P "still=/tin-tuc/"
check "page.permalink follows loa.absolute_url's rule" contains $P "permalink_rule=true"
check "the sitemap follows the same rule" contains public/sitemap.xml "<loc>https://example.vn/sub/tin-tuc/</loc>"
check "robots.txt names the sitemap by the same rule" contains public/robots.txt "Sitemap: https://example.vn/sub/sitemap.xml"
check "the canonical link follows it" contains public/tin-tuc/index.html 'href="https://example.vn/sub/tin-tuc/"'
check "the feed follows it" contains public/tin-tuc/atom.xml "<id>https://example.vn/sub/tin-tuc/</id>"
check "the search page's permalink follows it" contains public/tim-kiem/index.html "https://example.vn/sub/tim-kiem/"
check "the school list's permalink follows it" contains public/truong/index.html "https://example.vn/sub/truong/"
# the theme's abs_url filter (jsonld.html: "/" | abs_url) joins by the same rule
check "the theme's abs_url follows it" grep -qF '"url":"https://example.vn/sub/"}' public/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html
check "templates read the table as site.urls" contains public/thu-urls/index.html "news=/tin-tuc/ word=trang rel=/sub/tim-kiem/"
check "page 2 of the news is under the pagination word" test -s public/tin-tuc/trang/2/index.html
finish
