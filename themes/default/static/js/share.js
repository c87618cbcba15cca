/* share.js — the copy-link button of an article (partials/share.html): shown
 * only where the browser can copy; says so in the status line. Nothing is
 * sent anywhere. */
(function () {
  'use strict';
  var box = document.querySelector('.share');
  var button = box && box.querySelector('.share-copy');
  if (!button || !navigator.clipboard || !window.isSecureContext) return;
  var status = box.querySelector('.share-status');
  button.hidden = false;
  button.addEventListener('click', function () {
    navigator.clipboard.writeText(button.getAttribute('data-url')).then(function () {
      status.textContent = box.getAttribute('data-copied');
    }, function () { status.textContent = ''; });
  });
})();
