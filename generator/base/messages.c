/* messages — the Vietnamese catalog of diagnostics and the formatter that
 * uses it; see messages.h. Terms: field → mục, school → trường, folder →
 * thư mục, file → tệp, front matter → phần đầu, template → mẫu, theme →
 * giao diện, link → liên kết, publish → xuất bản, render → dựng. */
#include "base/messages.h"
#include "base/buf.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

static const struct msg_entry catalog[] = {
	/* ---- urls: entries added by the urls work go right below ---- */
	{ "no school '%s' (%s is needed)", "không có trường '%s' (cần %s)" },
	/* trial: hostile HEIF files, the editor's data folder */
	{ "image not published: only JPEG, PNG, WebP, GIF and HEIC images are published",
	  "ảnh không được đăng: chỉ đăng ảnh JPEG, PNG, WebP, GIF và HEIC" },
	{ "the installed file %s differs from its SHA256SUMS line: not published (run 'make editor' in Loa's source folder)",
	  "tệp đã cài %s khác với dòng của nó trong SHA256SUMS: không đăng (chạy 'make editor' trong thư mục mã nguồn của Loa)" },
	{ "'%s' is not the top of a site's repository (no .git there): run loa new there, or give --repo PATH",
	  "'%s' không phải thư mục gốc của kho trang (không có .git): chạy loa new ở đó, hoặc dùng --repo ĐƯỜNG_DẪN" },
	/* ---- end of urls ---- */

	/* ---- lang: entries added by the lang work go right below ---- */
	/* usage and --help (cmd/options.c): a synopsis keeps its layout, its
	 * continuation lines indented 11 columns */
	{ "usage: ", "cách dùng: " },
	{ "loa build  [--repo PATH] [--ref REF] [--worktree] [--out DIR] [--drafts]\n"
	  "           [--future] [--strict] [--jobs N] [--now DATE] [--quiet]\n"
	  "           [--format text|json] [--no-cache] [--allow-removal] [--force]\n"
	  "           [--wait SECONDS]\n",
	  "loa build  [--repo THƯ_MỤC] [--ref REF] [--worktree] [--out THƯ_MỤC] [--drafts]\n"
	  "           [--future] [--strict] [--jobs N] [--now NGÀY] [--quiet]\n"
	  "           [--format text|json] [--no-cache] [--allow-removal] [--force]\n"
	  "           [--wait GIÂY]\n" },
	{ "Builds the site from a commit (HEAD, or --ref) and publishes it in --out\n"
	  "(default: public).\n"
	  "  --repo PATH       the site's git repository (default: .)\n"
	  "  --worktree        the files on disk, committed or not\n"
	  "  --drafts          drafts too; --future: pages dated after today too\n"
	  "  --strict          any error publishes nothing\n"
	  "  --jobs N          N workers (default: the number of cores)\n"
	  "  --now DATE        build as if today were DATE\n"
	  "  --quiet           only the errors; --format json: the outcome as JSON\n"
	  "  --no-cache        ignore .loa-cache\n"
	  "  --allow-removal   publish even when many pages would disappear\n"
	  "  --force           replace an --out folder loa did not make\n"
	  "  --wait SECONDS    how long to wait for another build (default: 600)\n",
	  "Dựng trang web từ một commit (HEAD, hoặc --ref) và xuất bản vào --out\n"
	  "(mặc định: public).\n"
	  "  --repo THƯ_MỤC    kho git của trang web (mặc định: .)\n"
	  "  --worktree        dùng các tệp trên đĩa, dù đã commit hay chưa\n"
	  "  --drafts          đăng cả bản nháp; --future: cả bài có ngày sau hôm nay\n"
	  "  --strict          có lỗi nào là không xuất bản gì\n"
	  "  --jobs N          dựng bằng N tiến trình (mặc định: số nhân CPU)\n"
	  "  --now NGÀY        dựng như thể hôm nay là NGÀY\n"
	  "  --quiet           chỉ in lỗi; --format json: kết quả dạng JSON\n"
	  "  --no-cache        không dùng bộ đệm .loa-cache\n"
	  "  --allow-removal   vẫn xuất bản dù nhiều trang sẽ biến mất\n"
	  "  --force           thay cả thư mục --out không do loa tạo\n"
	  "  --wait GIÂY       chờ một lần dựng khác tối đa bao lâu (mặc định: 600)\n" },
	{ "loa check  [--repo PATH] [--ref REF] [--worktree] [--drafts] [--future]\n"
	  "           [--jobs N] [--now DATE] [--quiet] [--format text|json]\n",
	  "loa check  [--repo THƯ_MỤC] [--ref REF] [--worktree] [--drafts] [--future]\n"
	  "           [--jobs N] [--now NGÀY] [--quiet] [--format text|json]\n" },
	{ "Checks the site as a build would, and publishes nothing: the files on\n"
	  "disk when there is a work tree, else the commit (--ref: another one).\n",
	  "Kiểm tra trang web như khi dựng, nhưng không xuất bản gì: kiểm tra các tệp\n"
	  "trên đĩa khi có thư mục làm việc, nếu không thì commit (--ref: commit khác).\n" },
	{ "loa serve  [--repo PATH] [--bind ADDR] [--port N] [--jobs N] [--now DATE] [--future]\n",
	  "loa serve  [--repo THƯ_MỤC] [--bind ĐỊA_CHỈ] [--port N] [--jobs N] [--now NGÀY] [--future]\n" },
	{ "Shows the site, drafts included, at http://127.0.0.1:8080/ and rebuilds it\n"
	  "when a file changes; a failed build's errors appear in the browser.\n"
	  "  --bind ADDR       the address to listen on (default: 127.0.0.1)\n"
	  "  --port N          the port (default: 8080; 0: any free port)\n",
	  "Xem trước trang web, kể cả bản nháp, tại http://127.0.0.1:8080/ và dựng lại\n"
	  "mỗi khi một tệp thay đổi; lỗi của lần dựng hỏng hiện ngay trong trình duyệt.\n"
	  "  --bind ĐỊA_CHỈ    địa chỉ lắng nghe (mặc định: 127.0.0.1)\n"
	  "  --port N          cổng (mặc định: 8080; 0: một cổng trống bất kỳ)\n" },
	{ "loa new    news|school|plan \"Title\" [--school SLUG] [--bundle] [--repo PATH]\n"
	  "           [--now DATE]\n",
	  "loa new    news|school|plan \"Tiêu đề\" [--school TÊN_TRƯỜNG] [--bundle] [--repo THƯ_MỤC]\n"
	  "           [--now NGÀY]\n" },
	{ "Writes a new page with its front matter filled in and prints its path.\n"
	  "  --school SLUG     the school of a news page (content/schools/SLUG.md)\n"
	  "  --bundle          a folder SLUG/index.md, with room for the page's photos\n",
	  "Tạo một trang mới với phần đầu đã điền sẵn và in đường dẫn của nó.\n"
	  "  --school TÊN_TRƯỜNG  trường của bài tin (content/schools/TÊN_TRƯỜNG.md)\n"
	  "  --bundle          một thư mục TÊN/index.md, có chỗ để ảnh của bài\n" },
	{ "loa review BASE..HEAD [--repo PATH] [--jobs N] [--now DATE] [--drafts] [--future]\n"
	  "           [--format text|json]\n",
	  "loa review GỐC..NHÁNH [--repo THƯ_MỤC] [--jobs N] [--now NGÀY] [--drafts] [--future]\n"
	  "           [--format text|json]\n" },
	{ "Says what merging HEAD into BASE would change on the site and which new\n"
	  "errors it would bring.\n",
	  "Cho biết gộp NHÁNH vào GỐC sẽ thay đổi gì trên trang web và gây ra những\n"
	  "lỗi mới nào.\n" },
	{ "Every command takes --lang vi|en: the language of everything loa prints\n"
	  "(default: LOA_LANG, else site.yaml's language, else vi).\n"
	  "\n"
	  "Exit status: 0 clean; 1 published, but some pages were rejected;\n"
	  "2 nothing published (usage, configuration, theme or plugin error,\n"
	  "or --strict with any error).\n",
	  "Mọi lệnh đều nhận --lang vi|en: ngôn ngữ của mọi thứ loa in ra\n"
	  "(mặc định: LOA_LANG, nếu không có thì ngôn ngữ trong site.yaml, rồi đến vi).\n"
	  "\n"
	  "Mã thoát: 0 không có lỗi; 1 đã xuất bản nhưng có trang bị loại;\n"
	  "2 không xuất bản gì (lỗi cách dùng, cấu hình, giao diện hoặc plugin,\n"
	  "hoặc --strict khi có bất kỳ lỗi nào).\n" },
	/* option errors (cmd/options.c) */
	{ "loa: %s needs a value\n", "loa: %s cần một giá trị\n" },
	{ "loa: %s needs a value, not '%s' (for a name that starts with '-', write ./%s)\n",
	  "loa: %s cần một giá trị, không phải '%s' (tên bắt đầu bằng '-' thì viết ./%s)\n" },
	{ "loa: --jobs needs a number from 1 to 256\n", "loa: --jobs cần một số từ 1 đến 256\n" },
	{ "loa: --port needs a number from 0 to 65535\n", "loa: --port cần một số từ 0 đến 65535\n" },
	{ "loa: --wait needs a number of seconds from 0 to 86400\n",
	  "loa: --wait cần số giây từ 0 đến 86400\n" },
	{ "loa: --now: invalid date '%s'\n", "loa: --now: ngày không hợp lệ '%s'\n" },
	{ "loa: --format is text or json\n", "loa: --format chỉ nhận text hoặc json\n" },
	{ "loa: SOURCE_DATE_EPOCH must be a number of seconds\n",
	  "loa: SOURCE_DATE_EPOCH phải là một số giây\n" },
	{ "loa: unexpected argument '%s'\n", "loa: đối số thừa '%s'\n" },
	{ "loa: unknown option '%s'\n", "loa: không có tùy chọn '%s'\n" },
	{ "loa: --lang is vi or en\n", "loa: --lang chỉ nhận vi hoặc en\n" },
	{ "loa: unknown command '%s'\n", "loa: không có lệnh '%s'\n" },
	{ "loa: review needs BASE..HEAD\n", "loa: review cần GỐC..NHÁNH, ví dụ main..bai-moi\n" },
	/* the command line's own lines (cmd/main.c) */
	{ "loa: rendering %zu/%zu", "loa: đang dựng trang %zu/%zu" },
	{ "loa: waiting for another build of %s to finish…\n",
	  "loa: đang chờ một lần dựng khác của %s xong…\n" },
	{ "loa: %d uncommitted files (%s…) are not in this build, which reads the commit; "
	  "add --worktree to build the files on disk\n",
	  "loa: %d tệp chưa commit (%s…) không có trong bản dựng này, vì loa đọc commit; "
	  "thêm --worktree để dựng cả các tệp trên đĩa\n" },
	{ "checked: ", "đã kiểm tra: " },
	{ "nothing changed, left as it was: ", "không có gì thay đổi, giữ nguyên: " },
	{ "nothing published: ", "không xuất bản gì: " },
	{ "loa: %s%zu pages, %zu files, %zu errors, %zu warnings in %.2f s\n",
	  "loa: %s%zu trang, %zu tệp, %zu lỗi, %zu cảnh báo, %.2f s\n" },
	{ "loa: %zu pages from the cache (.loa-cache)\n",
	  "loa: %zu trang lấy từ bộ đệm (.loa-cache)\n" },
	{ "loa: next change: %s (%s)\n", "loa: thay đổi tiếp theo: %s (%s)\n" },
	/* loa serve: the terminal, the browser's banner, its error pages */
	{ "loa serve: building %s\n", "loa serve: đang dựng trang %s\n" },
	{ "loa serve: temporary folder: %s\n", "loa serve: thư mục tạm: %s\n" },
	{ "Serving at %s (Ctrl-C to stop)\n", "Đang phục vụ tại %s (Ctrl-C để dừng)\n" },
	{ "loa serve: changed, rebuilding\n", "loa serve: có thay đổi, dựng lại\n" },
	{ "loa serve: stopped\n", "loa serve: đã dừng\n" },
	{ "loa serve: %s%zu pages, %zu files, %zu errors, %zu warnings (%.2f s)\n",
	  "loa serve: %s%zu trang, %zu tệp, %zu lỗi, %zu cảnh báo (%.2f s)\n" },
	{ "build failed, the previous one is kept: ", "không dựng được, giữ bản trước: " },
	{ "error: nothing published", "lỗi: không xuất bản gì" },
	{ "The site could not be built:", "Lỗi khi dựng trang:" },
	{ "Page not found", "Không tìm thấy trang" },
	{ "The page you are looking for is not on this site.",
	  "Trang bạn tìm không có trên trang web này." },
	{ "Back to the home page", "Về trang chủ" },
	{ "Cannot read the file.\n", "Không đọc được tệp.\n" },
	{ "Only GET and HEAD.\n", "Chỉ nhận GET và HEAD.\n" },
	{ "Bad Host.\n", "Tên máy (Host) không hợp lệ.\n" },
	{ "Too many open pages are waiting to reload.\n",
	  "Quá nhiều trang đang mở chờ tải lại.\n" },
	{ "--port: from 0 to 65535", "--port: từ 0 đến 65535" },
	{ "--bind %s: not a loopback address: drafts are visible from the network",
	  "--bind %s: địa chỉ không phải loopback, bản nháp xem được từ mạng khác" },
	{ "--bind %s: cannot use this address: %s", "--bind %s: không dùng được địa chỉ này: %s" },
	{ "cannot listen on %s:%d: %s", "không mở được cổng %s:%d: %s" },
	{ "cannot listen: %s", "không mở được cổng: %s" },
	{ "cannot start the HTTP server", "không khởi động được máy chủ HTTP" },
	{ "cannot make a temporary folder %s: %s", "không tạo được thư mục tạm %s: %s" },
	{ "loa serve: removed the temporary folder of a server that was stopped: %s/%s\n",
	  "loa serve: đã xoá thư mục tạm của một lần chạy bị dừng: %s/%s\n" },
	{ "too many folders to watch: some changes will be missed",
	  "quá nhiều thư mục để theo dõi, một số thay đổi sẽ không được thấy" },
	/* front matter mistakes in plain words (content/syntaxhint.c) */
	{ "a colon (': ') inside a value needs quotes around the whole value: write %s",
	  "giá trị có dấu hai chấm (': ') thì phải đặt cả giá trị trong dấu ngoặc kép, hãy viết: %s" },
	{ "a colon (': ') inside a value needs quotes around the whole value",
	  "giá trị có dấu hai chấm (': ') thì phải đặt cả giá trị trong dấu ngoặc kép" },
	{ "a Tab is used to indent here: YAML indents with spaces only (replace the Tab with spaces)",
	  "dòng này thụt lề bằng phím Tab: phần đầu chỉ được thụt lề bằng dấu cách (hãy thay Tab "
	  "bằng dấu cách)" },
	{ "the quote opened here is never closed: write %s",
	  "dấu ngoặc mở ở đây chưa được đóng, hãy viết: %s" },
	{ "the quote opened here is never closed", "dấu ngoặc mở ở đây chưa được đóng" },
	{ "the quote opened on this line is never closed: write %s",
	  "dấu ngoặc mở trên dòng này chưa được đóng, hãy viết: %s" },
	{ "the quote opened on this line is never closed", "dấu ngoặc mở trên dòng này chưa được đóng" },
	{ "text needs double quotes in TOML: write %s",
	  "trong TOML, chữ phải đặt trong dấu ngoặc kép, hãy viết: %s" },
	{ "'#' starts a comment, so '%.80s' ends before it; if the '#' is part of the text, write %s",
	  "dấu '#' bắt đầu một ghi chú nên '%.80s' bị cắt trước nó; nếu '#' là một phần của "
	  "nội dung, hãy viết: %s" },
	{ "'#' starts a comment, so '%.80s' is empty; if the '#' is part of the text, write %s",
	  "dấu '#' bắt đầu một ghi chú nên '%.80s' bị bỏ trống; nếu '#' là một phần của nội dung, "
	  "hãy viết: %s" },
	{ "front matter has no closing '%s' line: add a line '%s' before line %d",
	  "phần đầu (front matter) thiếu dòng '%s' đóng: hãy thêm một dòng '%s' trước dòng %d" },
	/* ---- end of lang ---- */

	/* ---- incr: entries added by the incr work go right below ---- */
	/* the reasons an image is refused (media/images.c), inside "image not
	 * published: %s" */
	{ "cannot start libvips", "không khởi động được libvips" },
	{ "image size %llux%llu is out of range (at most %d pixels a side)",
	  "kích thước ảnh %llux%llu không hợp lệ (mỗi cạnh tối đa %d điểm ảnh)" },
	{ "image too large: %llux%llu pixels in each frame (limit %d megapixels)",
	  "ảnh quá lớn: %llux%llu điểm ảnh mỗi khung hình (tối đa %d triệu điểm ảnh)" },
	{ "image too large: %llux%llu pixels (limit %d megapixels)",
	  "ảnh quá lớn: %llux%llu điểm ảnh (tối đa %d triệu điểm ảnh)" },
	{ "not a JPEG, PNG, WebP, GIF or HEIC image (by its first bytes)",
	  "không phải ảnh JPEG, PNG, WebP, GIF hay HEIC (theo các byte đầu tệp)" },
	{ "the file is a %s image but its name says %s: rename it",
	  "tệp là ảnh %s nhưng tên tệp lại ghi %s: hãy đổi tên tệp" },
	{ "cannot read the image", "không đọc được ảnh (tệp hỏng hoặc chưa chép hết?)" },
	{ "cannot decode the image", "không giải mã được ảnh (tệp hỏng?)" },
	{ "cannot encode the image", "không mã hoá lại được ảnh" },
	{ "cannot encode the image (libvips wrote a malformed WebP file)",
	  "không mã hoá lại được ảnh (libvips ghi ra tệp WebP hỏng)" },
	{ "the decoded size differs from the header's",
	  "kích thước ảnh sau khi giải mã khác với kích thước ghi trong tệp" },
	{ "cannot resize the image", "không thu nhỏ được ảnh" },
	{ "a HEIF file without a HEVC photo (an AVIF image?): only JPEG, PNG, WebP, GIF and HEIC photos are published",
	  "tệp HEIF không chứa ảnh HEVC (có phải ảnh AVIF?): chỉ đăng ảnh JPEG, PNG, WebP, GIF và HEIC" },
	/* ---- end of incr ---- */

	/* ---- scale: entries added by the scale work go right below ---- */
	/* ---- end of scale ---- */

	/* ---- writers: entries added by the writers work go right below ---- */
	{ "Review of merging %s (%.12s) into %s (%.12s): %zu commits\n\n", "Xem xét hợp nhất %s (%.12s) vào %s (%.12s): %zu commit\n\n" },
	{ "The merge does not build: its pages cannot be compared.\n", "Bản hợp nhất không dựng được: không so sánh được các trang.\n" },
	{ "Articles added or changed (%zu):", "Bài thêm / sửa (%zu):" },
	{ "Pages added (%zu):", "Trang thêm (%zu):" },
	{ "Pages changed (%zu):", "Trang sửa (%zu):" },
	{ "Pages removed (%zu):", "Trang xoá (%zu):" },
	{ " none", " không có" },
	{ "New errors (%zu):", "Lỗi mới (%zu):" },
	{ "New warnings (%zu):", "Cảnh báo mới (%zu):" },
	{ "Files outside their author's folders (%zu):", "Tệp ngoài phạm vi (%zu):" },
	{ "Authors of no school (the centre), outside the schools' folders: not checked\n", "Không phải tác giả của trường nào (trung tâm), viết ngoài thư mục các trường: không kiểm tra\n" },
	{ "(no email)", "(không có thư điện tử)" },
	{ "Conclusion: the reviewer needs to look.\n", "Kết luận: cần người duyệt xem xét.\n" },
	{ "Conclusion: nothing needs attention.\n", "Kết luận: không có gì cần chú ý.\n" },
	{ "Cannot merge: %zu files conflict (changed on both sides):\n", "Không hợp nhất được: %zu tệp bị xung đột (sửa ở cả hai nhánh):\n" },
	{ "outside the folders of the author's school", "ngoài thư mục của trường người viết" },
	{ "the author is not registered for school '%s' in site.yaml", "người viết không được đăng ký cho trường '%s' trong site.yaml" },
	{ "invalid file name (not valid UTF-8, or a reserved name)", "tên tệp không hợp lệ (không phải UTF-8, hoặc tên bị cấm)" },
	{ "the site's configuration (site.yaml)", "cấu hình của trang (site.yaml)" },
	{ "the theme (themes/)", "giao diện (themes/)" },
	{ "plugin code (plugins/)", "mã plugin (plugins/)" },
	{ "category 'policy'", "chính sách" },
	{ "category 'practice'", "điển hình" },
	{ "category 'activity'", "hoạt động" },
	{ "category 'parents'", "góc phụ huynh" },
	{ "[added]", "[thêm]" },
	{ "[changed]", "[sửa]" },
	{ "(the centre)", "(trung tâm)" },
	{ "[not published]", "[không đăng được]" },
	{ "%zu errors", "%zu lỗi" },
	{ "%zu photos", "%zu ảnh" },
	{ "%zu errors, %zu warnings", "%zu lỗi, %zu cảnh báo" },
	{ "no problems", "không có lỗi" },
	{ "the page exists already: edit this file instead", "bài này đã có: hãy sửa tệp này" },
	{ "'editor' must be a map (backend, repo, branch, base_url, ...)",
	  "'editor' phải là một bảng (backend, repo, branch, base_url, ...)" },
	{ "'editor' needs 'backend' (one of gitea, forgejo, gitlab, git-gateway, test, proxy)",
	  "'editor' cần 'backend' (một trong gitea, forgejo, gitlab, git-gateway, test, proxy)" },
	{ "unknown editor backend '%.40s' (did you mean '%s'?)",
	  "không có kiểu kho '%.40s' cho trình viết bài (có phải là '%s'?)" },
	{ "unknown editor backend '%.40s' (known: gitea, forgejo, gitlab, git-gateway, test, proxy)",
	  "không có kiểu kho '%.40s' cho trình viết bài (các kiểu có: gitea, forgejo, gitlab, "
	  "git-gateway, test, proxy)" },
	{ "editor backend '%s' needs 'repo' as owner/name",
	  "trình viết bài với kho '%s' cần 'repo' dạng chủ/tên-kho" },
	{ "'editor.%s' must be an http(s) URL", "'editor.%s' phải là một URL http(s)" },
	{ "Decap CMS is not installed in %s: run 'make editor' in Loa's source folder "
	  "(scripts/editor-vendor.sh)",
	  "chưa cài Decap CMS vào %s: chạy 'make editor' trong thư mục mã nguồn của Loa "
	  "(scripts/editor-vendor.sh)" },
	{ "Decap CMS is not installed in %s: /quan-tri/ has no editor (run 'make editor' in "
	  "Loa's source folder)",
	  "chưa cài Decap CMS vào %s: /quan-tri/ không có trình viết bài (chạy 'make editor' "
	  "trong thư mục mã nguồn của Loa)" },
	/* ---- end of writers ---- */

	/* ---- centre: entries added by the centre work go right below ---- */
	{ "'months' must be a list of month numbers from 1 to 12",
	  "'months' phải là danh sách số tháng từ 1 đến 12" },
	{ "a document's attachment must be PDF, DOCX, XLSX or ODT: not published",
	  "tệp đính kèm của văn bản phải là PDF, DOCX, XLSX hoặc ODT: không xuất bản" },
	{ "each item of '%s' must be text", "mỗi mục của '%s' phải là chữ" },
	{ "'%s' must be text or a list of text", "'%s' phải là chữ hoặc danh sách chữ" },
	{ "unknown document type '%.40s' (allowed: ke-hoach, cong-van, quyet-dinh, thong-tu, huong-dan, bao-cao, khac)",
	  "loại văn bản lạ '%.40s' (cho phép: ke-hoach, cong-van, quyet-dinh, thong-tu, huong-dan, bao-cao, khac)" },
	{ "'activity' must be written PLAN-NUMBER#ACTIVITY-ID, e.g. 175/KH-BGDĐT#3, not '%.80s'",
	  "'activity' phải viết dạng SỐ-KẾ-HOẠCH#MÃ-HOẠT-ĐỘNG, ví dụ 175/KH-BGDĐT#3, không phải '%.80s'" },
	{ "unknown plan '%.*s' in 'activity' (closest: '%s', %s)",
	  "không có kế hoạch '%.*s' ghi trong 'activity' (gần nhất: '%s', %s)" },
	{ "unknown plan '%.*s' in 'activity' (no plan has a 'number')",
	  "không có kế hoạch '%.*s' ghi trong 'activity' (chưa kế hoạch nào có 'number')" },
	{ "unknown activity '%.80s': plan %s (%s) lists no activities",
	  "không có hoạt động '%.80s': kế hoạch %s (%s) không liệt kê hoạt động nào" },
	{ "unknown activity '%.80s' (closest: '%s#%s' \"%s\", %s:%d)",
	  "không có hoạt động '%.80s' (gần nhất: '%s#%s' \"%s\", %s:%d)" },
	{ "model \"%.200s\" is close to \"%.200s\" (%s:%d) but not the same: they make two model pages; write one title the same way in both",
	  "mô hình \"%.200s\" gần giống \"%.200s\" (%s:%d) nhưng không trùng: thành hai trang mô hình; hãy viết tên mô hình giống hệt nhau ở cả hai nơi" },
	/* ---- end of centre ---- */

	/* ---- stages: entries added by the stages work go right below ---- */
	/* ---- end of stages ---- */

	/* ---- parse: entries added by the parse work go right below ---- */
	/* ---- end of parse ---- */

	/* ---- bigsite: entries added by the bigsite work go right below ---- */
	/* ---- end of bigsite ---- */

	/* ---- leftovers: entries added by the leftovers work go right below ---- */
	{ "rendering needed more than the %zu MB of memory allowed (limits.render_memory_mb): page skipped (pathological input?)",
	  "dựng trang cần hơn %zu MB bộ nhớ được phép (limits.render_memory_mb): bỏ qua trang (nội dung bất thường?)" },
	{ "rendering stopped unexpectedly: page skipped",
	  "dựng trang bị dừng đột ngột: bỏ qua trang" },
	{ "image not published: processing it needed more than the %zu MB of memory allowed (limits.render_memory_mb): save the photo at a smaller size and add it again",
	  "ảnh không được đăng: xử lý ảnh cần hơn %zu MB bộ nhớ được phép (limits.render_memory_mb): hãy lưu ảnh ở kích thước nhỏ hơn rồi thêm lại" },
	{ "image not published: the image processor stopped on this file (it may be damaged): open it, save it again as JPEG, and add it again",
	  "ảnh không được đăng: chương trình xử lý ảnh bị dừng ở tệp này (tệp có thể bị hỏng): hãy mở ảnh, lưu lại dưới dạng JPEG rồi thêm lại" },
	{ "'centre' must be a map (authors: the staff's emails)",
	  "'centre' phải là một bảng (authors: thư điện tử của cán bộ Trung tâm)" },
	{ "'%s' is not published: file type not allowed (allowed: images, PDF, office documents)",
	  "'%s' không được xuất bản: loại tệp không được phép (chỉ ảnh, PDF, tài liệu văn phòng)" },
	{ "'%s' is not published: a document's attachment must be PDF, DOCX, XLSX or ODT",
	  "'%s' không được xuất bản: tệp đính kèm của văn bản phải là PDF, DOCX, XLSX hoặc ODT" },
	/* ---- end of leftovers ---- */

	/* ---- readers: entries added by the readers work go right below ---- */
	{ "unknown category '%.40s' (allowed: policy, activity, practice, parents)",
	  "chuyên mục không hợp lệ '%.40s' (chỉ được: policy, activity, practice, parents)" },
	{ "school slug '%s' is reserved: names of digits only are the news archive's years and months",
	  "tên trường '%s' đã được dành riêng: tên chỉ gồm chữ số là năm và tháng của kho lưu trữ tin" },
	{ "loa.page_html: no page at '%s'", "loa.page_html: không có trang '%s'" },
	/* ---- end of readers ---- */

	/* ---- startup: entries added by the startup work go right below ---- */
	{ "cannot load the image module (%s)", "không nạp được mô-đun xử lý ảnh (%s)" },
	/* ---- end of startup ---- */

	/* ---- cachepath: entries added by the cachepath work go right below ---- */
	/* ---- end of cachepath ---- */

	/* ---- loadcache: entries added by the loadcache work go right below ---- */
	/* ---- end of loadcache ---- */

	/* ---- nochange: entries added by the nochange work go right below ---- */
	/* ---- end of nochange ---- */

	/* ---- linkpub: entries added by the linkpub work go right below ---- */
	/* ---- end of linkpub ---- */

	/* ---- renderdeps: entries added by the renderdeps work go right below ---- */
	/* ---- end of renderdeps ---- */

	/* ---- blobcache: entries added by the blobcache work go right below ---- */
	/* ---- end of blobcache ---- */

	/* ---- standby: entries added by the standby work go right below ---- */
	{ "cannot publish to %s: the previous site kept in the cache for reuse cannot be emptied: %s; "
	  "nothing published, the previous site is left as it was",
	  "không xuất bản được vào %s: không dọn được bản trang web cũ giữ trong bộ đệm để dùng lại: %s; "
	  "không xuất bản gì, trang web cũ được giữ nguyên" },
	/* ---- end of standby ---- */

	/* ---- searchcache: entries added by the searchcache work go right below ---- */
	/* ---- end of searchcache ---- */

	/* ---- plugfast: entries added by the plugfast work go right below ---- */
	/* ---- end of plugfast ---- */

	/* ---- keys: entries added by the keys work go right below ---- */
	/* ---- end of keys ---- */

	/* ---- memory: entries added by the memory work go right below ---- */
	/* ---- end of memory ---- */

	/* ---- jobkeys: entries added by the jobkeys work go right below ---- */
	/* ---- end of jobkeys ---- */

	/* ---- fixedcost: entries added by the fixedcost work go right below ---- */
	/* ---- end of fixedcost ---- */

	/* ---- handlers: entries added by the handlers work go right below ---- */
	/* ---- end of handlers ---- */

	/* ---- peak: entries added by the peak work go right below ---- */
	/* ---- end of peak ---- */

	/* ---- Hugo's front matter formats, unknown keys (issue 12) ---- */
	{ "TOML front matter: %s", "phần đầu TOML: %s" },
	{ "TOML front matter: %.*s", "phần đầu TOML không đọc được: %.*s" },
	{ "TOML front matter: too many values (more than %zu)",
	  "phần đầu TOML: quá nhiều giá trị (quá %zu)" },
	{ "TOML front matter: nesting too deep (more than %d levels)",
	  "phần đầu TOML: lồng quá sâu (quá %d cấp)" },
	{ "TOML front matter has no closing '+++' line",
	  "phần đầu TOML (front matter) thiếu dòng '+++' đóng" },
	{ "unsupported value", "giá trị không được hỗ trợ" },
	{ "JSON front matter: %s", "phần đầu JSON không đọc được: %s" },
	{ "JSON front matter: no closing '}'", "phần đầu JSON thiếu dấu '}' đóng" },
	{ "JSON front matter: text after the closing '}' on the same line",
	  "phần đầu JSON: có chữ sau dấu '}' đóng trên cùng dòng" },
	{ "JSON front matter: key '%.80s' must be in double quotes",
	  "phần đầu JSON: khóa '%.80s' phải đặt trong dấu ngoặc kép" },
	{ "JSON front matter: '%.80s' is not a JSON value (text needs double quotes)",
	  "phần đầu JSON: '%.80s' không phải giá trị JSON (chữ phải đặt trong dấu ngoặc kép)" },
	{ "unknown key '%.80s' (did you mean '%s'?)",
	  "khóa lạ '%.80s' (có phải ý bạn là '%s'?)" },
	{ "unknown key '%.80s'", "khóa lạ '%.80s'" },
	{ "unknown key '%.80s' in %s (did you mean '%s'?)",
	  "khóa lạ '%.80s' trong %s (có phải ý bạn là '%s'?)" },
	{ "unknown key '%.80s' in %s", "khóa lạ '%.80s' trong %s" },
	{ "'aliases' (Hugo's redirects) is not supported: Loa writes no redirect pages",
	  "'aliases' (chuyển hướng của Hugo) không được hỗ trợ: Loa không tạo trang chuyển hướng" },
	{ "'url' is not used: Loa makes the URL from 'slug' and site.yaml's permalinks",
	  "'url' không được dùng: Loa tạo địa chỉ từ 'slug' và mục permalinks trong site.yaml" },
	{ "'%s' is Hugo's; Loa schedules a page by 'date'",
	  "'%s' là khóa của Hugo; Loa hẹn ngày đăng theo 'date'" },
	{ "'%s' is a Hugo setting Loa does not use", "'%s' là thiết lập của Hugo mà Loa không dùng" },
	{ "unknown layout '%.80s' (the theme's layouts: %s)",
	  "không có mẫu trang (layout) '%.80s' (giao diện có: %s)" },
	{ "unknown layout '%.80s' (did you mean '%s'? the theme's layouts: %s)",
	  "không có mẫu trang (layout) '%.80s' (có phải ý bạn là '%s'? giao diện có: %s)" },
	{ "unknown language '%.40s' (the theme has: %s)",
	  "không có ngôn ngữ '%.40s' (giao diện có: %s)" },
	{ "Hugo shortcode '{{%% %.*s %%}}' left as text (Loa's shortcodes are '{{< name >}}')",
	  "shortcode Hugo '{{%% %.*s %%}}' giữ nguyên dạng chữ (shortcode của Loa viết '{{< tên >}}')" },
	{ "shortcode '%.*s' inside a paragraph left as text (put '{{< ... >}}' alone in its paragraph)",
	  "shortcode '%.*s' nằm giữa đoạn văn nên giữ nguyên dạng chữ (hãy để '{{< ... >}}' đứng riêng một đoạn)" },
	/* ---- content: front matter, schema, dates (what schools see most) ---- */
	{ "missing required field '%s'", "thiếu mục bắt buộc '%s'" },
	{ "invalid date '%.40s' (%s)", "ngày không hợp lệ '%.40s' (%s)" },
	{ "'%s' must be a date, not a %s", "'%s' phải là một ngày, không phải %s" },
	{ "'lastmod' is before 'date'", "'lastmod' (ngày sửa) có trước 'date' (ngày đăng)" },
	{ "'%s' must be text", "'%s' phải là chữ" },
	{ "'%s' must be text, not a %s", "'%s' phải là chữ, không phải %s" },
	{ "'%s' must be true or false", "'%s' phải là true hoặc false" },
	{ "'%s' must not be empty", "'%s' không được để trống" },
	{ "'%s' must be a list", "'%s' phải là một danh sách" },
	{ "'%s' must be a whole number", "'%s' phải là số nguyên" },
	{ "'%s' must be a share from 0 to 1 (0.2) or a percentage (20%%)",
	  "'%s' phải là một tỉ lệ từ 0 đến 1 (0.2) hoặc phần trăm (20%%)" },
	{ "'%s' must be a whole number from %ld to %ld", "'%s' phải là số nguyên từ %ld đến %ld" },
	{ "'%s' is not a safe URL: '%.80s' (use https://, http:// or a path)",
	  "'%s' không phải URL an toàn: '%.80s' (hãy dùng https://, http:// hoặc một đường dẫn)" },
	{ "'email' is not an email address: '%.80s'", "'email' không phải địa chỉ thư điện tử: '%.80s'" },
	{ "'tags' must be a list of text, not a map", "'tags' phải là danh sách chữ, không phải một bảng" },
	{ "each tag must be text, not a %s", "mỗi thẻ phải là chữ, không phải %s" },
	{ "a tag must not be empty", "thẻ không được để trống" },
	{ "tag '%.80s' is listed twice", "thẻ '%.80s' bị ghi hai lần" },
	{ "too many tags (%zu; at most %d)", "quá nhiều thẻ (%zu; tối đa %d)" },
	{ "'models' must be a list of {title, year, level}",
	  "'models' phải là danh sách {title, year, level}" },
	{ "each model must be a map with 'title', 'year' and 'level'",
	  "mỗi mô hình phải có 'title', 'year' và 'level'" },
	{ "'activities' must be a list of {id, name, lead, partners, due, product}",
	  "'activities' phải là danh sách {id, name, lead, partners, due, product}" },
	{ "each activity must be a map with at least 'name'", "mỗi hoạt động phải có ít nhất 'name'" },
	{ "each partner must be text", "mỗi đơn vị phối hợp phải là chữ" },
	{ "items of '%s' must be text", "các mục của '%s' phải là chữ" },
	{ "invalid slug '%s' (use a-z, 0-9, '-', '_' and '.')",
	  "slug không hợp lệ '%s' (chỉ dùng a-z, 0-9, '-', '_' và '.')" },
	{ "invalid %s (%s)", "%s không hợp lệ (%s)" },
	{ "invalid text: %s", "chữ không hợp lệ: %s" },
	{ "front matter has no closing '---' line", "phần đầu (front matter) thiếu dòng '---' đóng" },
	{ "front matter must be a map of 'key: value' lines",
	  "phần đầu (front matter) phải gồm các dòng 'khóa: giá trị'" },
	{ "YAML must be a map of 'key: value' lines, not %s",
	  "YAML phải gồm các dòng 'khóa: giá trị', không phải %s" },
	{ "empty file: a page needs front matter with a title",
	  "tệp rỗng: trang cần phần đầu (front matter) có tiêu đề (title)" },
	{ "binary file named .md (it holds NUL bytes)", "tệp nhị phân mang đuôi .md (có byte NUL)" },
	{ "file too large (%zu bytes, limit %zu)", "tệp quá lớn (%zu byte, giới hạn %zu)" },
	{ "duplicate key '%.80s' (first on line %zu)", "khóa '%.80s' bị lặp (lần đầu ở dòng %zu)" },
	{ "anchors are not allowed ('&%.80s')", "không được dùng anchor ('&%.80s')" },
	{ "aliases are not allowed", "không được dùng alias (*tên)" },
	{ "unsupported tag", "không hỗ trợ thẻ YAML này" },
	{ "text contains a NUL character", "chữ chứa ký tự NUL" },
	{ "text is not valid UTF-8", "chữ không phải UTF-8 hợp lệ" },
	{ "only one YAML document is allowed", "chỉ được có một tài liệu YAML" },
	{ "out of memory while reading YAML", "hết bộ nhớ khi đọc YAML" },
	{ "invalid YAML: %s", "YAML không hợp lệ: %s" },
	{ "invalid YAML: %s (%s)", "YAML không hợp lệ: %s (%s)" },
	{ "invalid YAML: %s (%s started on line %d)", "YAML không hợp lệ: %s (%s bắt đầu ở dòng %d)" },
	{ "nesting too deep (more than %d levels)", "lồng quá sâu (quá %d cấp)" },
	{ "too many values (more than %zu)", "quá nhiều giá trị (quá %zu)" },
	{ "invalid UTF-8 (byte 0x%02X)", "UTF-8 không hợp lệ (byte 0x%02X)" },
	{ "invalid UTF-8 replaced by U+FFFD", "UTF-8 không hợp lệ, đã thay bằng U+FFFD" },
	{ "NUL byte replaced by U+FFFD", "byte NUL đã được thay bằng U+FFFD" },
	/* reasons given by the date parser, shown inside "invalid date '…' (%s)" */
	{ "empty date", "ngày để trống" },
	{ "not a date (expected YYYY-MM-DD or D/M/YYYY)", "không phải ngày (cần YYYY-MM-DD hoặc D/M/YYYY)" },
	{ "year out of range", "năm ngoài khoảng cho phép" },
	{ "month out of range", "tháng không tồn tại" },
	{ "day out of range", "ngày không tồn tại trong tháng" },
	{ "a month, not a date (day missing)", "đây là tháng, không phải ngày (thiếu ngày)" },
	{ "unexpected text after the date", "có chữ thừa sau ngày" },
	{ "unexpected text after the time", "có chữ thừa sau giờ" },
	{ "invalid time (expected HH:MM or HH:MM:SS)", "giờ không hợp lệ (cần HH:MM hoặc HH:MM:SS)" },
	{ "hour out of range", "giờ không tồn tại" },
	{ "minute out of range", "phút không tồn tại" },
	{ "second out of range", "giây không tồn tại" },
	{ "invalid time zone offset (expected Z, +07:00 or +0700)",
	  "múi giờ không hợp lệ (cần Z, +07:00 hoặc +0700)" },
	{ "time zone offset out of range", "múi giờ ngoài khoảng cho phép" },
	/* type names shown inside "must be …, not a %s" */
	{ "a list", "một danh sách" },
	{ "a map", "một bảng" },
	{ "a single value", "một giá trị đơn" },

	/* ---- the site: URLs, schools, bundles, links ---- */
	{ "news folder '%s' does not name a school (no content/schools/%s.md)",
	  "thư mục tin '%s' không phải tên một trường (không có content/schools/%s.md)" },
	{ "school slug 'trang' is reserved for pagination", "tên trường 'trang' dành cho việc phân trang" },
	{ "folder or file name '%s' is not a valid slug (a-z, 0-9, '-')",
	  "tên thư mục hoặc tệp '%s' không hợp lệ (chỉ dùng a-z, 0-9, '-')" },
	{ "URL %s claimed by %s:%d and %s:%d", "URL %s bị hai trang cùng dùng: %s:%d và %s:%d" },
	{ "%s: output file %s is already claimed by %s (%s)",
	  "%s: tệp xuất bản %s đã thuộc về %s (%s)" },
	{ "%s: output file %s needs a folder where %s (%s) writes the file %s",
	  "%s: tệp xuất bản %s cần một thư mục ở chỗ %s (%s) ghi tệp %s" },
	{ "%s: output file %s is a folder where %s (%s) writes %s",
	  "%s: tệp xuất bản %s là thư mục mà %s (%s) ghi %s vào" },
	{ "URL %s is reserved for the site's own pages", "URL %s dành cho các trang của chính trang web" },
	{ "permalink gives an invalid URL '%s'", "permalink tạo ra URL không hợp lệ '%s'" },
	{ "permalink '%s' must start with '/'", "mẫu đường dẫn '%s' phải bắt đầu bằng '/'" },
	{ "permalink '%s': unknown token ':%.*s' (known: :slug, :school, :filename, :section, :year, :month)",
	  "mẫu đường dẫn '%s': không có mã ':%.*s' (chỉ có: :slug, :school, :filename, :section, :year, :month)" },
	{ "permalink '%s': unknown or empty token ':%.*s' for %s",
	  "permalink '%s': mã ':%.*s' không có hoặc rỗng với %s" },
	{ "not part of a page bundle (a folder with index.md): not published",
	  "không thuộc gói trang nào (thư mục có index.md): không được xuất bản" },
	{ "file type not published (allowed: images, PDF, office documents)",
	  "loại tệp không được xuất bản (chỉ ảnh, PDF, tài liệu văn phòng)" },
	{ "more than 64 files in one bundle", "quá 64 tệp trong một gói trang" },
	{ "%s larger than %zu KiB", "%s lớn hơn %zu KiB" },
	{ "%s larger than %zu bytes", "%s lớn hơn %zu byte" },
	{ "broken link '%s'", "liên kết hỏng '%s'" },
	{ "unsafe link removed (%s)", "đã bỏ liên kết không an toàn (%s)" },
	{ "raw HTML omitted", "đã bỏ HTML viết trực tiếp" },
	{ "image without alt text (write ![what it shows](file))",
	  "ảnh thiếu mô tả (alt) — hãy viết ![ảnh chụp gì](tệp)" },
	{ "%zu more '%s' warnings not shown", "còn %zu cảnh báo '%s' nữa không hiện" },
	{ "%zu more '%s' errors not shown (those shortcodes left as text)",
	  "còn %zu lỗi '%s' nữa không hiện (các shortcode đó giữ nguyên dạng chữ)" },
	{ "a shortcode must be alone in its paragraph: left as text",
	  "shortcode phải đứng riêng một đoạn: giữ nguyên dạng chữ" },
	{ "malformed shortcode (%s): left as text", "shortcode viết sai (%s): giữ nguyên dạng chữ" },
	{ "unknown shortcode '%s': left as text", "không có shortcode '%s': giữ nguyên dạng chữ" },
	{ "shortcode '%s': %s", "shortcode '%s' báo lỗi: %s" },
	{ "shortcode '%s' failed: %s", "shortcode '%s' lỗi: %s" },
	{ "shortcode '%s' returned %s, not a string", "shortcode '%s' trả về %s, không phải chuỗi" },
	{ "loa.add_page %s: data returned %s, not a table",
	  "loa.add_page %s: data trả về %s, không phải bảng" },
	{ "loa.add_file %s: the content function returned %s, not a string",
	  "loa.add_file %s: hàm content trả về %s, không phải chuỗi" },
	{ "%s: out of memory putting the page tables back after its function",
	  "%s: hết bộ nhớ khi trả lại các bảng trang sau khi chạy hàm của nó" },
	{ "shortcode '%s' failed: its HTML is not valid UTF-8 (or holds NUL)",
	  "shortcode '%s' lỗi: HTML của nó không phải UTF-8 hợp lệ (hoặc có NUL)" },
	{ "a name of letters, digits, '-' or '_' must follow '{{<'",
	  "sau '{{<' phải là một tên gồm chữ, số, '-' hoặc '_'" },
	{ "too many arguments", "quá nhiều tham số" },
	{ "a quote inside an unquoted argument", "dấu nháy nằm trong tham số không có nháy" },
	{ "arguments must be separated by spaces", "các tham số phải cách nhau bằng dấu cách" },
	{ "cmark-gfm extensions missing (markdown_init() not called?)",
	  "thiếu phần mở rộng cmark-gfm (chưa gọi markdown_init()?)" },
	{ "cmark-gfm failed to parse the page", "cmark-gfm không đọc được trang" },
	{ "cmark-gfm failed to render the page", "cmark-gfm không dựng được trang" },

	/* ---- site.yaml ---- */
	{ "'base_url' must be an http(s) URL", "'base_url' phải là một URL http(s)" },
	{ "'schools' must map each school's slug to its settings",
	  "'schools' phải ghi cho mỗi tên trường các thiết lập của trường" },
	{ "settings of school '%s' must be a map", "thiết lập của trường '%s' phải là một bảng" },
	{ "unknown time zone '%s'", "không có múi giờ '%s'" },
	{ "unknown time zone '%.40s…'", "không có múi giờ '%.40s…'" },
	{ "unknown time zone '%s' (expected an IANA id such as %s)",
	  "không có múi giờ '%s' (cần tên IANA, ví dụ %s)" },
	{ "cannot open time zone '%s': %s", "không mở được múi giờ '%s': %s" },
	{ "invalid theme name '%s'", "tên giao diện không hợp lệ '%s'" },
	{ "theme '%s' not found (looked in %s)", "không tìm thấy giao diện '%s' (đã tìm trong %s)" },
	{ "invalid plugin name '%s'", "tên plugin không hợp lệ '%s'" },
	{ "plugin '%s' not found (looked in %s)", "không tìm thấy plugin '%s' (đã tìm trong %s)" },
	{ "cannot read the installed file %s", "không đọc được tệp cài sẵn %s" },
	{ "%s is missing '%s'", "%s thiếu '%s'" },

	/* ---- reading the repository ---- */
	{ "%s: not a git repository", "%s: không phải kho git" },
	{ "%s: not a folder", "%s: không phải thư mục" },
	{ "%s: cannot open git repository: %s", "%s: không mở được kho git: %s" },
	{ "%s: cannot open object database: %s", "%s: không mở được kho đối tượng git: %s" },
	{ "ref '%s' not found in %s: %s", "không tìm thấy ref '%s' trong %s: %s" },
	{ "ref '%s' is not a commit: %s", "ref '%s' không phải một commit: %s" },
	{ "invalid object id '%s'", "mã đối tượng không hợp lệ '%s'" },
	{ "cannot read the commit's tree: %s", "không đọc được cây thư mục của commit: %s" },
	{ "cannot read a commit: %s", "không đọc được một commit: %s" },
	{ "cannot read the object database: %s", "không đọc được kho đối tượng git: %s" },
	{ "cannot walk history: %s", "không duyệt được lịch sử git: %s" },
	{ "history incomplete at commit %.12s: %s", "lịch sử git không đủ ở commit %.12s: %s" },
	{ "the repository is a shallow clone: dates and contributors taken from git history may be "
	  "wrong (fetch the full history)",
	  "kho là bản sao nông (shallow clone): ngày và người đóng góp lấy từ lịch sử git có thể "
	  "sai (hãy tải đủ lịch sử)" },
	{ "cannot isolate git configuration: %s", "không tách được cấu hình git: %s" },
	{ "folder not found at commit %.12s", "không có thư mục này ở commit %.12s" },
	{ "folder not found in %s", "không có thư mục này trong %s" },
	{ "not a file (the object is a %s)", "không phải tệp (đối tượng là %s)" },
	{ "not a regular file", "không phải tệp thường" },
	{ "not a folder", "không phải thư mục" },
	{ "symbolic link not followed", "không theo liên kết tượng trưng (symlink)" },
	{ "submodule not followed", "không theo submodule" },
	{ "is a folder, not a file", "là thư mục, không phải tệp" },
	{ "unsupported file mode", "kiểu tệp không được hỗ trợ" },
	{ "unsupported file mode %06o", "kiểu tệp không được hỗ trợ %06o" },
	{ "file disappeared", "tệp đã biến mất" },
	{ "duplicate entry", "mục bị lặp" },
	{ "invalid path component (%s)", "thành phần đường dẫn không hợp lệ (%s)" },
	{ "nesting deeper than %d; folder skipped", "lồng sâu hơn %d cấp; bỏ qua thư mục" },
	{ "more than %zu files; listing stopped (limits.max_files in site.yaml raises the limit)",
	  "quá %zu tệp; dừng liệt kê (tăng giới hạn bằng limits.max_files trong site.yaml)" },
	{ "cannot open: %s", "không mở được: %s" },
	{ "cannot read: %s", "không đọc được: %s" },
	{ "cannot read file: %s", "không đọc được tệp: %s" },
	{ "cannot read folder: %s", "không đọc được thư mục: %s" },
	{ "cannot read folder %s: %s", "không đọc được thư mục %s: %s" },
	{ "cannot open folder: %s", "không mở được thư mục: %s" },
	{ "cannot hash file: %s", "không băm được tệp: %s" },

	/* ---- themes and templates ---- */
	{ "theme: no layouts/*.html found", "giao diện: không có tệp layouts/*.html nào" },
	{ "cannot read template: %s", "không đọc được mẫu: %s" },
	{ "unknown filter '%s'", "không có bộ lọc '%s'" },
	{ "unknown function '%s'", "không có hàm '%s'" },
	{ "template '%s' not found", "không tìm thấy mẫu '%s'" },
	{ "layout '%s' not found in the theme", "giao diện không có bố cục '%s'" },
	{ "'%s': bad template name '%s'", "'%s': tên mẫu không hợp lệ '%s'" },
	{ "'%s' needs a template name in quotes", "'%s' cần tên mẫu trong dấu nháy" },
	{ "'%s' opened here is never closed (missing 'end%s')",
	  "'%s' mở ở đây nhưng không được đóng (thiếu 'end%s')" },
	{ "'%s' without '%s'", "'%s' không có '%s'" },
	{ "'%s' does not match '%s' opened at line %d", "'%s' không khớp với '%s' mở ở dòng %d" },
	{ "'endblock %.*s' does not match 'block %.*s' opened at line %d",
	  "'endblock %.*s' không khớp với 'block %.*s' mở ở dòng %d" },
	{ "'else' without 'if' or 'for'", "'else' không có 'if' hoặc 'for'" },
	{ "'else' inside 'block' opened at line %d", "'else' nằm trong 'block' mở ở dòng %d" },
	{ "second 'else' for '%s' opened at line %d", "'else' thứ hai cho '%s' mở ở dòng %d" },
	{ "'elif' after 'else'", "'elif' sau 'else'" },
	{ "'block' needs a name", "'block' cần một tên" },
	{ "block '%.*s' defined twice", "block '%.*s' được định nghĩa hai lần" },
	{ "'extends' must come first in the template", "'extends' phải đứng đầu mẫu" },
	{ "'extends' used twice", "'extends' được dùng hai lần" },
	{ "'for' needs 'in'", "'for' cần 'in'" },
	{ "'for' needs a variable name", "'for' cần tên biến" },
	{ "'set' needs a variable name", "'set' cần tên biến" },
	{ "super() outside a block", "super() nằm ngoài block" },
	{ "a tag name is expected after '{%%'", "sau '{%%' cần tên thẻ" },
	{ "unknown tag '%.*s'", "không có thẻ '%.*s'" },
	{ "unclosed '%.*s'", "chưa đóng '%.*s'" },
	{ "tags nested too deeply", "thẻ lồng nhau quá sâu" },
	{ "unterminated string in expression", "chuỗi chưa đóng trong biểu thức" },
	{ "bad expression: expression expected", "biểu thức sai: cần một biểu thức" },
	{ "bad expression: nested too deeply", "biểu thức sai: lồng quá sâu" },
	{ "bad expression: unexpected end", "biểu thức sai: kết thúc đột ngột" },
	{ "bad expression: unexpected '%.*s'", "biểu thức sai: không ngờ có '%.*s'" },
	{ "bad expression: unexpected character '%c'", "biểu thức sai: ký tự không ngờ '%c'" },
	{ "bad expression: expected '%s'%s%.*s%s", "biểu thức sai: cần '%s'%s%.*s%s" },
	{ "bad expression: expected a filter name after '|'", "biểu thức sai: sau '|' cần tên bộ lọc" },
	{ "bad expression: expected a name after '.'", "biểu thức sai: sau '.' cần một tên" },
	{ "bad expression: 'is' tests are not supported", "biểu thức sai: không hỗ trợ phép thử 'is'" },

	/* ---- plugins and Lua ---- */
	{ "cannot read plugin", "không đọc được plugin" },
	{ "lua: cannot create a state (memory limit %zu bytes)",
	  "lua: không tạo được máy ảo (giới hạn bộ nhớ %zu byte)" },
	{ "lua: cannot set up the sandbox: %s", "lua: không dựng được hộp cát (sandbox): %s" },
	{ "plugin code ran over %u s (wall clock) during %s: stopped, nothing published",
	  "mã plugin chạy quá %u giây trong lúc %s: đã dừng, không xuất bản gì" },
	{ "ICU collation for 'vi' unavailable: %s", "ICU không có thứ tự sắp xếp 'vi': %s" },
	{ "ICU collation attribute: %s", "thuộc tính sắp xếp ICU: %s" },
	{ "ICU normaliser unavailable: %s", "ICU không có bộ chuẩn hóa: %s" },

	/* ---- building and publishing ---- */
	{ "%.*s (at %s): the same error rejects all %zu pages, first %s; nothing published",
	  "%.*s (tại %s): cùng một lỗi làm hỏng cả %zu trang, trang đầu là %s; không xuất bản gì" },
	{ "%.*s: the same error rejects all %zu pages, first %s; nothing published",
	  "%.*s: cùng một lỗi làm hỏng cả %zu trang, trang đầu là %s; không xuất bản gì" },
	{ "%.*s (at %s): the same error rejects %zu pages, all of layout %s, first %s; nothing published",
	  "%.*s (tại %s): cùng một lỗi làm hỏng %zu trang, mọi trang dùng mẫu %s, trang đầu là %s; không xuất bản gì" },
	{ "%.*s: the same error rejects %zu pages, all of layout %s, first %s; nothing published",
	  "%.*s: cùng một lỗi làm hỏng %zu trang, mọi trang dùng mẫu %s, trang đầu là %s; không xuất bản gì" },
	{ "this build would remove %zu of the %zu pages published in %s (%.0f%%, more than limits.max_removed, %.0f%%): nothing published; if the removal is meant, build once with --allow-removal",
	  "lần dựng này sẽ xoá %zu trong %zu trang đang xuất bản ở %s (%.0f%%, quá limits.max_removed, %.0f%%): không xuất bản gì; nếu đúng là muốn xoá, hãy dựng một lần với --allow-removal" },
	{ "rendering failed", "dựng trang thất bại" },
	{ "rendering exceeded %u s: page skipped (pathological input?)",
	  "dựng trang quá %u giây: bỏ qua trang (nội dung bất thường?)" },
	{ "cannot start a worker: %s", "không khởi động được tiến trình dựng trang: %s" },
	{ "cannot create a worker socket: %s", "không tạo được kênh nối tiến trình dựng trang: %s" },
	{ "cannot start the build: %s", "không bắt đầu dựng được: %s" },
	{ "cannot start the builder: %s", "không khởi động được tiến trình dựng: %s" },
	{ "the build stopped unexpectedly (%s %d): nothing published",
	  "quá trình dựng dừng bất ngờ (%s %d): không xuất bản gì" },
	{ "the build helper stopped: restart loa serve",
	  "tiến trình dựng phụ đã dừng: hãy chạy lại loa serve" },
	{ "poll failed: %s", "poll lỗi: %s" },
	{ "the cache beside %s is a symbolic link or not a folder: not used",
	  "bộ nhớ đệm cạnh %s là liên kết tượng trưng hoặc không phải thư mục: không dùng" },
	{ "another build is writing %s", "một lần dựng khác đang ghi %s" },
	{ "another build of %s still runs after %d s of waiting: nothing published (wait longer "
	  "with --wait SECONDS)",
	  "một lần dựng khác của %s vẫn chạy sau %d giây chờ: không xuất bản gì (chờ lâu hơn "
	  "với --wait SỐ_GIÂY)" },
	{ "cannot publish to %s: %s", "không xuất bản được vào %s: %s" },
	{ "cannot write the site to %s: %s (at %s): nothing published, the previous site is left "
	  "as it was; free some space and build again",
	  "không ghi được trang web vào %s: %s (tại %s): không xuất bản gì, trang web cũ được "
	  "giữ nguyên; hãy giải phóng dung lượng rồi dựng lại" },
	{ "cannot write the site to %s: %s (at %s): nothing published, the previous site is left "
	  "as it was",
	  "không ghi được trang web vào %s: %s (tại %s): không xuất bản gì, trang web cũ được "
	  "giữ nguyên" },
	/* --out guard (outguard.c) */
	{ "cannot publish to %s: it is the root folder /. Choose a new folder for the site, such "
	  "as --out public",
	  "không xuất bản vào %s: đó là thư mục gốc /. Hãy chọn một thư mục mới cho trang web, "
	  "ví dụ --out public" },
	{ "cannot publish to %s: it is or is inside git's folder %s, which holds the history. "
	  "Choose a new folder for the site, such as --out public",
	  "không xuất bản vào %s: đó là hoặc nằm trong thư mục của git %s, nơi giữ lịch sử. Hãy "
	  "chọn một thư mục mới cho trang web, ví dụ --out public" },
	{ "cannot publish to %s: it is or is inside a .git or .loa-cache folder, which git and Loa "
	  "own. Choose a new folder for the site, such as --out public",
	  "không xuất bản vào %s: đó là hoặc nằm trong một thư mục .git hay .loa-cache, thuộc về "
	  "git và Loa. Hãy chọn một thư mục mới cho trang web, ví dụ --out public" },
	{ "cannot publish to %s: it is the repository %s itself, and a build replaces its output "
	  "folder as a whole. Choose a new folder for the site, such as --out public",
	  "không xuất bản vào %s: đó chính là kho %s, mà mỗi lần dựng thay toàn bộ thư mục xuất "
	  "bản. Hãy chọn một thư mục mới cho trang web, ví dụ --out public" },
	{ "cannot publish to %s: the repository %s is inside it, and a build replaces its output "
	  "folder as a whole. Choose a new folder for the site, such as --out public",
	  "không xuất bản vào %s: kho %s nằm trong đó, mà mỗi lần dựng thay toàn bộ thư mục xuất "
	  "bản. Hãy chọn một thư mục mới cho trang web, ví dụ --out public" },
	{ "cannot publish to %s: it is or contains the home folder %s, and a build replaces its "
	  "output folder as a whole. Choose a new folder for the site, such as --out public",
	  "không xuất bản vào %s: đó là hoặc chứa thư mục nhà %s, mà mỗi lần dựng thay toàn bộ "
	  "thư mục xuất bản. Hãy chọn một thư mục mới cho trang web, ví dụ --out public" },
	{ "cannot publish to %s: the folder is not empty and Loa did not make it (it has no %s "
	  "file), and a build replaces everything in it. Choose an empty or new folder, or give "
	  "--force to replace it",
	  "không xuất bản vào %s: thư mục không trống và không do Loa tạo (không có tệp %s), mà "
	  "mỗi lần dựng thay mọi thứ trong đó. Hãy chọn một thư mục trống hoặc mới, hoặc dùng "
	  "--force để thay nó" },
	{ "cannot lock %s: %s", "không khóa được %s: %s" },
	{ "cannot lock %s: %s: nothing published, the previous site is left as it was; free some "
	  "space and build again",
	  "không khóa được %s: %s: không xuất bản gì, trang web cũ được giữ nguyên; hãy giải "
	  "phóng dung lượng rồi dựng lại" },
	{ "cannot publish %s: %s", "không xuất bản được %s: %s" },
	{ "cannot publish %s: it exists and is not a folder",
	  "không xuất bản được %s: đã có và không phải thư mục" },
	{ "cannot publish to \"%s\": not a folder name",
	  "không xuất bản được vào \"%s\": không phải tên thư mục" },
	{ "cannot publish to %s: folder %s: %s", "không xuất bản được vào %s: thư mục %s: %s" },
	{ "cannot remove the previous %s: %s", "không xóa được %s cũ: %s" },
	{ "cannot remove %s/%s: %s", "không xóa được %s/%s: %s" },
	{ "cannot create %s/%s: %s", "không tạo được %s/%s: %s" },
	{ "cannot create folder for %s/%s: %s", "không tạo được thư mục cho %s/%s: %s" },
	{ "cannot open %s/%s: %s", "không mở được %s/%s: %s" },
	{ "cannot write %s/%s: %s", "không ghi được %s/%s: %s" },
	{ "cannot write %s/%s: it is a folder", "không ghi được %s/%s: đó là thư mục" },
	{ "cannot write %s/%s: \"%s\" is not a folder", "không ghi được %s/%s: \"%s\" không phải thư mục" },
	{ "cannot flush %s: %s", "không ghi hết được %s: %s" },
	{ "invalid output path \"%s\"", "đường dẫn đầu ra không hợp lệ \"%s\"" },
	{ "%s/%s is written twice", "%s/%s bị ghi hai lần" },

	/* the reason of loa build's "next change" for a future-dated page */
	{ "scheduled page", "bài hẹn giờ" },

	/* ---- images (media/) ---- */
	{ "image '%s' is not published (see the error about that file)",
	  "ảnh '%s' không được đăng (xem lỗi về tệp đó)" },
	{ "image not published: %s", "ảnh không được đăng: %s" },
	{ "image not published: processing it took more than %u s",
	  "ảnh không được đăng: xử lý quá %u giây" },

	/* ---- loa review ---- */
	{ "cannot review: '%s' itself does not build", "không xem xét được: chính '%s' không dựng được" },
	{ "cannot review: merging '%s' into '%s' conflicts",
	  "không xem xét được: gộp '%s' vào '%s' bị xung đột" },
	{ "merging '%s' into '%s' conflicts on %zu file(s)", "gộp '%s' vào '%s' bị xung đột ở %zu tệp" },
	{ "merge conflict: changed on both sides", "xung đột khi gộp: cả hai bên cùng sửa" },
	{ "invalid merge reference", "tham chiếu gộp không hợp lệ" },
	{ "cannot merge: %s", "không gộp được: %s" },
	{ "cannot list conflicts: %s", "không liệt kê được xung đột: %s" },
	{ "cannot make the merge preview: %s", "không tạo được bản xem trước khi gộp: %s" },
	{ "cannot set up an in-memory object store: %s", "không tạo được kho đối tượng trong bộ nhớ: %s" },
	{ "cannot write the merged tree: %s", "không ghi được cây đã gộp: %s" },
	{ "cannot list the commits of %s..%s: %s", "không liệt kê được các commit của %s..%s: %s" },
	{ "more than %d commits in %s..%s", "quá %d commit trong %s..%s" },

	/* ---- loa new ---- */
	{ "invalid page kind '%s' (news, school or plan)",
	  "loại trang không hợp lệ '%s' (news, school hoặc plan)" },
	{ "the title '%s' gives no file name", "tiêu đề '%s' không tạo được tên tệp" },
	{ "the file exists: not overwritten", "tệp đã có, không ghi đè" },
	{ "cannot create the folder: %s", "không tạo được thư mục: %s" },
	{ "cannot write the file", "không ghi được tệp" },
	{ "the file was written incompletely", "ghi tệp không trọn vẹn" },

	{ "%s is a bare repository (no work tree): loa serve and --worktree need a folder with "
	  "the site's files, such as a clone (git clone %s)",
	  "%s là kho git trần (bare, không có cây làm việc): loa serve và --worktree cần một thư "
	  "mục chứa các tệp của trang, ví dụ một bản sao (git clone %s)" },
	{ "%s is a repository's .git folder: give its work tree instead (%s)",
	  "%s là thư mục .git của một kho: hãy chỉ thư mục làm việc của kho (%s)" },
};

