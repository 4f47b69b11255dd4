//! XML signatures as SAML uses them, and nothing more: an enveloped `ds:Signature`, a direct
//! child of the element it signs, with one `ds:Reference` to that element's `ID` (unique in the
//! document), the transforms enveloped-signature then exclusive c14n, SHA-256 digest,
//! exclusive-c14n `SignedInfo` and RSA-SHA256, checked with a key from the IdP's metadata
//! (never a key the response carries). Anything else — other algorithms, several references,
//! XPath transforms, a reference to another element — is refused, which is what keeps
//! signature-wrapping out: the caller reads only the element whose signature verified.

use aws_lc_rs::digest;
use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use roxmltree::Node;

use super::c14n;
use super::metadata::SigningKey;
use super::xml::{self, DSIG_NS};

pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
pub const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
pub const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";

fn algorithm<'a>(n: Node<'a, '_>, what: &str) -> Result<&'a str, String> {
    n.attribute("Algorithm")
        .ok_or_else(|| format!("the signature's {what} has no Algorithm"))
}

/// The `InclusiveNamespaces PrefixList` of a c14n method or transform.
fn prefix_list(n: Node<'_, '_>) -> Vec<String> {
    n.children()
        .filter(|c| xml::is(*c, EXC_C14N, "InclusiveNamespaces"))
        .filter_map(|c| c.attribute("PrefixList"))
        .flat_map(|l| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

fn b64(text: &str, what: &str) -> Result<Vec<u8>, String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| format!("the signature's {what} is not base64"))
}

/// Checks `signature`, a `ds:Signature` child of `signed`, against the metadata's keys.
pub fn verify(
    signed: Node<'_, '_>,
    signature: Node<'_, '_>,
    keys: &[SigningKey],
) -> Result<(), String> {
    let what = signed.tag_name().name();
    let signed_info = xml::only_child(signature, DSIG_NS, "SignedInfo")
        .ok_or_else(|| format!("the {what}'s signature has no single SignedInfo"))?;
    let value = xml::only_child(signature, DSIG_NS, "SignatureValue")
        .ok_or_else(|| format!("the {what}'s signature has no single SignatureValue"))?;

    let c14n_method = xml::only_child(signed_info, DSIG_NS, "CanonicalizationMethod")
        .ok_or_else(|| "the signature has no CanonicalizationMethod".to_owned())?;
    let c14n_alg = algorithm(c14n_method, "CanonicalizationMethod")?;
    if c14n_alg != EXC_C14N {
        return Err(format!(
            "the signature's canonicalization is {c14n_alg}; only exclusive c14n ({EXC_C14N}) is accepted"
        ));
    }
    let sig_method = xml::only_child(signed_info, DSIG_NS, "SignatureMethod")
        .ok_or_else(|| "the signature has no SignatureMethod".to_owned())?;
    let sig_alg = algorithm(sig_method, "SignatureMethod")?;
    if sig_alg != RSA_SHA256 {
        return Err(format!(
            "the signature's method is {sig_alg}; only RSA-SHA256 ({RSA_SHA256}) is accepted"
        ));
    }
    let references: Vec<_> = xml::children(signed_info, DSIG_NS, "Reference").collect();
    let [reference] = references.as_slice() else {
        return Err(format!(
            "the signature has {} references; a SAML signature has exactly one",
            references.len()
        ));
    };

    // The reference must name the element the signature sits in, by an ID no other element has.
    let id = signed
        .attribute("ID")
        .ok_or_else(|| format!("the signed {what} has no ID"))?;
    let uri = reference.attribute("URI").unwrap_or_default();
    if uri != format!("#{id}") {
        return Err(format!(
            "the signature refers to '{uri}', not to the {what} it is in (#{id})"
        ));
    }
    let same_id = signed
        .document()
        .descendants()
        .filter(|n| n.attribute("ID") == Some(id))
        .count();
    if same_id != 1 {
        return Err(format!(
            "{same_id} elements carry the ID '{id}'; an ID must be unique"
        ));
    }

    let transforms: Vec<_> = xml::only_child(*reference, DSIG_NS, "Transforms")
        .map(|t| xml::children(t, DSIG_NS, "Transform").collect())
        .unwrap_or_default();
    let algs: Vec<&str> = transforms
        .iter()
        .map(|t| algorithm(*t, "Transform"))
        .collect::<Result<_, _>>()?;
    let inclusive = match algs.as_slice() {
        [ENVELOPED, EXC_C14N] => prefix_list(transforms[1]),
        other => {
            return Err(format!(
                "the signature's transforms are {other:?}; only enveloped-signature then exclusive c14n are accepted"
            ));
        }
    };
    let digest_method = xml::only_child(*reference, DSIG_NS, "DigestMethod")
        .ok_or_else(|| "the reference has no DigestMethod".to_owned())?;
    let digest_alg = algorithm(digest_method, "DigestMethod")?;
    if digest_alg != SHA256 {
        return Err(format!(
            "the reference's digest is {digest_alg}; only SHA-256 ({SHA256}) is accepted"
        ));
    }
    let digest_value = xml::only_child(*reference, DSIG_NS, "DigestValue")
        .ok_or_else(|| "the reference has no DigestValue".to_owned())?;
    let expected = b64(&xml::text(digest_value), "DigestValue")?;

    let canonical = c14n::canonicalize(signed, Some(signature.id()), &inclusive);
    let actual = digest::digest(&digest::SHA256, canonical.as_bytes());
    if actual.as_ref() != expected.as_slice() {
        return Err(format!(
            "the {what}'s digest does not match its content: it was changed after it was signed"
        ));
    }

    let signed_info_c14n = c14n::canonicalize(signed_info, None, &prefix_list(c14n_method));
    let sig = b64(&xml::text(value), "SignatureValue")?;
    let verified = keys.iter().any(|k| {
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &k.rsa_public_key)
            .verify(signed_info_c14n.as_bytes(), &sig)
            .is_ok()
    });
    if verified {
        Ok(())
    } else {
        Err(format!("the {what}'s signature {}", super::UNKNOWN_KEY))
    }
}
