// loa serve: reloads the page after a rebuild, shows a failed one.
(function () {
  var s = document.currentScript;
  var gen = s ? s.getAttribute('data-gen') : '';
  // the heading, in the language loa serve speaks
  var title = (s && s.getAttribute('data-title')) || 'loa';
  function show(text) {
    var box = document.getElementById('loa-serve-errors');
    if (!box) {
      box = document.createElement('div');
      box.id = 'loa-serve-errors';
      box.setAttribute('role', 'alert');
      box.style.cssText = 'position:fixed;top:0;left:0;right:0;z-index:2147483647;max-height:50vh;overflow:auto;padding:.75rem 1rem;background:#fff0f0;color:#8b0000;border-bottom:3px solid #c00;font:14px/1.4 system-ui,sans-serif';
      document.body.insertBefore(box, document.body.firstChild);
    }
    box.textContent = '';
    var h = document.createElement('strong');
    h.textContent = title;
    var pre = document.createElement('pre');
    pre.style.cssText = 'white-space:pre-wrap;margin:.5rem 0 0;font:13px/1.4 monospace';
    pre.textContent = text;
    box.appendChild(h);
    box.appendChild(pre);
  }
  function connect() {
    var es = new EventSource('/__loa/events?since=' + encodeURIComponent(gen));
    es.addEventListener('reload', function () { es.close(); location.reload(); });
    // a server's 'error' event carries data; a lost connection does not.
    // Refused (503: too many open pages), the browser gives up: try later.
    es.addEventListener('error', function (e) {
      if (typeof e.data === 'string') show(e.data);
      else if (es.readyState === 2) setTimeout(connect, 5000);
    });
  }
  connect();
})();