const char *msg_vi(const char *msgid)
{
	/* linear: a build prints few diagnostics, and a sorted table would be
	 * one more thing for contributors to keep in order */
	for (size_t i = 0; i < sizeof(catalog) / sizeof(catalog[0]); i++)
		if (strcmp(catalog[i].id, msgid) == 0)
			return catalog[i].vi;
	return NULL;
}

const char *msg_text(const char *msgid, enum msg_lang lang)
{
	const char *vi = lang == MSG_VI ? msg_vi(msgid) : NULL;
	return vi ? vi : msgid;
}

void msg_addf(struct buf *out, enum msg_lang lang, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	msg_vformat(out, msg_text(fmt, lang), ap, lang);
	va_end(ap);
}

void msg_fprintf(FILE *f, enum msg_lang lang, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	msg_vformat(&b, msg_text(fmt, lang), ap, lang);
	va_end(ap);
	fwrite(b.ptr, 1, b.len, f);
	buf_release(&b);
}

size_t msg_count(void)
{
	return sizeof(catalog) / sizeof(catalog[0]);
}

const struct msg_entry *msg_at(size_t i)
{
	return i < msg_count() ? &catalog[i] : NULL;
}

int msg_lang_parse(const char *s, enum msg_lang *out)
{
	if (!s)
		return -1;
	/* "vi", "vi_VN.UTF-8", "vi-VN": the two letters, then end or a separator */
	if ((s[0] == 'v' || s[0] == 'V') && (s[1] == 'i' || s[1] == 'I') && strchr("_-.", s[2])) {
		*out = MSG_VI;
		return 0;
	}
	if ((s[0] == 'e' || s[0] == 'E') && (s[1] == 'n' || s[1] == 'N') && strchr("_-.", s[2])) {
		*out = MSG_EN;
		return 0;
	}
	return -1;
}

