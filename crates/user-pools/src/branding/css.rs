//! The classic hosted UI's CSS, cut down to what Cognito lets a pool style: rules whose
//! selector is one of Cognito's `-customizable` classes, declarations of the properties
//! Cognito lets that class set, values made of keywords, numbers, lengths, colours and
//! `rgb()`/`hsl()`. Whatever else is dropped and reported. Anything that could load from
//! elsewhere or end the page's `<style>` element (`url(…)`, `@import` or any other at-rule,
//! `expression(…)`, `javascript:`, `<`) is refused, with its line: it is never served, nor
//! silently left out.
//!
//! The text is read with `cssparser` (the CSS Syntax tokenizer browsers use), so escapes and
//! comments cannot hide a construct from the checks; the served style sheet is written anew
//! from the tokens kept, never copied from the input.

use cssparser::{Delimiter, ParseError, Parser, ParserInput, ToCss, Token};
use domain::FieldError;

/// The longest `CSS` Cognito takes (botocore's `CSSType`).
pub const MAX_CSS_CHARS: usize = 131_072;

/// Cognito's classes of the classic hosted UI and the properties each may set, from
/// Cognito's developer guide and its CSS template.
pub const CLASSES: &[(&str, &[&str])] = &[
    ("background-customizable", &["background-color"]),
    ("banner-customizable", &["padding", "background-color"]),
    (
        "errorMessage-customizable",
        &[
            "margin",
            "padding",
            "font-size",
            "width",
            "background",
            "border",
            "color",
            "box-sizing",
        ],
    ),
    (
        "idpButton-customizable",
        &[
            "height",
            "width",
            "text-align",
            "margin-bottom",
            "color",
            "background-color",
            "border-color",
        ],
    ),
    (
        "idpButton-customizable:hover",
        &["color", "background-color"],
    ),
    (
        "idpDescription-customizable",
        &["padding-top", "padding-bottom", "display", "font-size"],
    ),
    (
        "inputField-customizable",
        &["width", "height", "color", "background-color", "border"],
    ),
    (
        "inputField-customizable:focus",
        &["border-color", "outline"],
    ),
    ("label-customizable", &["font-weight"]),
    ("legalText-customizable", &["color", "font-size"]),
    ("logo-customizable", &["max-width", "max-height"]),
    ("passwordCheck-notValid-customizable", &["color"]),
    ("passwordCheck-valid-customizable", &["color"]),
    ("redirect-customizable", &["text-align"]),
    (
        "socialButton-customizable",
        &[
            "border-radius",
            "height",
            "margin-bottom",
            "padding",
            "text-align",
            "width",
        ],
    ),
    (
        "submitButton-customizable",
        &[
            "font-size",
            "font-weight",
            "margin",
            "width",
            "height",
            "color",
            "background-color",
        ],
    ),
    (
        "submitButton-customizable:hover",
        &["color", "background-color"],
    ),
    (
        "textDescription-customizable",
        &["padding-top", "padding-bottom", "display", "font-size"],
    ),
];

/// Functions that load something (an image, a font, a document) or run script.
const FETCHING_FUNCTIONS: &[&str] = &[
    "url",
    "src",
    "image",
    "image-set",
    "-webkit-image-set",
    "cross-fade",
    "element",
    "paint",
    "expression",
];

/// Properties that load code into the page.
const FETCHING_PROPERTIES: &[&str] = &["behavior", "-moz-binding"];

/// Value functions a branded page takes: colours.
const VALUE_FUNCTIONS: &[&str] = &["rgb", "rgba", "hsl", "hsla"];

/// Something the style sheet had that is not served, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// 1-based.
    pub line: u32,
    /// The selector, or `selector { property }`.
    pub what: String,
    pub reason: String,
}

/// The style sheet as served, and what was left out of it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SanitizedCss {
    pub css: String,
    pub dropped: Vec<Dropped>,
}

/// Why a style sheet is refused: its line and the construct.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Refusal {
    line: u32,
    reason: String,
}

/// The properties a `.class` or `.class:pseudo` selector may set, when it is one of
/// Cognito's.
pub fn allowed_properties(selector: &str) -> Option<&'static [&'static str]> {
    let class = selector.strip_prefix('.')?;
    CLASSES.iter().find(|(c, _)| *c == class).map(|(_, p)| *p)
}

