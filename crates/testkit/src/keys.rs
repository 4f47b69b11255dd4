//! Key files as `openssl` writes them, made in the test itself.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::KeyPair;
use base64::Engine;

/// `der` in PEM armour under `label` (`PRIVATE KEY`, `PUBLIC KEY`, …), 64 columns a line.
pub fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

/// A fresh RSA-2048 key: its PKCS#8 private PEM and its SubjectPublicKeyInfo PEM, as
/// `openssl genpkey` and `openssl pkey -pubout` write them.
pub fn rsa_pem_pair() -> (String, String) {
    let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    (
        pem("PRIVATE KEY", pair.as_der().unwrap().as_ref()),
        pem("PUBLIC KEY", pair.public_key().as_der().unwrap().as_ref()),
    )
}
