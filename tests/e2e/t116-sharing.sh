# Sharing: og:image and twitter:image from the front matter's `image`,
# else the article's first photo (its 960-wide variant), else the school's
# image, else the site's default /og-image.png; the meta description,
# og:description and the JSON-LD description from the summary Loa computes
# when none is written; JSON-LD image; share links for Zalo and Facebook
# and a copy-link button, with no third-party script.
. "$(dirname "$0")/lib.sh"
command -v vips > /dev/null || { echo "FAIL vips is installed (scripts/install-deps.sh --test)"; exit 1; }
R="$TMP/site"
basic_site "$R"
cd "$R"
write site.yaml <<'YAML'
title: "Trang thử"
base_url: "https://example.vn/sub/"
YAML
write content/schools/dong-thai.md <<'MD'
---
title: "Trường Mầm non Đồng Thái"
image: "/truong-anh.jpg"
---
Trường.
MD
mkdir -p static
vips black static/truong-anh.jpg 200 100
# 1. front matter image wins over the photo in the text
B=content/news/dong-thai/a-bia
mkdir -p "$B"
vips gaussnoise "$TMP/n.v" 1600 900 --mean 128 --sigma 30
vips cast "$TMP/n.v" "$B/anh.jpg" uchar
vips black "$B/bia.jpg" 300 200
write "$B/index.md" <<'MD'
---
title: "A có ảnh bìa"
date: 2023-03-01
image: bia.jpg
summary: "Tóm tắt do người viết."
---
![Ảnh](anh.jpg)
MD
# 2. the first photo, its 960-wide variant
B=content/news/dong-thai/b-anh
mkdir -p "$B"
cp content/news/dong-thai/a-bia/anh.jpg "$B/lon.jpg"
vips black "$B/nho.jpg" 300 200
write "$B/index.md" <<'MD'
---
title: "B có ảnh"
date: 2023-03-02
---
Đoạn đầu của bài B, kể về **ngày hội** của các bé.

![Ảnh lớn](lon.jpg)

![Ảnh nhỏ](nho.jpg)
MD
# 3. a small first photo: no 960 variant, the photo itself
B=content/news/dong-thai/c-nho
mkdir -p "$B"
vips black "$B/nho.jpg" 300 200
write "$B/index.md" <<'MD'
---
title: "C ảnh nhỏ"
date: 2023-03-03
---
![Ảnh nhỏ](nho.jpg)
MD
# 4. no photo: the school's image; 5. a school without one: the default
write content/news/dong-thai/d-khong-anh.md <<'MD'
---
title: "D không ảnh"
date: 2023-03-04
---
Bài không có ảnh.
MD
write content/news/an-duong/e-mac-dinh.md <<'MD'
---
title: "E mặc định"
date: 2023-03-05
---
Đoạn văn "đầu tiên" vừa phải & có dấu.

Đoạn thứ hai.
MD
commit "$R" "2023-04-01T10:00:00+07:00" "PGD" "pgd@example.vn" "sharing"
"$LOA" build --out public --now 2023-04-02 2> err.txt
check "build exits 0" test $? -eq 0

og() { grep -o "<meta property=\"og:image\" content=\"[^\"]*\">" "$1" | sed 's/.*content="//; s/">$//'; }
tw() { grep -o "<meta name=\"twitter:image\" content=\"[^\"]*\">" "$1" | sed 's/.*content="//; s/">$//'; }
U=https://example.vn/sub
A=public/tin-tuc/dong-thai/a-co-anh-bia/index.html
Bp=public/tin-tuc/dong-thai/b-co-anh/index.html
C=public/tin-tuc/dong-thai/c-anh-nho/index.html
D=public/tin-tuc/dong-thai/d-khong-anh/index.html
E=public/tin-tuc/an-duong/e-mac-dinh/index.html
check "1. front matter image first" [ "$(og $A)" = "$U/tin-tuc/dong-thai/a-co-anh-bia/bia.jpg" ]
check "2. else the first photo's 960-wide variant" [ "$(og $Bp)" = "$U/tin-tuc/dong-thai/b-co-anh/lon-960w.jpg" ]
check "2. the variant is published" test -s public/tin-tuc/dong-thai/b-co-anh/lon-960w.jpg
check "3. a photo narrower than 960: the photo itself" [ "$(og $C)" = "$U/tin-tuc/dong-thai/c-anh-nho/nho.jpg" ]
check "4. else the school's image" [ "$(og $D)" = "$U/truong-anh.jpg" ]
check "5. else the site's default" [ "$(og $E)" = "$U/og-image.png" ]
check "5. the default image is published" test -s public/og-image.png
check "twitter:image is og:image" sh -c "[ \"\$(grep -o '<meta name=\"twitter:image\" content=\"[^\"]*\">' $Bp | sed 's/.*content=\"//; s/\">\$//')\" = '$U/tin-tuc/dong-thai/b-co-anh/lon-960w.jpg' ]"
check "twitter card is the large image" contains $E '<meta name="twitter:card" content="summary_large_image">'
check "the school page's own og:image is its image" [ "$(og public/truong/dong-thai/index.html)" = "$U/truong-anh.jpg" ]