/// Reads `css` (the request member `field`) and answers the style sheet to serve, or the
/// refusal naming the field, the line and the construct.
pub fn sanitize(field: &str, css: &str) -> Result<SanitizedCss, FieldError> {
    let refuse = |r: Refusal| FieldError::new(field, format!("line {}: {}", r.line, r.reason));
    let chars = css.chars().count();
    if chars > MAX_CSS_CHARS {
        return Err(FieldError::new(
            field,
            format!("the style sheet has {chars} characters; at most {MAX_CSS_CHARS} are taken"),
        ));
    }
    if let Some(at) = css.find('<') {
        return Err(refuse(Refusal {
            line: line_of(css, at),
            reason: "'<' has no place in a style sheet: it could end the page's <style> \
                     element (</style>)"
                .into(),
        }));
    }
    let mut input = ParserInput::new(css);
    let mut p = Parser::new(&mut input);
    let mut w = Walk::default();
    while w.refusal.is_none() && !p.is_exhausted() {
        rule(&mut p, &mut w);
    }
    if let Some(r) = w.refusal {
        return Err(refuse(r));
    }
    // Written from tokens: an escape cannot smuggle '<' back in, but the served text is
    // checked all the same.
    if let Some(at) = w.out.find('<') {
        return Err(refuse(Refusal {
            line: line_of(&w.out, at),
            reason: "an escaped '<' has no place in a style sheet".into(),
        }));
    }
    Ok(SanitizedCss {
        css: w.out,
        dropped: w.dropped,
    })
}

fn line_of(text: &str, byte: usize) -> u32 {
    u32::try_from(text[..byte].matches('\n').count() + 1).unwrap_or(u32::MAX)
}

#[derive(Default)]
struct Walk {
    refusal: Option<Refusal>,
    dropped: Vec<Dropped>,
    out: String,
}

impl Walk {
    fn drop(&mut self, line: u32, what: impl Into<String>, reason: impl Into<String>) {
        self.dropped.push(Dropped {
            line,
            what: what.into(),
            reason: reason.into(),
        });
    }

    fn refuse(&mut self, line: u32, reason: String) {
        if self.refusal.is_none() {
            self.refusal = Some(Refusal { line, reason });
        }
    }
}

type Never<'i> = ParseError<'i, ()>;

fn line(p: &Parser<'_, '_>) -> u32 {
    p.current_source_location().line + 1
}

/// Why a token could load something or run script, if it could.
fn danger(t: &Token<'_>) -> Option<String> {
    match t {
        Token::AtKeyword(name) => Some(format!(
            "@{name} is not allowed: the style sheet may hold rules for Cognito's classes only \
             (no @import, @media, @supports, @page, @font-face…)"
        )),
        Token::UnquotedUrl(_) | Token::BadUrl(_) => {
            Some("url(…) is not allowed: the sign-in page loads nothing from elsewhere".into())
        }
        Token::Function(name)
            if FETCHING_FUNCTIONS
                .iter()
                .any(|f| name.eq_ignore_ascii_case(f)) =>
        {
            Some(format!(
                "{name}(…) is not allowed: the sign-in page loads and runs nothing from a \
                 style sheet"
            ))
        }
        Token::Ident(v) | Token::QuotedString(v)
            if v.to_ascii_lowercase().contains("javascript:") =>
        {
            Some("javascript: is not allowed in a style sheet".into())
        }
        _ => None,
    }
}

fn is_block(t: &Token<'_>) -> bool {
    matches!(
        t,
        Token::Function(_)
            | Token::ParenthesisBlock
            | Token::SquareBracketBlock
            | Token::CurlyBracketBlock
    )
}

/// Reads the rest of the current block for dangers only (what is dropped is still checked:
/// a refusal is never hidden by a drop).
fn scan(p: &mut Parser<'_, '_>, w: &mut Walk) {
    while w.refusal.is_none() {
        let Ok(t) = p.next() else { return };
        let t = t.clone();
        if let Some(reason) = danger(&t) {
            let l = line(p);
            w.refuse(l, reason);
            return;
        }
        if is_block(&t) {
            let _ = p.parse_nested_block(|p| {
                scan(p, w);
                Ok::<_, Never<'_>>(())
            });
        }
    }
}