/* One conversion specification, parsed. */
struct spec {
	const char *start;
	size_t len;      /* of the whole "%…c" */
	char length[3];  /* "", "h", "hh", "l", "ll", "z", "j", "t", "L" */
	char conv;       /* 'd', 's', …, '%' */
	bool star_width, star_prec;
};

/* Parses the specification at *p (a '%'); returns false when it is not one
 * this module can format. */
static bool parse_spec(const char *p, struct spec *s)
{
	const char *q = p + 1;
	memset(s, 0, sizeof(*s));
	s->start = p;
	while (*q && strchr("-+ #0", *q))
		q++;
	if (*q == '*') {
		s->star_width = true;
		q++;
	}
	while (*q >= '0' && *q <= '9')
		q++;
	if (*q == '.') {
		q++;
		if (*q == '*') {
			s->star_prec = true;
			q++;
		}
		while (*q >= '0' && *q <= '9')
			q++;
	}
	size_t ln = 0;
	if ((q[0] == 'h' && q[1] == 'h') || (q[0] == 'l' && q[1] == 'l'))
		ln = 2;
	else if (*q && strchr("hlzjtL", *q))
		ln = 1;
	memcpy(s->length, q, ln);
	s->length[ln] = '\0';
	q += ln;
	if (!*q || !strchr("diouxXeEfgGcsp%", *q))
		return false;
	s->conv = *q;
	s->len = (size_t)(q + 1 - p);
	return true;
}

