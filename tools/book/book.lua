-- book.lua: pandoc filter for the course book (run by tools/book.sh).
--
-- Lessons are written to read well as plain markdown on a code-hosting site,
-- where one lesson links to another as `[chapter 2](02-gradient-accumulation.md)`.
-- In the book every lesson becomes an .html page, so this filter:
--
--   1. rewrites local links to `*.md` into links to `*.html`, keeping any
--      `#fragment` (`02-topic.md#clearing` -> `02-topic.html#clearing`);
--   2. marks the commands in ```console blocks, so the reader can tell what
--      was typed (`$ make check`) from what the program printed;
--   3. makes the lesson's first line, `# N. Title`, the page title;
--   4. lets tables size their columns to their content, in a box that
--      scrolls sideways on a screen too narrow for them;
--   5. keeps punctuation after inline math on the math's line, and puts
--      display math in a box that scrolls sideways when it is too wide,
--      split at each \qquad that sets equations apart, so that a phone can
--      put each equation on a line of its own;
--   6. makes every figure a link to itself, so that a reader on a phone,
--      where a six-panel figure's labels are a few pixels tall, can open
--      it alone and zoom in.

-- A target with a scheme (`https:`, `mailto:`, ...) points outside the book.
local function is_external(target)
  return target:match("^%a[%w+.-]*:") ~= nil
end

function Link(link)
  if is_external(link.target) then
    return nil
  end
  -- Split `path#fragment`; a pure `#fragment` has an empty path.
  local path, fragment = link.target:match("^([^#]*)(.*)$")
  if path:match("%.md$") then
    link.target = path:sub(1, -4) .. ".html" .. fragment
    return link
  end
  return nil
end

-- HTML-escapes text for use inside <pre>.
local function escape(text)
  return (text:gsub("[&<>\"]", {
    ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;",
  }))
end

