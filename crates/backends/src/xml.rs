//! STS's XML answers, read with quick-xml: each leaf element's local name and text, in
//! document order. Namespaces are ignored (AWS's answers carry one, moto's errors none);
//! entities and character references are resolved, CDATA is taken as text.

use quick_xml::Reader;
use quick_xml::events::Event;

/// The leaves of `bytes`: (local name, text) for every element that holds text and no
/// elements, in document order. An error names what is wrong with the document.
pub(crate) fn leaves(bytes: &[u8]) -> Result<Vec<(String, String)>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    let mut reader = Reader::from_str(text);
    let mut out = Vec::new();
    // The open elements, each with the text gathered so far and whether it has children.
    let mut open: Vec<(String, String, bool)> = Vec::new();
    let mut saw_root = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) => {
                if let Some(parent) = open.last_mut() {
                    parent.2 = true;
                } else if saw_root {
                    return Err("more than one root element".into());
                }
                saw_root = true;
                open.push((e.local_name().as_ref().to_string(), String::new(), false));
            }
            Event::Empty(e) => {
                if let Some(parent) = open.last_mut() {
                    parent.2 = true;
                }
                saw_root = true;
                out.push((e.local_name().as_ref().to_string(), String::new()));
            }
            Event::End(_) => {
                let Some((name, text, has_children)) = open.pop() else {
                    return Err("an end tag with no element open".into());
                };
                if !has_children {
                    out.push((name, text));
                }
            }
            Event::Text(t) => {
                if let Some(cur) = open.last_mut() {
                    cur.1.push_str(&t.xml10_content());
                } else if !t.xml10_content().trim().is_empty() {
                    return Err("text outside the root element".into());
                }
            }
            Event::CData(t) => {
                if let Some(cur) = open.last_mut() {
                    cur.1.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.xml10_content();
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| format!("unknown entity &{name};"))?
                            .to_string()
                    }
                };
                if let Some(cur) = open.last_mut() {
                    cur.1.push_str(&resolved);
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if !open.is_empty() {
        return Err(format!(
            "the document ends inside <{}>",
            open[open.len() - 1].0
        ));
    }
    if !saw_root {
        return Err("no element".into());
    }
    Ok(out
        .into_iter()
        .map(|(n, t)| (n, t.trim().to_string()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_sts_answer() {
        let body = br#"<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>L8Q+a/b</SecretAccessKey><SessionToken>FQ&amp;x</SessionToken><Expiration>2026-11-22T01:46:07.297375Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"#;
        let l = leaves(body).unwrap();
        assert_eq!(l[0], ("AccessKeyId".into(), "ASIA1".into()));
        assert_eq!(l[2], ("SessionToken".into(), "FQ&x".into()));
        assert_eq!(l.len(), 4);
    }

    #[test]
    fn refuses_broken_documents() {
        assert!(leaves(b"<a><b>x</a>").is_err());
        assert!(leaves(b"<a>").unwrap_err().contains("ends inside"));
        assert!(leaves(b"{\"json\": 1}").is_err());
        assert!(leaves(b"").is_err());
    }
}