int msg_same_conversions(const char *a, const char *b)
{
	int index = 0;
	for (;;) {
		/* %% takes no argument: it may move freely */
		while ((a = strchr(a, '%')) && a[1] == '%')
			a += 2;
		while ((b = strchr(b, '%')) && b[1] == '%')
			b += 2;
		index++;
		if (!a || !b)
			return a || b ? index : 0;
		struct spec sa, sb;
		if (!parse_spec(a, &sa) || !parse_spec(b, &sb) || sa.len != sb.len ||
		    memcmp(a, b, sa.len) != 0)
			return index;
		a += sa.len;
		b += sb.len;
	}
}

/* The spec rewritten for one buf_addf call with the value as it was read:
 * the stars become the numbers taken from the arguments (a negative width
 * is the '-' flag, a negative precision none, as printf says), the length
 * becomes length (that of intmax_t, uintmax_t, long double or none). */
static void rewrite_spec(struct buf *b, const struct spec *s, int width, int prec,
			 const char *length)
{
	const char *p = s->start + 1;
	size_t flags = strspn(p, "-+ #0");
	buf_putc(b, '%');
	buf_add(b, p, flags);
	p += flags;
	if (s->star_width) {
		if (width < 0) {
			buf_putc(b, '-');
			width = width == INT_MIN ? INT_MAX : -width;
		}
		buf_addf(b, "%d", width);
		p++;
	} else {
		size_t digits = strspn(p, "0123456789");
		buf_add(b, p, digits);
		p += digits;
	}
	if (*p == '.') {
		p++;
		if (s->star_prec) {
			if (prec >= 0)
				buf_addf(b, ".%d", prec);
			p++;
		} else {
			size_t digits = strspn(p, "0123456789");
			buf_putc(b, '.');
			buf_add(b, p, digits);
		}
	}
	buf_puts(b, length);
	buf_putc(b, s->conv);
}

