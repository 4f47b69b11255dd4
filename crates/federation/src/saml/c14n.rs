//! Exclusive XML canonicalization 1.0, without comments
//! (<https://www.w3.org/TR/xml-exc-c14n/>), of one element's subtree with one descendant left
//! out (the enveloped signature): what SAML signatures are computed over.
//!
//! Over roxmltree's tree (text already decoded, attribute values normalised, CDATA merged,
//! line ends normalised): elements as start and end tags (never `<e/>`); a namespace
//! declaration output on an element only where the element or one of its attributes uses the
//! prefix ("visibly utilises" it) or it is in the `InclusiveNamespaces` prefix list, and not
//! already output with the same URI by an output ancestor; declarations sorted by prefix,
//! attributes by namespace URI then local name; comments left out; `&`, `<`, `>`, `"` and the
//! white-space characters escaped as the recommendation says. Prefixes come from the source
//! text (roxmltree gives positions), since two prefixes may name one URI.

use std::collections::BTreeMap;

use roxmltree::{Node, NodeId, NodeType};

const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Canonical bytes of `apex`'s subtree without the subtree of `omit`.
pub fn canonicalize(apex: Node<'_, '_>, omit: Option<NodeId>, inclusive: &[String]) -> String {
    let mut out = String::new();
    // The namespace declarations output so far by the ancestors being output: prefix → URI
    // ("" is the default namespace).
    let rendered: BTreeMap<String, String> = BTreeMap::new();
    node(apex, omit, inclusive, &rendered, &mut out);
    out
}

/// The prefix of an element's name as written.
pub fn element_prefix<'a>(n: Node<'a, '_>) -> &'a str {
    let text = n.document().input_text();
    let start = n.range().start + 1;
    let rest = text.get(start..).unwrap_or_default();
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(rest.len());
    let qname = &rest[..end];
    qname.split_once(':').map(|(p, _)| p).unwrap_or("")
}

fn attribute_qname<'a>(n: Node<'a, '_>, a: &roxmltree::Attribute<'a, '_>) -> &'a str {
    n.document()
        .input_text()
        .get(a.range_qname())
        .unwrap_or_else(|| a.name())
}

fn node(
    n: Node<'_, '_>,
    omit: Option<NodeId>,
    inclusive: &[String],
    rendered: &BTreeMap<String, String>,
    out: &mut String,
) {
    if Some(n.id()) == omit {
        return;
    }
    match n.node_type() {
        NodeType::Element => element(n, omit, inclusive, rendered, out),
        NodeType::Text => escape_text(n.text().unwrap_or_default(), out),
        NodeType::PI => {
            if let Some(pi) = n.pi() {
                out.push_str("<?");
                out.push_str(pi.target);
                if let Some(v) = pi.value {
                    out.push(' ');
                    out.push_str(v);
                }
                out.push_str("?>");
            }
        }
        NodeType::Comment | NodeType::Root => {}
    }
}