check "written summary: the meta description" contains $A '<meta name="description" content="Tóm tắt do người viết.">'
check "computed summary: the meta description (first paragraphs, escaped)" \
	contains $E '<meta name="description" content="Đoạn văn &quot;đầu tiên&quot; vừa phải &amp; có dấu. Đoạn thứ hai.">'
check "computed summary: og:description" \
	contains $E '<meta property="og:description" content="Đoạn văn &quot;đầu tiên&quot; vừa phải &amp; có dấu. Đoạn thứ hai.">'
check "computed summary: markup removed" contains $Bp '<meta name="description" content="Đoạn đầu của bài B, kể về ngày hội của các bé.">'
sed -n '/application\/ld+json/,/<\/script>/p' $Bp | sed '1d;$d' > "$TMP/b.json"
check "JSON-LD: image and computed description" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["image"] == ["https://example.vn/sub/tin-tuc/dong-thai/b-co-anh/lon-960w.jpg"], d
assert d["description"] == "Đoạn đầu của bài B, kể về ngày hội của các bé.", d
' "$TMP/b.json"
sed -n '/application\/ld+json/,/<\/script>/p' $E | sed '1d;$d' > "$TMP/e.json"
check "JSON-LD: the default image when nothing else" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["image"] == ["https://example.vn/sub/og-image.png"], d
assert d["description"] == "Đoạn văn \"đầu tiên\" vừa phải & có dấu. Đoạn thứ hai.", d
' "$TMP/e.json"

check "share: a plain Zalo link with the article's address" \
	contains $E 'href="https://zalo.me/share?url=https%3A%2F%2Fexample.vn%2Fsub%2Ftin-tuc%2Fan-duong%2Fe-mac-dinh%2F"'
check "share: a plain Facebook link" \
	contains $E 'href="https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fexample.vn%2Fsub%2Ftin-tuc%2Fan-duong%2Fe-mac-dinh%2F"'
check "share: a copy-link button, hidden until the script shows it" \
	contains $E '<button type="button" class="share-copy" data-url="https://example.vn/sub/tin-tuc/an-duong/e-mac-dinh/" hidden>Sao chép liên kết</button>'
check "share: the theme's own script, under the sub-path" contains $E '<script src="/sub/js/share.js" defer></script>'
check "share: the script is published" test -s public/js/share.js
check "no third-party script anywhere" sh -c "! grep -rhoE '<script[^>]* src=\"(https?:)?//' public --include=*.html | grep -q ."
check "share.js sends nothing (no fetch, beacon, image or XHR)" \
	sh -c "! grep -qE 'fetch|sendBeacon|XMLHttpRequest|new Image|\\.src *=' public/js/share.js"

# the site's own static/og-image.png replaces the theme's default
cp content/news/dong-thai/b-co-anh/nho.jpg static/og-image.png 2> /dev/null
vips black static/og-image.png 120 63
commit "$R" "2023-04-03T10:00:00+07:00" "PGD" "pgd@example.vn" "own default"
"$LOA" build --out public2 --now 2023-04-03 2> err.txt
check "the site's own og-image.png is published instead" cmp -s static/og-image.png public2/og-image.png
finish