/// One rule: its selectors, then its block.
fn rule(p: &mut Parser<'_, '_>, w: &mut Walk) {
    let mut selectors: Vec<(String, &'static [&'static str])> = Vec::new();
    p.skip_whitespace();
    let start = p.position();
    let first_line = line(p);
    let _ = p.parse_until_before(Delimiter::CurlyBracketBlock, |p| {
        loop {
            p.skip_whitespace();
            let l = line(p);
            let part_start = p.position();
            let got =
                p.parse_until_before(Delimiter::Comma, |p| Ok::<_, Never<'_>>(selector(p, w)));
            if w.refusal.is_some() {
                break;
            }
            let text = p.slice_from(part_start).trim().to_string();
            match got {
                Ok(Some(s)) => match allowed_properties(&s) {
                    Some(props) => selectors.push((s, props)),
                    None => w.drop(l, text, "not one of Cognito's -customizable classes"),
                },
                _ if text.is_empty() => {}
                _ => w.drop(
                    l,
                    text,
                    "a selector here is one class of Cognito's (.submitButton-customizable) \
                     or one with :hover or :focus",
                ),
            }
            if p.next().is_err() {
                break;
            }
        }
        Ok::<_, Never<'_>>(())
    });
    if w.refusal.is_some() {
        return;
    }
    let prelude = p.slice_from(start).trim().to_string();
    match p.next() {
        Ok(Token::CurlyBracketBlock) => {}
        _ => {
            if !prelude.is_empty() {
                w.drop(first_line, prelude, "a selector without a { } block");
            }
            return;
        }
    }
    let declarations = p
        .parse_nested_block(|p| Ok::<_, Never<'_>>(declarations(p, w)))
        .unwrap_or_default();
    if w.refusal.is_some() {
        return;
    }
    for (selector, props) in &selectors {
        let mut kept = String::new();
        for (l, name, value) in &declarations {
            if props.contains(&name.as_str()) {
                kept.push_str(&format!("  {name}: {value};\n"));
            } else {
                w.drop(
                    *l,
                    format!("{selector} {{ {name} }}"),
                    format!("{selector} may set only {}", props.join(", ")),
                );
            }
        }
        if !kept.is_empty() {
            w.out.push_str(&format!("{selector} {{\n{kept}}}\n"));
        }
    }
}

/// One selector: `.class` or `.class:pseudo`, nothing around it. None for any other.
fn selector(p: &mut Parser<'_, '_>, w: &mut Walk) -> Option<String> {
    let mut tokens = Vec::new();
    while let Ok(t) = p.next_including_whitespace() {
        let t = t.clone();
        if let Some(reason) = danger(&t) {
            let l = line(p);
            w.refuse(l, reason);
            return None;
        }
        if is_block(&t) {
            let _ = p.parse_nested_block(|p| {
                scan(p, w);
                Ok::<_, Never<'_>>(())
            });
        }
        tokens.push(t);
    }
    while matches!(tokens.last(), Some(Token::WhiteSpace(_))) {
        tokens.pop();
    }
    let start = tokens
        .iter()
        .position(|t| !matches!(t, Token::WhiteSpace(_)))?;
    match &tokens[start..] {
        [Token::Delim('.'), Token::Ident(class)] => Some(format!(".{class}")),
        [
            Token::Delim('.'),
            Token::Ident(class),
            Token::Colon,
            Token::Ident(pseudo),
        ] => Some(format!(".{class}:{}", pseudo.to_ascii_lowercase())),
        _ => None,
    }
}

/// A block's declarations that read as `property: value`, each with its line; the others
/// are dropped and reported.
fn declarations(p: &mut Parser<'_, '_>, w: &mut Walk) -> Vec<(u32, String, String)> {
    let mut out = Vec::new();
    while w.refusal.is_none() && !p.is_exhausted() {
        p.skip_whitespace();
        let l = line(p);
        let start = p.position();
        let got = p.parse_until_after(Delimiter::Semicolon, |p| {
            Ok::<_, Never<'_>>(declaration(p, w))
        });
        if w.refusal.is_some() {
            break;
        }
        let text = p
            .slice_from(start)
            .trim()
            .trim_end_matches(';')
            .trim()
            .to_string();
        match got {
            Ok(Ok(Some((name, value)))) => out.push((l, name, value)),
            Ok(Ok(None)) => {}
            Ok(Err(reason)) => w.drop(l, text, reason),
            Err(_) => w.drop(l, text, "not a declaration (property: value)"),
        }
    }
    out
}

/// `property: value`; Ok(None) for an empty one, Err with the reason it is dropped.
fn declaration(p: &mut Parser<'_, '_>, w: &mut Walk) -> Result<Option<(String, String)>, String> {
    let name = match p.next() {
        Err(_) => return Ok(None),
        Ok(Token::Ident(name)) => name.to_ascii_lowercase(),
        Ok(t) => {
            let t = t.clone();
            if let Some(reason) = danger(&t) {
                let l = line(p);
                w.refuse(l, reason);
            } else if is_block(&t) {
                let _ = p.parse_nested_block(|p| {
                    scan(p, w);
                    Ok::<_, Never<'_>>(())
                });
            }
            scan(p, w);
            return Err("not a declaration (property: value)".into());
        }
    };
    if FETCHING_PROPERTIES.contains(&name.as_str()) {
        let l = line(p);
        w.refuse(
            l,
            format!("{name} is not allowed: it loads code into the sign-in page"),
        );
        return Err(String::new());
    }
    if !matches!(p.next(), Ok(Token::Colon)) {
        scan(p, w);
        return Err("not a declaration (property: value)".into());
    }
    let value = value(p, w)?;
    if value.is_empty() {
        return Err(format!("{name} has no value"));
    }
    Ok(Some((name, value)))
}

/// A value written anew from its tokens: keywords, numbers, lengths, percentages, colours,
/// `rgb()`/`hsl()`, commas, `/` and `!important`.
fn value(p: &mut Parser<'_, '_>, w: &mut Walk) -> Result<String, String> {
    let mut out = String::new();
    let mut space = false;
    let push = |out: &mut String, s: &str, space: &mut bool| {
        if *space && !out.is_empty() {
            out.push(' ');
        }
        *space = false;
        out.push_str(s);
    };
    loop {
        let t = match p.next_including_whitespace() {
            Ok(t) => t.clone(),
            Err(_) => break,
        };
        if let Some(reason) = danger(&t) {
            let l = line(p);
            w.refuse(l, reason);
            return Err(String::new());
        }
        match &t {
            Token::WhiteSpace(_) => space = true,
            Token::Ident(v) if plain(v) => push(&mut out, v, &mut space),
            Token::Number { .. } | Token::Percentage { .. } => {
                push(&mut out, &t.to_css_string(), &mut space)
            }
            Token::Dimension { unit, .. } if plain(unit) => {
                push(&mut out, &t.to_css_string(), &mut space)
            }
            Token::Hash(v) | Token::IDHash(v) if v.chars().all(|c| c.is_ascii_hexdigit()) => {
                push(&mut out, &format!("#{v}"), &mut space)
            }
            Token::Comma => {
                out.push(',');
                space = true;
            }
            Token::Delim('/') => push(&mut out, "/", &mut space),
            Token::Delim('!') => match p.next() {
                Ok(Token::Ident(i)) if i.eq_ignore_ascii_case("important") => {
                    push(&mut out, "!important", &mut space)
                }
                _ => {
                    scan(p, w);
                    return Err("'!' other than !important".into());
                }
            },
            Token::Function(name)
                if VALUE_FUNCTIONS.iter().any(|f| name.eq_ignore_ascii_case(f)) =>
            {
                let inner = p
                    .parse_nested_block(|p| Ok::<_, Never<'_>>(value(p, w)))
                    .unwrap_or_else(|_| Err("unreadable arguments".into()))?;
                push(
                    &mut out,
                    &format!("{}({inner})", name.to_ascii_lowercase()),
                    &mut space,
                );
            }
            other => {
                let shown = other.to_css_string();
                if is_block(other) {
                    let _ = p.parse_nested_block(|p| {
                        scan(p, w);
                        Ok::<_, Never<'_>>(())
                    });
                }
                scan(p, w);
                return Err(format!(
                    "{shown} is not a value the sign-in page takes (keywords, numbers, lengths, \
                     colours, rgb() and hsl())"
                ));
            }
        }
    }
    Ok(out)
}

/// A keyword or unit of ASCII letters, digits and hyphens.
fn plain(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(css: &str) -> SanitizedCss {
        sanitize("CSS", css).unwrap()
    }

    fn refused(css: &str) -> String {
        let e = sanitize("CSS", css).unwrap_err();
        assert_eq!(e.field, "CSS");
        e.reason
    }

    #[test]
    fn cognitos_classes_and_properties_are_served() {
        let s = ok(".submitButton-customizable { background-color: #3E4B5D; \
                    margin: 20px 0px 10px 0px; font-weight: bold }\n\
                    .inputField-customizable:focus { border-color: rgb(1, 2, 3) }");
        assert_eq!(
            s.css,
            ".submitButton-customizable {\n  background-color: #3E4B5D;\n  margin: 20px 0px 10px 0px;\n  font-weight: bold;\n}\n\
             .inputField-customizable:focus {\n  border-color: rgb(1, 2, 3);\n}\n"
        );
        assert!(s.dropped.is_empty(), "{:?}", s.dropped);
    }

    #[test]
    fn other_selectors_and_properties_are_dropped_and_reported() {
        let s = ok(
            "body { color: red }\n.label-customizable { font-weight: 400; color: red }\n\
                    .label-customizable .x { color: red }",
        );
        assert_eq!(s.css, ".label-customizable {\n  font-weight: 400;\n}\n");
        let whats: Vec<_> = s
            .dropped
            .iter()
            .map(|d| (d.line, d.what.as_str()))
            .collect();
        assert_eq!(
            whats,
            [
                (1, "body"),
                (2, ".label-customizable { color }"),
                (3, ".label-customizable .x")
            ]
        );
    }

    #[test]
    fn a_selector_list_keeps_what_each_class_may_set() {
        let s = ok(".label-customizable, .legalText-customizable { color: #747474 }");
        assert_eq!(s.css, ".legalText-customizable {\n  color: #747474;\n}\n");
        assert_eq!(s.dropped.len(), 1);
    }

    #[test]
    fn what_could_load_or_run_is_refused_with_its_line() {
        assert!(refused("@import 'x.css';").contains("line 1: @import"));
        assert!(refused("\n@media (x) { .a { } }").starts_with("line 2: @media"));
        let r = refused(".background-customizable {\n background-color: url(http://x/y.png) }");
        assert!(r.starts_with("line 2: url(…)"), "{r}");
        assert!(refused(".banner-customizable { background-color: url('x') }").contains("url("));
        assert!(refused(".a { width: expression(alert(1)) }").contains("expression("));
        assert!(refused(".a { color: red }</style><script>").contains("<style>"));
        // An escape does not hide a function's name.
        assert!(refused(".a { background: u\\72l(x) }").contains("url("));
        // Nor does a drop: a dangerous value in a property that would be dropped.
        assert!(refused("body { background-image: image-set('x' 1x) }").contains("image-set("));
        assert!(refused(".a { -moz-binding: x }").contains("-moz-binding"));
        assert!(refused(".a { color: javascript\\3a alert }").contains("javascript:"));
    }

    #[test]
    fn values_are_written_anew() {
        let s = ok(".label-customizable { font-weight: /* c */ 700 !important ; }");
        assert_eq!(
            s.css,
            ".label-customizable {\n  font-weight: 700 !important;\n}\n"
        );
        let s = ok(".legalText-customizable { color: \"red\" }");
        assert_eq!(s.css, "");
        assert_eq!(s.dropped.len(), 1);
    }

    #[test]
    fn cognitos_template_is_served_whole() {
        let s = ok(crate::branding::COGNITO_TEMPLATE_CSS);
        assert!(s.dropped.is_empty(), "{:?}", s.dropped);
        assert_eq!(s.css.matches('{').count(), CLASSES.len());
    }
}