fn element(
    n: Node<'_, '_>,
    omit: Option<NodeId>,
    inclusive: &[String],
    rendered: &BTreeMap<String, String>,
    out: &mut String,
) {
    let prefix = element_prefix(n);
    // The prefixes this element visibly uses.
    let mut used: Vec<&str> = vec![prefix];
    let mut attrs: Vec<(&str, &str, String, &str)> = Vec::new(); // (ns uri, local, qname, value)
    for a in n.attributes() {
        let qname = attribute_qname(n, &a);
        if let Some((p, _)) = qname.split_once(':')
            && p != "xml"
        {
            used.push(p);
        }
        attrs.push((
            a.namespace().unwrap_or(""),
            a.name(),
            qname.to_owned(),
            a.value(),
        ));
    }
    // In-scope declarations of this element: prefix → URI.
    let mut in_scope: BTreeMap<String, String> = BTreeMap::new();
    for ns in n.namespaces() {
        if ns.uri() == XML_NS {
            continue;
        }
        in_scope.insert(ns.name().unwrap_or("").to_owned(), ns.uri().to_owned());
    }
    let mut now_rendered = rendered.clone();
    let mut decls: Vec<(String, String)> = Vec::new();
    let candidates = used
        .iter()
        .map(|p| (*p).to_owned())
        .chain(inclusive.iter().map(|p| {
            if p == "#default" {
                String::new()
            } else {
                p.clone()
            }
        }));
    for p in candidates {
        if decls.iter().any(|(q, _)| *q == p) {
            continue;
        }
        match in_scope.get(&p) {
            Some(uri) => {
                if rendered.get(&p) != Some(uri) {
                    decls.push((p.clone(), uri.clone()));
                    now_rendered.insert(p, uri.clone());
                }
            }
            None => {
                // The default namespace undeclared here while an output ancestor declared one.
                if p.is_empty() && rendered.get("").is_some_and(|u| !u.is_empty()) {
                    decls.push((String::new(), String::new()));
                    now_rendered.insert(String::new(), String::new());
                }
            }
        }
    }
    decls.sort();
    attrs.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));

    let qname = if prefix.is_empty() {
        n.tag_name().name().to_owned()
    } else {
        format!("{prefix}:{}", n.tag_name().name())
    };
    out.push('<');
    out.push_str(&qname);
    for (p, uri) in &decls {
        if p.is_empty() {
            out.push_str(" xmlns=\"");
        } else {
            out.push_str(" xmlns:");
            out.push_str(p);
            out.push_str("=\"");
        }
        escape_attr(uri, out);
        out.push('"');
    }
    for (_, _, q, v) in &attrs {
        out.push(' ');
        out.push_str(q);
        out.push_str("=\"");
        escape_attr(v, out);
        out.push('"');
    }
    out.push('>');
    for c in n.children() {
        node(c, omit, inclusive, &now_rendered, out);
    }
    out.push_str("</");
    out.push_str(&qname);
    out.push('>');
}

fn escape_text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

fn escape_attr(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c14n(xml: &str) -> String {
        let doc = roxmltree::Document::parse(xml).unwrap();
        canonicalize(doc.root_element(), None, &[])
    }

    fn c14n_child(xml: &str, inclusive: &[String]) -> String {
        let doc = roxmltree::Document::parse(xml).unwrap();
        let child = doc.root_element().first_element_child().unwrap();
        canonicalize(child, None, inclusive)
    }

    #[test]
    fn the_recommendation_s_own_example() {
        // xml-exc-c14n §2.2: the unused n1 is dropped from the exclusive form of n1:elem2.
        let xml = r#"<n0:local xmlns:n0="foo:bar" xmlns:n3="ftp://example.org"><n1:elem2 xmlns:n1="http://example.net" xml:lang="en"><n3:stuff xmlns:n3="ftp://example.org"/></n1:elem2></n0:local>"#;
        assert_eq!(
            c14n_child(xml, &[]),
            r#"<n1:elem2 xmlns:n1="http://example.net" xml:lang="en"><n3:stuff xmlns:n3="ftp://example.org"></n3:stuff></n1:elem2>"#
        );
    }

    #[test]
    fn inclusive_prefixes_are_output_where_in_scope() {
        let xml = r#"<a xmlns:x="urn:x" xmlns:y="urn:y"><b y:at="1"/></a>"#;
        assert_eq!(
            c14n_child(xml, &["x".to_owned()]),
            r#"<b xmlns:x="urn:x" xmlns:y="urn:y" y:at="1"></b>"#
        );
    }

    #[test]
    fn attributes_sort_by_namespace_then_name_and_values_escape() {
        let xml = "<e xmlns:b=\"urn:b\" xmlns:a=\"urn:a\" z=\"1\" b:c=\"2\" a:d=\"&lt;&amp;&quot;\" y=\"x&#9;y\">t&amp;&gt;<!-- gone --></e>";
        assert_eq!(
            c14n(xml),
            "<e xmlns:a=\"urn:a\" xmlns:b=\"urn:b\" y=\"x&#x9;y\" z=\"1\" a:d=\"&lt;&amp;&quot;\" b:c=\"2\">t&amp;&gt;</e>"
        );
    }

    #[test]
    fn default_namespace_is_undeclared_when_a_child_leaves_it() {
        let xml = r#"<a xmlns="urn:d"><b xmlns=""/></a>"#;
        assert_eq!(c14n(xml), r#"<a xmlns="urn:d"><b xmlns=""></b></a>"#);
    }

    #[test]
    fn a_redundant_declaration_is_output_once() {
        let xml = r#"<p:a xmlns:p="urn:p"><p:b xmlns:p="urn:p"/></p:a>"#;
        assert_eq!(c14n(xml), r#"<p:a xmlns:p="urn:p"><p:b></p:b></p:a>"#);
    }
}
