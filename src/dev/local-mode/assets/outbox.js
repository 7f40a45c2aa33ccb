// Dev outbox: renders each card with the Adaptive Cards library, with a small stand-in for the
// markdown Teams applies to TextBlocks (backslash escapes, bold, italic, links, lists, headings),
// so the page shows whether escaped user text stays literal. Not the Teams implementation.
(function () {
  'use strict';
  function markdown(text) {
    var escaped = [];
    var s = text.replace(/\\([!-\/:-@\[-`{-~])/g, function (_m, ch) { escaped.push(ch); return '\u0000' + (escaped.length - 1) + '\u0000'; });
    s = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    s = s.replace(/\[([^\]\u0000]+)\]\(([^)\s"]+)\)/g, '<a href="$2" rel="noreferrer">$1</a>');
    s = s.replace(/(^|[\s(])((?:https?):\/\/[^\s<"]+)/gi, '$1<a href="$2" rel="noreferrer">$2</a>');
    s = s.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>').replace(/(^|[^\w])_([^_]+)_(?=[^\w]|$)/g, '$1<em>$2</em>');
    s = s.split('\n').map(function (line) {
      if (/^\s*[-+*]\s/.test(line)) return '<li>' + line.replace(/^\s*[-+*]\s/, '') + '</li>';
      if (/^\s*#{1,6}\s/.test(line)) return '<h3>' + line.replace(/^\s*#{1,6}\s/, '') + '</h3>';
      return line;
    }).join('\n');
    s = s.replace(/\n/g, '<br>');
    return s.replace(/\u0000(\d+)\u0000/g, function (_m, i) {
      var ch = escaped[Number(i)];
      return ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] || ch;
    });
  }
  var AC = window.AdaptiveCards;
  AC.AdaptiveCard.onProcessMarkdown = function (text, result) { result.outputHtml = markdown(text); result.didProcess = true; };
  document.querySelectorAll('[data-card]').forEach(function (host) {
    try {
      var card = new AC.AdaptiveCard();
      card.hostConfig = new AC.HostConfig({ fontFamily: '"Segoe UI", system-ui, sans-serif', supportsInteractivity: true });
      card.onExecuteAction = function () {};
      card.parse(JSON.parse(host.getAttribute('data-card')));
      var rendered = card.render();
      if (rendered) host.appendChild(rendered);
    } catch (error) {
      host.textContent = 'This card could not be rendered: ' + error;
    }
  });
})();
