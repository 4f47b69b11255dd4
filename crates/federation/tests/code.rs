//! The relying party's half of a sign-in through a provider: Sign in with Apple's client
//! secret, checked by an independent JWT implementation against the key's public half.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jsonwebtoken::{Algorithm, DecodingKey, Validation};

#[test]
fn apples_client_secret_is_an_es256_jwt_of_the_team_for_the_services_id() {
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let pem = pair.serialize_pem();
    assert!(pem.contains("-----BEGIN PRIVATE KEY-----"));
    let now = 1_700_000_000;
    let secret = federation::code::apple_client_secret(
        "TEAM123456",
        "KEY1234567",
        "com.example.web",
        &pem,
        now,
    )
    .unwrap();
    let header = jsonwebtoken::decode_header(&secret).unwrap();
    assert_eq!(header.alg, Algorithm::ES256);
    assert_eq!(header.kid.as_deref(), Some("KEY1234567"));
    let mut v = Validation::new(Algorithm::ES256);
    v.set_audience(&["https://appleid.apple.com"]);
    v.set_issuer(&["TEAM123456"]);
    v.validate_exp = false;
    let key = DecodingKey::from_ec_pem(pair.public_key_pem().as_bytes()).unwrap();
    let claims = jsonwebtoken::decode::<serde_json::Value>(&secret, &key, &v)
        .unwrap()
        .claims;
    assert_eq!(claims["sub"], "com.example.web");
    assert_eq!(claims["iat"], now);
    assert_eq!(
        claims["exp"],
        now + federation::code::APPLE_SECRET_LIFETIME_S
    );

    let e = federation::code::apple_client_secret("T", "K", "c", "not a key", now).unwrap_err();
    assert!(e.to_string().contains("private_key"), "{e}");
}
