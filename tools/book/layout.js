// layout.js: measures the pages of the book as a reader's browser lays
// them out (tools/book-layout.sh loads it in headless Chromium, each page
// in an iframe.page as wide as a phone's or a laptop's screen). Once the
// window and every page in it have loaded, it writes its findings into
// the probe page's result element, one line each:
//   overflow PAGE WIDTH px: the page scrolls sideways by N px
//   spill PAGE WIDTH: ELEMENT (its right edge at X px)
//   wrap PAGE WIDTH: "TEXT" after inline math starts a line of its own
//   split PAGE WIDTH: code "TEXT" breaks across lines (a flag or a name of
//     24 characters or fewer: "--clip-norm" read as "-" and "-clip-norm")
//   header PAGE: a table has no header row, or its header cell N has no
//     words (empty, or math alone, which Chromium gives no name): a
//     screen reader names a column by it; once, at 1280
//   italic PAGE WIDTH: "TEXT" of \mathrm{TEXT} is set in italic (pandoc's
//     mstyle asks for upright type, which Chromium ignores)
//   apart PAGE WIDTH: a display scrolls with equations \qquad apart in one
//     piece (book.lua splits them, so that a phone can wrap them)
//   raw PAGE: "TEXT" shows a $ or <!-- of the lesson's source (math pandoc
//     did not read as math, and the comments it swallowed); once, at 1280
//   ok PAGE WIDTH
// A wide code block or display equation may scroll inside its own box
// (overflow-x: auto): that is the design, not a spill.
// The figures come too, each SVG in an iframe.figure of its own size:
//   cut FIGURE: "TEXT" runs N px past the left (right, top, bottom) edge
//   ok FIGURE
// gnuplot places an SVG's text by its own font metrics, but the browser
// sets it in the reader's font, which can be wider: a y label that fits
// in the PNG (tests/png-edges.c) can still be cut off in the book.
(function () {
  const frames = document.querySelectorAll("iframe.page");
  const out = document.getElementById("layout-result");
  const lines = [];
  function describe(el) {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (el.className && typeof el.className === "string") s += "." + el.className.trim().split(/\s+/).join(".");
    const text = (el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 50);
    return text ? s + " \"" + text + "\"" : s;
  }
  // Whether el sits inside a box that scrolls or clips sideways itself.
  function contained(el, doc) {
    for (let p = el.parentElement; p && p !== doc.body; p = p.parentElement) {
      const o = doc.defaultView.getComputedStyle(p).overflowX;
      if (o === "auto" || o === "scroll" || o === "hidden") return true;
    }
    return false;
  }
  function measure(frame) {
    const page = frame.dataset.page, width = frame.dataset.width;
    const doc = frame.contentDocument, root = doc.documentElement;
    const before = lines.length;
    const limit = root.clientWidth;
    if (root.scrollWidth > limit)
      lines.push("overflow " + page + " " + width + " px: the page scrolls sideways by " + (root.scrollWidth - limit) + " px");
    // The outermost elements that pass the right edge.
    for (const el of doc.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= limit + 0.5 || contained(el, doc)) continue;
      const parent = el.parentElement;
      if (parent && parent !== doc.body && parent.getBoundingClientRect().right > limit + 0.5 && !contained(parent, doc)) continue;
      lines.push("spill " + page + " " + width + ": " + describe(el) + " (its right edge at " + Math.round(r.right) + " px of " + limit + ")");
    }
    // Punctuation right after inline math must stay on the math's line.
    for (const m of doc.querySelectorAll("math:not([display=block])")) {
      const next = m.nextSibling;
      if (!next || next.nodeType !== 3 || !/^[.,;:!?)\]]/.test(next.data)) continue;
      const range = doc.createRange();
      range.setStart(next, 0);
      range.setEnd(next, 1);
      const p = range.getBoundingClientRect(), mr = m.getBoundingClientRect();
      if (p.top >= mr.bottom - 1)
        lines.push("wrap " + page + " " + width + ": \"" + next.data.slice(0, 1) + "\" after inline math starts a line of its own (" + describe(m.parentElement).slice(0, 60) + ")");
    }
    for (const upright of doc.querySelectorAll('mstyle[mathvariant="normal"]')) {
      const italic = [...upright.querySelectorAll("mi")].some((mi) => {
        const style = doc.defaultView.getComputedStyle(mi);
        return style.textTransform !== "none" || style.fontStyle !== "normal";
      });
      if (italic)
        lines.push("italic " + page + " " + width + ": \"" + upright.textContent + "\" of \\mathrm is set in italic");
    }
    for (const box of doc.querySelectorAll(".display-math")) {
      if (box.scrollWidth <= box.clientWidth + 0.5) continue;
      for (const a of box.querySelectorAll("annotation"))
        if (setsApart(a.textContent))
          lines.push("apart " + page + " " + width + ": a display scrolls with equations \\qquad apart in one piece: " +
                     a.textContent.replace(/\s+/g, " ").slice(0, 60));
    }
    for (const c of doc.querySelectorAll(":not(pre) > code")) {
      const text = c.textContent;
      if (text.length <= 24 && c.getClientRects().length > 1)
        lines.push("split " + page + " " + width + ": code \"" + text + "\" breaks across lines");
    }
    if (width === "1280") {
      rawSource(page, doc);
      for (const table of doc.querySelectorAll("table")) {
        // (pandoc writes no thead at all for a header row left empty.)
        if (!table.querySelector("thead th")) {
          lines.push("header " + page + ": a table has no header row (" + describe(table).slice(0, 60) + ")");
          continue;
        }
        table.querySelectorAll("thead th").forEach((th, k) => {
          const words = th.cloneNode(true);
          words.querySelectorAll("math").forEach((m) => m.remove());
          if (words.textContent.trim() === "")
            lines.push("header " + page + ": a table's header cell " + (k + 1) + " has no words");
        });
      }
    }
    if (lines.length === before) lines.push("ok " + page + " " + width);
  }
  // Whether TeX holds a \qquad outside every group ({...}, \left...\right,
  // \begin...\end, \{...\}, \bigl...\bigr) and every % comment, in a display
  // that switches no style outside a group: book.lua's rule for splitting.
  const opens = ["begin", "left", "{", "bigl", "Bigl", "biggl", "Biggl"];
  const closes = ["end", "right", "}", "bigr", "Bigr", "biggr", "Biggr"];
  const switches = ["displaystyle", "textstyle", "scriptstyle", "scriptscriptstyle", "color"];
  function setsApart(tex) {
    let depth = 0, apart = false;
    for (let i = 0; i < tex.length; i++) {
      if (tex[i] === "\\") {
        const word = /^\\([A-Za-z]+|.?)/.exec(tex.slice(i))[1];
        if (opens.includes(word)) depth++;
        else if (closes.includes(word)) depth--;
        else if (switches.includes(word) && depth === 0) return false;
        else if (word === "qquad" && depth === 0) apart = true;
        i += word.length;
      } else if (tex[i] === "%") {
        const end = tex.indexOf("\n", i);
        i = end < 0 ? tex.length : end;
      } else if (tex[i] === "{") depth++;
      else if (tex[i] === "}") depth--;
    }
    return apart;
  }
  // Text a reader sees, outside code and math, that still holds the
  // source's $ or <!-- (pandoc leaves "$w = $ 1" as it is: no closing $
  // after a space).
  function rawSource(page, doc) {
    const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement.closest("code, pre, math, script, style")) continue;
      const i = n.data.search(/\$|<!--/);
      if (i >= 0)
        lines.push("raw " + page + ": \"" + n.data.slice(Math.max(0, i - 20), i + 30).replace(/\s+/g, " ") +
                   "\" shows a $ or <!-- of the lesson's source (math pandoc did not read as math?)");
    }
  }
  // Each text element's box (the browser's, rotated labels included)
  // against the figure's own.
  function measureFigure(frame) {
    const figure = frame.dataset.figure, doc = frame.contentDocument;
    const box = doc.documentElement.getBoundingClientRect();
    const before = lines.length;
    for (const t of doc.querySelectorAll("text")) {
      const r = t.getBoundingClientRect();
      if (r.width === 0) continue;
      const past = [["left", box.left - r.left], ["right", r.right - box.right],
                    ["top", box.top - r.top], ["bottom", r.bottom - box.bottom]];
      for (const [edge, px] of past)
        if (px > 0.5)
          lines.push("cut " + figure + ": \"" + t.textContent.replace(/\s+/g, " ").trim().slice(0, 40) +
                     "\" runs " + px.toFixed(1) + " px past the " + edge + " edge");
    }
    if (lines.length === before) lines.push("ok " + figure);
  }
  // The window's load event comes after every frame's, whatever order the
  // frames finished in (a frame may well load before this script runs).
  window.addEventListener("load", function () {
    for (const frame of frames)
      measure(frame);
    for (const frame of document.querySelectorAll("iframe.figure"))
      measureFigure(frame);
    out.textContent = lines.join("\n");
  });
})();