/* Integer arguments, read by their length ("", hh, h, l, ll, z, j, t)
 * and widened. */
static intmax_t arg_signed(va_list *ap, const char *ln)
{
	switch (ln[0]) {
	case 'h':
		return ln[1] ? (signed char)va_arg(*ap, int) : (short)va_arg(*ap, int);
	case 'l':
		return ln[1] ? va_arg(*ap, long long) : va_arg(*ap, long);
	case 'z':
		return va_arg(*ap, ssize_t);
	case 'j':
		return va_arg(*ap, intmax_t);
	case 't':
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

static uintmax_t arg_unsigned(va_list *ap, const char *ln)
{
	switch (ln[0]) {
	case 'h':
		return ln[1] ? (unsigned char)va_arg(*ap, unsigned) : (unsigned short)va_arg(*ap, unsigned);
	case 'l':
		return ln[1] ? va_arg(*ap, unsigned long long) : va_arg(*ap, unsigned long);
	case 'z':
		return va_arg(*ap, size_t);
	case 'j':
		return va_arg(*ap, uintmax_t);
	case 't':
		return (uintmax_t)va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, unsigned);
	}
}

/* Each conversion reads its argument by type, then prints it through a
 * spec rewritten to that type (rewrite_spec), so that one buf_addf per
 * type covers every flag, width and precision; a %s argument can then be
 * swapped for its translation. (A va_list cannot be handed to vsnprintf
 * piece by piece: it is indeterminate after the call.) */
void msg_vformat(struct buf *out, const char *fmt, va_list ap_in, enum msg_lang lang)
{
	va_list ap;
	va_copy(ap, ap_in);
	const char *p = fmt;
	while (*p) {
		const char *pct = strchr(p, '%');
		if (!pct) {
			buf_puts(out, p);
			break;
		}
		buf_add(out, p, (size_t)(pct - p));
		struct spec s;
		if (!parse_spec(pct, &s)) {
			/* not a conversion we know: shown as written, consuming nothing */
			buf_putc(out, '%');
			p = pct + 1;
			continue;
		}
		p = pct + s.len;
		if (s.conv == '%') {
			buf_putc(out, '%');
			continue;
		}
		int width = s.star_width ? va_arg(ap, int) : 0;
		int prec = s.star_prec ? va_arg(ap, int) : 0;
		struct buf spec = BUF_INIT;
		switch (s.conv) {
		case 'd':
		case 'i': {
			intmax_t v = arg_signed(&ap, s.length);
			rewrite_spec(&spec, &s, width, prec, "j");
			buf_addf(out, spec.ptr, v);
			break;
		}
		case 'o':
		case 'u':
		case 'x':
		case 'X': {
			uintmax_t v = arg_unsigned(&ap, s.length);
			rewrite_spec(&spec, &s, width, prec, "j");
			buf_addf(out, spec.ptr, v);
			break;
		}
		case 'c':
			rewrite_spec(&spec, &s, width, prec, "");
			buf_addf(out, spec.ptr, va_arg(ap, int));
			break;
		case 'e':
		case 'E':
		case 'f':
		case 'g':
		case 'G':
			if (!strcmp(s.length, "L")) {
				long double v = va_arg(ap, long double);
				rewrite_spec(&spec, &s, width, prec, "L");
				buf_addf(out, spec.ptr, v);
			} else {
				double v = va_arg(ap, double);
				rewrite_spec(&spec, &s, width, prec, "");
				buf_addf(out, spec.ptr, v);
			}
			break;
		case 'p':
			rewrite_spec(&spec, &s, width, prec, "");
			buf_addf(out, spec.ptr, va_arg(ap, void *));
			break;
		case 's': {
			const char *arg = va_arg(ap, const char *);
			/* a translated reason keeps no precision: it is ours, not the
			 * contributor's text, and short. With a precision the argument
			 * may not be NUL-terminated (a token inside the source), so it
			 * is never looked up */
			bool has_prec = memchr(s.start, '.', s.len) != NULL;
			const char *tr = lang == MSG_VI && arg && !has_prec ? msg_vi(arg) : NULL;
			/* "%.0s" prints nothing; say so without the argument, which may
			 * point at the end of a source buffer with no NUL (sanitizers'
			 * printf checks read it as a whole string) */
			if (s.star_prec && prec == 0)
				tr = "";
			rewrite_spec(&spec, &s, width, prec, "");
			buf_addf(out, spec.ptr, tr ? tr : arg ? arg : "(null)");
			break;
		}
		default:
			break;
		}
		buf_release(&spec);
	}
	va_end(ap);
}