-- A console block holds a shell session: lines starting with "$ " are
-- commands, everything else is output. Pandoc has no highlighter for that,
-- so we write the HTML ourselves: the prompt gets its own span (the
-- stylesheet makes it unselectable, so copying a command leaves the "$ "
-- behind) and the command is set apart from its output.
function CodeBlock(block)
  if block.classes[1] ~= "console" or not FORMAT:match("html") then
    return nil
  end
  local lines = {}
  for line in (block.text .. "\n"):gmatch("(.-)\n") do
    local command = line:match("^%$ (.*)$")
    if command then
      lines[#lines + 1] = '<span class="prompt">$ </span>'
        .. '<span class="command">' .. escape(command) .. "</span>"
    else
      lines[#lines + 1] = '<span class="output">' .. escape(line) .. "</span>"
    end
  end
  local id = ""
  if block.identifier ~= "" then
    id = ' id="' .. escape(block.identifier) .. '"'
  end
  return pandoc.RawBlock("html",
    "<pre" .. id .. ' class="console"><code>'
    .. table.concat(lines, "\n") .. "</code></pre>")
end

-- The lesson's first line, `# 1. Manual gradient descent`, is the page's
-- title: it moves into the metadata (the template sets it as the page's only
-- <h1>), and the `##` sections stay <h2>, just as a code-hosting site shows
-- the markdown file. A lesson without that first heading, or with a second
-- level-1 heading, stops the build: its page would have no title, or two.
function Pandoc(doc)
  local first = doc.blocks[1]
  if not (first and first.t == "Header" and first.level == 1) then
    error("the lesson must start with a level-1 heading `# N. Title`")
  end
  doc.meta.title = first.content
  table.remove(doc.blocks, 1)
  for _, block in ipairs(doc.blocks) do
    if block.t == "Header" and block.level == 1 then
      error("only the first line may be a level-1 heading; found another: "
        .. pandoc.utils.stringify(block))
    end
  end
  return doc
end

-- Pandoc gives a table fixed column widths (a <colgroup>) as soon as one of
-- its source lines is long, which stretches a narrow "#" column to a third of
-- the page. Dropping the widths lets the browser size columns to fit.
function Table(tbl)
  for i, spec in ipairs(tbl.colspecs) do
    tbl.colspecs[i] = {spec[1], nil}     -- keep the alignment, drop the width
  end
  return pandoc.Div({tbl}, pandoc.Attr("", {"table-box"}))
end

-- A browser may break a line between inline math and the comma or bracket
-- that follows it, leaving the punctuation alone at the start of the next
-- line. Gluing the two into one unbreakable span prevents that. Display math
-- goes into a box of its own that scrolls sideways, since a MathML element
-- itself does not.
local closing = "^([.,;:!?)%]]+)(.*)$"

-- A lesson sets two or three short equations side by side, apart by
-- \qquad (`s_t = ..., \qquad \theta_t = ...`). As one MathML element they
-- are as wide as all of them together, and a phone has to scroll to read
-- the second. Split at each \qquad outside any group ({...}, \left...\right,
-- \begin...\end, a \{...\} set, \bigl...\bigr) and outside % comments, each
-- piece is an element of its own: side by side where they fit, one under
-- the other where they do not (style.css). A display that switches style
-- or colour outside a group (\textstyle, \color) is left whole: the switch
-- would reach its own piece only.
local opens = {begin = true, left = true, ["{"] = true,
               bigl = true, Bigl = true, biggl = true, Biggl = true}
local closes = {["end"] = true, right = true, ["}"] = true,
                bigr = true, Bigr = true, biggr = true, Biggr = true}
local switches = {displaystyle = true, textstyle = true, scriptstyle = true,
                  scriptscriptstyle = true, color = true}

local function equation_pieces(tex)
  local pieces, depth, start, i = {}, 0, 1, 1
  while i <= #tex do
    local c = tex:sub(i, i)
    if c == "\\" then
      local word = tex:match("^\\(%a+)", i) or tex:sub(i + 1, i + 1)
      if opens[word] then
        depth = depth + 1
      elseif closes[word] then
        depth = depth - 1
      elseif switches[word] and depth == 0 then
        pieces, start = {}, 1
        break
      elseif word == "qquad" and depth == 0 then
        table.insert(pieces, tex:sub(start, i - 1))
        start = i + #"\\qquad"
      end
      i = i + 1 + #word
    elseif c == "%" then
      i = (tex:find("\n", i, true) or #tex) + 1
    else
      if c == "{" then
        depth = depth + 1
      elseif c == "}" then
        depth = depth - 1
      end
      i = i + 1
    end
  end
  table.insert(pieces, tex:sub(start))
  local kept = pandoc.List()
  for _, piece in ipairs(pieces) do
    piece = piece:match("^%s*(.-)%s*$")
    if piece ~= "" then
      if #kept > 0 then kept:insert(pandoc.Space()) end
      kept:insert(pandoc.Span({pandoc.Math("DisplayMath", piece)},
                              pandoc.Attr("", {"equation"})))
    end
  end
  return kept
end

function Inlines(inlines)
  local out = pandoc.List()
  local i = 1
  while i <= #inlines do
    local el, nxt = inlines[i], inlines[i + 1]
    local punct, rest
    if el.t == "Math" and el.mathtype == "InlineMath" and nxt and nxt.t == "Str" then
      punct, rest = nxt.text:match(closing)
    end
    if punct then
      out:insert(pandoc.Span({el, pandoc.Str(punct)}, pandoc.Attr("", {"nowrap"})))
      if rest ~= "" then out:insert(pandoc.Str(rest)) end
      i = i + 2
    elseif el.t == "Math" and el.mathtype == "DisplayMath" then
      out:insert(pandoc.Span(equation_pieces(el.text), pandoc.Attr("", {"display-math"})))
      i = i + 1
    else
      out:insert(el)
      i = i + 1
    end
  end
  return out
end

-- A short piece of inline code (a flag, a function's name) stays on one
-- line: a browser breaks after a hyphen, and "--clip-norm" split into "-"
-- and "-clip-norm" reads as another flag. A longer one may still wrap.
function Code(code)
  if (utf8.len(code.text) or #code.text) <= 24 then
    code.classes:insert("nowrap")
  end
  return code
end

-- A figure is a paragraph holding one image whose title pandoc marked
-- "fig:". It is written as pandoc writes one (the caption as the image's
-- alt text and, hidden from screen readers, which would read it twice, as
-- its figcaption), but with the image inside a link to its own file. The
-- caption stays pandoc's own inlines, so its math is MathML as elsewhere.
function Para(para)
  local img = para.content[1]
  if #para.content ~= 1 or img.t ~= "Image" or not img.title:match("^fig:")
      or not FORMAT:match("html") then
    return nil
  end
  local src = escape(img.src)
  local alt = escape(pandoc.utils.stringify(img.caption))
  return {
    pandoc.RawBlock("html", '<figure>\n<a class="figure-link" href="' .. src
      .. '" title="the figure alone, to zoom in"><img src="' .. src
      .. '" alt="' .. alt .. '" /></a>\n<figcaption aria-hidden="true">'),
    pandoc.Plain(img.caption),
    pandoc.RawBlock("html", "</figcaption>\n</figure>"),
  }
end
