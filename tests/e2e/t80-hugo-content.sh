# Content written the way Hugo's own example site writes it builds: TOML
# (`+++`) and JSON (`{ }`) front matter with Hugo's keys, dates as quoted
# strings, `_index.md` files, Hugo's site.yaml names; every page has its
# title and date; Hugo shortcodes stay text with a warning at file:line; a
# front matter block Loa cannot read says which format it saw.
. "$(dirname "$0")/lib.sh"
R="$TMP/hugo"
new_repo "$R"
cd "$R"
write site.yaml <<'YAML'
baseURL: "https://example.org/"
languageCode: "en-us"
title: "My New Hugo Site"
paginate: 2
YAML
write content/_index.md <<'MD'
+++
title = "Home"
description = "Welcome to the example site"
+++
Hello from the home page.
MD
write content/post/_index.md <<'MD'
+++
aliases = ["posts", "articles", "blog", "showcase", "docs"]
title = "Posts"
author = "Hugo Authors"
tags = ["index"]
+++
MD
write content/post/markdown-syntax.md <<'MD'
+++
author = "Hugo Authors"
title = "Markdown Syntax Guide"
date = "2019-03-11"
description = "Sample article showcasing basic Markdown syntax and formatting for HTML elements."
tags = [
    "markdown",
    "css",
    "html",
    "themes",
]
categories = [
    "themes",
    "syntax",
]
series = ["Themes Guide"]
aliases = ["migrate-from-jekyl"]
+++

This article offers a sample of basic Markdown syntax that can be used in Hugo content files.

## Headings

Some text with an inline {{< highlight html >}} shortcode.
MD
write content/post/rich-content.md <<'MD'
+++
author = "Hugo Authors"
title = "Rich Content"
date = "2019-03-10"
description = "A brief description of Hugo Shortcodes"
tags = [
    "shortcodes",
    "privacy",
]
+++

Hugo ships with several Built-in Shortcodes for rich content.

## YouTube Privacy Enhanced Shortcode

{{< youtube ZJthWmvUzzc >}}

{{% notice info %}}
MD
write content/post/math-typesetting.md <<'MD'
+++
author = "Hugo Authors"
title = "Math Typesetting"
date = 2019-03-08T10:00:00+07:00
description = "A brief guide to setup KaTeX"
math = true
+++
Mathematical notation in a Hugo project.
MD
write content/post/json-post.md <<'MD'
{
  "title": "A JSON Post",
  "date": "2019-03-07",
  "author": "Hugo Authors",
  "description": "Front matter in JSON, as Hugo accepts it",
  "tags": ["json"],
  "categories": ["syntax"]
}

Body of the JSON post with a {brace}.
MD
write content/about.md <<'MD'
+++
title = "About"
description = "Hugo, the world's fastest framework for building websites"
date = "2019-02-28"
author = "Hugo Authors"
+++
Written in Go, Hugo is an open source static site generator.
MD
commit "$R" "2023-03-02T10:00:00+07:00" "Hugo" "hugo@example.org" "Hugo example content"
"$LOA" build --out public --now 2024-01-01 2> err.txt
check "Hugo content builds (exit 0)" test $? -eq 0
for p in post/markdown-syntax:"Markdown Syntax Guide":2019-03-11 \
	 post/rich-content:"Rich Content":2019-03-10 \
	 post/math-typesetting:"Math Typesetting":2019-03-08 \
	 post/json-post:"A JSON Post":2019-03-07 \
	 about:"About":2019-02-28; do
	url=${p%%:*}; rest=${p#*:}; title=${rest%%:*}; date=${rest#*:}
	f=public/$url/index.html
	check "$url: page built" test -s "$f"
	check "$url: title" contains "$f" "<h1>$title</h1>"
	check "$url: date from front matter" contains "$f" "<time datetime=\"$date\">"
	check "$url: in the sitemap" contains public/sitemap.xml "/$url/"
done
check "Hugo description is the summary" contains public/post/markdown-syntax/index.html "Sample article showcasing basic Markdown syntax"
check "TOML tags are tags" test -s public/chu-de/markdown/index.html
check "JSON tags are tags" test -s public/chu-de/json/index.html
check "the section's _index.md gives its title" contains public/post/index.html "<h1>Posts</h1>"
check "the section lists its posts with dates" contains public/post/index.html '<time datetime="2019-03-11">'
check "home _index.md gives the home page's title" contains public/index.html "Home"
check "baseURL read as base_url" contains public/sitemap.xml "<loc>https://example.org/post/rich-content/</loc>"
check "languageCode en-us read as language en" contains public/index.html 'lang="en"'
check "Hugo's shortcode stays text" contains public/post/rich-content/index.html "{{&lt; youtube ZJthWmvUzzc &gt;}}"
check "{{% %}} stays text" contains public/post/rich-content/index.html "{{% notice info %}}"
check "unknown shortcode warned at file:line" contains err.txt "content/post/rich-content.md:16:1: warning: unknown shortcode 'youtube': left as text"
check "{{% %}} warned at file:line" contains err.txt "content/post/rich-content.md:18:1: warning: Hugo shortcode '{{% notice %}}' left as text"
check "inline shortcode warned at file:line:col" contains err.txt "content/post/markdown-syntax.md:24:26: warning: shortcode 'highlight' inside a paragraph left as text"
check "aliases named, not silently dropped" contains err.txt "content/post/markdown-syntax.md:17:1: warning: 'aliases' (Hugo's redirects) is not supported"
check "a key Loa does not know is named" contains err.txt "content/post/math-typesetting.md:6:1: warning: unknown key 'math'"
check "Hugo's metadata keys are quiet" lacks err.txt "'series'"
check "no error" lacks err.txt "error:"

# malformed blocks: the format is named, with file:line
write content/post/bad-toml.md <<'MD'
+++
title = "Broken"
date = "2019-03-01"
tags = ["a", "b"
+++
Body.
MD
write content/post/bad-json.md <<'MD'
{
  "title": "Broken JSON",
  "date": "2019-03-01",
  "draft": yes
}
MD
write content/post/open-toml.md <<'MD'
+++
title = "Never closed"
MD
commit "$R" "2023-03-03T10:00:00+07:00" "Hugo" "hugo@example.org" "broken"
"$LOA" build --out public --now 2024-01-01 2> err2.txt
check "malformed pages rejected: exit 1" test $? -eq 1
check "bad TOML: names TOML and its line" grep -qE "^content/post/bad-toml.md:(4|5):[0-9]+: error: TOML front matter: " err2.txt
check "bad JSON: names JSON and its line" contains err2.txt "content/post/bad-json.md:4:12: error: JSON front matter: 'yes' is not a JSON value"
check "unclosed TOML: names TOML" contains err2.txt "content/post/open-toml.md:1:1: error: TOML front matter has no closing '+++' line"
check "not 'missing title'" lacks err2.txt "missing required field 'title'"
check "the good pages still publish" test -s public/post/rich-content/index.html
LOA_LANG=vi "$LOA" check --now 2024-01-01 2> err3.txt
check "Vietnamese: the format is named" contains err3.txt "phần đầu TOML"
finish
