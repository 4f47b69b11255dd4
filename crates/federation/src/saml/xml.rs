//! The XML helpers SAML needs: parsing that refuses DTDs (and so entities) and bounds the
//! tree, element tests by namespace and local name, whole text content, and xs:dateTime.

use roxmltree::{Document, Node, ParsingOptions};

pub const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
pub const ASSERTION_NS: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
pub const PROTOCOL_NS: &str = "urn:oasis:names:tc:SAML:2.0:protocol";

/// The most nodes a document may have (a SAML response is a few hundred).
pub const MAX_NODES: u32 = 100_000;

/// Parses a document; a DOCTYPE is refused.
pub fn parse(text: &str) -> Result<Document<'_>, String> {
    if text.contains("<!DOCTYPE") || text.contains("<!ENTITY") {
        return Err("has a DOCTYPE or an entity declaration, which SAML never needs".to_owned());
    }
    Document::parse_with_options(
        text,
        ParsingOptions {
            allow_dtd: false,
            nodes_limit: MAX_NODES,
            ..ParsingOptions::default()
        },
    )
    .map_err(|e| format!("is not well-formed XML: {e}"))
}

/// Whether `n` is the element `{ns}local`.
pub fn is(n: Node<'_, '_>, ns: &str, local: &str) -> bool {
    n.is_element() && n.tag_name().namespace() == Some(ns) && n.tag_name().name() == local
}

/// `n`'s child elements `{ns}local`.
pub fn children<'a, 'i>(
    n: Node<'a, 'i>,
    ns: &'a str,
    local: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    n.children().filter(move |c| is(*c, ns, local))
}

/// `n`'s only child element `{ns}local`, if it has exactly one.
pub fn only_child<'a, 'i>(n: Node<'a, 'i>, ns: &'a str, local: &'a str) -> Option<Node<'a, 'i>> {
    let mut it = children(n, ns, local);
    let first = it.next()?;
    it.next().is_none().then_some(first)
}

/// The whole text of an element: every descendant text node, in order. (roxmltree's `text()`
/// answers only the first text node, which a comment splits: `a<!---->b`.)
pub fn text(n: Node<'_, '_>) -> String {
    n.descendants()
        .filter(Node::is_text)
        .filter_map(|t| t.text())
        .collect()
}

/// An xs:dateTime in epoch ms.
pub fn instant_ms(v: &str) -> Result<i64, String> {
    let t = time::OffsetDateTime::parse(v.trim(), &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("'{v}' is not an xs:dateTime: {e}"))?;
    Ok((t.unix_timestamp_nanos() / 1_000_000) as i64)
}
