//! The JavaScript the harness evaluates in the page, and the shapes of what it
//! returns.
//!
//! Selectors and other strings are embedded as JSON string literals, which are
//! valid JavaScript string literals, so no selector can break out of its quotes.

use serde::Deserialize;

/// Quotes `s` as a JavaScript string literal.
pub(crate) fn quote(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// `true` when an element matches `css`.
pub(crate) fn exists(css: &str) -> String {
    format!("document.querySelector({}) !== null", quote(css))
}

/// The number of elements that match `css`.
pub(crate) fn count(css: &str) -> String {
    format!("document.querySelectorAll({}).length", quote(css))
}

/// The `innerText` of the first element that matches `css`, or `null`.
pub(crate) fn inner_text(css: &str) -> String {
    format!(
        "(() => {{ const el = document.querySelector({}); return el === null ? null : el.innerText; }})()",
        quote(css)
    )
}

/// Wraps a user expression so that it is awaited (it may be a promise) and
/// reduced to a boolean. The line break keeps a trailing `//` comment in the
/// user's code from swallowing the closing parenthesis.
pub(crate) fn truthy(expression: &str) -> String {
    format!("(async () => !!(await ({expression}\n)))()")
}

/// Marks the current document, so that [`DOCUMENT_STATE`] can tell it from
/// the next one.
pub(crate) const MARK_DOCUMENT: &str = "window.__ferrodashOldDocument = true";

/// Whether a navigation has replaced the marked document: `loading` while the
/// marked document is still there or the new one is not complete, `failed`
/// with Chromium's error code once its network error page has loaded.
pub(crate) const DOCUMENT_STATE: &str = r#"(() => {
  if (location.href.startsWith("chrome-error:")) {
    // The error page fills in its text while it loads.
    if (document.readyState !== "complete") return { state: "loading" };
    const code = document.querySelector(".error-code");
    const text = code === null ? "" : code.textContent.trim();
    return { state: "failed", code: text.startsWith("ERR_") ? "net::" + text : (text || "Chromium showed its error page") };
  }
  if (window.__ferrodashOldDocument === true || document.readyState !== "complete") return { state: "loading" };
  return { state: "loaded" };
})()"#;

/// What [`DOCUMENT_STATE`] reports.
#[derive(Debug, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub(crate) enum DocumentState {
    Loading,
    Loaded,
    Failed { code: String },
}

/// Where the click guard of [`arm_click`] lives on `window`.
const GUARD: &str = "__ferrodashClickGuard";

/// Scrolls the first match of `css` into the middle of the viewport and
/// reports where its centre is, provided a click there would reach it.
///
/// When it is ready, this also arms a guard: capture-phase listeners on
/// `window` that look at the target of every pointer and mouse event of the
/// click. If the page moved between this check and the click (an element
/// inserted above, a re-render) and the press or the release lands on
/// another element, the guard swallows that event and the rest of the click
/// (no handler sees them, no default action runs; only a press that did hit
/// the element has already been seen by it) and [`click_outcome`] reports the
/// miss, so that the click can be retried.
pub(crate) fn arm_click(css: &str) -> String {
    format!(
        r##"((sel) => {{
  const describe = (node) => {{
    if (!(node instanceof Element)) return "nothing";
    let text = node.tagName.toLowerCase();
    if (node.id) text += "#" + node.id;
    if (typeof node.className === "string" && node.className.trim() !== "") {{
      text += "." + node.className.trim().split(/\s+/).join(".");
    }}
    return text;
  }};
  const old = window.{GUARD};
  if (old) old.disarm();
  const el = document.querySelector(sel);
  if (el === null) return {{ state: "missing" }};
  el.scrollIntoView({{ block: "center", inline: "center", behavior: "instant" }});
  const r = el.getBoundingClientRect();
  if (r.width <= 0 || r.height <= 0) return {{ state: "hidden" }};
  const x = r.left + r.width / 2;
  const y = r.top + r.height / 2;
  const hit = document.elementFromPoint(x, y);
  if (hit === null || !(hit === el || el.contains(hit))) {{
    return {{ state: "covered", by: describe(hit) }};
  }}
  const types = ["pointerdown", "mousedown", "pointerup", "mouseup", "click"];
  const guard = {{
    seen: false,
    missed: null,
    listener(event) {{
      guard.seen = true;
      const target = event.target;
      if (guard.missed === null && !(target instanceof Node && el.contains(target))) {{
        guard.missed = describe(target);
      }}
      if (guard.missed !== null) {{
        event.stopImmediatePropagation();
        event.preventDefault();
      }}
    }},
    disarm() {{
      for (const type of types) window.removeEventListener(type, guard.listener, true);
      if (window.{GUARD} === guard) delete window.{GUARD};
    }},
  }};
  for (const type of types) window.addEventListener(type, guard.listener, true);
  window.{GUARD} = guard;
  return {{ state: "ready", x, y }};
}})({css})"##,
        css = quote(css)
    )
}

/// Disarms the guard of [`arm_click`] and reports what the click hit:
/// `"hit"`, `"landed on <element>"`, or `"pending"` when no event reached
/// this document (e.g. the element is an iframe).
pub(crate) fn click_outcome() -> String {
    format!(
        "(() => {{ const g = window.{GUARD}; if (!g) return \"pending\"; g.disarm(); \
         return g.missed !== null ? \"landed on \" + g.missed : g.seen ? \"hit\" : \"pending\"; }})()"
    )
}

/// Focuses the first match of `css`; then either selects all of its text
/// (`select_all`) or puts the caret at its end.
pub(crate) fn focus_for_typing(css: &str, select_all: bool) -> String {
    format!(
        r#"((sel, selectAll) => {{
  const el = document.querySelector(sel);
  if (el === null) return {{ state: "missing" }};
  el.scrollIntoView({{ block: "center", inline: "center", behavior: "instant" }});
  el.focus();
  const target = document.activeElement;
  if (target === null || !(target === el || el.contains(target))) return {{ state: "unfocusable" }};
  const isField = typeof target.value === "string";
  if (selectAll) {{
    if (typeof target.select === "function") {{
      target.select();
    }} else if (target.isContentEditable) {{
      const range = document.createRange();
      range.selectNodeContents(target);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }}
  }} else if (isField && typeof target.setSelectionRange === "function") {{
    // Some input types (number, email) do not support selection ranges.
    try {{ target.setSelectionRange(target.value.length, target.value.length); }} catch (e) {{}}
  }}
  const hasText = isField ? target.value.length > 0 : (target.textContent || "").length > 0;
  return {{ state: "ready", hasText }};
}})({}, {})"#,
        quote(css),
        select_all
    )
}

/// What [`arm_click`] reports.
#[derive(Debug, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub(crate) enum ClickTarget {
    Missing,
    Hidden,
    Covered { by: String },
    Ready { x: f64, y: f64 },
}

/// What [`focus_for_typing`] reports.
#[derive(Debug, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub(crate) enum FocusTarget {
    Missing,
    Unfocusable,
    Ready {
        #[serde(rename = "hasText")]
        has_text: bool,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_are_quoted_safely() {
        assert_eq!(quote(r#"a[title="x"]"#), r#""a[title=\"x\"]""#);
        assert_eq!(
            exists("'); alert(1); ('"),
            r#"document.querySelector("'); alert(1); ('") !== null"#
        );
    }

    #[test]
    fn truthy_survives_trailing_comment() {
        assert_eq!(truthy("1 // one"), "(async () => !!(await (1 // one\n)))()");
    }
}
