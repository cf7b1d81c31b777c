// Typeset only what the digest marked as math (class "arithmatex", the same markup
// pymdownx.arithmatex writes), never stray dollar signs elsewhere on the page.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: false,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
};
